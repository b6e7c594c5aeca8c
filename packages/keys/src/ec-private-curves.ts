// The NIST curves of ecdsa-sha2-nistp256/384/521 (RFC 5656 §10.1) as PEM private key files name
// them: SEC1 / RFC 5480 §2.1.1.1 named-curve OIDs next to the SSH key type, and the public point
// Q = d·G that SEC1 and PKCS#8 files may store and we compare with.
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { KeyFormatError } from './errors.js';
import { ECDSA_CURVES, type EcdsaKeyTypeName, ecdsaPublicPoint } from './private-key-ecdsa.js';

export interface EcCurveInfo {
  readonly type: EcdsaKeyTypeName;
  /** RFC 5656 §6.1 identifier: 'nistp256' … */
  readonly curveId: string;
  /** RFC 5480 §2.1.1.1 namedCurve OID. */
  readonly oid: string;
  readonly curve: ECDSA;
  /** Bytes of a scalar (SEC1 §2.3.7 / RFC 5915 privateKey length): ceil(log2(n) / 8). */
  readonly scalarBytes: number;
}

/** RFC 5480 §2.1.1: id-ecPublicKey, the PKCS#8 / SPKI algorithm of every EC key. */
export const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

function info(type: EcdsaKeyTypeName, oid: string): EcCurveInfo {
  const { curveId, curve } = ECDSA_CURVES[type];
  return { type, curveId, oid, curve, scalarBytes: curve.Point.Fn.BYTES };
}

/** RFC 5480 §2.1.1.1: secp256r1, secp384r1, secp521r1. */
export const EC_CURVES: readonly EcCurveInfo[] = [
  info('ecdsa-sha2-nistp256', '1.2.840.10045.3.1.7'),
  info('ecdsa-sha2-nistp384', '1.3.132.0.34'),
  info('ecdsa-sha2-nistp521', '1.3.132.0.35'),
];

export function ecCurveByOid(oid: string): EcCurveInfo | undefined {
  return EC_CURVES.find((c) => c.oid === oid);
}

export function ecCurveByType(type: string): EcCurveInfo | undefined {
  return EC_CURVES.find((c) => c.type === type);
}

/** Checks 1 ≤ d < n (SEC1 §3.2.1) before d is used to compute Q. */
export function checkEcScalar(curve: EcCurveInfo, d: bigint, format: string): void {
  if (d < 1n || d >= curve.curve.Point.Fn.ORDER) {
    throw new KeyFormatError(format, `private scalar out of range for ${curve.curveId}`);
  }
}

/** Q = d·G, uncompressed (SEC1 §2.3.3), for 1 ≤ d < n. */
export function ecPublicPoint(curve: EcCurveInfo, d: bigint): Uint8Array {
  return ecdsaPublicPoint(curve.curve, d);
}
