// SFTP version 3 numbers: draft-ietf-secsh-filexfer-02 §3 (packet types), §5 (attribute flags),
// §6.3 (open flags), §7 (status codes), and OpenSSH's limits (sftp-common.h, PROTOCOL §4).

/** The only version OpenSSH speaks (PROTOCOL preamble), and the one we ask for. */
export const SFTP_VERSION = 3;

export const PacketType = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

export const StatusCode = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  /** §7: "a pseudo-error … no connection to the server" — raised locally, never sent. */
  NO_CONNECTION: 6,
  /** §7: "the connection to the server was lost" — raised locally when the channel ends. */
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** pflags of SSH_FXP_OPEN (§6.3). */
export const OpenFlag = {
  READ: 0x01,
  WRITE: 0x02,
  APPEND: 0x04,
  CREAT: 0x08,
  TRUNC: 0x10,
  EXCL: 0x20,
} as const;

/** ATTRS flags (§5). */
export const AttrFlag = {
  SIZE: 0x00000001,
  UIDGID: 0x00000002,
  PERMISSIONS: 0x00000004,
  ACMODTIME: 0x00000008,
  EXTENDED: 0x80000000,
} as const;

/**
 * The largest SFTP message we accept: OpenSSH's SFTP_MAX_MSG_LENGTH (sftp-common.h), which its own
 * client enforces too ("Received message too long"). Bounds every allocation for a reply.
 */
export const MAX_MESSAGE_LENGTH = 256 * 1024;

/** OpenSSH sftp-client.c: 32 KiB requests and 64 in flight when the server offers no limits. */
export const DEFAULT_CHUNK_SIZE = 32 * 1024;
export const DEFAULT_CONCURRENCY = 64;

/**
 * With limits@openssh.com, OpenSSH sizes its requests min(limit, SFTP_MAX_MSG_LENGTH − 1024)
 * (sftp-client.c do_init): room for the reply's header within the message limit.
 */
export const MAX_CHUNK_SIZE = MAX_MESSAGE_LENGTH - 1024;

/** Requests in flight on one client at once, whatever the transfers ask (a memory bound). */
export const MAX_OUTSTANDING = 1024;
