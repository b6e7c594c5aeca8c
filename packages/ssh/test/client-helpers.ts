// Test helpers for SSHClient against real peers: a client whose platform reads a throwaway home,
// a stream to the peer, key files made by the real tools.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Peer } from '@sshts/test-peers';
import type { ByteStream } from '@sshts/transport';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import {
  type ClientPlatform,
  type ConnectOptions,
  KnownHosts,
  nodePlatform,
  SSHClient,
} from '../src/node/index.js';

export const run = promisify(execFile);

/** A fresh temp dir, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `sshts-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An SSHClient class whose `~` is `home` and which sees no agent unless asked: tests never read the real ~/.ssh. */
export function clientWithHome(home: string, env: Record<string, string> = {}): typeof SSHClient {
  const platform: ClientPlatform = { ...nodePlatform, homeDir: () => home, env: (name) => env[name] };
  return class extends SSHClient {
    static override platform = platform;
  };
}

/** A new connection to the peer as a ByteStream. */
export async function peerStream(peer: Peer): Promise<ByteStream & { close(): Promise<void> }> {
  const c = await peer.connect();
  return { ...nodeStreamsToByteStream(c.input, c.output), close: () => c.close() };
}

/** known_hosts text listing every host key of the peer for `host`. */
export function knownHostsFor(peer: Peer, host = '127.0.0.1'): string {
  return peer.hostKeys.map((k) => `${host} ${k.publicKey}\n`).join('');
}

/** `ssh-keygen -t … -f dir/name` with optional format and passphrase; returns the private key text and .pub line. */
export async function sshKeygen(
  keygen: string,
  dir: string,
  name: string,
  args: string[],
  passphrase = '',
): Promise<{ path: string; privateText: string; publicLine: string }> {
  const path = join(dir, name);
  await run(keygen, ['-q', ...args, '-N', passphrase, '-C', `sshts-${name}`, '-f', path]);
  return {
    path,
    privateText: await readFile(path, 'utf8'),
    publicLine: (await readFile(`${path}.pub`, 'utf8')).trim(),
  };
}

/**
 * Connects `client` (default: one that knows the peer's host keys) to the peer over a fresh stream,
 * with no agent and no ~/.ssh keys unless `options` says otherwise, checks it authenticated, and
 * closes both.
 */
export async function loginTo(
  peer: Peer,
  options: Partial<ConnectOptions>,
  client: SSHClient = new SSHClient({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) }),
): Promise<void> {
  const stream = await peerStream(peer);
  try {
    await client.connect({
      host: '127.0.0.1',
      username: peer.user,
      stream,
      agent: false,
      lookForKeys: false,
      timeout: 30_000,
      ...options,
    });
    if (!client.transport.authenticated) throw new Error('connect() returned without authentication');
  } finally {
    await client.close();
    await stream.close();
  }
}
