// The Node adapters under src/node: a ByteStream over a socket keeps half-closed connections
// usable (allowHalfOpen) and ends its reader however the socket goes away.
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { connectTcp, nodeStreamsToByteStream } from '../src/node/index.js';

let server: Server | undefined;
const accepted: Socket[] = [];
afterEach(async () => {
  for (const s of accepted.splice(0)) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function listen(onSocket: (s: Socket) => void): Promise<number> {
  server = createServer({ allowHalfOpen: true }, (s) => {
    accepted.push(s);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function readAll(readable: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += new TextDecoder().decode(value);
  }
}

describe('Node byte streams', () => {
  it('connectTcp: after we half-close, the server can still answer', async () => {
    const port = await listen((socket) => {
      let got = '';
      socket.on('data', (d) => {
        got += d;
      });
      socket.on('end', () => socket.end(`echo:${got}`));
    });
    const stream = await connectTcp('127.0.0.1', port);
    const writer = stream.writable.getWriter();
    await writer.write(new TextEncoder().encode('hello'));
    await writer.close();
    expect(await readAll(stream.readable)).toBe('echo:hello');
  });

  it('a socket destroyed locally ends its reader (no hang)', async () => {
    const port = await listen(() => {});
    const { createConnection } = await import('node:net');
    const socket = createConnection({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const stream = nodeStreamsToByteStream(socket, socket);
    const reading = readAll(stream.readable);
    socket.destroy();
    expect(await reading).toBe('');
  });

  it('cancelling the reader destroys the socket without errors', async () => {
    const port = await listen(() => {});
    const stream = await connectTcp('127.0.0.1', port);
    await stream.readable.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('a batch of packet-sized writes made in one turn leaves as one vectored write', async () => {
    // A sink as slow as a socket: each write completes a tick later, and its high-water mark
    // (16 KiB, as net.Socket's) is below one 32 KiB packet.
    const writes: number[] = [];
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      writev(chunks, done) {
        writes.push(chunks.length);
        setImmediate(done);
      },
      write(_chunk, _encoding, done) {
        writes.push(1);
        setImmediate(done);
      },
    });
    const { writable } = nodeStreamsToByteStream(new PassThrough(), sink);
    const writer = writable.getWriter();
    const packets = Array.from({ length: 16 }, () => new Uint8Array(32 * 1024));
    for (const p of packets) await writer.write(p); // as the stream driver does: each awaited
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([16]);
  });
});
