// ssh-rsa keys (RFC 4253 §6.6) with rsa-sha2-256/512 (RFC 8332) and ssh-rsa signatures: rules that
// bad input must hit. Uses the paramiko/AsyncSSH/ssh-keygen vectors and keys made by Node's
// OpenSSL (node:crypto) — never our own signing.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { MalformedMessageError, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import {
  MAX_RSA_EXPONENT_BITS,
  MIN_RSA_MODULUS_BITS,
  parsePublicKey,
  parsePublicKeyBlob,
} from '../src/index.js';
import { hex, loadVectors, signatureBlob, splitSignatureBlob, utf8 } from './helpers.js';

const rsaBlob = (e: bigint, n: bigint) =>
  new SSHWriter().string('ssh-rsa').mpint(e).mpint(n).finish().slice();
const toBig = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const toBytes = (x: bigint, len: number) =>
  new Uint8Array(Buffer.from(x.toString(16).padStart(len * 2, '0'), 'hex'));

/** An RSA key pair from Node's OpenSSL, with its SSH public key blob. */
function nodeRsaKey(modulusLength: number, publicExponent = 65537) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = toBig(new Uint8Array(Buffer.from(jwk.n ?? '', 'base64url')));
  const e = toBig(new Uint8Array(Buffer.from(jwk.e ?? '', 'base64url')));
  return { n, e, blob: rsaBlob(e, n), privateKey };
}

/** ⌈∛x⌉ by Newton's method on BigInt. */
function cubeRootCeil(x: bigint): bigint {
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / 3) + 1);
  for (;;) {
    const next = (2n * r + x / (r * r)) / 3n;
    if (next >= r) break;
    r = next;
  }
  while (r * r * r < x) r++;
  return r;
}

const vectors = loadVectors().filter((v) => v.keyType === 'ssh-rsa');
const v2048 = vectors.find((v) => v.name === 'rsa-2048')!;
const key2048 = parsePublicKey(v2048.publicKey);
const [, e2048, n2048] = (() => {
  const blob = key2048.blob;
  // Decode e and n with our independent helpers: string type, mpint e, mpint n.
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < blob.length; ) {
    const len = view.getUint32(at);
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return [out[0], toBig(out[1]!), toBig(out[2]!)] as const;
})();
const leadingZero = v2048.librarySignatures!.find((s) => s.leadingZero)!;
const lz = { data: hex(leadingZero.dataHex), ...splitSignatureBlob(hex(leadingZero.signatureBlobHex)) };
const sha256Sig = v2048.librarySignatures!.find((s) => s.algorithm === 'rsa-sha2-256' && !s.leadingZero)!;

describe('ssh-rsa keys', () => {
  it('exports the OpenSSH minimum modulus size', () => {
    expect(MIN_RSA_MODULUS_BITS).toBe(1024);
  });

  it('has the modulus size as bits', () => {
    for (const v of vectors) expect(parsePublicKey(v.publicKey).bits).toBe(v.bits);
    expect(e2048).toBe(65537n);
  });

  it('rejects a modulus below 1024 bits and accepts exactly 1024', () => {
    const n1023 = (1n << 1022n) | 0x1234567n | 1n;
    expect(() => parsePublicKeyBlob(rsaBlob(65537n, n1023))).toThrow(MalformedMessageError);
    const n1024 = (1n << 1023n) | 0x1234567n | 1n;
    expect(parsePublicKeyBlob(rsaBlob(65537n, n1024)).bits).toBe(1024);
    expect(() => parsePublicKeyBlob(rsaBlob(65537n, 0n))).toThrow(MalformedMessageError);
  });

  it('rejects a modulus above 16384 bits', () => {
    expect(parsePublicKeyBlob(rsaBlob(65537n, (1n << 16383n) | 1n)).bits).toBe(16384);
    expect(() => parsePublicKeyBlob(rsaBlob(65537n, (1n << 16384n) | 1n))).toThrow(MalformedMessageError);
  });

  it('rejects an even exponent, e = 1 and e = 0', () => {
    for (const e of [0n, 1n, 2n, 65536n, 65538n]) {
      expect(() => parsePublicKeyBlob(rsaBlob(e, n2048)), `e=${e}`).toThrow(MalformedMessageError);
    }
    expect(parsePublicKeyBlob(rsaBlob(3n, n2048)).type).toBe('ssh-rsa');
  });

  it(`rejects an exponent over ${MAX_RSA_EXPONENT_BITS} bits`, () => {
    const big = (1n << BigInt(MAX_RSA_EXPONENT_BITS)) | 1n;
    expect(() => parsePublicKeyBlob(rsaBlob(big, n2048))).toThrow(MalformedMessageError);
    expect(parsePublicKeyBlob(rsaBlob((big >> 1n) | 1n, n2048)).type).toBe('ssh-rsa');
  });

  it('rejects a negative exponent or modulus', () => {
    const w = new SSHWriter().string('ssh-rsa').mpint(-65537n).mpint(n2048);
    expect(() => parsePublicKeyBlob(w.finish())).toThrow(MalformedMessageError);
    const w2 = new SSHWriter().string('ssh-rsa').mpint(65537n).mpint(-n2048);
    expect(() => parsePublicKeyBlob(w2.finish())).toThrow(MalformedMessageError);
  });
});

