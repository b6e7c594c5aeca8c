// SEC1 ECPrivateKey (RFC 5915 §3, SEC1 v2 §C.4), the DER inside `-----BEGIN EC PRIVATE KEY-----`
// and inside a PKCS#8 id-ecPublicKey key:
//   ECPrivateKey ::= SEQUENCE { version INTEGER { ecPrivkeyVer1(1) }, privateKey OCTET STRING,
//     parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
// Only named curves (RFC 5480 §2.1.1.1) P-256, P-384 and P-521 are accepted.
import { i2osp, os2ip } from './bigint.js';
import { bytesEqual } from './bytes-equal.js';
import {
  DER_OID,
  type DerReader,
  derBitString,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derTopLevel,
} from './der.js';
import {
  checkEcScalar,
  type EcCurveInfo,
  ecCurveByOid,
  ecCurveByType,
  ecPublicPoint,
} from './ec-private-curves.js';
import { KeyFormatError } from './errors.js';
import type { EcdsaKeyTypeName } from './private-key-ecdsa.js';

export interface EcComponents {
  readonly type: EcdsaKeyTypeName;
  readonly d: bigint;
}

/** Reads an RFC 5480 ECParameters that must be a namedCurve we implement. */
export function readNamedCurve(r: DerReader, format: string): EcCurveInfo {
  // ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve SpecifiedECDomain }
  if (r.peekTag() !== DER_OID) {
    throw new KeyFormatError(format, 'only named curves are supported (not explicit parameters)');
  }
  const oid = r.oid('namedCurve');
  const info = ecCurveByOid(oid);
  if (info === undefined) throw new KeyFormatError(format, `unsupported curve ${oid}`);
  return info;
}

/**
 * Reads an ECPrivateKey. `outerCurve` is the curve named by a PKCS#8 AlgorithmIdentifier, which
 * RFC 5915 §3 lets the inner parameters omit; when both are present they must agree. The stored
 * public key, when present, must equal d·G.
 */
export function decodeSec1PrivateKey(
  der: Uint8Array,
  format = 'SEC1',
  outerCurve?: EcCurveInfo,
): EcComponents {
  const seq = derTopLevel(der, format, 'ECPrivateKey');
  const version = seq.smallInteger('version', 255);
  if (version !== 1) throw new KeyFormatError(format, `ECPrivateKey version ${version}, expected 1`);
  const octets = seq.octetString('privateKey', 66);
  let curve = outerCurve;
  const params = seq.optionalExplicit(0, 'parameters');
  if (params !== undefined) {
    const named = readNamedCurve(params, format);
    params.end('parameters');
    if (curve !== undefined && curve !== named) {
      throw new KeyFormatError(format, 'curve in ECPrivateKey differs from the algorithm parameters');
    }
    curve = named;
  }
  const pub = seq.optionalExplicit(1, 'publicKey');
  let q: Uint8Array | undefined;
  if (pub !== undefined) {
    q = pub.bitString('publicKey');
    pub.end('publicKey');
  }
  seq.end('ECPrivateKey');
  if (curve === undefined) throw new KeyFormatError(format, 'ECPrivateKey names no curve');
  // RFC 5915 §3 fixes the length at ceiling(log2(n)/8); some old OpenSSL versions dropped leading
  // zero bytes, so shorter is tolerated, longer is not.
  if (octets.length === 0 || octets.length > curve.scalarBytes) {
    throw new KeyFormatError(format, `privateKey of ${octets.length} bytes for ${curve.curveId}`);
  }
  const d = os2ip(octets);
  checkEcScalar(curve, d, format);
  if (q !== undefined && !bytesEqual(q, ecPublicPoint(curve, d))) {
    throw new KeyFormatError(format, 'publicKey does not match the private key');
  }
  return { type: curve.type, d };
}

/**
 * The ECPrivateKey DER of `c`, with the public key. `withParameters: false` leaves out the curve,
 * as OpenSSL does inside PKCS#8 where the AlgorithmIdentifier names it.
 */
export function encodeSec1PrivateKey(c: EcComponents, withParameters = true): Uint8Array {
  const info = ecCurveByType(c.type);
  if (info === undefined) throw new TypeError(`not an ECDSA key type: ${c.type}`);
  checkEcScalar(info, c.d, 'SEC1');
  const parts = [derInteger(1), derOctetString(i2osp(c.d, info.scalarBytes))];
  if (withParameters) parts.push(derExplicit(0, derOid(info.oid)));
  parts.push(derExplicit(1, derBitString(ecPublicPoint(info, c.d))));
  return derSequence(...parts);
}
