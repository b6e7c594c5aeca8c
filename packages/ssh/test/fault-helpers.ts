// Shared by the fault-injection tests (fault-cut, fault-corrupt, fault-stall): our client dialing a
// FaultRelay, our SSHServer with in-process commands (no child processes, so nothing but the
// event loop runs it), a deadline around every promise that must settle (a hang is a failure with
// a message, not a test timeout), and a streaming `cat` check that proves no garbage reached a
// channel: whatever arrived is exactly a prefix of what was sent.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ChannelReader } from '@sshts/channel';
import { generatePrivateKey, KnownHosts, type PrivateKey, writeOpenSSHPrivateKey } from '@sshts/keys';
import type { TransportLogEvent } from '@sshts/transport';
import { type ConnectOptions, SSHClient, SSHServer, type SSHServerOptions } from '../src/node/index.js';
import { randomBlock } from './channel-data-helpers.js';
import type { FaultRelay } from './fault-relay.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/**
 * How `promise` settled and how long it took from `since`; throws when it is still pending after
 * `ms` (the "no hang" assertion).
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  since = Date.now(),
): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), Math.max(0, ms - (Date.now() - since)));
  });
  const settled = promise.then(
    (value) => ({ ok: true as const, value, ms: Date.now() - since }),
    (error: unknown) => ({ ok: false as const, error, ms: Date.now() - since }),
  );
  const r = await Promise.race([settled, hang]);
  clearTimeout(timer);
  if (r === 'hang') throw new Error(`${what}: still pending after ${ms} ms (a hang)`);
  return r;
}

/** The error of an outcome that must have failed. */
export function failure(outcome: Outcome<unknown>, what: string): Error {
  if (outcome.ok) throw new Error(`${what}: resolved, but it had to fail`);
  return outcome.error as Error;
}

/** "MacError: message authentication code incorrect" for assertion messages. */
export function describeError(error: unknown): string {
  const e = error as Error & { code?: string };
  return `${e?.constructor?.name} ${e?.code ?? ''}: ${e?.message}`;
}

let hostKeyOnce: Promise<PrivateKey> | undefined;
let userKeyOnce: Promise<PrivateKey> | undefined;
export const serverHostKey = () => (hostKeyOnce ??= generatePrivateKey('ed25519'));
export const userKey = () => (userKeyOnce ??= generatePrivateKey('ed25519', { comment: 'fault-user' }));

export const USER = 'fault-tester';
export const PASSWORD = 'fault-password';

/** What our test server's commands saw: each `cat` / `sink` session's stdin bytes. */
export interface ServerRecord {
  stdin: Uint8Array[][];
  disconnects: { connection: number; reason: number; description: string; fromPeer: boolean }[];
  events: (TransportLogEvent & { connection: number })[];
}

/**
 * Our SSHServer on 127.0.0.1:0 with password and publickey auth and in-process commands:
 * `echo WORD` prints WORD; `cat` echoes stdin back; `sink` reads stdin to EOF and prints the byte
 * count. Every chunk of stdin is recorded (a garbage check for corruption tests).
 */
