// One channel of the connection protocol (RFC 4254 §5): two flow-controlled byte streams each way
// (data and extended data), EOF and CLOSE, and channel requests. The mux (mux.ts) routes the
// peer's messages here by channel number; everything this channel says goes out through `send`.
import { ExtendedDataType, MessageType, ProtocolError, type SSHError, type SSHReader } from '@sshts/wire';
import { encodeChannelRequest, encodeRecipientOnly, encodeWindowAdjust } from './channel-messages.js';
import { ChannelClosedError } from './errors.js';
import { MAX_REQUEST_FIELD } from './limits.js';
import { OrderedReplies } from './ordered-replies.js';
import { Outbound, type TransportBackpressure } from './outbound.js';
import { type ChannelReader, ReadQueue } from './read-queue.js';
import { encodeSignal, encodeWindowChange } from './session-requests.js';

/** How a remote command ended (RFC 4254 §6.10). */
export interface ExitStatus {
  exitCode: number | null;
  /** Signal name without "SIG" (e.g. "TERM"), when it was killed. */
  signal: string | null;
  coreDumped?: boolean;
  errorMessage?: string;
}

/** An outgoing byte stream of a channel (API.md ChannelWriter). */
export interface ChannelWriter {
  write(data: Uint8Array | string): Promise<void>;
  end(): Promise<void>;
  readonly writable: WritableStream<Uint8Array>;
}

/**
 * A request the peer made on this channel that the channel does not handle itself. Return (or
 * resolve) true for CHANNEL_SUCCESS; replies go out in request order (§5.4).
 */
export type ChannelRequestHandler = (
  type: string,
  data: SSHReader,
  wantReply: boolean,
) => boolean | Promise<boolean>;

export interface ChannelInit {
  type: string;
  localId: number;
  remoteId: number;
  /** Our receive window and maximum packet. */
  localWindow: number;
  localMaxPacket: number;
  /** The peer's. */
  remoteWindow: number;
  remoteMaxPacket: number;
  send(payload: Uint8Array): void;
  /** Sends one message as parts (a data header, then the data) without joining them. */
  sendParts?(parts: readonly Uint8Array[]): void;
  /** Transport backpressure: hold data packets while `full()`, resume after `drained()`. */
  backpressure?: TransportBackpressure;
  /** Both CLOSEs are done: the mux may reuse the channel number. */
  release(): void;
}

// `Symbol.asyncDispose`, or the registry symbol TypeScript's helpers use where a runtime lacks it.
const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

const encoder = new TextEncoder();
const toBytes = (data: Uint8Array | string) => (typeof data === 'string' ? encoder.encode(data) : data);

export class Channel implements AsyncIterable<Uint8Array> {
  /** Our channel number. */
  readonly id: number;
  readonly type: string;
  /** The peer's channel number. */
  readonly remoteId: number;
  readonly stdout: ChannelReader;
  readonly stderr: ChannelReader;
  readonly stdin: ChannelWriter;
  /** The extended-data stream (type 1) towards the peer: a server's stderr. */
  readonly stderrWriter: ChannelWriter;
  /** exit-status / exit-signal, or nulls when the channel closed without either. */
  readonly exit: Promise<ExitStatus>;
  /** Resolves when CLOSE has been both sent and received, or the connection ended. */
  readonly closed: Promise<void>;
  /** Requests from the peer other than exit-status, exit-signal, eow@openssh.com. */
  onRequest: ChannelRequestHandler | undefined;

  private readonly out: Outbound;
  private readonly stdoutQueue: ReadQueue;
  private readonly stderrQueue: ReadQueue;
  private readonly send: (payload: Uint8Array) => void;
  private readonly release: () => void;
  private readonly replies = new OrderedReplies();
  private readonly replyWaiters: { resolve(ok: boolean): void; reject(e: unknown): void }[] = [];
  private readonly windowSize: number;
  private readonly localMaxPacket: number;
  /** What the peer may still send us. */
  private localWindow: number;
  /** Bytes read by our readers and not yet given back with WINDOW_ADJUST. */
  private consumed = 0;
  private eofReceived = false;
  private closeSent = false;
  private closeReceived = false;
  private failed = false;
  /** The connection's error once it ended (fail()). */
  private failure: SSHError | undefined;
  private exitStatus: ExitStatus = { exitCode: null, signal: null };
  private resolveExit!: (status: ExitStatus) => void;
  private rejectExit!: (error: unknown) => void;
  private exitSettled = false;
  private resolveClosed!: () => void;

