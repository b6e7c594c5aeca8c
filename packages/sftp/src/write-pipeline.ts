// Pipelined writes (every upload path): the data is cut into WRITE requests of at most
// `chunkSize` bytes at consecutive offsets, `concurrency` in flight; each waits for its STATUS.
// The first failure stops new writes; those in flight are awaited before it is thrown.
import { PacketType } from './constants.js';
import { expectOk } from './replies.js';
import type { SftpSession } from './session.js';

export interface WriteOptions {
  chunkSize: number;
  concurrency: number;
  signal?: AbortSignal;
  path?: string;
  /** Called as each write is acknowledged, with the bytes acknowledged so far. */
  onProgress?: (written: number) => void;
  /**
   * The pushed buffers are the pipeline's until their WRITEs are answered (nothing else changes
   * them: put's own file reads), so they are sent as they are instead of copied into each request.
   */
  ownsData?: boolean;
}

/** Writes go to `handle` from `offset` on; push() them in order, then finish(). */
export class WritePipeline {
  private offset: number;
  private inFlight = 0;
  private acknowledged = 0;
  private error: unknown;
  private failed = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly session: SftpSession,
    private readonly handle: Uint8Array,
    start: number,
    private readonly options: WriteOptions,
  ) {
    this.offset = start;
    if (options.signal?.aborted) this.fail(options.signal.reason);
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The offset the next byte goes to. */
  get position(): number {
    return this.offset;
  }

  /** Queues `data` (not copied until sent: do not change it before the promise resolves). */
  async push(data: Uint8Array): Promise<void> {
    const { chunkSize, concurrency } = this.options;
    for (let at = 0; at < data.length; at += chunkSize) {
      while (this.inFlight >= concurrency && !this.failed) await this.slot();
      if (this.failed) return this.finish(); // throws the failure once every WRITE is answered
      this.send(data.subarray(at, Math.min(at + chunkSize, data.length)));
    }
  }

  /** Waits for every write; rejects with the first failure. */
  async finish(): Promise<void> {
    while (this.inFlight > 0) await this.slot();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.failed) throw this.error;
  }

  private readonly onAbort = () => this.fail(this.options.signal?.reason);

  private send(piece: Uint8Array): void {
    const offset = this.offset;
    this.offset += piece.length;
    this.inFlight++;
    const handle = this.handle;
    this.session
      .request(
        PacketType.WRITE,
        this.options.ownsData
          ? (w) => w.string(handle).uint64(offset)
          : (w) => w.string(handle).uint64(offset).string(piece),
        this.options.ownsData ? handle.length + 16 : handle.length + piece.length + 16,
        this.options.ownsData ? { trailingData: piece } : undefined,
      )
      .then((reply) => {
        expectOk(reply, this.options.path);
        this.acknowledged += piece.length;
        this.options.onProgress?.(this.acknowledged);
      })
      .catch((error) => this.fail(error))
      .finally(() => {
        this.inFlight--;
        this.waiters.shift()?.();
      });
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private slot(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
