// Packet size limits (RFC 4253 §6.1, checklist §10).

/**
 * The largest packet we send, counted whole on the wire (length, padding length, payload, padding,
 * MAC). RFC 4253 §6.1 only obliges peers to accept 35000 bytes, and Dropbear accepts no more.
 */
export const MAX_OUTGOING_PACKET_SIZE = 35000;

/** The largest `packet_length` we accept by default: OpenSSH's PACKET_MAX_SIZE (packet.c). */
export const DEFAULT_MAX_INCOMING_PACKET_LENGTH = 256 * 1024;

/** RFC 4253 §6: at least four bytes of random padding, at most 255. */
export const MIN_PADDING = 4;
