// @sshts/kex: key-exchange methods for the transport (the KexMethod interface of @sshts/transport),
// and the key derivation of RFC 4253 §7.2.
export { curve25519Sha256, curve25519Sha256Libssh } from './curve25519.js';
export { DH_EXPONENT_BYTES, isValidDhPublicValue } from './dh.js';
export { dhGroup14Sha1, dhGroup14Sha256, dhGroup16Sha512, dhGroup18Sha512 } from './dh-group.js';
export { ecdhSha2Nistp256, ecdhSha2Nistp384, ecdhSha2Nistp521 } from './ecdh-nistp.js';
export { DEFAULT_GROUP_SIZES, GEX_MAX_BITS, GEX_MIN_BITS, type GroupSizes } from './gex-groups.js';
export { dhGexSha1, dhGexSha256 } from './group-exchange.js';
export { modPow } from './modexp.js';
export { type DhGroup, MODP_GROUP14, MODP_GROUP16, MODP_GROUP18 } from './modp-groups.js';
export { findKexMethod, kexMethods } from './registry.js';
