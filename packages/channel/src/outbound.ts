// The sending half of a channel: data waits here until the peer's window (RFC 4254 §5.2) has room,
// is cut into packets of at most the peer's maximum packet size, and goes out in the order it was
// written, EOF last. A write resolves once its last byte is within the window and handed to the
// transport — which is what makes `await write()` the backpressure.
import { concatBytes, MessageType, ProtocolError } from '@sshts/wire';
import { encodeData, encodeDataHeader, encodeRecipientOnly } from './channel-messages.js';
import { ChannelClosedError } from './errors.js';
import { MAX_SEND_PACKET, MAX_WINDOW } from './limits.js';

/** The transport's output backlog, as the mux sees it (ConnectionLink.outputFull). */
export interface TransportBackpressure {
  full(): boolean;
  drained(): Promise<void>;
}

interface Pending {
  data: Uint8Array;
  offset: number;
  dataType: number | undefined; // undefined: CHANNEL_DATA; 1: stderr (EXTENDED_DATA)
  eof: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

export class Outbound {
  /** Bytes the peer will still accept. */
  window: number;
  readonly maxPacket: number;
  private readonly queue: Pending[] = [];
  private head = 0;
  private error: unknown;
  private waitingForDrain = false;
  eofQueued = false;
  eofSent = false;

  constructor(
    private readonly remoteId: number,
    window: number,
    maxPacket: number,
    private readonly send: (payload: Uint8Array) => void,
    private readonly backpressure?: TransportBackpressure,
    /** Sends a message as parts without joining them (ConnectionLink.sendParts), when available. */
    private readonly sendParts?: (parts: readonly Uint8Array[]) => void,
  ) {
    // A maximum packet of 0 would make every write spin forever (libssh CVE-2026-59843).
    if (!(maxPacket >= 1)) throw new ProtocolError(`the peer's maximum packet size is ${maxPacket}`);
    this.window = window;
    this.maxPacket = Math.min(maxPacket, MAX_SEND_PACKET);
  }

  /** Bytes accepted by write() and not yet sent. */
  get queued(): number {
    let total = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const p = this.queue[i]!;
      total += p.data.length - p.offset;
    }
    return total;
  }

  write(data: Uint8Array, dataType?: number): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.eofQueued) return Promise.reject(new ChannelClosedError('write after end()', 'ERR_CHANNEL_EOF'));
    if (data.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ data, offset: 0, dataType, eof: false, resolve, reject });
      this.flush();
    });
  }

  /** EOF after everything written so far (§5.3). */
  end(): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.eofQueued) return Promise.resolve();
    this.eofQueued = true;
    return new Promise((resolve, reject) => {
      this.queue.push({ data: EMPTY, offset: 0, dataType: undefined, eof: true, resolve, reject });
      this.flush();
    });
  }

  /** WINDOW_ADJUST from the peer. */
  adjust(bytes: number): void {
    if (this.window + bytes > MAX_WINDOW) {
      throw new ProtocolError(`window adjust of ${bytes} overflows the window (RFC 4254 §5.2)`);
    }
    this.window += bytes;
    this.flush();
  }

  /** Nothing more can be sent: every pending write rejects with `error`. */
  fail(error: unknown): void {
    if (this.error !== undefined) return;
    this.error = error;
    const pending = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const p of pending) p.reject(error);
  }

  /** The transport has too much queued: resume when it drains (one waiter per channel). */
  private waitForDrain(): void {
    if (this.waitingForDrain || !this.backpressure) return;
    this.waitingForDrain = true;
    void this.backpressure.drained().then(() => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.head < this.queue.length && this.error === undefined) {
      const p = this.queue[this.head]!;
      if (p.eof) {
        this.send(encodeRecipientOnly(MessageType.CHANNEL_EOF, this.remoteId));
        this.eofSent = true;
        this.complete(this.head + 1);
        continue;
      }
      if (this.window === 0) return;
      if (this.backpressure?.full()) {
        this.waitForDrain();
        return;
      }
      // One packet gathers the writes queued after this one while they are data of the same
      // type: a short write (an SFTP request's header) then rides with the data after it instead
      // of taking a packet of its own.
      const limit = Math.min(this.window, this.maxPacket);
      const parts: Uint8Array[] = [];
      let n = 0;
      let done = this.head;
      for (let i = this.head; i < this.queue.length && n < limit; i++) {
        const q = this.queue[i]!;
        if (q.eof || q.dataType !== p.dataType) break;
        const take = Math.min(q.data.length - q.offset, limit - n);
        parts.push(q.data.subarray(q.offset, q.offset + take));
        q.offset += take;
        n += take;
        if (q.offset < q.data.length) break;
        done = i + 1;
      }
      if (this.sendParts) this.sendParts([encodeDataHeader(this.remoteId, n, p.dataType), ...parts]);
      else this.send(encodeData(this.remoteId, concatBytes(parts, n), p.dataType));
      this.window -= n;
      this.complete(done);
    }
  }

  /** Resolves the writes before index `end`: their last bytes are with the transport. */
  private complete(end: number): void {
    while (this.head < end) {
      const p = this.queue[this.head]!;
      this.queue[this.head++] = DONE;
      p.resolve();
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
const DONE: Pending = {
  data: EMPTY,
  offset: 0,
  dataType: undefined,
  eof: false,
  resolve() {},
  reject() {},
};
