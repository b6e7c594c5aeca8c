// @sshts/keys: public-key algorithms (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa with
// rsa-sha2-256/512 and legacy ssh-rsa signatures), OpenSSH public key text, and fingerprints.

export { matchAddressList, matchCidrList, matchHostAndAddress } from './address-match.js';
export { type AuthorizeKeyContext, type AuthorizeKeyResult, authorizeKey } from './authorized-key-check.js';
export {
  type AuthorizedKey,
  type AuthorizedKeyOptions,
  type AuthorizedKeysParseResult,
  type PermitSpec,
  parseAuthorizedKeys,
} from './authorized-keys.js';
export { base64Decode, base64Encode } from './base64.js';
export { bcryptPbkdf } from './bcrypt-pbkdf.js';
export {
  CERTIFICATE_VALID_FOREVER,
  type Certificate,
  type CertificateCheckOptions,
  type CertificateType,
  type CertificateVerifyOptions,
  DEFAULT_CA_SIGNATURE_ALGORITHMS,
  KNOWN_USER_CRITICAL_OPTIONS,
  MAX_CERTIFICATE_PRINCIPALS,
} from './certificate.js';
export {
  certificateAlgorithms,
  certificateSignatureAlgorithm,
  isCertificateAlgorithm,
  plainSignatureAlgorithm,
} from './certificate-algorithms.js';
export { CertificateError, type CertificateErrorReason } from './certificate-error.js';
export {
  type CertificateOptionInput,
  type CertificateOptions,
  type CertificateOptionValue,
  certifiedSigner,
  signCertificate,
} from './certificate-sign.js';
export { ecdsaNistp256KeyType, ecdsaNistp384KeyType, ecdsaNistp521KeyType } from './ecdsa.js';
export { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, ed25519KeyType } from './ed25519.js';
export {
  KeyFormatError,
  PassphraseRequiredError,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
} from './errors.js';
export { type FingerprintHash, fingerprintBlob } from './fingerprint.js';
export {
  DEFAULT_RSA_BITS,
  type GeneratedKeyType,
  type GenerateKeyOptions,
  generatePrivateKey,
  MIN_GENERATED_RSA_BITS,
} from './generate-private-key.js';
export type { KeyType, VerifyingKey } from './key-type.js';
export {
  type HostKeyCheck,
  type HostKeyCheckOptions,
  type HostKeyStatus,
  KnownHosts,
  type KnownHostsEntry,
  type KnownHostsMarker,
} from './known-hosts.js';
export { knownHostsName } from './known-hosts-line.js';
export {
  MAX_ALGORITHM_NAME_BYTES,
  MAX_PUBLIC_KEY_BLOB_BYTES,
  MAX_RSA_EXPONENT_BITS,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
} from './limits.js';
export { matchHostname, matchPattern, matchPatternList } from './match.js';
export type { KeyFileCipherName } from './openssh-key-cipher.js';
export {
  type OpenSSHPrivateKeyReadOptions,
  type OpenSSHPrivateKeyWriteOptions,
  parseOpenSSHPrivateKey,
  writeOpenSSHPrivateKey,
} from './openssh-private-key.js';
export {
  type PemPrivateKeyFormat,
  type PemWriteOptions,
  parsePemPrivateKey,
  writePemPrivateKey,
} from './pem-private-key.js';
export { DEFAULT_PBKDF2_ITERATIONS, MAX_PBKDF2_ITERATIONS } from './pkcs8-pbes2.js';
export { decodePublicKeyBlob } from './plain-public-key.js';
export { type PpkWriteOptions, parsePpk, writePpk } from './ppk.js';
export {
  MAX_PPK_ARGON2_COST,
  MAX_PPK_ARGON2_MEMORY_KIB,
  MAX_PPK_ARGON2_PARALLELISM,
  type PpkArgon2Flavour,
} from './ppk-kdf.js';
export type { PrivateKey, PrivateKeyComponents, Signer } from './private-key.js';
export { parsePrivateKey } from './private-key-file.js';
export { privateKeyFromComponents } from './private-key-from-components.js';
export { MAX_BCRYPT_ROUNDS, MAX_PRIVATE_KEY_FILE_BYTES } from './private-key-limits.js';
export { type PublicKey, parsePublicKey, parsePublicKeyBlob } from './public-key.js';
export {
  certificateKeyTypeForAlgorithm,
  certificateKeyTypes,
  findCertificateKeyType,
  findKeyType,
  keyTypeForAlgorithm,
  keyTypes,
  legacyPublicKeyAlgorithms,
  publicKeyAlgorithms,
} from './registry.js';
export { rsaKeyType } from './rsa.js';
export { parseSignatureBlob, type SignatureBlob } from './signature-blob.js';
export {
  type SshsigHash,
  type SshsigOptions,
  type SshsigVerification,
  sshsigSign,
  sshsigSignAsync,
  sshsigVerify,
} from './sshsig.js';
