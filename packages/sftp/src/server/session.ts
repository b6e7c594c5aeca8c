// One SFTP session on the server side (draft-02 §3, §4, §6.1): INIT answered with VERSION, then
// requests read off the pipe, parsed at once and run through the scheduler, each answered by its
// id — replies for one handle in the order the requests came (§6.1), others as they finish.
//
// What ends the session, and how: the client's EOF (after the replies still owed, every handle
// is closed and the pipe ended); a framing error — a message under 5 bytes or over 256 KiB, where
// OpenSSH's sftp-server exits too — or a request before INIT, or a second INIT (the pipe is
// aborted and serve() rejects with the ProtocolError); the caller's AbortSignal. A request that
// does not parse gets STATUS BAD_MESSAGE and the session goes on; an unknown type OP_UNSUPPORTED;
// nothing a client sends ends in an uncaught exception.
import { ProtocolError, SSHReader, SSHWriter } from '@sshts/wire';
import { MAX_MESSAGE_LENGTH, PacketType, SFTP_VERSION, StatusCode } from '../constants.js';
import { joinParts, PacketReader } from '../packet-reader.js';
import type { Handler, Prepared, ServerContext } from './context.js';
import { extendedHandler } from './extended.js';
import type { SFTPFileSystem } from './filesystem.js';
import { HandleTable, key } from './handles.js';
import { REQUESTS } from './requests.js';
import { RequestScheduler } from './scheduler.js';
import type { ServerPipe } from './server-pipe.js';
import { statusForError } from './status.js';
import { statusReply } from './wire.js';

export interface SessionSettings {
  fs: SFTPFileSystem;
  home: string;
  user: string | undefined;
  readOnly: boolean;
  maxOpenHandles: number;
  extensions: Readonly<Record<string, string>>;
}

/** Requests parsed but unanswered before the pipe is read no further (flow control does the rest). */
const MAX_PENDING = 256;
/** Shared requests (READs) running at once: at most this many 255 KiB replies held. */
const MAX_SHARED = 16;

export class ServerSession implements ServerContext {
  readonly fs: SFTPFileSystem;
  readonly handles: HandleTable;
  readonly home: string;
  readonly user: string | undefined;
  readonly readOnly: boolean;
  clientVersion = SFTP_VERSION;

  private readonly pipe: ServerPipe;
  private readonly packets = new PacketReader(MAX_MESSAGE_LENGTH);
  private readonly scheduler = new RequestScheduler(MAX_SHARED);
  private readonly handlers: Partial<Record<number, Handler>>;
  private readonly extensions: Readonly<Record<string, string>>;
  /** Per handle: resolves once the latest request's reply for it has been handed to the pipe. */
  private readonly lanes = new Map<string, Promise<void>>();
  private initialized = false;
  private failure: unknown;
  private stopped = false;

  constructor(pipe: ServerPipe, settings: SessionSettings) {
    this.pipe = pipe;
    this.fs = settings.fs;
    this.home = settings.home;
    this.user = settings.user;
    this.readOnly = settings.readOnly;
    this.handles = new HandleTable(settings.maxOpenHandles);
    this.extensions = settings.extensions;
    this.handlers = { ...REQUESTS, [PacketType.EXTENDED]: extendedHandler(settings.extensions) };
  }

  /**
   * Serves until the client's EOF (resolves; with `end`, the pipe is ended after the last reply),
   * a protocol error (rejects), stop() or a pipe that fails (resolves: the client is gone).
   */
  async run(end = true): Promise<void> {
    try {
      while (!this.stopped && this.failure === undefined) {
        await this.scheduler.waitBelow(MAX_PENDING);
        if (this.stopped || this.failure !== undefined) break;
        const chunk = await this.pipe.read();
        if (chunk === undefined) break;
        this.packets.pushParts(chunk, (parts, length) => this.onMessage(joinParts(parts, length)));
      }
    } catch (error) {
      if (!this.stopped && this.failure === undefined) this.failure = error;
    }
    if (this.failure !== undefined) await this.pipe.abort(this.failure);
    // Replies still owed go out (or are dropped at once once stopped) before the handles close.
    await this.scheduler.waitBelow(1);
    await this.closeHandles();
    if (this.failure !== undefined) throw this.failure;
    if (!this.stopped && end) await this.pipe.end();
  }

  /** Ends the session now (an AbortSignal, a broken pipe): nothing more is read or sent. */
  async stop(reason: unknown): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.pipe.abort(reason);
  }

  private onMessage(message: Uint8Array): void {
    if (this.failure !== undefined || this.stopped) return;
    const type = message[0]!;
    const r = new SSHReader(message, 1);
    if (!this.initialized) {
      // sftp-server.c process(): anything before INIT ends the session, as does a second INIT.
      if (type !== PacketType.INIT) throw new ProtocolError(`SFTP request (type ${type}) before INIT`);
      this.clientVersion = r.uint32('INIT.version');
      this.initialized = true;
      this.send(this.version());
      return;
    }
    if (type === PacketType.INIT) throw new ProtocolError('a second SFTP INIT');
    const id = r.uint32('request id');
    const handler = this.handlers[type];
    let prepared: Prepared;
    try {
      // draft-02 §6: a request the server does not know is answered OP_UNSUPPORTED.
      prepared = handler ? handler(this, id, r) : this.immediate(id, StatusCode.OP_UNSUPPORTED);
    } catch (error) {
      prepared = this.immediate(id, statusForError(error));
    }
    this.submit(id, prepared);
  }

  /** A reply known at once (a malformed or unknown request), queued like any other. */
  private immediate(id: number, status: number): Prepared {
    return { access: 'shared', run: async () => statusReply(id, status, this.clientVersion) };
  }

  private submit(id: number, prepared: Prepared): void {
    const lane = prepared.handle ? key(prepared.handle) : undefined;
    const previous = lane === undefined ? undefined : this.lanes.get(lane);
    let handedOver!: () => void;
    const turn = new Promise<void>((resolve) => {
      handedOver = resolve;
    });
    if (lane !== undefined) this.lanes.set(lane, turn);
    this.scheduler.submit(prepared.access, async () => {
      let message: Uint8Array;
      try {
        message = await prepared.run();
      } catch (error) {
        message = statusReply(id, statusForError(error), this.clientVersion);
      }
      // The scheduler starts requests in arrival order, so `previous` has started and cannot
      // be waiting for this one.
      if (previous) await previous;
      const written = this.send(message);
      handedOver();
      if (lane !== undefined && this.lanes.get(lane) === turn) this.lanes.delete(lane);
      await written;
    });
  }

  /** SSH_FXP_VERSION (§4): version 3 (whatever the client asked) and the extensions offered. */
  private version(): Uint8Array {
    const w = new SSHWriter(512).uint32(0).byte(PacketType.VERSION).uint32(SFTP_VERSION);
    for (const [name, data] of Object.entries(this.extensions)) w.string(name).string(data);
    const out = w.finish();
    new DataView(out.buffer, out.byteOffset, 4).setUint32(0, out.length - 4);
    return out;
  }

  private send(message: Uint8Array): Promise<void> {
    if (this.failure !== undefined || this.stopped) return Promise.resolve();
    // A failed write means the client is gone: nothing more can be answered.
    return this.pipe.write(message).catch((error) => this.stop(error));
  }

  private async closeHandles(): Promise<void> {
    await Promise.all(
      this.handles.drain().map((h) => (h.kind === 'file' ? h.file.close() : h.dir.close()).catch(() => {})),
    );
  }
}
