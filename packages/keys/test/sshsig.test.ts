// SSHSIG (OpenSSH PROTOCOL.sshsig): signatures made by `ssh-keygen -Y sign` stored in
// test-vectors/keys/*.json are verified; ours are checked by the test's own decoder of the format
// (helpers.ts parseSshsig) and, live, by ssh-keygen (openssh-private-key.test.ts).
import { SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  parsePublicKey,
  privateKeyFromComponents,
  type Signer,
  sshsigSign,
  sshsigSignAsync,
  sshsigVerify,
} from '../src/index.js';
import { loadVectors, parseSshsig, splitSignatureBlob, sshsigSignedData, utf8 } from './helpers.js';

const vectors = loadVectors();
const key = privateKeyFromComponents({ type: 'ssh-ed25519', seed: new Uint8Array(32).fill(1) }, 'sshsig');

function rearmor(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes)
    .toString('base64')
    .replace(/.{1,70}/g, '$&\n');
  return `-----BEGIN SSH SIGNATURE-----\n${b64}-----END SSH SIGNATURE-----\n`;
}

function sshsigBlob(fields: {
  publicKey: Uint8Array;
  namespace: string;
  hash: string;
  signature: Uint8Array;
  version?: number;
}) {
  return new SSHWriter()
    .raw(utf8('SSHSIG'))
    .uint32(fields.version ?? 1)
    .string(fields.publicKey)
    .string(fields.namespace)
    .string(new Uint8Array(0))
    .string(fields.hash)
    .string(fields.signature)
    .finish()
    .slice();
}

describe('sshsigVerify on ssh-keygen -Y sign vectors', () => {
  for (const v of vectors) {
    for (const s of v.sshsig.signatures) {
      it(`${v.name} ${s.hashAlgorithm}`, () => {
        const result = sshsigVerify(s.armored, v.sshsig.namespace, v.sshsig.message);
        expect(result.valid).toBe(true);
        expect(result.publicKey.equals(parsePublicKey(v.publicKey))).toBe(true);
        expect(sshsigVerify(s.armored, `${v.sshsig.namespace}x`, v.sshsig.message).valid).toBe(false);
        expect(sshsigVerify(s.armored, v.sshsig.namespace, `${v.sshsig.message}x`).valid).toBe(false);
        expect(sshsigVerify(s.armored, v.sshsig.namespace, utf8(v.sshsig.message)).valid).toBe(true);
      });
    }
  }
});

describe('sshsigSign', () => {
  it('writes the PROTOCOL.sshsig blob, 70-column armour, over "SSHSIG" ‖ namespace ‖ reserved ‖ hash ‖ H(m)', () => {
    for (const hash of ['sha512', 'sha256'] as const) {
      const armored = sshsigSign(key, 'file', 'hello', { hash });
      const lines = armored.trimEnd().split('\n');
      for (const l of lines.slice(1, -2)) expect(l.length).toBe(70);
      const sig = parseSshsig(armored);
      expect(sig.namespace).toBe('file');
      expect(sig.hashAlgorithm).toBe(hash);
      expect(sig.reserved.length).toBe(0);
      expect(sig.publicKey).toEqual(key.publicKey.blob);
      expect(key.publicKey.verify(sshsigSignedData(sig, utf8('hello')), sig.signature)).toBe(true);
      expect(sshsigVerify(armored, 'file', 'hello').valid).toBe(true);
    }
  });

  it('uses rsa-sha2-512 for RSA keys (sshsig.c RSA_SIGN_ALG) and rejects ssh-rsa SHA-1 signatures', () => {
    const rsa = vectors.find((v) => v.keyType === 'ssh-rsa' && v.librarySignatures !== undefined);
    expect(rsa).toBeDefined();
    // Build an RSA key signing through a Signer that records the algorithm it was asked for.
    const asked: (string | undefined)[] = [];
    const fake: Signer & { sign(d: Uint8Array, a?: string): Uint8Array } = {
      publicKey: parsePublicKey(rsa!.publicKey),
      sign(_d, a) {
        asked.push(a);
        return new SSHWriter()
          .string(a ?? '')
          .string(new Uint8Array(1))
          .finish()
          .slice();
      },
    };
    sshsigSign(fake, 'file', 'x');
    expect(asked).toEqual(['rsa-sha2-512']);
    // A stored ssh-keygen RSA signature re-wrapped with an ssh-rsa (SHA-1) inner signature is invalid.
    const stored = parseSshsig(rsa!.sshsig.signatures[0]!.armored);
    const inner = splitSignatureBlob(stored.signature);
    const sha1 = new SSHWriter().string('ssh-rsa').string(inner.signature).finish().slice();
    const blob = sshsigBlob({
      publicKey: stored.publicKey,
      namespace: stored.namespace,
      hash: stored.hashAlgorithm,
      signature: sha1,
    });
    expect(sshsigVerify(rearmor(blob), rsa!.sshsig.namespace, rsa!.sshsig.message).valid).toBe(false);
  });

  it('signs through an asynchronous Signer (an agent)', async () => {
    const agentLike: Signer = { publicKey: key.publicKey, sign: async (d, a) => key.sign(d, a) };
    const armored = await sshsigSignAsync(agentLike, 'git', new Uint8Array([1, 2]));
    expect(sshsigVerify(armored, 'git', new Uint8Array([1, 2])).valid).toBe(true);
  });

  it('refuses an empty namespace or an unknown hash', () => {
    expect(() => sshsigSign(key, '', 'x')).toThrow(TypeError);
    expect(() => sshsigSign(key, 'file', 'x', { hash: 'md5' as 'sha256' })).toThrow(TypeError);
  });
});

describe('sshsigVerify on malformed input', () => {
  const good = parseSshsig(sshsigSign(key, 'file', 'hello'));
  const fields = { publicKey: good.publicKey, namespace: 'file', hash: 'sha512', signature: good.signature };

  it('accepts the rebuilt blob (the test encoder is faithful)', () => {
    expect(sshsigVerify(rearmor(sshsigBlob(fields)), 'file', 'hello').valid).toBe(true);
  });

  it.each([
    ['version 2', { ...fields, version: 2 }, /unsupported version 2/],
    ['hash sha1', { ...fields, hash: 'sha1' }, /unsupported hash algorithm "sha1"/],
    ['bad public key', { ...fields, publicKey: new Uint8Array([0, 0, 0, 1]) }, /sshsig/],
  ] as const)('%s → KeyFormatError', (_name, f, pattern) => {
    expect(() => sshsigVerify(rearmor(sshsigBlob(f)), 'file', 'hello')).toThrow(pattern);
  });

  it('rejects bad armour, magic and trailing data', () => {
    expect(() => sshsigVerify('not a signature', 'file', 'hello')).toThrow(KeyFormatError);
    const blob = sshsigBlob(fields);
    const badMagic = blob.slice();
    badMagic[0] = 0x58;
    expect(() => sshsigVerify(rearmor(badMagic), 'file', 'hello')).toThrow(/magic/);
    expect(() => sshsigVerify(rearmor(Uint8Array.from([...blob, 0])), 'file', 'hello')).toThrow(/trailing/);
  });

  it('reports a corrupted signature as invalid, not as an error', () => {
    const sig = good.signature.slice();
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
    expect(sshsigVerify(rearmor(sshsigBlob({ ...fields, signature: sig })), 'file', 'hello').valid).toBe(
      false,
    );
  });
});
