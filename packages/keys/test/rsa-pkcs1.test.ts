// RSASSA-PKCS1-v1_5 internals (RFC 8017 §4, §8.2.2, §9.2) against Node's OpenSSL.
import { constants, generateKeyPairSync, publicEncrypt, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { i2osp, modPow, os2ip } from '../src/bigint.js';
import { emsaPkcs1v15Encode, PKCS1_SHA1, PKCS1_SHA256, PKCS1_SHA512 } from '../src/rsa-pkcs1.js';
import { utf8 } from './helpers.js';

describe('EMSA-PKCS1-v1_5', () => {
  it('equals the encoded message OpenSSL signs (SHA-1, SHA-256, SHA-512)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = utf8('encoded message check');
    for (const [hash, h] of [
      ['sha1', PKCS1_SHA1],
      ['sha256', PKCS1_SHA256],
      ['sha512', PKCS1_SHA512],
    ] as const) {
      const sig = sign(hash, data, privateKey);
      // Raw RSA with the public key (OpenSSL's, not ours) recovers EM = s^e mod n.
      const em = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sig);
      expect(emsaPkcs1v15Encode(data, h, 256), hash).toEqual(new Uint8Array(em));
    }
  });

  it('refuses an encoded length that cannot hold T plus 11 bytes', () => {
    expect(emsaPkcs1v15Encode(utf8('x'), PKCS1_SHA512, 19 + 64 + 10)).toBeUndefined();
    expect(emsaPkcs1v15Encode(utf8('x'), PKCS1_SHA512, 19 + 64 + 11)).toBeDefined();
  });
});

describe('bigint helpers', () => {
  it('modPow agrees with repeated multiplication', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 1n << 200n), fc.bigInt(0n, 300n), fc.bigInt(1n, 1n << 100n), (b, e, m) => {
        let expected = 1n % m;
        for (let i = 0n; i < e; i++) expected = (expected * b) % m;
        expect(modPow(b, e, m)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('i2osp / os2ip round-trip and i2osp rejects values too large', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(i2osp(os2ip(bytes), bytes.length)).toEqual(bytes);
      }),
    );
    expect(() => i2osp(256n, 1)).toThrow(RangeError);
    expect(i2osp(255n, 1)).toEqual(Uint8Array.of(255));
  });
});
