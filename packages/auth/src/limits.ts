// Bounds on what a server can make the client hold or process during user authentication
// (ARCHITECTURE.md principle 7). Every count is checked before anything is allocated for it.

/**
 * Most prompts accepted in one keyboard-interactive INFO_REQUEST. OpenSSH's server refuses more than
 * 100 responses (auth2-chall.c, input_userauth_info_response), so no legitimate server asks more.
 */
export const MAX_KBDINT_PROMPTS = 100;

/** Banners (RFC 4252 §5.4) kept in ClientAuth.banners and passed to onBanner; later ones are dropped. */
export const MAX_BANNERS = 32;

/** Total UTF-8 bytes of banner text kept and delivered; a banner that would pass it is dropped. */
export const MAX_BANNER_TOTAL_BYTES = 64 * 1024;

/** Longest name-list of methods accepted in USERAUTH_FAILURE, in bytes and names. */
export const MAX_METHOD_LIST_BYTES = 4096;
export const MAX_METHOD_LIST_NAMES = 64;
