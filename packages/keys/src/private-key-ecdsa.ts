// The private half of ecdsa-sha2-nistp256/384/521 (RFC 5656): the scalar d with 1 ≤ d < n and
// Q = d·G. Signatures (RFC 5656 §3.1.2) are `mpint r, mpint s` over the curve's hash of the data
// (§6.2.1: SHA-256 ≤ 256 bits, SHA-384 ≤ 384, SHA-512 above), with RFC 6979 deterministic nonces.
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { SSHWriter } from '@sshts/wire';
import { i2osp, os2ip } from './bigint.js';
import { KeyFormatError } from './errors.js';
import type { PrivateKeyComponents } from './private-key.js';
import type { PrivateKeyMaterial } from './private-key-material.js';

export type EcdsaKeyTypeName = 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521';

export interface EcdsaCurve {
  /** RFC 5656 §6.1 curve identifier. */
  readonly curveId: string;
  readonly curve: ECDSA;
  readonly hash: (data: Uint8Array) => Uint8Array;
}

export const ECDSA_CURVES: Readonly<Record<EcdsaKeyTypeName, EcdsaCurve>> = {
  'ecdsa-sha2-nistp256': { curveId: 'nistp256', curve: p256, hash: sha256 },
  'ecdsa-sha2-nistp384': { curveId: 'nistp384', curve: p384, hash: sha384 },
  'ecdsa-sha2-nistp521': { curveId: 'nistp521', curve: p521, hash: sha512 },
};

/**
 * RFC 6979 deterministic k (noble's default derivation from d and the digest, HMAC-DRBG with the
 * curve's hash) and no extra entropy, so a message always gets the same signature. We hash
 * ourselves (`prehash: false`, as verification in ecdsa.ts does); `lowS: false` leaves s as plain
 * ECDSA computes it, as OpenSSH does.
 */
const SIGN_OPTIONS = { prehash: false, lowS: false, format: 'compact', extraEntropy: false } as const;

/** The uncompressed SEC1 point d·G (RFC 5656 §3.1 Q). */
export function ecdsaPublicPoint(curve: ECDSA, d: bigint): Uint8Array {
  return curve.Point.BASE.multiply(d).toBytes(false);
}

export function ecdsaMaterial(
  components: Extract<PrivateKeyComponents, { type: EcdsaKeyTypeName }>,
): PrivateKeyMaterial {
  const { type, d } = components;
  const params = ECDSA_CURVES[type];
  if (params === undefined) throw new KeyFormatError('private key', `unknown ECDSA key type ${String(type)}`);
  if (typeof d !== 'bigint') throw new TypeError('ECDSA d must be a bigint');
  const { curve, curveId, hash } = params;
  const { ORDER: n, BYTES: scalarBytes } = curve.Point.Fn;
  // SEC1 §3.2.1: the private key is an integer in [1, n − 1].
  if (d < 1n || d >= n) throw new KeyFormatError(type, 'private scalar d is outside [1, n − 1]');
  const secret = i2osp(d, scalarBytes);
  const q = ecdsaPublicPoint(curve, d);
  return {
    components: { type, d },
    publicKeyBlob: new SSHWriter().string(type).string(curveId).string(q).finish().slice(),
    signRaw(_algorithm, data) {
      const compact = curve.sign(hash(data), secret, SIGN_OPTIONS);
      const r = os2ip(compact.subarray(0, scalarBytes));
      const s = os2ip(compact.subarray(scalarBytes));
      return new SSHWriter().mpint(r).mpint(s).finish().slice();
    },
  };
}
