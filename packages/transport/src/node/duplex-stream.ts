// Binds a Node Duplex (net.Socket, a child process's stdio pair) to a ByteStream, with backpressure
// both ways: the socket is paused while the reader falls behind, and writes wait for 'drain'. The
// ByteStream also offers `direct` (the socket's own events and one corked write per batch), which
// the transport's driver takes: a Web Streams write costs promises and microtask hops per chunk,
// and an SSH packet leaves as up to three chunks. Its Web Streams are made only when asked for.
import type { Readable, Writable } from 'node:stream';
import type { ByteStream, DirectByteStream } from '../byte-stream.js';

/** Bytes a Node writable may hold queued before our writes wait for its 'drain'. */
const WRITE_BUFFER_LIMIT = 1024 * 1024;

/** Wraps a readable and a writable Node stream (the same object for a socket) as a ByteStream. */
export function nodeStreamsToByteStream(input: Readable, output: Writable): ByteStream {
  let readable: ReturnType<typeof webReadable> | undefined;
  let writable: WritableStream<Uint8Array> | undefined;
  // Spreading this object (`{ ...stream, close }`) reads both getters: the Web reader may exist
  // without anyone reading it. direct.start() takes the input back from it, or its full queue
  // would pause the socket under the direct reader.
  const takeBack = () => {
    if (!readable) return;
    readable.detach();
    input.resume();
  };
  return {
    get readable() {
      readable ??= webReadable(input);
      return readable.stream;
    },
    get writable() {
      writable ??= webWritable(output);
      return writable;
    },
    direct: directStream(input, output, takeBack),
  };
}

function directStream(input: Readable, output: Writable, takeBack: () => void): DirectByteStream {
  const sameStream = (output as unknown) === input; // a socket is both
  let corked = false;
  return {
    start(receiver) {
      takeBack();
      let ended = false;
      const end = (error?: unknown) => {
        if (!ended) {
          ended = true;
          receiver.end(error);
        }
      };
      input.on('data', (chunk: Buffer) => {
        // A plain Uint8Array view: Buffer's slice() shares memory, a trap for consumers.
        receiver.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      });
      input.once('end', () => end());
      input.once('error', end);
      // A stream destroyed without 'end' or 'error' (our own destroy()) still ends the reading.
      input.once('close', () => end());
      if (!sameStream) output.once('error', end);
    },
    write(chunks) {
      // Everything written in one tick (several flushes of the driver may fall in it) leaves as one
      // vectored write: the cork holds the chunks until the uncork on the next tick.
      if (!corked) {
        corked = true;
        output.cork();
        process.nextTick(() => {
          corked = false;
          output.uncork();
        });
      }
      for (const chunk of chunks) output.write(chunk);
      // As in the Web Streams sink below: up to WRITE_BUFFER_LIMIT queued, then wait.
      if (output.writableLength <= WRITE_BUFFER_LIMIT || output.destroyed) return undefined;
      return new Promise<void>((resolve) => {
        const done = () => {
          output.off('drain', done);
          output.off('close', done);
          resolve();
        };
        output.once('drain', done);
        output.once('close', done); // a destroyed stream never drains
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (output.writableEnded || output.destroyed) resolve();
        else output.end(() => resolve());
      });
    },
    destroy() {
      input.destroy();
      if (!sameStream) output.destroy();
    },
  };
}

/** The Web Streams reader of `input`, and a way to take `input` back from it for `direct`. */
function webReadable(input: Readable): { stream: ReadableStream<Uint8Array>; detach(): void } {
  let closed = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    if (error === undefined) controller.close();
    else controller.error(error);
  };
  const onData = (chunk: Buffer) => {
    // A plain Uint8Array view: Buffer's slice() shares memory, a trap for consumers.
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    if ((controller.desiredSize ?? 1) <= 0) input.pause();
  };
  const onEnd = () => finish();
  const onError = (error: Error) => finish(error);
  const listen = (on: boolean) => {
    const method = on ? 'on' : 'off';
    input[method]('data', onData);
    input[method]('end', onEnd);
    input[method]('error', onError);
    // A stream destroyed without 'end' or 'error' (our own destroy()) still ends its reader.
    input[method]('close', onEnd);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        listen(true);
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
  return {
    stream,
    detach() {
      listen(false);
      finish(); // whoever held this reader sees it end rather than wait forever
    },
  };
}

function webWritable(output: Writable): WritableStream<Uint8Array> {
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
  return writable;
}
