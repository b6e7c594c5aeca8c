// Modular exponentiation on bigint for finite-field Diffie-Hellman (no noble primitive exists for it,
// protocol-checklist §13). Left-to-right square-and-multiply over fixed 4-bit windows: per window,
// four squarings and one multiplication by a precomputed base^d. BigInt arithmetic is not
// constant-time; the exponents it sees are ephemeral and used once.

const WINDOW = 4;

/** base^exponent mod modulus, for modulus > 1 and exponent ≥ 0. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 1n) throw new RangeError('modulus must be greater than 1');
  if (exponent < 0n) throw new RangeError('exponent must not be negative');
  const b = ((base % modulus) + modulus) % modulus;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 1 << WINDOW; i++) table.push((table[i - 1]! * b) % modulus);
  const bits = exponent.toString(2);
  const digits = bits.padStart(Math.ceil(bits.length / WINDOW) * WINDOW, '0');
  let result = 1n;
  for (let i = 0; i < digits.length; i += WINDOW) {
    for (let j = 0; j < WINDOW; j++) result = (result * result) % modulus;
    const d = Number.parseInt(digits.slice(i, i + WINDOW), 2);
    if (d !== 0) result = (result * table[d]!) % modulus;
  }
  return result % modulus;
}
