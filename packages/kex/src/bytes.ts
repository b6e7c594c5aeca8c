// Conversions between unsigned big-endian byte strings, bigints and SSH mpints (RFC 4251 §5).
import { SSHWriter } from '@sshts/wire';

/** The value of `bytes` read as an unsigned big-endian integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return BigInt(hex);
}

/**
 * The wire encoding (uint32 length, then the minimal two's complement content) of the mpint whose
 * value is `bytes` read as an unsigned big-endian integer. This is how RFC 5656 §4 and RFC 8731 §3
 * turn an ECDH/X25519 shared secret into K: leading zero bytes go, and a 0x00 is added back when the
 * top bit is set.
 */
export function unsignedToMpint(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const magnitude = bytes.subarray(start);
  const pad = magnitude.length > 0 && (magnitude[0]! & 0x80) !== 0 ? 1 : 0;
  const w = new SSHWriter(magnitude.length + 5);
  w.uint32(magnitude.length + pad);
  if (pad) w.byte(0);
  w.raw(magnitude);
  return w.finish().slice();
}

/** The wire encoding of a non-negative bigint as an mpint (uint32 length included). */
export function bigIntToMpint(value: bigint): Uint8Array {
  return new SSHWriter(1100).mpint(value).finish().slice();
}
