// driveOverStream over ByteStream.direct (stream-driver.ts): output leaves one write() per batch,
// waits while the stream asks it to (the output staying queued in the connection meanwhile), reads
// arrive through the stream's callback, and the end of either side finishes the driver — without
// the driver ever touching the stream's Web Streams. And the Node adapter's direct side
// (node/duplex-stream.ts): one vectored write per batch, its Web Streams made only when asked for.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ByteStream, DirectByteStream } from '../src/byte-stream.js';
import { encodeKexInit } from '../src/kexinit.js';
import { nobleProvider } from '../src/noble-provider.js';
import { nodeStreamsToByteStream } from '../src/node/duplex-stream.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import { driveOverStream } from '../src/stream-driver.js';
import { TransportConnection } from '../src/transport-connection.js';
import { algorithmLists } from './helpers.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const text = (chunks: readonly Uint8Array[]) =>
  new TextDecoder().decode(Uint8Array.from(chunks.flatMap((c) => [...c])));

/** A client whose kex method sends one message and waits (the reply never comes here). */
function client() {
  const conn = new TransportConnection({
    role: 'client',
    provider: nobleProvider,
    kexMethods: [
      {
        name: 'waiting-kex@sshts.test',
        hash: 'sha256',
        client: () => ({ start: () => [new Uint8Array([30])], receive: () => ({ send: [] }) }),
        server: () => ({ start: () => [], receive: () => ({ send: [] }) }),
      },
    ],
    algorithms: {
      kex: ['waiting-kex@sshts.test'],
      hostKey: ['ssh-ed25519'],
      cipher: ['aes128-ctr'],
      mac: ['hmac-sha2-256'],
    },
    verifyHostKey: () => true,
  });
  conn.handshake().catch(() => {});
  return conn;
}

/** The server's first bytes: its identification line and a KEXINIT naming the same algorithms. */
function serverHello(): Uint8Array {
  const lists = algorithmLists({
    kex: ['waiting-kex@sshts.test'],
    hostKey: ['ssh-ed25519'],
    cipher: ['aes128-ctr'],
    mac: ['hmac-sha2-256'],
  });
  const kexInit = encodeKexInit(lists, new Uint8Array(16)).payload;
  const packet = new PacketEncoder(nobleProvider.primitives).encode(kexInit);
  const line = new TextEncoder().encode('SSH-2.0-Peer_1.0\r\n');
  return Uint8Array.from([...line, ...packet]);
}

function fakeDirect() {
  const writes: Uint8Array[][] = [];
  let receiver: Parameters<DirectByteStream['start']>[0] | undefined;
  let hold: Promise<void> | undefined;
  const calls = { close: 0, destroy: 0 };
  const direct: DirectByteStream = {
    start: (r) => {
      receiver = r;
    },
    write: (chunks) => {
      writes.push([...chunks]);
      return hold;
    },
    close: async () => {
      calls.close++;
    },
    destroy: () => {
      calls.destroy++;
      receiver?.end(); // as a destroyed socket's 'close' does
    },
  };
  const stream: ByteStream = {
    get readable(): ReadableStream<Uint8Array> {
      throw new Error('the driver touched readable');
    },
    get writable(): WritableStream<Uint8Array> {
      throw new Error('the driver touched writable');
    },
    direct,
  };
  return {
    stream,
    writes,
    calls,
    receiver: () => receiver!,
    holdWrites(p: Promise<void> | undefined) {
      hold = p;
    },
  };
}

