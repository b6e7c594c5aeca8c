// Reads a byte stream field by field, for a handshake (SOCKS) that precedes raw forwarding: what was
// read ahead stays buffered and is handed on with the rest of the stream.
import type { SSHError } from '@sshts/wire';

export class BufferedReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer: Uint8Array = new Uint8Array(0);
  readonly #onEnd: (message: string) => SSHError;

  /** `onEnd` makes the error thrown when the stream ends before a field is complete. */
  constructor(readable: ReadableStream<Uint8Array>, onEnd: (message: string) => SSHError) {
    this.#reader = readable.getReader();
    this.#onEnd = onEnd;
  }

  /** Reads until at least one more byte is buffered; false at the end of the stream. */
  async #fill(): Promise<boolean> {
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) return false;
      if (value.length === 0) continue;
      const merged = new Uint8Array(this.#buffer.length + value.length);
      merged.set(this.#buffer);
      merged.set(value, this.#buffer.length);
      this.#buffer = merged;
      return true;
    }
  }

  /** Exactly `n` bytes (n is always a small constant or a length byte: bounded by the caller). */
  async bytes(n: number, field: string): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      if (!(await this.#fill())) throw this.#onEnd(`the stream ended in ${field}`);
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  async byte(field: string): Promise<number> {
    return (await this.bytes(1, field))[0]!;
  }

  async uint16(field: string): Promise<number> {
    const b = await this.bytes(2, field);
    return (b[0]! << 8) | b[1]!;
  }

  /** Bytes up to a NUL (not included, consumed); more than `max` bytes without one is an error. */
  async untilNul(max: number, field: string): Promise<Uint8Array> {
    let scanned = 0;
    for (;;) {
      const at = this.#buffer.indexOf(0, scanned);
      if (at >= 0 && at <= max) {
        const out = this.#buffer.slice(0, at);
        this.#buffer = this.#buffer.subarray(at + 1);
        return out;
      }
      if (at > max || this.#buffer.length > max) throw this.#onEnd(`${field} is longer than ${max} bytes`);
      scanned = this.#buffer.length;
      if (!(await this.#fill())) throw this.#onEnd(`the stream ended in ${field}`);
    }
  }

  /** The bytes not yet read, then the rest of the stream; the reader is not to be used after this. */
  rest(): ReadableStream<Uint8Array> {
    let ahead: Uint8Array | undefined = this.#buffer.length > 0 ? this.#buffer : undefined;
    const reader = this.#reader;
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (ahead) {
            controller.enqueue(ahead);
            ahead = undefined;
            return;
          }
          try {
            const { done, value } = await reader.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  /** Gives the stream up (cancels it) when the handshake failed. */
  cancel(): void {
    void this.#reader.cancel().catch(() => {});
  }
}