export async function startOurServer(
  options: Partial<SSHServerOptions> = {},
): Promise<{ server: SSHServer; port: number; record: ServerRecord; close(): Promise<void> }> {
  const hostKey = await serverHostKey();
  const user = await userKey();
  const record: ServerRecord = { stdin: [], disconnects: [], events: [] };
  const server = new SSHServer({
    hostKeys: [hostKey],
    auth: {
      password: (u, p) => u === USER && p === PASSWORD,
      publicKey: (u, key) => u === USER && key.equals(user.publicKey),
    },
    exec: async (command, session) => {
      const chunks: Uint8Array[] = [];
      try {
        if (command.startsWith('echo ')) {
          await session.write(`${command.slice(5)}\n`);
        } else if (command === 'cat' || command === 'sink') {
          record.stdin.push(chunks);
          let total = 0;
          for (;;) {
            const chunk = await session.stdin.read();
            if (chunk === undefined) break;
            chunks.push(chunk.slice());
            total += chunk.length;
            if (command === 'cat') await session.write(chunk);
          }
          if (command === 'sink') await session.write(`${total}\n`);
        } else {
          await session.writeStderr(`unknown command ${command}\n`);
          await session.exit(127);
          return;
        }
        await session.exit(0);
      } catch {
        // The connection died under the command: nothing to report to anyone.
      }
    },
    ...options,
    logger: (event) => {
      record.events.push(event);
      if (event.kind === 'disconnect') record.disconnects.push({ ...event });
      options.logger?.(event);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, record, close: () => server.close() };
}

/** A client that trusts `hostKeyLines` for any host name and port. */
export function trustingClient(hostKeyLines: string[]): SSHClient {
  return new SSHClient({ knownHosts: KnownHosts.parse(hostKeyLines.map((k) => `* ${k}\n`).join('')) });
}

/** Connect options for our client through `relay`: no agent, no ~/.ssh keys. */
export function viaRelay(relay: FaultRelay, options: Partial<ConnectOptions>): ConnectOptions {
  return {
    host: '127.0.0.1',
    port: relay.port,
    agent: false,
    lookForKeys: false,
    timeout: 10_000,
    ...options,
  };
}

/** Resolves once `condition()` holds (checked every 20 ms); throws after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not true within ${ms} ms`);
    await sleep(20);
  }
  return Date.now() - start;
}

/** Deterministic test data. */
export function testData(size: number, seed = 7): Uint8Array {
  return randomBlock(seed, size);
}

/** Whether `received` (chunks) is exactly a prefix of `sent`; the first differing offset otherwise. */
export function prefixCheck(
  received: Uint8Array[],
  sent: Uint8Array,
): { ok: boolean; bytes: number; at?: number } {
  let at = 0;
  for (const chunk of received) {
    for (let i = 0; i < chunk.length; i++) {
      if (at >= sent.length || chunk[i] !== sent[at]) return { ok: false, bytes: at, at };
      at++;
    }
  }
  return { ok: true, bytes: at };
}

/**
 * Writes `data` to the channel (EOF after) and reads `reader` into `received` at the same time.
 * Resolves when both finished; rejects with the first error of either.
 */
export function pump(
  channel: Channel,
  reader: ChannelReader,
  data: Uint8Array,
  received: Uint8Array[],
): Promise<void> {
  const write = (async () => {
    for (let at = 0; at < data.length; at += 32 * 1024)
      await channel.write(data.subarray(at, at + 32 * 1024));
    await channel.end();
  })();
  const read = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk === undefined) return;
      received.push(chunk.slice());
    }
  })();
  // Both observed: neither rejection is ever unhandled.
  write.catch(() => {});
  read.catch(() => {});
  return Promise.all([write, read]).then(() => {});
}

/** A throwaway HOME for OpenSSH `ssh` dialing 127.0.0.1:port as USER with userKey(), our host key trusted. */
export async function opensshClientFiles(port: number): Promise<{
  dir: string;
  /** ssh options (the fixed ones, then `extra`) then the host: append the command. */
  args(extra?: string[]): string[];
  env(): Record<string, string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'sshts-fault-'));
  const key = await userKey();
  const hostKey = await serverHostKey();
  await writeFile(join(dir, 'id'), writeOpenSSHPrivateKey(key), { mode: 0o600 });
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey.publicKey}\n`);
  const options = [
    `Port=${port}`,
    `User=${USER}`,
    `IdentityFile=${join(dir, 'id')}`,
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    'IdentitiesOnly=yes',
    'IdentityAgent=none',
    'GlobalKnownHostsFile=/dev/null',
    'StrictHostKeyChecking=yes',
    'BatchMode=yes',
    'ConnectTimeout=10',
    'ControlMaster=no',
    'ControlPath=none',
  ];
  return {
    dir,
    args: (extra = []) => ['-F', '/dev/null', ...options.flatMap((o) => ['-o', o]), ...extra, '127.0.0.1'],
    env: () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C' }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
