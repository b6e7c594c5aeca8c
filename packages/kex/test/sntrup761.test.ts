// sntrup761 against the NTRU Prime reference KEM's known answers, plus the ring arithmetic checks.
// The KAT: the first record of the NIST kat_kem .rsp (count = 0) as liboqs's tests/kat_kem.c and
// PQClean's nistkat print it, hashed with SHA-256; both projects publish the same digest (see
// test-vectors/sntrup761/README.md). We rebuild that text from our KEM driven by the NIST DRBG.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  SNTRUP761_CIPHERTEXT_BYTES,
  SNTRUP761_PUBLIC_KEY_BYTES,
  SNTRUP761_SECRET_KEY_BYTES,
  sntrup761Decapsulate,
  sntrup761Encapsulate,
  sntrup761KeyPair,
} from '../src/sntrup761.js';
import { secureRandom, toHex } from './helpers.js';
import { NistKatDrbg } from './nist-drbg.js';

const KAT = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../test-vectors/sntrup761/kat.json'), 'utf8'),
) as { firstSeed: string; singleSha256: string; allSha256: string; sources: string[] };

const upper = (b: Uint8Array) => toHex(b).toUpperCase();

/** One .rsp record as kat_kem prints it, and the values in it. */
function katRecord(count: number, seed: Uint8Array) {
  const drbg = new NistKatDrbg(seed);
  const random = (n: number) => drbg.randomBytes(n);
  const { publicKey, secretKey } = sntrup761KeyPair(random);
  const { cipherText, sharedSecret } = sntrup761Encapsulate(publicKey, random);
  const decapsulated = sntrup761Decapsulate(cipherText, secretKey);
  const text =
    `count = ${count}\nseed = ${upper(seed)}\npk = ${upper(publicKey)}\nsk = ${upper(secretKey)}\n` +
    `ct = ${upper(cipherText)}\nss = ${upper(sharedSecret)}\n`;
  return { text, publicKey, secretKey, cipherText, sharedSecret, decapsulated };
}

describe('NIST KAT DRBG', () => {
  it('gives the seed of record 0 that every NIST KEM .rsp starts with', () => {
    const entropy = Uint8Array.from({ length: 48 }, (_, i) => i);
    expect(upper(new NistKatDrbg(entropy).randomBytes(48))).toBe(KAT.firstSeed);
  });
});

describe('sntrup761 known answers', () => {
  it('record 0 of kat_kem hashes to the digest liboqs and PQClean publish', () => {
    const entropy = Uint8Array.from({ length: 48 }, (_, i) => i);
    const seed = new NistKatDrbg(entropy).randomBytes(48);
    const record = katRecord(0, seed);
    expect(record.publicKey.length).toBe(SNTRUP761_PUBLIC_KEY_BYTES);
    expect(record.secretKey.length).toBe(SNTRUP761_SECRET_KEY_BYTES);
    expect(record.cipherText.length).toBe(SNTRUP761_CIPHERTEXT_BYTES);
    expect(toHex(record.decapsulated)).toBe(toHex(record.sharedSecret));
    expect(toHex(sha256(new TextEncoder().encode(record.text)))).toBe(KAT.singleSha256);
  });
});

describe('sntrup761 known answers, all 100 records', () => {
  it('records 0–99, joined by blank lines, hash to liboqs’s "all" digest', { timeout: 120_000 }, () => {
    const master = new NistKatDrbg(Uint8Array.from({ length: 48 }, (_, i) => i));
    const records: string[] = [];
    for (let count = 0; count < 100; count++) {
      const record = katRecord(count, master.randomBytes(48));
      expect(toHex(record.decapsulated)).toBe(toHex(record.sharedSecret));
      records.push(record.text);
    }
    expect(toHex(sha256(new TextEncoder().encode(records.join('\n'))))).toBe(KAT.allSha256);
  });
});

describe('sntrup761 round trips', () => {
  it('decapsulation recovers the key; a changed ciphertext gives the implicit-rejection key', () => {
    for (let i = 0; i < 3; i++) {
      const { publicKey, secretKey } = sntrup761KeyPair(secureRandom);
      const { cipherText, sharedSecret } = sntrup761Encapsulate(publicKey, secureRandom);
      expect(toHex(sntrup761Decapsulate(cipherText, secretKey))).toBe(toHex(sharedSecret));
      for (const at of [0, 500, SNTRUP761_CIPHERTEXT_BYTES - 1]) {
        const bad = cipherText.slice();
        bad[at]! ^= 1;
        const rejected = sntrup761Decapsulate(bad, secretKey);
        expect(toHex(rejected)).not.toBe(toHex(sharedSecret));
        expect(toHex(sntrup761Decapsulate(bad, secretKey))).toBe(toHex(rejected)); // deterministic
      }
    }
  });

  it('checks lengths', () => {
    const { publicKey, secretKey } = sntrup761KeyPair(secureRandom);
    expect(() => sntrup761Encapsulate(publicKey.subarray(1), secureRandom)).toThrow(RangeError);
    expect(() => sntrup761Decapsulate(new Uint8Array(1038), secretKey)).toThrow(RangeError);
    expect(() => sntrup761Decapsulate(new Uint8Array(1039), secretKey.subarray(1))).toThrow(RangeError);
  });
});
