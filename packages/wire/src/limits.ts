// Default decoding limits (ARCHITECTURE.md principle 7: bounded everything, checked before allocating).

/**
 * Largest mpint magnitude accepted by default, in bits. Matches OpenSSH's SSHBUF_MAX_BIGNUM
 * (sshbuf.h: 16384 / 8 bytes); see protocol-checklist §10.
 */
export const DEFAULT_MAX_MPINT_BITS = 16384;

/** Largest encoded name-list accepted by default, in bytes (the string's length prefix). */
export const DEFAULT_NAME_LIST_MAX_BYTES = 65536;

/** Most names accepted in one name-list by default. */
export const DEFAULT_NAME_LIST_MAX_NAMES = 1024;

/** Largest value of an SSH uint32 (RFC 4251 §5). */
export const UINT32_MAX = 0xffffffff;

/** Largest value of an SSH uint64 (RFC 4251 §5). */
export const UINT64_MAX = 0xffffffffffffffffn;
