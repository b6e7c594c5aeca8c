// Binds a sans-I/O TransportConnection to a ByteStream: reads feed receive(), queued output is
// written in order, and closing either side closes the other. Browser-safe (Web Streams only, or
// the stream's own callbacks when it offers ByteStream.direct).
import type { ByteStream, DirectByteStream } from './byte-stream.js';
import type { TransportConnectionCore } from './transport-connection-core.js';

export interface StreamDriver {
  /** Resolves once the stream is closed in both directions. */
  readonly finished: Promise<void>;
}

export function driveOverStream(connection: TransportConnectionCore, stream: ByteStream): StreamDriver {
  return stream.direct ? driveDirect(connection, stream.direct) : driveWebStreams(connection, stream);
}

function driveWebStreams(connection: TransportConnectionCore, stream: ByteStream): StreamDriver {
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

/**
 * The same over callbacks: each read goes to receive() from the stream's own event, and each
 * batch of output is one write() call — no promise per chunk. While the stream asks to wait, the
 * output stays queued in the connection (whose backlog then holds the channels back).
 */
function driveDirect(connection: TransportConnectionCore, direct: DirectByteStream): StreamDriver {
  let flushScheduled = false;
  let waiting: Promise<void> | undefined;
  let failed = false;

  const fail = (error: unknown) => {
    failed = true;
    connection.receiveEnd(error);
  };
  const flush = () => {
    flushScheduled = false;
    if (waiting || failed) return; // the wait's end flushes again
    const chunks = connection.takeOutput();
    if (chunks.length === 0) return;
    let wait: Promise<void> | undefined;
    try {
      wait = direct.write(chunks);
    } catch (error) {
      fail(error);
      return;
    }
    if (!wait) return;
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    connection.outputInFlight(bytes);
    waiting = wait.then(
      () => {
        waiting = undefined;
        connection.outputInFlight(-bytes);
        flush();
      },
      (error) => {
        waiting = undefined;
        fail(error);
      },
    );
  };
  connection.onOutput = () => {
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  };
  connection.onOutput();

  let ended!: () => void;
  const readEnded = new Promise<void>((resolve) => {
    ended = resolve;
  });
  direct.start({
    data: (chunk) => {
      try {
        connection.receive(chunk);
      } catch (error) {
        fail(error); // as the Web Streams read loop does: the stream's event must not throw
      }
    },
    end: (error) => {
      connection.receiveEnd(error);
      ended();
    },
  });

  const finished = connection.closed.then(async () => {
    flush(); // a DISCONNECT queued by close() still goes out
    await waiting;
    if (!failed) flush();
    await direct.close().catch(() => {});
    direct.destroy();
    await readEnded;
  });
  return { finished };
}
