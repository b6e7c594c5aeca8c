// ecdsa-sha2-nistp256/384/521 (RFC 5656). Key blob (§3.1): `string "ecdsa-sha2-[id]",
// string [id], string Q` with Q a SEC1 §2.3.3 point; signature blob (§3.1.2): `string
// "ecdsa-sha2-[id]", string ecdsa_signature_blob` where the inner blob is `mpint r, mpint s`;
// the hash is chosen by curve size (§6.2.1): SHA-256 (≤ 256 bits), SHA-384 (≤ 384), SHA-512.

import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { bitLength, MalformedMessageError, SSHReader } from '@sshts/wire';
import { i2osp } from './bigint.js';
import type { KeyType, VerifyingKey } from './key-type.js';

interface CurveParams {
  /** RFC 5656 §6.1 curve identifier. */
  readonly curveId: string;
  readonly curve: ECDSA;
  readonly hash: (data: Uint8Array) => Uint8Array;
}

/**
 * noble 2.x's ECDSA verify defaults to `lowS: true` (rejects s > n/2, a Bitcoin rule) and
 * `prehash: true` with the curve's own hash. OpenSSH accepts high-S signatures, so turn low-S off;
 * we hash ourselves (RFC 5656 §6.2.1) and pass the digest with `prehash: false`. `compact` is
 * r ‖ s, each as Fn.BYTES big-endian bytes.
 */
const VERIFY_OPTIONS = { prehash: false, lowS: false, format: 'compact' } as const;

class EcdsaKey implements VerifyingKey {
  readonly bits: number;
  readonly #params: CurveParams;
  readonly #q: Uint8Array;
  constructor(params: CurveParams, q: Uint8Array) {
    this.#params = params;
    this.#q = q;
    this.bits = params.curve.Point.Fp.BITS;
  }

  verify(_algorithm: string, signature: Uint8Array, data: Uint8Array): boolean {
    const { curve, hash } = this.#params;
    const { ORDER: n, BYTES: scalarBytes } = curve.Point.Fn;
    const nBits = bitLength(n);
    let r: bigint;
    let s: bigint;
    try {
      const reader = new SSHReader(signature);
      r = reader.mpint('ecdsa r', nBits);
      s = reader.mpint('ecdsa s', nBits);
      reader.end('ecdsa_signature_blob');
    } catch (e) {
      if (e instanceof MalformedMessageError) return false;
      throw e;
    }
    // SEC1 §4.1.4 step 1: r and s must be integers in [1, n-1].
    if (r < 1n || r >= n || s < 1n || s >= n) return false;
    const compact = new Uint8Array(2 * scalarBytes);
    compact.set(i2osp(r, scalarBytes), 0);
    compact.set(i2osp(s, scalarBytes), scalarBytes);
    return curve.verify(compact, hash(data), this.#q, VERIFY_OPTIONS);
  }
}

/**
 * Decodes and validates Q as OpenSSH does: only the uncompressed form 0x04 ‖ X ‖ Y (OpenSSH
 * rejects compressed points, PROTOCOL §1.4), on the curve with coordinates below p (SEC1 §2.3.4,
 * checked by noble's Point.fromBytes), not the point at infinity, and the extra bounds of
 * OpenSSH's sshkey_ec_validate_public (sshkey.c): bits(x), bits(y) > bits(n)/2 and x, y < n - 1.
 * The cofactor of the NIST curves is 1, so nQ = O holds for every point on the curve.
 */
function validatePoint(curve: ECDSA, q: Uint8Array, field: string): void {
  const fieldBytes = curve.Point.Fp.BYTES;
  if (q[0] !== 0x04 || q.length !== 1 + 2 * fieldBytes) {
    throw new MalformedMessageError(field, 'point must be uncompressed (0x04 ‖ X ‖ Y)');
  }
  let x: bigint;
  let y: bigint;
  try {
    const point = curve.Point.fromBytes(q);
    if (point.is0()) throw new Error('point at infinity');
    ({ x, y } = point.toAffine());
  } catch (cause) {
    throw new MalformedMessageError(field, 'point is not a valid curve point', { cause });
  }
  const n = curve.Point.Fn.ORDER;
  const half = Math.floor(bitLength(n) / 2);
  if (bitLength(x) <= half || bitLength(y) <= half || x >= n - 1n || y >= n - 1n) {
    throw new MalformedMessageError(field, 'point coordinates out of range');
  }
}

function ecdsaKeyType(params: CurveParams): KeyType {
  const name = `ecdsa-sha2-${params.curveId}`;
  const qMax = 1 + 2 * params.curve.Point.Fp.BYTES;
  return {
    name,
    signatureAlgorithms: Object.freeze([name]),
    decodePublicKey(reader: SSHReader): VerifyingKey {
      // RFC 5656 §3.1: the identifier must match the curve named by the key type.
      const id = reader.string(`${name} curve`, 16);
      if (!equalsAscii(id, params.curveId)) {
        throw new MalformedMessageError(`${name} curve`, `curve identifier does not match ${params.curveId}`);
      }
      const q = reader.string(`${name} Q`, qMax);
      validatePoint(params.curve, q, `${name} Q`);
      return new EcdsaKey(params, q.slice());
    },
  };
}

function equalsAscii(bytes: Uint8Array, text: string): boolean {
  if (bytes.length !== text.length) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

export const ecdsaNistp256KeyType: KeyType = /* @__PURE__ */ ecdsaKeyType({
  curveId: 'nistp256',
  curve: p256,
  hash: sha256,
});
export const ecdsaNistp384KeyType: KeyType = /* @__PURE__ */ ecdsaKeyType({
  curveId: 'nistp384',
  curve: p384,
  hash: sha384,
});
export const ecdsaNistp521KeyType: KeyType = /* @__PURE__ */ ecdsaKeyType({
  curveId: 'nistp521',
  curve: p521,
  hash: sha512,
});