describe('ssh-rsa signatures', () => {
  it('found a vector signature starting with 0x00', () => {
    expect(lz.signature.length).toBe(256);
    expect(lz.signature[0]).toBe(0);
    expect(key2048.verify(lz.data, signatureBlob(lz.algorithm, lz.signature))).toBe(true);
  });

  it('left-pads a signature shorter than the modulus (as OpenSSH does)', () => {
    const short = lz.signature.subarray(1);
    expect(key2048.verify(lz.data, signatureBlob('rsa-sha2-256', short), 'rsa-sha2-256')).toBe(true);
  });

  it('rejects a signature longer than the modulus, even with a leading zero', () => {
    const { algorithm, signature } = splitSignatureBlob(hex(sha256Sig.signatureBlobHex));
    const data = hex(sha256Sig.dataHex);
    expect(key2048.verify(data, signatureBlob(algorithm, signature))).toBe(true);
    expect(key2048.verify(data, signatureBlob(algorithm, Uint8Array.of(0, ...signature)))).toBe(false);
    expect(key2048.verify(data, signatureBlob(algorithm, Uint8Array.of(0, 0, ...signature)))).toBe(false);
  });

  it('rejects a signature integer ≥ n, including s + n (which would otherwise verify)', () => {
    const s = toBig(lz.signature);
    const sPlusN = s + n2048;
    expect(sPlusN < 1n << 2048n).toBe(true); // fits in k bytes, so only the range check stops it
    expect(key2048.verify(lz.data, signatureBlob('rsa-sha2-256', toBytes(sPlusN, 256)))).toBe(false);
    expect(key2048.verify(lz.data, signatureBlob('rsa-sha2-256', toBytes(n2048, 256)))).toBe(false);
    expect(key2048.verify(lz.data, signatureBlob('rsa-sha2-256', toBytes(n2048 - 1n, 256)))).toBe(false);
    expect(key2048.verify(lz.data, signatureBlob('rsa-sha2-256', new Uint8Array(256)))).toBe(false);
    expect(key2048.verify(lz.data, signatureBlob('rsa-sha2-256', new Uint8Array(0)))).toBe(false);
  });

  it('rejects a signature relabelled with another hash, or checked against another algorithm', () => {
    for (const ls of v2048.librarySignatures!) {
      const data = hex(ls.dataHex);
      const { algorithm, signature } = splitSignatureBlob(hex(ls.signatureBlobHex));
      for (const other of ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa']) {
        if (other === algorithm) continue;
        expect(key2048.verify(data, signatureBlob(other, signature)), `${algorithm} as ${other}`).toBe(false);
        expect(key2048.verify(data, signatureBlob(algorithm, signature), other)).toBe(false);
      }
      for (const alien of [
        'ssh-ed25519',
        'ecdsa-sha2-nistp256',
        'rsa-sha2-384',
        'ssh-rsa-cert-v01@openssh.com',
      ]) {
        expect(key2048.verify(data, signatureBlob(alien, signature))).toBe(false);
      }
    }
  });

  it('verifies OpenSSL signatures for a 1024-bit key with e = 3', () => {
    const k = nodeRsaKey(1024, 3);
    const key = parsePublicKeyBlob(k.blob);
    expect(key.bits).toBe(1024);
    const data = utf8('hello from node:crypto');
    for (const [hash, alg] of [
      ['sha256', 'rsa-sha2-256'],
      ['sha512', 'rsa-sha2-512'],
    ] as const) {
      const sig = new Uint8Array(sign(hash, data, k.privateKey));
      expect(key.verify(data, signatureBlob(alg, sig), alg)).toBe(true);
      expect(key.verify(utf8('other'), signatureBlob(alg, sig), alg)).toBe(false);
    }
  });

  it('compares the whole encoded message (no Bleichenbacher e = 3 forgery with trailing garbage)', () => {
    const k = nodeRsaKey(2048, 3);
    const key = parsePublicKeyBlob(k.blob);
    const data = utf8('forge me');
    // EM prefix a lax parser would accept: 00 01 FF 00 ‖ DigestInfo(SHA-256, H(data)), then garbage.
    const digest = new Uint8Array(createHash('sha256').update(data).digest());
    const prefix = Uint8Array.of(
      0x00,
      0x01,
      0xff,
      0x00,
      0x30,
      0x31,
      0x30,
      0x0d,
      0x06,
      0x09,
      0x60,
      0x86,
      0x48,
      0x01,
      0x65,
      0x03,
      0x04,
      0x02,
      0x01,
      0x05,
      0x00,
      0x04,
      0x20,
      ...digest,
    );
    const target = toBig(prefix) << BigInt(8 * (256 - prefix.length));
    const s = cubeRootCeil(target);
    const em = toBytes(s ** 3n, 256);
    expect(s ** 3n < k.n).toBe(true);
    expect(Buffer.from(em.subarray(0, prefix.length)).equals(Buffer.from(prefix))).toBe(true); // the forgery is real
    expect(key.verify(data, signatureBlob('rsa-sha2-256', toBytes(s, 256)))).toBe(false);
  });
});
