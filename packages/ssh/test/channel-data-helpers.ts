// Shared by the channel data-path tests against real servers (channel-throughput, -backpressure,
// -connection-loss): a logged-in SSHClient with any extra connect options, deterministic test data
// that is cheap to make, and streaming send / receive that hash as they go, so hundreds of MiB are
// checked byte-exact without ever being held in memory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Channel, ChannelReader } from '@sshts/channel';
import type { PrivateKey } from '@sshts/keys';
import type { Peer } from '@sshts/test-peers';
import { type ConnectOptions, KnownHosts, SSHClient } from '../src/node/index.js';
import { knownHostsFor, peerStream } from './client-helpers.js';

export const MiB = 1024 * 1024;

export interface Connected {
  client: SSHClient;
  /** Closes the client and the stream to the peer (idempotent, never rejects). */
  close(): Promise<void>;
}

/** An SSHClient logged in to `peer` with `key` over a fresh stream, plus any `options`. */
export async function connectTo(
  peer: Peer,
  key: PrivateKey,
  options: Partial<ConnectOptions> = {},
): Promise<Connected> {
  const stream = await peerStream(peer);
  const client = new SSHClient({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) });
  const close = async () => {
    await client.close().catch(() => {});
    await stream.close().catch(() => {});
  };
  try {
    await client.connect({
      host: '127.0.0.1',
      username: peer.user,
      stream,
      privateKey: key,
      agent: false,
      lookForKeys: false,
      timeout: 30_000,
      ...options,
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { client, close };
}

/** `size` bytes of xorshift32 output from `seed`: incompressible, reproducible, fast to make. */
export function randomBlock(seed: number, size = MiB): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return out;
}

const STAMP_EVERY = 4096;

/**
 * Chunk `index` of stream `stream`: a fresh copy of `block` with the stream and chunk numbers
 * stamped every 4 KiB, so a lost, repeated or reordered chunk — or one delivered to the wrong
 * channel — changes the hash.
 */
export function stampedChunk(block: Uint8Array, stream: number, index: number): Uint8Array {
  const chunk = block.slice();
  const view = new DataView(chunk.buffer);
  for (let at = 0; at + 8 <= chunk.length; at += STAMP_EVERY) {
    view.setUint32(at, stream);
    view.setUint32(at + 4, index);
  }
  return chunk;
}

/**
 * Writes `count` chunks made by `chunkAt(i)` to the channel's stdin, one at a time (each write
 * resolves only within the peer's window, which is the backpressure), then EOF. Returns the
 * SHA-256 of everything written and how many bytes that was.
 */
export async function sendStream(
  channel: Channel,
  count: number,
  chunkAt: (index: number) => Uint8Array,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const chunk = chunkAt(i);
    hash.update(chunk);
    bytes += chunk.length;
    await channel.write(chunk);
  }
  await channel.end();
  return { bytes, sha256: hash.digest('hex') };
}

/** Reads `reader` to EOF, hashing each chunk and dropping it. */
export async function receiveStream(reader: ChannelReader): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk === undefined) break;
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** "123.4 MiB/s" for `bytes` in `ms`. */
export function mibPerSecond(bytes: number, ms: number): string {
  return `${(bytes / MiB / (ms / 1000)).toFixed(1)} MiB/s`;
}

/** The peer's processes whose command name is `comm` (e.g. the sshd serving a connection). */
export function processesNamed(peer: Peer, comm: string): number[] {
  return peer.processes().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
    } catch {
      return false; // already gone
    }
  });
}

/** Sends `signal` to each pid that still exists. */
export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

/** How a promise settled, without ever leaving a rejection unhandled. */
export type Settled<T> =
  | { status: 'fulfilled'; value: T; at: number }
  | { status: 'rejected'; reason: unknown; at: number };

/** Observes `promise` at once (so its rejection is handled) and records when it settled. */
export function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: Promise<Settled<T>> } {
  const settled = promise.then(
    (value): Settled<T> => ({ status: 'fulfilled', value, at: Date.now() }),
    (reason: unknown): Settled<T> => ({ status: 'rejected', reason, at: Date.now() }),
  );
  return { promise, settled };
}
