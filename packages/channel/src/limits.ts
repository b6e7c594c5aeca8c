// Window and packet sizes of the connection protocol (RFC 4254 §5.2), with OpenSSH's defaults
// (channels.h: CHAN_SES_WINDOW_DEFAULT = 64 × CHAN_SES_PACKET_DEFAULT = 64 × 32 KiB; checklist §10).

/** Our initial receive window per channel: 2 MiB, as OpenSSH and paramiko. */
export const DEFAULT_WINDOW = 2 * 1024 * 1024;

/** The largest data payload we accept in one DATA / EXTENDED_DATA message: 32 KiB. */
export const DEFAULT_MAX_PACKET = 32 * 1024;

/**
 * The largest data payload we send in one message, whatever the peer allows: RFC 4253 §6.1 makes
 * 32768-byte payloads the size every implementation must accept, and Dropbear accepts little more.
 */
export const MAX_SEND_PACKET = 32 * 1024;

/** A window can never exceed 2^32 − 1 (RFC 4254 §5.2; OpenSSH treats overflow as fatal). */
export const MAX_WINDOW = 0xffffffff;

/** Channels open at once on one connection (OpenSSH allows 16384, Dropbear 1000). */
export const DEFAULT_MAX_CHANNELS = 4096;

/** Bounds on request fields we decode (command lines, names, terminal modes). */
export const MAX_REQUEST_FIELD = 256 * 1024;
