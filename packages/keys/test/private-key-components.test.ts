// privateKeyFromComponents: validation, and signatures checked against independent code — RFC 8032
// test vectors, and node:crypto (OpenSSL) keys, signatures and verification for RSA and ECDSA.
import { generateKeyPairSync, type JsonWebKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { SSHReader } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  type PrivateKey,
  type PrivateKeyComponents,
  privateKeyFromComponents,
  UnsupportedKeyTypeError,
} from '../src/index.js';
import { PKCS1_SHA256 } from '../src/rsa-pkcs1.js';
import { rsassaPkcs1v15Sign } from '../src/rsa-sign.js';
import { fromHex, toHex } from './openssh-key-tools.js';

const b64uInt = (s: string | undefined): bigint =>
  BigInt(`0x${Buffer.from(s ?? '', 'base64url').toString('hex') || '0'}`);
const msg = new TextEncoder().encode('message to sign');

function splitBlob(blob: Uint8Array): { algorithm: string; signature: Uint8Array } {
  const r = new SSHReader(blob);
  const algorithm = new TextDecoder().decode(r.string());
  const signature = r.string().slice();
  r.end();
  return { algorithm, signature };
}

/** An RSA key made by OpenSSL through node:crypto, as JWK numbers and a public KeyObject. */
function opensslRsa(bits: number) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  const components = {
    type: 'ssh-rsa',
    n: b64uInt(jwk.n),
    e: b64uInt(jwk.e),
    d: b64uInt(jwk.d),
    p: b64uInt(jwk.p),
    q: b64uInt(jwk.q),
  } as const;
  return { components, qi: b64uInt(jwk.qi), publicKey, privateKey };
}

describe('ssh-ed25519', () => {
  // RFC 8032 §7.1 TEST 1 (empty message) and TEST 2 (one byte 0x72).
  const SECRET = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
  const PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const SIG_EMPTY =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  it('derives the RFC 8032 public key and signature', () => {
    const key = privateKeyFromComponents({ type: 'ssh-ed25519', seed: fromHex(SECRET) }, 'rfc8032');
    expect(toHex(key.publicKey.blob.subarray(-32))).toBe(PUBLIC);
    const { algorithm, signature } = splitBlob(key.sign(new Uint8Array(0)));
    expect(algorithm).toBe('ssh-ed25519');
    expect(toHex(signature)).toBe(SIG_EMPTY);
    expect(key.publicKey.verify(new Uint8Array(0), key.sign(new Uint8Array(0)))).toBe(true);
    expect(key.type).toBe('ssh-ed25519');
    expect(key.bits).toBe(256);
    expect(key.comment).toBe('rfc8032');
  });

  it('rejects a seed that is not 32 bytes', () => {
    for (const n of [0, 31, 33, 64]) {
      expect(() => privateKeyFromComponents({ type: 'ssh-ed25519', seed: new Uint8Array(n) })).toThrow(
        KeyFormatError,
      );
    }
  });

  it('hands out copies of the seed', () => {
    const key = privateKeyFromComponents({ type: 'ssh-ed25519', seed: fromHex(SECRET) });
    const c = key.components() as Extract<PrivateKeyComponents, { type: 'ssh-ed25519' }>;
    c.seed.fill(0);
    expect(toHex((key.components() as typeof c).seed)).toBe(SECRET);
  });
});

