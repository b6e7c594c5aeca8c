// One incoming stream of a channel (stdout, or stderr as EXTENDED_DATA type 1): the chunks the peer
// sent and nobody has read yet. A chunk counts against our receive window until a reader takes it;
// only then is it credited back (`onConsumed`), so a reader that stops reading stops the peer
// (RFC 4254 §5.2) instead of letting this queue grow. The window bounds the queue.
import { SSHError } from '@sshts/wire';

/** An incoming byte stream of a channel (API.md ChannelReader). */
export interface ChannelReader extends AsyncIterable<Uint8Array> {
  /** Everything until EOF, decoded as UTF-8. */
  text(): Promise<string>;
  /** Everything until EOF. */
  bytes(): Promise<Uint8Array>;
  /** The same stream as a Web ReadableStream (pull-based: reading drives the window). */
  readonly readable: ReadableStream<Uint8Array>;
  /** The next chunk, or undefined at EOF. Rejects when the connection or channel failed. */
  read(): Promise<Uint8Array | undefined>;
}

interface Waiter {
  resolve(chunk: Uint8Array | undefined): void;
  reject(error: unknown): void;
}

export class ReadQueue implements ChannelReader {
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private ended = false;
  private error: unknown;
  private waiter: Waiter | undefined;
  private locked = false;
  #buffered = 0;

  /** `onConsumed(n)` is called when a reader takes n bytes: the channel credits its window. */
  constructor(private readonly onConsumed: (bytes: number) => void) {}

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Data from the peer (already copied out of the packet buffer). */
  push(chunk: Uint8Array): void {
    if (this.ended || this.error !== undefined || chunk.length === 0) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      this.onConsumed(chunk.length);
      waiter.resolve(chunk);
      return;
    }
    this.chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** EOF: readers get what is buffered, then the end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.chunks.length === this.head) this.settleWaiter(undefined);
  }

  /** The connection or channel failed: buffered data is still delivered, then `error`. */
  fail(error: unknown): void {
    if (this.ended || this.error !== undefined) return;
    this.error = error;
    const waiter = this.waiter;
    if (waiter && this.chunks.length === this.head) {
      this.waiter = undefined;
      waiter.reject(error);
    }
  }

  read(): Promise<Uint8Array | undefined> {
    if (this.waiter) return Promise.reject(new SSHError('ERR_CONCURRENT_READ', 'a read is already pending'));
    if (this.head < this.chunks.length) {
      const chunk = this.chunks[this.head]!;
      this.chunks[this.head++] = EMPTY;
      if (this.head > 1024 && this.head * 2 > this.chunks.length) {
        this.chunks.splice(0, this.head);
        this.head = 0;
      }
      this.#buffered -= chunk.length;
      this.onConsumed(chunk.length);
      return Promise.resolve(chunk);
    }
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.lock();
    for (;;) {
      const chunk = await this.read();
      if (chunk === undefined) return;
      yield chunk;
    }
  }

  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this) {
      parts.push(chunk);
      total += chunk.length;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  get readable(): ReadableStream<Uint8Array> {
    this.lock();
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const chunk = await this.read();
          if (chunk === undefined) controller.close();
          else controller.enqueue(chunk);
        },
      },
      // No read-ahead: the stream pulls only when its consumer reads, so the window still applies.
      { highWaterMark: 0 },
    );
  }

  private lock(): void {
    if (this.locked) throw new SSHError('ERR_READER_LOCKED', 'this stream is already being read');
    this.locked = true;
  }

  private settleWaiter(chunk: Uint8Array | undefined): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(chunk);
  }
}

const EMPTY = new Uint8Array(0);
