// SFTPClient.createReadStream / createWriteStream: Web Streams over the pipelines, so the streams
// keep as many requests in flight as get/put. The read stream delivers in file order and stops
// requesting while its queue is full (the consumer's pace is the backpressure); the write stream's
// write() resolves once its data is on the way, and close() once every WRITE is acknowledged.
import type { SFTPClient } from './client.js';
import { inOrder, readRange } from './read-pipeline.js';
import { readToEnd } from './read-to-end.js';
import { WritePipeline } from './write-pipeline.js';

/** Chunks queued in a read stream before it stops asking for more. */
const READ_STREAM_QUEUE = 16;

export function readStream(
  client: SFTPClient,
  path: string,
  options: { start?: number; end?: number; signal?: AbortSignal },
): ReadableStream<Uint8Array> {
  const start = options.start ?? 0;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let wake: (() => void) | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        // Started without awaiting: the stream is returned at once and errors arrive through it.
        void (async () => {
          signal.throwIfAborted();
          const file = await client.open(path, 'r');
          try {
            const emit = inOrder(start, async (data) => {
              controller.enqueue(data);
              while ((controller.desiredSize ?? 1) <= 0 && !signal.aborted) {
                await new Promise<void>((resolve) => {
                  wake = resolve;
                });
              }
            });
            const { session, sizes } = client.context;
            const range = { chunkSize: sizes.readChunk, concurrency: sizes.concurrency, signal, path };
            if (options.end === undefined) {
              const size = (await file.stat()).size;
              await readToEnd(session, file.handle, start, size, range, emit);
            } else {
              await readRange(session, file.handle, start, options.end + 1, range, emit);
            }
          } finally {
            await file.close().catch(() => {});
          }
        })().then(
          () => {
            if (!stop.signal.aborted) controller.close();
          },
          (error) => {
            if (!stop.signal.aborted) controller.error(error);
          },
        );
      },
      pull() {
        wake?.();
        wake = undefined;
      },
      cancel(reason) {
        stop.abort(reason);
        wake?.();
      },
    },
    { highWaterMark: READ_STREAM_QUEUE },
  );
}

export function writeStream(
  client: SFTPClient,
  path: string,
  options: { mode?: number; flags?: string; start?: number; signal?: AbortSignal },
): WritableStream<Uint8Array> {
  let pipeline: WritePipeline | undefined;
  let close: (() => Promise<void>) | undefined;
  return new WritableStream<Uint8Array>({
    async start() {
      options.signal?.throwIfAborted();
      const file = await client.open(path, options.flags ?? 'w', options.mode);
      const { writeChunk, concurrency } = client.context.sizes;
      pipeline = new WritePipeline(client.context.session, file.handle, options.start ?? file.position, {
        chunkSize: writeChunk,
        concurrency,
        signal: options.signal,
        path,
      });
      close = () => file.close();
    },
    async write(chunk) {
      try {
        await pipeline!.push(chunk);
      } catch (error) {
        // An erroring sink gets neither close() nor abort() (WHATWG Streams): release the handle here.
        await pipeline!.finish().catch(() => {});
        await close!().catch(() => {});
        throw error;
      }
    },
    async close() {
      try {
        await pipeline!.finish();
      } finally {
        await close!();
      }
    },
    async abort() {
      await pipeline?.finish().catch(() => {});
      await close?.().catch(() => {});
    },
  });
}
