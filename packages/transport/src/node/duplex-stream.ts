// Binds a Node Duplex (net.Socket, a child process's stdio pair) to a ByteStream, with backpressure
// both ways: the socket is paused while the reader falls behind, and writes wait for 'drain'.
import type { Readable, Writable } from 'node:stream';
import type { ByteStream } from '../byte-stream.js';

/** Bytes a Node writable may hold queued before our writes wait for its 'drain'. */
const WRITE_BUFFER_LIMIT = 1024 * 1024;

/** Wraps a readable and a writable Node stream (the same object for a socket) as a ByteStream. */
export function nodeStreamsToByteStream(input: Readable, output: Writable): ByteStream {
  let closed = false;
  const readable = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        input.on('data', (chunk: Buffer) => {
          // A plain Uint8Array view: Buffer's slice() shares memory, a trap for consumers.
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          if ((controller.desiredSize ?? 1) <= 0) input.pause();
        });
        input.once('end', () => {
          if (!closed) {
            closed = true;
            controller.close();
          }
        });
        input.once('error', (error) => {
          if (!closed) {
            closed = true;
            controller.error(error);
          }
        });
        // A stream destroyed without 'end' or 'error' (our own destroy()) still ends its reader.
        input.once('close', () => {
          if (!closed) {
            closed = true;
            controller.close();
          }
        });
      },
      pull() {
        input.resume();
      },
      cancel() {
        closed = true; // the reader is gone: 'close' from destroy() must not touch the controller
        input.destroy();
      },
    },
    { highWaterMark: 4 },
  );
  // Writes made in one tick leave as one vectored write: a packet sent as several chunks (length,
  // ciphertext, tag) must not become several TCP segments with TCP_NODELAY on.
  let corked = false;
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      if (!corked) {
        corked = true;
        output.cork();
        process.nextTick(() => {
          corked = false;
          output.uncork();
        });
      }
      return new Promise<void>((resolve, reject) => {
        const ok = output.write(chunk, (error) => {
          if (error) reject(error);
        });
        // A socket's own high-water mark (16 KiB) is below one SSH packet: waiting for 'drain'
        // whenever write() says false would send every packet of a batch in a syscall of its own
        // (the cork above releases one chunk, its write completes, 'drain', the next). Up to
        // WRITE_BUFFER_LIMIT stays queued, so a batch leaves as one writev; beyond it, 'drain'.
        if (ok || output.writableLength <= WRITE_BUFFER_LIMIT) resolve();
        else output.once('drain', resolve);
      });
    },
    close() {
      return new Promise<void>((resolve) => output.end(resolve));
    },
    abort() {
      output.destroy();
    },
  });
  return { readable, writable };
}
