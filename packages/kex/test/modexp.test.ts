// modPow and the DH helpers against independent arithmetic.
import { describe, expect, it } from 'vitest';
import { isValidDhPublicValue } from '../src/dh.js';
import { modPow } from '../src/modexp.js';
import { MODP_GROUP14, MODP_GROUP16, MODP_GROUP18 } from '../src/modp-groups.js';

/** Plain right-to-left binary exponentiation, written independently of modPow. */
function reference(base: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  let b = base % m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('modPow', () => {
  it('matches small known values', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
    expect(modPow(2n, 0n, 7n)).toBe(1n);
    expect(modPow(0n, 5n, 7n)).toBe(0n);
    expect(modPow(7n, 1n, 5n)).toBe(2n);
    expect(modPow(-3n, 3n, 7n)).toBe(1n); // (-27) mod 7
  });

  it('matches a reference implementation for exponents of every window alignment', () => {
    const p = MODP_GROUP14.p;
    let e = 1n;
    for (let bits = 1; bits <= 70; bits++) {
      e = (e << 1n) | BigInt(bits % 3 === 0 ? 0 : 1);
      const base = 0x123456789abcdefn * BigInt(bits);
      expect(modPow(base, e, p)).toBe(reference(base, e, p));
    }
  });

  it('satisfies Fermat for the RFC 3526 safe primes: 2^(p−1) ≡ 1 and 2^q ≡ 1 (2 is a QR)', () => {
    for (const { p } of [MODP_GROUP14, MODP_GROUP16]) {
      expect(modPow(2n, p - 1n, p)).toBe(1n);
      expect(modPow(2n, (p - 1n) / 2n, p)).toBe(1n);
    }
  });

  it('rejects a modulus ≤ 1 and a negative exponent', () => {
    expect(() => modPow(2n, 3n, 1n)).toThrow(RangeError);
    expect(() => modPow(2n, -1n, 7n)).toThrow(RangeError);
  });
});

describe('MODP groups (RFC 3526)', () => {
  it.each([
    ['14', MODP_GROUP14, 2048],
    ['16', MODP_GROUP16, 4096],
    ['18', MODP_GROUP18, 8192],
  ])('group %s has %i bits, 64 one-bits at both ends, g = 2', (_name, group, bits) => {
    expect(group.p.toString(2).length).toBe(bits);
    const ones = (1n << 64n) - 1n;
    expect(group.p >> BigInt(bits - 64)).toBe(ones);
    expect(group.p & ones).toBe(ones);
    expect(group.g).toBe(2n);
  });
});

describe('isValidDhPublicValue (OpenSSH dh_pub_is_valid)', () => {
  const p = MODP_GROUP14.p;
  it('rejects 0, 1, p − 1, p, p + 1 and values with fewer than 4 bits set', () => {
    for (const y of [0n, 1n, p - 1n, p, p + 1n, 2n, 3n, 7n, 1n << 1000n, (1n << 1000n) + (1n << 500n) + 1n]) {
      expect(isValidDhPublicValue(y, p), y.toString(16)).toBe(false);
    }
  });
  it('accepts 15, p − 2 and other values with at least 4 bits set', () => {
    for (const y of [15n, p - 2n, (1n << 1000n) + (1n << 500n) + 3n])
      expect(isValidDhPublicValue(y, p)).toBe(true);
  });
});
