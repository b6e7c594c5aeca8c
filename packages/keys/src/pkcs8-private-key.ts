// PKCS#8 PrivateKeyInfo (RFC 5208 §5) / OneAsymmetricKey (RFC 5958 §2), the DER inside
// `-----BEGIN PRIVATE KEY-----`:
//   SEQUENCE { version (0 = v1, 1 = v2), privateKeyAlgorithm AlgorithmIdentifier,
//     privateKey OCTET STRING, attributes [0] IMPLICIT OPTIONAL, publicKey [1] IMPLICIT BIT STRING OPTIONAL }
// Algorithms: rsaEncryption (RFC 8017 A.1, inner PKCS#1), id-ecPublicKey with a named curve
// (RFC 5915 §1 / RFC 5480, inner SEC1), id-Ed25519 (RFC 8410 §7, inner CurvePrivateKey).
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesEqual } from './bytes-equal.js';
import {
  contextConstructed,
  contextPrimitive,
  DER_NULL,
  DerReader,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derTopLevel,
} from './der.js';
import { ecCurveByType, ecPublicPoint, ID_EC_PUBLIC_KEY } from './ec-private-curves.js';
import { KeyFormatError, UnsupportedKeyTypeError } from './errors.js';
import { decodePkcs1PrivateKey, encodePkcs1PrivateKey } from './pkcs1-private-key.js';
import type { PrivateKeyComponents } from './private-key.js';
import { decodeSec1PrivateKey, encodeSec1PrivateKey, readNamedCurve } from './sec1-private-key.js';

/** RFC 8017 Appendix A.1: rsaEncryption. */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
/** RFC 8410 §3: id-Ed25519. */
export const OID_ED25519 = '1.3.101.112';

/** Names for algorithms we recognise but do not implement, for UnsupportedKeyTypeError. */
const UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['1.3.101.113', 'ssh-ed448'],
  ['1.3.101.110', 'X25519'],
  ['1.3.101.111', 'X448'],
  ['1.2.840.10040.4.1', 'ssh-dss'],
  ['1.2.840.113549.1.1.10', 'RSASSA-PSS'],
]);

const ED25519_SEED_BYTES = 32;

/** Reads a PrivateKeyInfo / OneAsymmetricKey into key components. */
export function decodePkcs8PrivateKey(der: Uint8Array, format = 'PKCS#8'): PrivateKeyComponents {
  const seq = derTopLevel(der, format, 'PrivateKeyInfo');
  const version = seq.smallInteger('version', 255);
  if (version !== 0 && version !== 1) throw new KeyFormatError(format, `unknown version ${version}`);
  const alg = seq.sequence('privateKeyAlgorithm');
  const oid = alg.oid('algorithm');
  const privateKey = seq.octetString('privateKey');
  // Attributes (RFC 5958 §2, e.g. a friendly name) do not change the key: skip them.
  if (seq.peekTag() === contextConstructed(0)) seq.raw(contextConstructed(0), 'attributes');
  let publicKey: Uint8Array | undefined;
  if (seq.peekTag() === contextPrimitive(1)) {
    if (version !== 1) throw new KeyFormatError(format, 'publicKey needs version 1 (RFC 5958 §2)');
    publicKey = seq.implicitBitString(1, 'publicKey');
  }
  seq.end('PrivateKeyInfo');

  if (oid === OID_RSA_ENCRYPTION) {
    // RFC 8017 A.1: parameters "shall" be NULL; some encoders omit them.
    if (alg.peekTag() === DER_NULL) alg.null('parameters');
    alg.end('privateKeyAlgorithm');
    return decodePkcs1PrivateKey(privateKey, format);
  }
  if (oid === ID_EC_PUBLIC_KEY) {
    const curve = readNamedCurve(alg, format);
    alg.end('privateKeyAlgorithm');
    const c = decodeSec1PrivateKey(privateKey, format, curve);
    if (publicKey !== undefined && !bytesEqual(publicKey, ecPublicPoint(curve, c.d))) {
      throw new KeyFormatError(format, 'publicKey does not match the private key');
    }
    return c;
  }
  if (oid === OID_ED25519) {
    // RFC 8410 §3: "the parameters MUST be absent".
    alg.end('privateKeyAlgorithm');
    // §7: privateKey holds CurvePrivateKey ::= OCTET STRING, DER-encoded again.
    const inner = new DerReader(privateKey, format);
    const seed = inner.octetString('CurvePrivateKey', ED25519_SEED_BYTES);
    inner.end('CurvePrivateKey');
    if (seed.length !== ED25519_SEED_BYTES) {
      throw new KeyFormatError(format, 'Ed25519 CurvePrivateKey must be 32 bytes');
    }
    if (publicKey !== undefined && !bytesEqual(publicKey, ed25519.getPublicKey(seed))) {
      throw new KeyFormatError(format, 'publicKey does not match the private key');
    }
    return { type: 'ssh-ed25519', seed: seed.slice() };
  }
  throw new UnsupportedKeyTypeError(UNSUPPORTED.get(oid) ?? `PKCS#8 algorithm ${oid}`);
}

/** The PrivateKeyInfo (version 0, no attributes, no public key: what OpenSSL writes) of `c`. */
export function encodePkcs8PrivateKey(c: PrivateKeyComponents): Uint8Array {
  if (c.type === 'ssh-rsa') {
    return derSequence(
      derInteger(0),
      derSequence(derOid(OID_RSA_ENCRYPTION), derNull()),
      derOctetString(encodePkcs1PrivateKey(c)),
    );
  }
  if (c.type === 'ssh-ed25519') {
    if (c.seed.length !== ED25519_SEED_BYTES) throw new RangeError('Ed25519 seed must be 32 bytes');
    return derSequence(
      derInteger(0),
      derSequence(derOid(OID_ED25519)),
      derOctetString(derOctetString(c.seed)),
    );
  }
  const info = ecCurveByType(c.type);
  if (info === undefined) throw new TypeError(`unsupported key type ${(c as { type: string }).type}`);
  return derSequence(
    derInteger(0),
    derSequence(derOid(ID_EC_PUBLIC_KEY), derOid(info.oid)),
    derOctetString(encodeSec1PrivateKey(c, false)),
  );
}
