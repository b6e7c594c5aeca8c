// The SFTP request engine (draft-02 §4, §6.1): INIT/VERSION, then requests tagged with ids we
// choose and replies matched back by id, in whatever order the server sends them. Any number may
// be in flight (bounded by `maxOutstanding`: beyond it, requests wait their turn). A reply to an id
// not in flight — unknown or answered already — is a protocol error that ends the session (libssh
// CVE-2026-59848's class); so does a framing error. A reply that is malformed inside fails its own
// request (replies.ts). When the pipe ends, every request in flight and every one made later
// rejects with the same error.
import { ProtocolError, SSHError, SSHReader, SSHWriter } from '@sshts/wire';
import { MAX_MESSAGE_LENGTH, MAX_OUTSTANDING, PacketType, SFTP_VERSION, StatusCode } from './constants.js';
import { connectionLost, statusError } from './errors.js';
import { joinParts, PacketReader } from './packet-reader.js';
import type { SftpPipe } from './pipe.js';

/** A reply: its type, the whole message (type byte first), and a reader positioned after the id. */
export interface SftpReply {
  type: number;
  message: Uint8Array;
  reader: SSHReader;
  /**
   * For a request made with `dataParts` answered by SSH_FXP_DATA: the data as the views it
   * arrived in, not joined (`message` then holds only the first view). Undefined otherwise.
   */
  dataParts?: Uint8Array[];
  /** The total length of `dataParts`. */
  dataLength?: number;
}

export interface SessionOptions {
  /** Largest message accepted from the server (default 256 KiB, OpenSSH's SFTP_MAX_MSG_LENGTH). */
  maxMessageLength?: number;
  /** Requests in flight at once (default 1024). */
  maxOutstanding?: number;
  /** Extension pairs for our INIT (§4); none by default, as OpenSSH's client. */
  initExtensions?: Record<string, string>;
}

interface Pending {
  resolve(reply: SftpReply): void;
  reject(error: unknown): void;
  /** A DATA reply may be handed over as its pieces (SftpReply.dataParts). */
  dataParts: boolean;
}

/** type, uint32 id, uint32 data length: where a DATA reply's data starts in its message. */
const DATA_PREFIX = 9;

/** Most extension pairs a VERSION may carry: a bound on the loop, far above any real server. */
const MAX_EXTENSIONS = 256;

export class SftpSession {
  readonly version: number;
  /** The server's extensions (name → version data) from its VERSION (§4). */
  readonly extensions: Readonly<Record<string, string>>;
  /** Resolves when the session has ended (closed by us, or the pipe failed). */
  readonly ended: Promise<void>;

  private readonly pipe: SftpPipe;
  private readonly packets: PacketReader;
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: (() => void)[] = [];
  private readonly maxOutstanding: number;
  private nextId = 0;
  private failure: unknown;
  private resolveEnded!: () => void;