describe('driveOverStream with ByteStream.direct', () => {
  it('writes each batch in one call, reads through the callback, and finishes when the stream ends', async () => {
    const fake = fakeDirect();
    const conn = client();
    const driver = driveOverStream(conn, fake.stream);
    await settle();
    expect(fake.writes).toHaveLength(1); // identification and KEXINIT, one batch
    expect(text(fake.writes[0]!)).toMatch(/^SSH-2\.0-\S+\r\n/);
    fake.receiver().data(serverHello());
    await settle();
    expect(conn.remoteIdentification).toBe('SSH-2.0-Peer_1.0');
    expect(fake.writes).toHaveLength(2); // the method's first message
    fake.receiver().end();
    await driver.finished;
    expect((await conn.closed).reason).toMatch(/closed by peer/);
    expect(fake.calls).toEqual({ close: 1, destroy: 1 });
  });

  it('while the stream asks to wait, output stays queued and then leaves as one batch', async () => {
    const fake = fakeDirect();
    let release!: () => void;
    fake.holdWrites(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    const conn = client();
    const driver = driveOverStream(conn, fake.stream);
    await settle();
    expect(fake.writes).toHaveLength(1);
    fake.holdWrites(undefined);
    fake.receiver().data(serverHello()); // makes the kex method's message
    await settle();
    expect(fake.writes).toHaveLength(1); // still waiting
    release();
    await settle();
    expect(fake.writes).toHaveLength(2);
    conn.disconnect();
    await driver.finished;
    expect(text(fake.writes.at(-1)!)).not.toBe(''); // the DISCONNECT went out first
    expect(fake.writes).toHaveLength(3);
    expect(fake.calls.destroy).toBe(1);
  });

  it('a stream that fails ends the connection with its error as the cause', async () => {
    const fake = fakeDirect();
    const conn = client();
    const driver = driveOverStream(conn, fake.stream);
    await settle();
    fake.receiver().end(new Error('ECONNRESET'));
    await driver.finished;
    const info = await conn.closed;
    expect(info.error?.cause).toEqual(new Error('ECONNRESET'));
  });
});

describe('the Node adapter’s direct side', () => {
  it('sends a batch as one vectored write and asks to wait only beyond 1 MiB queued', async () => {
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
    const { direct } = nodeStreamsToByteStream(new PassThrough(), sink);
    const packet = () => new Uint8Array(32 * 1024);
    expect(direct!.write(Array.from({ length: 16 }, packet))).toBeUndefined(); // 512 KiB
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([16]);
    const wait = direct!.write(Array.from({ length: 40 }, packet)); // 1.25 MiB: over the limit
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(sink.writableLength).toBe(0);
  });

  it('delivers plain Uint8Arrays and ends once: on end, on error, on a destroy', async () => {
    for (const how of ['end', 'error', 'destroy'] as const) {
      const input = new PassThrough();
      const { direct } = nodeStreamsToByteStream(input, new PassThrough());
      const got: Uint8Array[] = [];
      const ends: unknown[] = [];
      direct!.start({ data: (c) => got.push(c), end: (e) => ends.push(e) });
      input.write(Buffer.from('abc'));
      await settle();
      if (how === 'end') input.end();
      if (how === 'error') input.destroy(new Error('boom'));
      if (how === 'destroy') input.destroy();
      await settle();
      expect(got.map((c) => c.constructor)).toEqual([Uint8Array]);
      expect(new TextDecoder().decode(got[0])).toBe('abc');
      expect(ends).toHaveLength(1);
      if (how === 'error') expect(ends[0]).toEqual(new Error('boom'));
      else expect(ends[0]).toBeUndefined();
    }
  });

  it('makes its Web Streams only when asked for, so direct reads have the socket to themselves', () => {
    const input = new PassThrough();
    const stream = nodeStreamsToByteStream(input, new PassThrough());
    expect(input.listenerCount('data')).toBe(0);
    stream.direct!.start({ data: () => {}, end: () => {} });
    expect(input.listenerCount('data')).toBe(1);
    const other = new PassThrough();
    const web = nodeStreamsToByteStream(other, new PassThrough());
    expect(web.readable).toBe(web.readable);
    expect(other.listenerCount('data')).toBe(1);
  });

  it('takes the input back from a Web reader made by spreading the object, which nobody reads', async () => {
    const input = new PassThrough();
    const spread = { ...nodeStreamsToByteStream(input, new PassThrough()), close: () => {} };
    expect(input.listenerCount('data')).toBe(1); // the spread read the getters
    const got: Uint8Array[] = [];
    spread.direct!.start({ data: (c) => got.push(c), end: () => {} });
    expect(input.listenerCount('data')).toBe(1);
    for (let i = 0; i < 20; i++) {
      input.write(Buffer.alloc(1024, i)); // past the Web reader's queue of 4, which paused it
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(got).toHaveLength(20);
    const { done } = await spread.readable.getReader().read();
    expect(done).toBe(true);
  });
});
