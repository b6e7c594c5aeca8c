// Size limits for public keys and signatures (ARCHITECTURE.md principle 7: checked before
// allocating). See protocol-checklist §10.

/**
 * Largest public key blob accepted, in bytes. OpenSSH's SSH_MAX_PUBKEY_BYTES (sshkey.h); a
 * 16384-bit RSA key needs about 2.1 KB.
 */
export const MAX_PUBLIC_KEY_BLOB_BYTES = 16384;

/** Smallest RSA modulus accepted, in bits: OpenSSH 9.2's SSH_RSA_MINIMUM_MODULUS_SIZE / RequiredRSASize. */
export const MIN_RSA_MODULUS_BITS = 1024;

/** Largest RSA modulus accepted, in bits: OpenSSL's OPENSSL_RSA_MAX_MODULUS_BITS, as OpenSSH checks. */
export const MAX_RSA_MODULUS_BITS = 16384;

/**
 * Largest RSA public exponent accepted, in bits (OpenSSL's OPENSSL_RSA_MAX_PUBEXP_BITS). Bounds the
 * square-and-multiply work a peer's key can cost us; every real key uses 65537 (17 bits).
 */
export const MAX_RSA_EXPONENT_BITS = 64;

/** Longest key-type or signature-algorithm name accepted in a blob, in bytes. */
export const MAX_ALGORITHM_NAME_BYTES = 64;