  private constructor(
    pipe: SftpPipe,
    packets: PacketReader,
    version: number,
    extensions: Record<string, string>,
    options: SessionOptions,
  ) {
    this.pipe = pipe;
    this.packets = packets;
    this.version = version;
    this.extensions = extensions;
    this.maxOutstanding = options.maxOutstanding ?? MAX_OUTSTANDING;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Sends INIT, reads VERSION, and starts dispatching replies. Closes the pipe if that fails. */
  static async start(pipe: SftpPipe, options: SessionOptions = {}): Promise<SftpSession> {
    const packets = new PacketReader(options.maxMessageLength ?? MAX_MESSAGE_LENGTH);
    try {
      const init = new SSHWriter(64).uint32(0).byte(PacketType.INIT).uint32(SFTP_VERSION);
      for (const [name, data] of Object.entries(options.initExtensions ?? {})) init.string(name).string(data);
      void pipe.write(withLength(init.finish())).catch(() => {});
      const { message, rest } = await firstMessage(pipe, packets);
      const { version, extensions } = parseVersion(message);
      const session = new SftpSession(pipe, packets, version, extensions, options);
      void session.readLoop(rest);
      return session;
    } catch (error) {
      await pipe.close().catch(() => {});
      throw error;
    }
  }

  /** Requests in flight. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** True once the session has failed or been closed. */
  get isEnded(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Sends a request of `type` whose fields after the id `body` writes, and resolves with the reply.
   * `sizeHint` presizes the buffer (a WRITE's data). With `dataParts`, a DATA reply comes as the
   * pieces it arrived in (SftpReply.dataParts) instead of being joined into one buffer.
   */
  async request(
    type: number,
    body?: (w: SSHWriter) => void,
    sizeHint = 64,
    options?: { dataParts?: boolean; trailingData?: Uint8Array },
  ): Promise<SftpReply> {
    if (this.failure !== undefined) throw this.failure;
    // The message is built (its data copied) before any wait for a slot: a caller may reuse its
    // buffers as soon as a write it awaited has resolved. The id goes in once a slot is free.
    // `trailingData` is the exception: the last string field, sent as it is (not copied), for
    // callers whose buffer nothing changes until the reply (put's own file reads).
    const trailing = options?.trailingData;
    const w = new SSHWriter(sizeHint + 16).uint32(0).byte(type).uint32(0);
    body?.(w);
    if (trailing) w.uint32(trailing.length);
    const message = w.finish();
    new DataView(message.buffer, message.byteOffset, 4).setUint32(
      0,
      message.length - 4 + (trailing?.length ?? 0),
    );
    while (this.pending.size >= this.maxOutstanding && this.failure === undefined) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.failure !== undefined) throw this.failure;
    const id = this.allocateId();
    new DataView(message.buffer, message.byteOffset, 9).setUint32(5, id);
    const dataParts = options?.dataParts === true;
    const reply = new Promise<SftpReply>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, dataParts }),
    );
    this.pipe.write(message).catch((error) => this.fail(asPipeError(error)));
    // Queued right behind its header, before anything else can be: the pipe keeps the order.
    if (trailing) this.pipe.write(trailing).catch((error) => this.fail(asPipeError(error)));
    return reply;
  }

  /** Ends the session: requests in flight reject (NO_CONNECTION) and the pipe is closed. */
  async close(): Promise<void> {
    this.fail(statusError(StatusCode.NO_CONNECTION, 'the SFTP client was closed'));
    await this.pipe.close().catch(() => {});
  }

  private allocateId(): number {
    // uint32 ids wrap; one still in flight after 2^32 requests is skipped.
    let id = this.nextId;
    while (this.pending.has(id)) id = (id + 1) >>> 0;
    this.nextId = (id + 1) >>> 0;
    return id;
  }

  /** `early`: whole messages that arrived with the VERSION (replies to nothing: protocol errors). */
  private async readLoop(early: Uint8Array[]): Promise<void> {
    const onMessage = (parts: Uint8Array[], length: number) => this.dispatchParts(parts, length);
    try {
      for (const message of early) this.dispatch(message);
      while (this.failure === undefined) {
        const chunk = await this.pipe.read();
        if (chunk === undefined) {
          this.fail(
            connectionLost(
              this.packets.idle
                ? 'the server closed the SFTP channel'
                : 'the SFTP channel closed mid-message',
            ),
          );
          break;
        }
        this.packets.pushParts(chunk, onMessage);
      }
    } catch (error) {
      this.fail(asPipeError(error));
    }
    if (this.failure !== undefined) await this.pipe.close().catch(() => {});
  }

  /**
   * A DATA reply to a request that takes pieces is resolved with them as they are: a 255 KiB read
   * reply spans several channel packets, and joining them would copy every byte once more.
   */
  private dispatchParts(parts: Uint8Array[], length: number): void {
    const first = parts[0]!;
    if (parts.length > 1 && first.length >= DATA_PREFIX && first[0] === PacketType.DATA) {
      const view = new DataView(first.buffer, first.byteOffset, first.length);
      const id = view.getUint32(1);
      const pending = this.pending.get(id);
      if (pending?.dataParts) {
        const dataLength = view.getUint32(5);
        // Anything but a string that fills the message exactly takes the joined path, whose
        // checks (replies.ts expectData) apply however the message was chunked.
        if (dataLength !== length - DATA_PREFIX) {
          this.dispatch(joinParts(parts, length));
          return;
        }
        const dataParts = [first.subarray(DATA_PREFIX), ...parts.slice(1)].filter((p) => p.length > 0);
        this.pending.delete(id);
        this.waiting.shift()?.();
        pending.resolve({
          type: PacketType.DATA,
          message: first,
          reader: new SSHReader(first, 5),
          dataParts,
          dataLength,
        });
        return;
      }
    }
    this.dispatch(joinParts(parts, length));
  }

  private dispatch(message: Uint8Array): void {
    const type = message[0]!;
    const reader = new SSHReader(message, 1);
    const id = reader.uint32('request id');
    const pending = this.pending.get(id);
    if (!pending)
      throw new ProtocolError(`SFTP reply (type ${type}) to request id ${id}, which is not in flight`);
    this.pending.delete(id);
    this.waiting.shift()?.();
    pending.resolve({ type, message, reader });
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
    for (const wake of this.waiting.splice(0)) wake();
    this.resolveEnded();
  }
}

/** Fills in the uint32 length of a message built with a 0 placeholder. */
function withLength(message: Uint8Array): Uint8Array {
  new DataView(message.buffer, message.byteOffset, 4).setUint32(0, message.length - 4);
  return message;
}

/** An error of the connection underneath passes through as it is (the same error every channel sees). */
function asPipeError(error: unknown): unknown {
  return error instanceof SSHError
    ? error
    : connectionLost(String((error as Error)?.message ?? error), error);
}

/**
 * Reads until the first whole message; returns it and any whole messages that came with it (a part
 * of the next one stays in `packets`, which the read loop goes on with).
 */
async function firstMessage(
  pipe: SftpPipe,
  packets: PacketReader,
): Promise<{ message: Uint8Array; rest: Uint8Array[] }> {
  let message: Uint8Array | undefined;
  const rest: Uint8Array[] = [];
  while (message === undefined) {
    const chunk = await pipe.read();
    if (chunk === undefined) throw connectionLost('the server closed the SFTP channel before its VERSION');
    packets.push(chunk, (m) => {
      if (message === undefined) message = m;
      else rest.push(m);
    });
  }
  return { message, rest };
}

/** SSH_FXP_VERSION (§4): uint32 version, then extension pairs to the end of the message. */
function parseVersion(message: Uint8Array): { version: number; extensions: Record<string, string> } {
  if (message[0] !== PacketType.VERSION) {
    throw new ProtocolError(`expected SSH_FXP_VERSION, got message type ${message[0]}`);
  }
  const r = new SSHReader(message, 1);
  const version = r.uint32('VERSION.version');
  if (version !== SFTP_VERSION) {
    throw new SSHError(
      'ERR_SFTP_VERSION',
      `the server speaks SFTP version ${version}; sshts speaks ${SFTP_VERSION}`,
    );
  }
  const extensions: Record<string, string> = Object.create(null);
  for (let n = 0; r.remaining > 0; n++) {
    if (n === MAX_EXTENSIONS) throw new ProtocolError(`more than ${MAX_EXTENSIONS} SFTP extensions`);
    const name = r.utf8('VERSION.extension-name', 1024);
    extensions[name] = r.utf8('VERSION.extension-data', 4096);
  }
  return { version, extensions };
}
