// Compression inside the connection: a client and a server (TransportConnection, over a stub kex
// method — the transport may not import @sshts/kex) exchanging upper-layer messages, with the
// auth layer's part played by hand (USERAUTH_SUCCESS, then setAuthenticated() on both sides).
// Covers: zlib@openssh.com starting only after USERAUTH_SUCCESS, plain zlib from the first NEWKEYS,
// fresh streams across a rekey, a USERAUTH_SUCCESS held behind a key exchange, negotiation with a
// peer that has no compression, and a bomb or corrupt data from the peer as typed errors.
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import {
  DisconnectReason,
  MessageType,
  PacketLengthError,
  ProtocolError,
  SSHReader,
  SSHWriter,
} from '@sshts/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketCompression } from '../src/compression.js';
import type { KexMethod } from '../src/kex-method.js';
import { nobleProvider } from '../src/noble-provider.js';
import type { PacketEncoder } from '../src/packet-encoder.js';
import { TransportConnection, type TransportConnectionOptions } from '../src/transport-connection.js';
import { zlib, zlibOpenSSH } from '../src/zlib/index.js';
import { patternBytes } from './helpers.js';

const STUB = 'stub-kex@sshts.test';
const settle = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

let hostKey: PrivateKey;
beforeAll(async () => {
  hostKey = await generatePrivateKey('ed25519');
});

/** Client sends [30]; server answers [31, K_S, H, sig] signing a made-up H (as cve-transport.test.ts). */
function stubKex(): KexMethod {
  let runs = 0;
  const secret = new Uint8Array([0, 0, 0, 1, 7]);
  return {
    name: STUB,
    hash: 'sha256',
    client: () => ({
      start: () => [new Uint8Array([30])],
      receive: (payload) => {
        const r = new SSHReader(payload, 1);
        const hostKeyBlob = r.string().slice();
        const exchangeHash = r.string().slice();
        const signature = r.string().slice();
        return { send: [], result: { sharedSecret: secret, exchangeHash, hostKeyBlob, signature } };
      },
    }),
    server: (ctx) => ({
      start: () => [],
      receive: async () => {
        const exchangeHash = patternBytes(32, 99 + runs++);
        const signature = await ctx.sign(exchangeHash);
        const reply = new SSHWriter().byte(31).string(ctx.hostKeyBlob).string(exchangeHash).string(signature);
        return {
          send: [reply.finish()],
          result: { sharedSecret: secret, exchangeHash, hostKeyBlob: ctx.hostKeyBlob, signature },
        };
      },
    }),
  };
}

interface Internals {
  encoder: PacketEncoder;
  compression: PacketCompression;
}
const internals = (c: TransportConnection) => c as unknown as Internals;

type Side = Partial<TransportConnectionOptions>;

function connection(role: 'client' | 'server', extra: Side) {
  const received: Uint8Array[] = [];
  const conn = new TransportConnection({
    role,
    provider: nobleProvider,
    kexMethods: [stubKex()],
    algorithms: { kex: [STUB], hostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] },
    hostKeys: role === 'server' ? [hostKey] : undefined,
    verifyHostKey: () => true,
    ...extra,
  });
  conn.onMessage = (payload) => {
    received.push(payload.slice());
    // The client's auth layer: USERAUTH_SUCCESS received → setAuthenticated().
    if (role === 'client' && payload[0] === MessageType.USERAUTH_SUCCESS) conn.setAuthenticated();
    return true;
  };
  conn.handshake().catch(() => {});
  return { conn, received };
}

