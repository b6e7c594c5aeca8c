// mpint content encoding, RFC 4251 §5: "multiple precision integers in two's complement format,
// stored as a string, 8 bits per byte, MSB first. [...] Unnecessary leading bytes with the value 0
// or 255 MUST NOT be included. The value zero MUST be stored as a string with zero bytes of data."
// These helpers handle the content bytes only; SSHReader/SSHWriter add the uint32 length prefix.

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Number of bits needed to write the non-negative integer `x` (0 for 0). */
export function bitLength(x: bigint): number {
  if (x < 0n) throw new RangeError('bitLength of a negative number');
  if (x === 0n) return 0;
  const hex = x.toString(16);
  const top = Number.parseInt(hex[0] ?? '0', 16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(top));
}

/** Big-endian unsigned value of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (const b of bytes) hex += HEX[b];
  return BigInt(`0x${hex}`);
}

/** `x` (0 ≤ x < 2^(8·length)) as exactly `length` big-endian bytes. */
function bigIntToBytes(x: bigint, length: number): Uint8Array {
  const hex = x.toString(16).padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * The minimal two's complement content bytes of an mpint (RFC 4251 §5), without the length prefix.
 * Zero is empty; a positive value whose top bit is set gets one 0x00 prefix; a negative value has
 * no redundant leading 0xFF.
 */
export function encodeMpint(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  // n bytes hold -2^(8n-1) ≤ v < 2^(8n-1). For v ≥ 0 we need bitLength(v) < 8n; for v < 0 we need
  // bitLength(-v - 1) < 8n (the magnitude of the one's complement), hence the sign bit is free.
  const magnitude = v > 0n ? v : -v - 1n;
  const length = Math.floor(bitLength(magnitude) / 8) + 1;
  const unsigned = v > 0n ? v : (1n << BigInt(length * 8)) + v;
  return bigIntToBytes(unsigned, length);
}

/**
 * The value of mpint content bytes read as two's complement, big-endian (RFC 4251 §5). Accepts
 * non-minimal forms; the caller decides whether to reject them.
 */
export function decodeMpint(content: Uint8Array): bigint {
  const unsigned = bytesToBigInt(content);
  const first = content[0];
  if (first === undefined || (first & 0x80) === 0) return unsigned;
  return unsigned - (1n << BigInt(content.length * 8));
}
