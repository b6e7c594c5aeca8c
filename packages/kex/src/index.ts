// @sshts/kex: key-exchange methods for the transport (the KexMethod interface of @sshts/transport),
// and the key derivation of RFC 4253 §7.2.
export { curve25519Sha256, curve25519Sha256Libssh } from './curve25519.js';
export { DH_EXPONENT_BYTES, isValidDhPublicValue } from './dh.js';
export { dhGroup14Sha1, dhGroup14Sha256, dhGroup16Sha512, dhGroup18Sha512 } from './dh-group.js';
export { ecdhSha2Nistp256, ecdhSha2Nistp384, ecdhSha2Nistp521 } from './ecdh-nistp.js';
export { DEFAULT_GROUP_SIZES, GEX_MAX_BITS, GEX_MIN_BITS, type GroupSizes } from './gex-groups.js';
export { dhGexSha1, dhGexSha256 } from './group-exchange.js';
export { type HybridSpec, hybridKemMethod, type Kem } from './hybrid-kem-method.js';
export { mlkem768Kem, mlkem768x25519Sha256 } from './mlkem768x25519.js';
export { modPow } from './modexp.js';
export { type DhGroup, MODP_GROUP14, MODP_GROUP16, MODP_GROUP18 } from './modp-groups.js';
export { findKexMethod, kexMethods } from './registry.js';
export {
  type RandomSource,
  SNTRUP761_CIPHERTEXT_BYTES,
  SNTRUP761_PUBLIC_KEY_BYTES,
  SNTRUP761_SECRET_KEY_BYTES,
  SNTRUP761_SHARED_SECRET_BYTES,
  type Sntrup761KeyPair,
  sntrup761Decapsulate,
  sntrup761Encapsulate,
  sntrup761KeyPair,
} from './sntrup761.js';
export { sntrup761Kem, sntrup761x25519Sha512, sntrup761x25519Sha512OpenSSH } from './sntrup761x25519.js';
