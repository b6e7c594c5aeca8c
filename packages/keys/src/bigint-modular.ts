// Modular arithmetic on BigInt for RSA private-key operations and key generation (RFC 8017 §3.2,
// §5.1.2; FIPS 186-5 Appendix A.1). @noble has no RSA (protocol-checklist §13), so this is ours.
import { bitLength } from '@sshts/wire';
import { os2ip } from './bigint.js';
import { randomBytes } from './random.js';

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/** a⁻¹ mod m by the extended Euclidean algorithm; undefined when gcd(a, m) ≠ 1. */
export function modInverse(a: bigint, m: bigint): bigint | undefined {
  if (m <= 0n) throw new RangeError('modulus must be positive');
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) return undefined;
  return ((oldS % m) + m) % m;
}

/** Window width of modPowFixedWindow: 2^4 - 2 precomputed powers, one multiply per 4 bits. */
const WINDOW_BITS = 4;

/**
 * base^exponent mod modulus with a fixed 4-bit window: the sequence of squarings and multiplications
 * depends only on the exponent's bit length, never on its bits (a multiply by table[0] = 1 is done
 * for zero windows too). BigInt arithmetic itself is not constant-time, which is why RSA signing also
 * blinds the base (rsa-sign.ts); this keeps the operation pattern from spelling out the exponent.
 */
export function modPowFixedWindow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n) throw new RangeError('modulus must be positive');
  if (exponent < 0n) throw new RangeError('exponent must be non-negative');
  if (modulus === 1n) return 0n;
  const b = ((base % modulus) + modulus) % modulus;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 1 << WINDOW_BITS; i++) table.push((table[i - 1]! * b) % modulus);
  const windows = Math.ceil(bitLength(exponent) / WINDOW_BITS);
  let result = 1n;
  for (let w = windows - 1; w >= 0; w--) {
    for (let i = 0; i < WINDOW_BITS; i++) result = (result * result) % modulus;
    const digit = Number((exponent >> BigInt(w * WINDOW_BITS)) & 0xfn);
    result = (result * table[digit]!) % modulus;
  }
  return result;
}

/** A uniformly random integer in [min, max] by rejection sampling of bitLength(max - min) bits. */
export function randomBigIntInRange(min: bigint, max: bigint): bigint {
  if (max < min) throw new RangeError('empty range');
  const span = max - min;
  const bits = bitLength(span);
  const bytes = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const candidate = os2ip(randomBytes(bytes)) & mask;
    if (candidate <= span) return min + candidate;
  }
}
