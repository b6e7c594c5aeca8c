// Conversions between big-endian octet strings and BigInt (RFC 8017 §4.1 I2OSP, §4.2 OS2IP) and
// modular exponentiation, for RSA on BigInt (no RSA in @noble; protocol-checklist §13).

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** OS2IP (RFC 8017 §4.2): the non-negative integer whose big-endian bytes are `bytes`. */
export function os2ip(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (const b of bytes) hex += HEX[b];
  return BigInt(`0x${hex}`);
}

/**
 * I2OSP (RFC 8017 §4.1): `x` as exactly `length` big-endian bytes. Throws RangeError if
 * x ≥ 256^length ("integer too large") — callers only pass values already reduced below a modulus
 * of that length.
 */
export function i2osp(x: bigint, length: number): Uint8Array {
  if (x < 0n) throw new RangeError('i2osp of a negative number');
  const hex = x === 0n ? '' : x.toString(16);
  if (hex.length > length * 2) throw new RangeError('integer too large');
  const padded = hex.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * base^exponent mod modulus by left-to-right binary square-and-multiply. Not constant-time: use it
 * only with public values (signature verification), never with a private exponent.
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n) throw new RangeError('modulus must be positive');
  if (exponent < 0n) throw new RangeError('exponent must be non-negative');
  if (modulus === 1n) return 0n;
  const b = ((base % modulus) + modulus) % modulus;
  let result = 1n;
  for (const bit of exponent.toString(2)) {
    result = (result * result) % modulus;
    if (bit === '1') result = (result * b) % modulus;
  }
  return result;
}
