// Typed errors (ARCHITECTURE.md principle 6): one SSHError base with a string `code`, and a subclass
// per failure family so callers can branch with `instanceof` or on `code`.
import { DisconnectReason } from './codes.js';

export interface SSHErrorOptions {
  cause?: unknown;
}

/** Base class of every error sshts throws. `code` is stable and machine-readable. */
export class SSHError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: SSHErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The peer broke the protocol. `reason` is the RFC 4253 §11.1 disconnect reason our side sends
 * before closing the connection.
 */
export class ProtocolError extends SSHError {
  readonly reason: DisconnectReason;
  constructor(message: string, options?: SSHErrorOptions & { code?: string; reason?: DisconnectReason }) {
    super(options?.code ?? 'ERR_PROTOCOL', message, options);
    this.reason = options?.reason ?? DisconnectReason.PROTOCOL_ERROR;
  }
}

/** A field could not be decoded: truncated, over a limit, or not in its canonical form. */
export class MalformedMessageError extends ProtocolError {
  /** The name of the field that failed, e.g. `"string"`, `"name-list"`, `"KEXINIT.cookie"`. */
  readonly field: string;
  constructor(field: string, message: string, options?: SSHErrorOptions) {
    super(`malformed ${field}: ${message}`, { ...options, code: 'ERR_MALFORMED_MESSAGE' });
    this.field = field;
  }
}

/** An incoming packet's length field is impossible or over the configured limit. */
export class PacketLengthError extends ProtocolError {
  readonly length: number;
  constructor(length: number, message: string) {
    super(message, { code: 'ERR_PACKET_LENGTH' });
    this.length = length;
  }
}

/** A MAC or AEAD tag did not verify: the packet was corrupted or tampered with (RFC 4253 §6.4). */
export class MacError extends ProtocolError {
  constructor(message = 'message authentication code incorrect') {
    super(message, { code: 'ERR_MAC', reason: DisconnectReason.MAC_ERROR });
  }
}

/** The connection ended by a DISCONNECT message, sent by the peer or by us. */
export class DisconnectError extends SSHError {
  readonly reason: DisconnectReason | number;
  readonly description: string;
  /** True when the peer sent the DISCONNECT; false when we disconnected. */
  readonly fromPeer: boolean;
  constructor(reason: number, description: string, fromPeer: boolean, options?: SSHErrorOptions) {
    const name = DisconnectReason[reason] ?? `reason ${reason}`;
    super(
      'ERR_DISCONNECT',
      `${fromPeer ? 'peer disconnected' : 'disconnected'}: ${name}: ${description}`,
      options,
    );
    this.reason = reason;
    this.description = description;
    this.fromPeer = fromPeer;
  }
}

/** The transport closed without a DISCONNECT (socket closed, reset, aborted). */
export class ConnectionLostError extends SSHError {
  constructor(message = 'connection lost', options?: SSHErrorOptions) {
    super('ERR_CONNECTION_LOST', message, options);
  }
}

/** No algorithm both sides support for one negotiation slot (RFC 4253 §7.1). */
export class NegotiationError extends SSHError {
  readonly reason = DisconnectReason.KEY_EXCHANGE_FAILED;
  /** The slot, e.g. `"kex"`, `"hostKey"`, `"cipher c2s"`, `"mac s2c"`. */
  readonly slot: string;
  readonly ours: readonly string[];
  readonly theirs: readonly string[];
  constructor(slot: string, ours: readonly string[], theirs: readonly string[]) {
    super(
      'ERR_NEGOTIATION',
      `no matching ${slot} algorithm: ours [${ours.join(',')}], theirs [${theirs.join(',')}]`,
    );
    this.slot = slot;
    this.ours = ours;
    this.theirs = theirs;
  }
}

/** Authentication failed; `allowedMethods` is what the server said can continue (RFC 4252 §5.1). */
export class AuthenticationError extends SSHError {
  readonly allowedMethods: readonly string[];
  readonly partialSuccess: boolean;
  constructor(message: string, allowedMethods: readonly string[] = [], partialSuccess = false) {
    super('ERR_AUTHENTICATION', message);
    this.allowedMethods = allowedMethods;
    this.partialSuccess = partialSuccess;
  }
}

/** The server's host key was rejected: unknown under RejectPolicy, or failed verification. */
export class HostKeyError extends SSHError {
  readonly reason = DisconnectReason.HOST_KEY_NOT_VERIFIABLE;
  readonly hostname: string;
  constructor(hostname: string, message: string, options?: SSHErrorOptions & { code?: string }) {
    super(options?.code ?? 'ERR_HOST_KEY', message, options);
    this.hostname = hostname;
  }
}

/** The host key differs from the one recorded for this host, whatever the policy. */
export class BadHostKeyError extends HostKeyError {
  /** Fingerprints (`SHA256:…`) of the key received and of the key expected. */
  readonly got: string;
  readonly expected: string;
  constructor(hostname: string, got: string, expected: string) {
    super(hostname, `host key for ${hostname} changed: got ${got}, expected ${expected}`, {
      code: 'ERR_BAD_HOST_KEY',
    });
    this.got = got;
    this.expected = expected;
  }
}

/** CHANNEL_OPEN_FAILURE (RFC 4254 §5.1). */
export class ChannelOpenError extends SSHError {
  readonly reason: number;
  readonly description: string;
  constructor(reason: number, description: string) {
    super('ERR_CHANNEL_OPEN', `channel open failed (${reason}): ${description}`);
    this.reason = reason;
    this.description = description;
  }
}

/** An SFTP STATUS error, with a Node-style code such as `ENOENT` where it can tell. */
export class SFTPError extends SSHError {
  readonly status: number;
  readonly serverMessage: string;
  readonly path: string | undefined;
  constructor(status: number, serverMessage: string, nodeCode: string, path?: string) {
    super(nodeCode, `${nodeCode}: ${serverMessage || 'sftp error'}${path === undefined ? '' : `, ${path}`}`);
    this.status = status;
    this.serverMessage = serverMessage;
    this.path = path;
  }
}

/** An operation did not finish in time. */
export class TimeoutError extends SSHError {
  constructor(message = 'timed out') {
    super('ERR_TIMEOUT', message);
  }
}
