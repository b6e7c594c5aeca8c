// Binds a sans-I/O TransportConnection to a ByteStream: reads feed receive(), queued output is
// written in order, and closing either side closes the other. Browser-safe (Web Streams only).
import type { ByteStream } from './byte-stream.js';
import type { TransportConnectionCore } from './transport-connection-core.js';

export interface StreamDriver {
  /** Resolves once the stream is closed in both directions. */
  readonly finished: Promise<void>;
}

export function driveOverStream(connection: TransportConnectionCore, stream: ByteStream): StreamDriver {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let flushScheduled = false;
  let writing: Promise<void> = Promise.resolve();

  const flush = () => {
    flushScheduled = false;
    const chunks = connection.takeOutput();
    if (chunks.length === 0) return;
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    connection.outputInFlight(bytes); // written bytes are subtracted as the stream takes them
    writing = writing
      .then(async () => {
        for (const chunk of chunks) {
          await writer.write(chunk);
          connection.outputInFlight(-chunk.length);
        }
      })
      .catch((error) => connection.receiveEnd(error));
  };
  // Gather everything produced in one turn of the event loop into one batch of writes.
  connection.onOutput = () => {
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  };
  connection.onOutput();

  const readLoop = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        connection.receive(value);
      }
      connection.receiveEnd();
    } catch (error) {
      connection.receiveEnd(error);
    }
  })();

  const finished = connection.closed.then(async () => {
    flush(); // a DISCONNECT queued by close() still goes out
    await writing;
    await writer.close().catch(() => {});
    await reader.cancel().catch(() => {});
    await readLoop;
  });
  return { finished };
}