/** A connected pair; `wire` counts the bytes each side wrote. */
async function pair(client: Side = {}, server: Side = {}) {
  const c = connection('client', client);
  const s = connection('server', server);
  const wire = { client: 0, server: 0 };
  const deliver = () => {
    let moved = false;
    for (const chunk of c.conn.takeOutput()) {
      wire.client += chunk.length;
      s.conn.receive(chunk);
      moved = true;
    }
    for (const chunk of s.conn.takeOutput()) {
      wire.server += chunk.length;
      c.conn.receive(chunk);
      moved = true;
    }
    return moved;
  };
  const run = async () => {
    for (let i = 0; i < 200; i++) {
      const moved = deliver();
      await settle();
      if (!moved && !deliver()) return;
    }
  };
  await run();
  expect(c.conn.kexCount).toBe(1);
  return { client: c, server: s, wire, run, deliver };
}

/** The server's auth layer: USERAUTH_SUCCESS sent → setAuthenticated(). */
function succeed(server: TransportConnection) {
  server.send(new Uint8Array([MessageType.USERAUTH_SUCCESS]));
  server.setAuthenticated();
}

/** A compressible upper-layer message: CHANNEL_DATA-like, `n` bytes of a short repeated text. */
function message(n: number, tag = 0): Uint8Array {
  const text = new TextEncoder().encode(`line ${tag} of a very compressible transcript\n`);
  const out = new Uint8Array(n);
  out[0] = MessageType.CHANNEL_DATA;
  for (let i = 1; i < n; i++) out[i] = text[i % text.length]!;
  return out;
}

async function sendAndMeasure(
  p: Awaited<ReturnType<typeof pair>>,
  from: 'client' | 'server',
  messages: Uint8Array[],
) {
  const to = from === 'client' ? p.server : p.client;
  const before = p.wire[from];
  const start = to.received.length;
  for (const m of messages) p[from].conn.send(m);
  await p.run();
  const got = to.received.slice(start);
  expect(got.length).toBe(messages.length);
  for (let i = 0; i < messages.length; i++) expect(Buffer.compare(got[i]!, messages[i]!)).toBe(0);
  return p.wire[from] - before;
}

const BOTH: Side = { compression: [zlibOpenSSH] };

