// Ed25519 signature verification (RFC 8032 §5.1.7) on node:crypto, for the server's signature
// over the exchange hash: noble's takes ~1.3 ms here, OpenSSL's ~0.05.
//
// Our noble path verifies strictly (keys/src/ed25519.ts: canonical encodings, S < L, small-order
// public keys refused). OpenSSL refuses S ≥ L and compares R with the canonical encoding of the
// point it computes, so a non-canonical R never verifies; it does not refuse a non-canonical or a
// small-order A, so those are checked here first. What passes here passes noble's strict check
// too (OpenSSL's cofactorless equation implies noble's cofactored one); never the other way round.
import { createPublicKey, verify } from 'node:crypto';

const P = 2n ** 255n - 19n;
/** RFC 8032 §5.1: the group order L. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * The y-coordinates of the eight points of small order (the torsion subgroup): the identity
 * (y = 1), the point of order 2 (y = p − 1), those of order 4 (y = 0) and of order 8 (the y below
 * and p − y; libsodium's ge25519_has_small_order list holds the same encodings).
 */
const ORDER_8_Y = littleEndian(
  Uint8Array.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'.match(/../g)!, (h) =>
    Number.parseInt(h, 16),
  ),
);
const SMALL_ORDER_Y = new Set([0n, 1n, P - 1n, ORDER_8_Y, P - ORDER_8_Y]);

/** True for a 32-byte public key that is canonical (y < p) and not of small order. */
function acceptablePublicKey(publicKey: Uint8Array): boolean {
  const y = littleEndian(publicKey) & ((1n << 255n) - 1n);
  return y < P && !SMALL_ORDER_Y.has(y);
}

export function nodeEd25519Verify(
  publicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  if (littleEndian(signature.subarray(32)) >= L) return false;
  if (!acceptablePublicKey(publicKey)) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    return verify(null, message, key, signature);
  } catch {
    return false; // a point OpenSSL cannot decode
  }
}