  constructor(init: ChannelInit) {
    this.id = init.localId;
    this.type = init.type;
    this.remoteId = init.remoteId;
    this.send = init.send;
    this.release = init.release;
    this.windowSize = init.localWindow;
    this.localWindow = init.localWindow;
    this.localMaxPacket = init.localMaxPacket;
    this.out = new Outbound(
      init.remoteId,
      init.remoteWindow,
      init.remoteMaxPacket,
      init.send,
      init.backpressure,
      init.sendParts,
    );
    this.stdoutQueue = new ReadQueue((n) => this.onConsumed(n));
    this.stderrQueue = new ReadQueue((n) => this.onConsumed(n));
    this.stdout = this.stdoutQueue;
    this.stderr = this.stderrQueue;
    this.stdin = this.writer((data) => this.out.write(data));
    this.stderrWriter = this.writer((data) => this.out.write(data, ExtendedDataType.STDERR));
    this.exit = new Promise((resolve, reject) => {
      this.resolveExit = resolve;
      this.rejectExit = reject;
    });
    this.exit.catch(() => {}); // rejected only when the connection dies; callers see it if they await
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** Data towards the peer; resolves once it is within the peer's window (§5.2). */
  write(data: Uint8Array | string): Promise<void> {
    return this.out.write(toBytes(data));
  }

  /** Extended data type 1 (stderr) towards the peer. */
  writeStderr(data: Uint8Array | string): Promise<void> {
    return this.out.write(toBytes(data), ExtendedDataType.STDERR);
  }

  /** EOF after everything written (§5.3); the channel stays open for the peer's data. */
  end(): Promise<void> {
    return this.out.end();
  }

  /** Sends CLOSE (§5.3) and resolves when the peer's CLOSE arrives. Unsent writes are dropped. */
  close(): Promise<void> {
    if (!this.closeSent && !this.failed) {
      this.closeSent = true;
      this.out.fail(new ChannelClosedError('the channel was closed'));
      this.send(encodeRecipientOnly(MessageType.CHANNEL_CLOSE, this.remoteId));
    }
    return this.closed;
  }

  /**
   * Sends a channel request (§5.4). With `wantReply`, resolves with the peer's answer (true for
   * CHANNEL_SUCCESS); without, resolves once sent.
   */
  request(type: string, wantReply: boolean, data?: Uint8Array): Promise<boolean> {
    // After the connection died, the same error as every other operation (not a new one).
    if (this.failure) return Promise.reject(this.failure);
    if (this.closeSent || this.closeReceived) {
      return Promise.reject(new ChannelClosedError(`cannot send "${type}": the channel is closed`));
    }
    this.send(encodeChannelRequest(this.remoteId, type, wantReply, data));
    if (!wantReply) return Promise.resolve(true);
    return new Promise((resolve, reject) => this.replyWaiters.push({ resolve, reject }));
  }

  /** window-change (§6.7): the terminal is now `cols` × `rows`. */
  async resizePty(cols: number, rows: number, widthPx = 0, heightPx = 0): Promise<void> {
    await this.request('window-change', false, encodeWindowChange(cols, rows, widthPx, heightPx));
  }

  /** signal (§6.9): a name without "SIG", e.g. "TERM", "INT", "KILL". */
  async signal(name: string): Promise<void> {
    await this.request('signal', false, encodeSignal(name));
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.stdout[Symbol.asyncIterator]();
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Bytes written and still waiting for the peer's window. */
  get pendingWrite(): number {
    return this.out.queued;
  }

  /** Bytes received that no reader has taken yet (bounded by our window). */
  get bufferedRead(): number {
    return this.stdoutQueue.buffered + this.stderrQueue.buffered;
  }

  // --- messages from the peer, routed here by the mux ---

  /**
   * CHANNEL_DATA / CHANNEL_EXTENDED_DATA (§5.2). `dataType` undefined for plain data. `owned`:
   * nothing else will reuse `data`'s memory, so it is queued as it is rather than copied.
   */
  receiveData(data: Uint8Array, dataType: number | undefined, owned = false): void {
    if (this.eofReceived) throw new ProtocolError(`channel ${this.id}: data after EOF`);
    if (data.length > this.localWindow) {
      throw new ProtocolError(
        `channel ${this.id}: ${data.length} bytes exceed the window ${this.localWindow}`,
      );
    }
    if (data.length > this.localMaxPacket) {
      throw new ProtocolError(
        `channel ${this.id}: ${data.length}-byte packet exceeds ${this.localMaxPacket}`,
      );
    }
    this.localWindow -= data.length;
    // After our CLOSE, data still in flight is dropped; unknown extended types are dropped too
    // (§5.2 defines only stderr) — both are credited back at once.
    const queue =
      this.closeSent || this.failed
        ? undefined
        : dataType === undefined
          ? this.stdoutQueue
          : dataType === ExtendedDataType.STDERR
            ? this.stderrQueue
            : undefined;
    if (queue) queue.push(owned ? data : data.slice());
    else this.onConsumed(data.length);
  }

  receiveWindowAdjust(bytes: number): void {
    this.out.adjust(bytes);
  }

  receiveEof(): void {
    this.eofReceived = true;
    this.stdoutQueue.end();
    this.stderrQueue.end();
  }

  receiveClose(): void {
    if (this.closeReceived) throw new ProtocolError(`channel ${this.id}: a second CLOSE`);
    this.closeReceived = true;
    this.stdoutQueue.end();
    this.stderrQueue.end();
    const error = new ChannelClosedError('the peer closed the channel');
    this.out.fail(error);
    for (const w of this.replyWaiters.splice(0)) w.reject(error);
    this.settleExit();
    if (!this.closeSent) {
      this.closeSent = true;
      this.send(encodeRecipientOnly(MessageType.CHANNEL_CLOSE, this.remoteId));
    }
    this.release();
    this.resolveClosed();
  }

  /** CHANNEL_SUCCESS / CHANNEL_FAILURE: the answer to our oldest request wanting one. */
  receiveReply(success: boolean): void {
    const waiter = this.replyWaiters.shift();
    if (!waiter) throw new ProtocolError(`channel ${this.id}: a reply to no request`);
    waiter.resolve(success);
  }

  receiveRequest(type: string, wantReply: boolean, data: SSHReader): void {
    let answer: boolean | Promise<boolean>;
    switch (type) {
      case 'exit-status':
        // §6.10: uint32 exit_status.
        this.exitStatus = { ...this.exitStatus, exitCode: data.uint32('exit-status') };
        this.settleExit();
        answer = true;
        break;
      case 'exit-signal': {
        // §6.10: string signal name (without "SIG"), boolean core dumped, string message, string lang.
        const signal = data.utf8('signal name', 256);
        const coreDumped = data.boolean('core dumped');
        const errorMessage = data.utf8('error message', MAX_REQUEST_FIELD);
        // The language tag closes the message (§6.10); OpenSSH, Dropbear and AsyncSSH all send
        // it, so a message cut before it is truncated (libssh2 CVE-2019-3857's class).
        data.utf8('language tag', 256);
        this.exitStatus = { exitCode: null, signal, coreDumped, errorMessage };
        this.settleExit();
        answer = true;
        break;
      }
      case 'eow@openssh.com':
        // OpenSSH PROTOCOL §2.1: the peer will read no more; pending and later writes fail.
        this.out.fail(new ChannelClosedError('the peer stopped reading (eow@openssh.com)'));
        answer = true;
        break;
      default:
        // Unknown requests (keepalive@openssh.com, PuTTY's winadj@…) get CHANNEL_FAILURE (§5.4).
        // A handler that throws fails the request like one that rejects, instead of letting an
        // exception of another type escape handleMessage.
        try {
          answer = this.onRequest ? this.onRequest(type, data, wantReply) : false;
        } catch {
          answer = false;
        }
    }
    if (!wantReply) return;
    this.replies.add(answer, (ok) => {
      if (this.closeSent || this.failed) return;
      const type = ok === true ? MessageType.CHANNEL_SUCCESS : MessageType.CHANNEL_FAILURE;
      this.send(encodeRecipientOnly(type, this.remoteId));
    });
  }

  /** The connection ended: everything pending rejects with the connection's error. */
  fail(error: SSHError): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
    this.stdoutQueue.fail(error);
    this.stderrQueue.fail(error);
    this.out.fail(error);
    for (const w of this.replyWaiters.splice(0)) w.reject(error);
    if (!this.exitSettled) {
      this.exitSettled = true;
      this.rejectExit(error);
    }
    this.resolveClosed();
  }

  private settleExit(): void {
    if (this.exitSettled) return;
    this.exitSettled = true;
    this.resolveExit(this.exitStatus);
  }

  private onConsumed(bytes: number): void {
    this.consumed += bytes;
    // Credit the window back in steps of a quarter (at least one packet): a reader that keeps up
    // never lets the peer's window run dry, one that stops stalls the peer within a window, and a
    // bulk transfer costs few WINDOW_ADJUSTs (each a socket write and a wake-up of the peer;
    // OpenSSH waits for half, channels.c channel_check_window). The step is at most half the
    // window: with a window smaller than our maximum packet (e.g. 16 KiB with 32 KiB packets),
    // "one packet" could never be consumed and the peer's window (§5.2) would stay at 0 for ever.
    const step = Math.max(
      1,
      Math.min(Math.max(this.localMaxPacket, this.windowSize >>> 2), Math.floor(this.windowSize / 2)),
    );
    if (this.consumed < step || this.eofReceived || this.closeSent || this.closeReceived || this.failed)
      return;
    this.localWindow += this.consumed;
    this.send(encodeWindowAdjust(this.remoteId, this.consumed));
    this.consumed = 0;
  }

  private writer(write: (data: Uint8Array) => Promise<void>): ChannelWriter {
    const end = () => this.end();
    return {
      write: (data) => write(toBytes(data)),
      end,
      get writable() {
        return new WritableStream<Uint8Array>({ write: (chunk) => write(chunk), close: () => end() });
      },
    };
  }
}
