// deriveKey (RFC 4253 §7.2 with OpenSSH's extension): structure checks beyond the vectors.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { deriveKey } from '@sshts/transport';
import { describe, expect, it } from 'vitest';
import { concat, hex, loadVector, toHex } from './helpers.js';

const K = hex('0000000500ff00ff00');
const H = hex('11'.repeat(32));
const sid = hex('22'.repeat(32));

describe('deriveKey', () => {
  it('first block is HASH(K || H || letter || session_id)', () => {
    const expected = sha256(concat(K, H, new TextEncoder().encode('C'), sid));
    expect(toHex(deriveKey('sha256', K, H, 'C', sid, 32))).toBe(toHex(expected));
    expect(toHex(deriveKey('sha256', K, H, 'C', sid, 10))).toBe(toHex(expected.subarray(0, 10)));
  });

  it('extends with K2 = HASH(K || H || K1), K3 = HASH(K || H || K1 || K2)', () => {
    const k1 = sha1(concat(K, H, new TextEncoder().encode('D'), sid));
    const k2 = sha1(concat(K, H, k1));
    const k3 = sha1(concat(K, H, k1, k2));
    expect(toHex(deriveKey('sha1', K, H, 'D', sid, 64))).toBe(
      toHex(concat(k1, k2, k3, sha1(concat(K, H, k1, k2, k3))).subarray(0, 64)),
    );
    const s1 = sha512(concat(K, H, new TextEncoder().encode('F'), sid));
    expect(toHex(deriveKey('sha512', K, H, 'F', sid, 100))).toBe(
      toHex(concat(s1, sha512(concat(K, H, s1))).subarray(0, 100)),
    );
  });

  it('a shorter key is a prefix of a longer one', () => {
    const long = deriveKey('sha256', K, H, 'A', sid, 200);
    for (const n of [1, 31, 32, 33, 64, 65, 199])
      expect(toHex(deriveKey('sha256', K, H, 'A', sid, n))).toBe(toHex(long.subarray(0, n)));
  });

  it('length 0 gives an empty key', () => {
    expect(deriveKey('sha256', K, H, 'E', sid, 0)).toEqual(new Uint8Array(0));
  });

  it('rejects letters other than A..F and bad lengths', () => {
    expect(() => deriveKey('sha256', K, H, 'G', sid, 16)).toThrow(RangeError);
    expect(() => deriveKey('sha256', K, H, 'AB', sid, 16)).toThrow(RangeError);
    expect(() => deriveKey('sha256', K, H, 'a', sid, 16)).toThrow(RangeError);
    expect(() => deriveKey('sha256', K, H, 'A', sid, -1)).toThrow(RangeError);
    expect(() => deriveKey('sha256', K, H, 'A', sid, 1.5)).toThrow(RangeError);
  });

  it('64 bytes with SHA-256 from the paramiko vector (two blocks)', () => {
    const v = loadVector('paramiko-diffie-hellman-group14-sha256.json');
    const d = v.derivedKeys.find((x) => x.letter === 'D' && x.sessionId === v.exchangeHash)!;
    expect(d.length).toBe(64);
    expect(
      toHex(deriveKey('sha256', hex(v.sharedSecret), hex(v.exchangeHash), 'D', hex(d.sessionId), 64)),
    ).toBe(d.value);
  });
});
