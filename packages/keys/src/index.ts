// @sshts/keys: public-key algorithms (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa with
// rsa-sha2-256/512 and legacy ssh-rsa signatures), OpenSSH public key text, and fingerprints.
export { base64Decode, base64Encode } from './base64.js';
export { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH } from './ed25519.js';
export { UnsupportedKeyTypeError } from './errors.js';
export { type FingerprintHash, fingerprintBlob } from './fingerprint.js';
export type { KeyType, VerifyingKey } from './key-type.js';
export {
  MAX_ALGORITHM_NAME_BYTES,
  MAX_PUBLIC_KEY_BLOB_BYTES,
  MAX_RSA_EXPONENT_BITS,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
} from './limits.js';
export { type PublicKey, parsePublicKey, parsePublicKeyBlob } from './public-key.js';
export {
  findKeyType,
  keyTypeForAlgorithm,
  keyTypes,
  legacyPublicKeyAlgorithms,
  publicKeyAlgorithms,
} from './registry.js';
export { parseSignatureBlob, type SignatureBlob } from './signature-blob.js';
