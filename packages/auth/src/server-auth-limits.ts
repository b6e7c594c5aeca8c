// The server's bounds and defaults for user authentication (ARCHITECTURE.md principle 7), with the
// numbers OpenSSH 9.2's sshd uses (sshd_config(5), auth2.c) and RFC 4252 §4 recommends.

/** sshd MaxAuthTries: failed attempts before the connection is closed (RFC 4252 §4 suggests 20). */
export const DEFAULT_MAX_AUTH_TRIES = 6;

/** sshd LoginGraceTime, in milliseconds (RFC 4252 §4 suggests 10 minutes). */
export const DEFAULT_AUTH_TIMEOUT_MS = 120_000;

/**
 * auth2.c: requests of any kind (queries and partial successes included) after which sshd gives
 * up whatever the failure count, so PK_OK queries cannot go on for ever.
 */
export const MAX_AUTH_REQUESTS = 1024;

/** auth2.c MIN_FAIL_DELAY_SECONDS: the least time a non-`none` request takes to be answered. */
export const MIN_FAILURE_DELAY_MS = 5;

/** auth2.c user_specific_delay: the per-user jitter added to MIN_FAILURE_DELAY_MS is below this. */
export const MAX_FAILURE_JITTER_MS = 4.3;

/**
 * Requests the client may send ahead of our answers (RFC 4252 §5 allows pipelining; the server
 * answers them in order). More than this waiting at once is a protocol error.
 */
export const MAX_QUEUED_REQUESTS = 16;

/** Longest user name accepted, in UTF-8 bytes (longer is a protocol error, not a failure). */
export const MAX_USER_NAME_BYTES = 1024;

/** Longest service or method name read (RFC 4251 §6 limits names to 64 characters). */
export const MAX_NAME_BYTES = 256;

/** Longest password, keyboard-interactive response or PASSWD_CHANGEREQ prompt accepted, in bytes. */
export const MAX_SECRET_BYTES = 8192;