describe('compression in the connection', () => {
  it('zlib@openssh.com: negotiated, off before USERAUTH_SUCCESS, on in both directions after', async () => {
    const p = await pair(BOTH, BOTH);
    expect(p.client.conn.negotiated?.compression).toEqual(['zlib@openssh.com', 'zlib@openssh.com']);
    const batch = (tag: number) => Array.from({ length: 16 }, (_, i) => message(30_000, tag + i));
    const payloadBytes = 16 * 30_000;
    // Before authentication: every byte on the wire (plus framing).
    expect(await sendAndMeasure(p, 'client', batch(0))).toBeGreaterThan(payloadBytes);
    expect(await sendAndMeasure(p, 'server', batch(100))).toBeGreaterThan(payloadBytes);
    succeed(p.server.conn);
    await p.run();
    expect(p.client.received.at(-1)).toEqual(new Uint8Array([MessageType.USERAUTH_SUCCESS]));
    expect(await sendAndMeasure(p, 'client', batch(200))).toBeLessThan(payloadBytes / 20);
    expect(await sendAndMeasure(p, 'server', batch(300))).toBeLessThan(payloadBytes / 20);
  });

  it('survives rekeys: each NEWKEYS starts a fresh stream per direction, data stays intact', async () => {
    const p = await pair(BOTH, BOTH);
    succeed(p.server.conn);
    await p.run();
    const before = internals(p.client.conn).compression.compressor;
    expect(before).toBeDefined();
    for (let round = 0; round < 3; round++) {
      const initiator = round % 2 === 0 ? p.client.conn : p.server.conn;
      const done = initiator.rekey();
      // Traffic on both sides while the exchange runs (held, then sent under the new keys).
      p.client.conn.send(message(20_000, round));
      p.server.conn.send(message(20_000, round + 50));
      await p.run();
      await done;
      expect(await sendAndMeasure(p, 'client', [message(30_000, round + 10)])).toBeLessThan(3000);
      expect(await sendAndMeasure(p, 'server', [message(30_000, round + 60)])).toBeLessThan(3000);
    }
    expect(p.client.conn.kexCount).toBe(4);
    expect(internals(p.client.conn).compression.compressor).not.toBe(before);
  });

  it('a USERAUTH_SUCCESS held behind a key exchange goes out uncompressed, the rest after it compressed', async () => {
    const p = await pair(BOTH, BOTH);
    // The client starts a rekey; only its KEXINIT reaches the server, which answers with its own
    // KEXINIT and now holds upper-layer messages until its NEWKEYS.
    const done = p.client.conn.rekey();
    for (const chunk of p.client.conn.takeOutput()) p.server.conn.receive(chunk);
    await settle(5);
    succeed(p.server.conn);
    p.server.conn.send(message(30_000, 1));
    await p.run();
    await done;
    expect(p.client.received.map((m) => m[0])).toEqual([
      MessageType.USERAUTH_SUCCESS,
      MessageType.CHANNEL_DATA,
    ]);
    expect(Buffer.compare(p.client.received[1]!, message(30_000, 1))).toBe(0);
    expect(await sendAndMeasure(p, 'server', [message(30_000, 2)])).toBeLessThan(3000);
    expect(await sendAndMeasure(p, 'client', [message(30_000, 3)])).toBeLessThan(3000);
  });

  it('plain zlib runs from the first NEWKEYS, before authentication', async () => {
    const p = await pair({ compression: [zlib] }, { compression: [zlib, zlibOpenSSH] });
    expect(p.client.conn.negotiated?.compression).toEqual(['zlib', 'zlib']);
    expect(await sendAndMeasure(p, 'client', [message(30_000)])).toBeLessThan(3000);
    expect(await sendAndMeasure(p, 'server', [message(30_000)])).toBeLessThan(3000);
  });

  it('off by default: a peer without compression negotiates none, and so does the default offer', async () => {
    const p = await pair(BOTH, {});
    expect(p.client.conn.negotiated?.compression).toEqual(['none', 'none']);
    succeed(p.server.conn);
    await p.run();
    expect(await sendAndMeasure(p, 'client', [message(30_000)])).toBeGreaterThan(30_000);
    expect(() => connection('client', { algorithms: { compression: ['zlib@openssh.com'] } })).toThrow(
      TypeError,
    );
  });

  it('algorithms.compression orders the offer: none first means none', async () => {
    const p = await pair(
      { ...BOTH, algorithms: { kex: [STUB], compression: ['none', 'zlib@openssh.com'] } },
      BOTH,
    );
    expect(p.client.conn.negotiated?.compression).toEqual(['none', 'none']);
  });

  it('a decompression bomb from the peer closes the connection with PacketLengthError', async () => {
    const p = await pair(BOTH, { ...BOTH, maxIncomingPacketLength: 64 * 1024 });
    succeed(p.server.conn);
    await p.run();
    // 1 MiB of zeros in one packet, on the client's own outgoing stream (~1 KB on the wire).
    const zeros = new Uint8Array(1024 * 1024);
    zeros[0] = MessageType.CHANNEL_DATA;
    const bomb = internals(p.client.conn).compression.compressor!.compress([zeros]);
    expect(bomb.length).toBeLessThan(5000);
    p.server.conn.receive(internals(p.client.conn).encoder.encode(bomb));
    const closed = await p.server.conn.closed;
    expect(closed.error).toBeInstanceOf(PacketLengthError);
  });

  it('corrupt compressed data from the peer: ProtocolError, DISCONNECT reason COMPRESSION_ERROR', async () => {
    const p = await pair(BOTH, BOTH);
    succeed(p.server.conn);
    await p.run();
    p.server.conn.receive(internals(p.client.conn).encoder.encode(patternBytes(200, 5)));
    const closed = await p.server.conn.closed;
    expect(closed.error).toBeInstanceOf(ProtocolError);
    expect(closed.code).toBe(DisconnectReason.COMPRESSION_ERROR);
  });
});