describe('ssh-rsa', () => {
  const k2048 = opensslRsa(2048);

  it('computes iqmp = q⁻¹ mod p when absent, as OpenSSL does', () => {
    const key = privateKeyFromComponents(k2048.components);
    const c = key.components() as Extract<PrivateKeyComponents, { type: 'ssh-rsa' }>;
    expect(c.iqmp).toBe(k2048.qi);
    expect(key.bits).toBe(2048);
    expect(key.signatureAlgorithms).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it.each([
    ['rsa-sha2-512', 'sha512'],
    ['rsa-sha2-256', 'sha256'],
    ['ssh-rsa', 'sha1'],
  ] as const)(
    '%s signatures equal OpenSSL’s (PKCS#1 v1.5 is deterministic) and verify with node:crypto',
    (alg, hash) => {
      const key = privateKeyFromComponents({ ...k2048.components, iqmp: k2048.qi });
      const blob = key.sign(msg, alg);
      const { algorithm, signature } = splitBlob(blob);
      expect(algorithm).toBe(alg);
      expect(signature.length).toBe(256);
      expect(toHex(signature)).toBe(toHex(nodeSign(hash, msg, k2048.privateKey)));
      expect(nodeVerify(hash, msg, k2048.publicKey, signature)).toBe(true);
      expect(key.publicKey.verify(msg, blob, alg)).toBe(true);
    },
  );

  it('defaults to rsa-sha2-512 and refuses other algorithms with TypeError', () => {
    const key = privateKeyFromComponents(k2048.components);
    expect(splitBlob(key.sign(msg)).algorithm).toBe('rsa-sha2-512');
    expect(() => key.sign(msg, 'ssh-ed25519')).toThrow(TypeError);
  });

  it('signs with a 3072-bit OpenSSL key: exactly modulus length, equal to OpenSSL', () => {
    const k = opensslRsa(3072);
    const key = privateKeyFromComponents(k.components);
    for (let i = 0; i < 8; i++) {
      const m = new TextEncoder().encode(`message ${i}`);
      const { signature } = splitBlob(key.sign(m, 'rsa-sha2-256'));
      expect(signature.length).toBe(384);
      expect(toHex(signature)).toBe(toHex(nodeSign('sha256', m, k.privateKey)));
    }
  });

  const c = k2048.components;
  it.each([
    ['n ≠ p·q', { ...c, n: c.n + 2n }],
    ['even e', { ...c, e: 65536n }],
    ['e = 1', { ...c, e: 1n }],
    ['wrong d', { ...c, d: c.d + 2n }],
    ['d ≥ n', { ...c, d: c.n + c.d }],
    ['wrong iqmp', { ...c, iqmp: k2048.qi + 1n }],
    ['p = 1', { ...c, p: 1n, q: c.n }],
    ['zero d', { ...c, d: 0n }],
  ] as const)('rejects inconsistent components: %s', (_name, bad) => {
    expect(() => privateKeyFromComponents(bad)).toThrow(KeyFormatError);
  });

  it('rejects a modulus below MIN_RSA_MODULUS_BITS (1024)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 768 });
    const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
    const small = {
      type: 'ssh-rsa',
      n: b64uInt(jwk.n),
      e: b64uInt(jwk.e),
      d: b64uInt(jwk.d),
      p: b64uInt(jwk.p),
      q: b64uInt(jwk.q),
    } as const;
    expect(() => privateKeyFromComponents(small)).toThrow(/below 1024/);
  });

  it('refuses to release a faulty CRT signature (verify-after-sign)', () => {
    const { n, e, d, p, q } = c;
    const good = { n, e, d, p, q, dP: d % (p - 1n), dQ: d % (q - 1n), qInv: k2048.qi, k: 256 };
    expect(rsassaPkcs1v15Sign(good, msg, PKCS1_SHA256).length).toBe(256);
    // A fault in one half of the CRT (Boneh–DeMillo–Lipton) must never produce output.
    expect(() => rsassaPkcs1v15Sign({ ...good, dP: good.dP ^ 1n }, msg, PKCS1_SHA256)).toThrow(
      KeyFormatError,
    );
  });
});

describe('ecdsa-sha2-nistp256/384/521', () => {
  const curves = [
    ['ecdsa-sha2-nistp256', 'P-256', 'sha256', 32],
    ['ecdsa-sha2-nistp384', 'P-384', 'sha384', 48],
    ['ecdsa-sha2-nistp521', 'P-521', 'sha512', 66],
  ] as const;

  it.each(curves)(
    '%s: OpenSSL key, deterministic signature verified by node:crypto',
    (type, namedCurve, hash, size) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
      const key = privateKeyFromComponents({ type, d: b64uInt(jwk.d) });
      // The public key we derive is OpenSSL's Q.
      const q = key.publicKey.blob.subarray(-(1 + 2 * size));
      expect(toHex(q.subarray(1, 1 + size))).toBe(Buffer.from(jwk.x ?? '', 'base64url').toString('hex'));
      expect(toHex(q.subarray(1 + size))).toBe(Buffer.from(jwk.y ?? '', 'base64url').toString('hex'));

      const blob = key.sign(msg);
      expect(toHex(key.sign(msg))).toBe(toHex(blob)); // RFC 6979: same message, same signature
      expect(toHex(key.sign(new Uint8Array([1])))).not.toBe(toHex(blob));
      const { algorithm, signature } = splitBlob(blob);
      expect(algorithm).toBe(type);
      const r = new SSHReader(signature);
      const rs = Buffer.concat([
        Buffer.from(
          r
            .mpint()
            .toString(16)
            .padStart(size * 2, '0'),
          'hex',
        ),
        Buffer.from(
          r
            .mpint()
            .toString(16)
            .padStart(size * 2, '0'),
          'hex',
        ),
      ]);
      r.end();
      expect(nodeVerify(hash, msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rs)).toBe(true);
      expect(key.publicKey.verify(msg, blob)).toBe(true);
      expect(key.bits).toBe(Number(namedCurve.slice(2)));
    },
  );

  it('rejects d outside [1, n − 1]', () => {
    const n = p256.Point.Fn.ORDER;
    for (const d of [0n, n, n + 1n, -1n]) {
      expect(() => privateKeyFromComponents({ type: 'ecdsa-sha2-nistp256', d })).toThrow(KeyFormatError);
    }
    expect(privateKeyFromComponents({ type: 'ecdsa-sha2-nistp256', d: n - 2n }).type).toBe(
      'ecdsa-sha2-nistp256',
    );
  });
});

describe('PrivateKey', () => {
  const key: PrivateKey = privateKeyFromComponents(
    { type: 'ssh-ed25519', seed: new Uint8Array(32).fill(7) },
    'me@host',
  );

  it('carries the comment into publicKey.toString(), and withComment replaces it', () => {
    expect(key.publicKey.toString()).toMatch(/^ssh-ed25519 \S+ me@host$/);
    const other = key.withComment('other');
    expect(other.comment).toBe('other');
    expect(other.publicKey.toString()).toMatch(/ other$/);
    expect(other.publicKey.equals(key.publicKey)).toBe(true);
    expect(toHex(other.sign(msg))).toBe(toHex(key.sign(msg)));
  });

  it('rejects unknown types', () => {
    expect(() => privateKeyFromComponents({ type: 'ssh-dss' } as unknown as PrivateKeyComponents)).toThrow(
      UnsupportedKeyTypeError,
    );
  });

  it('does not reveal secrets in toString', () => {
    expect(String(key)).toMatch(/^\[PrivateKey ssh-ed25519 SHA256:/);
  });
});
