// Helpers for the session tests against real servers (session-openssh / session-dropbear): a
// connected SSHClient per peer, and reading a channel's output until a pattern shows up.
import type { ChannelReader } from '@sshts/channel';
import type { Peer } from '@sshts/test-peers';
import { KnownHosts, type PrivateKey, SSHClient } from '../src/node/index.js';
import { knownHostsFor, peerStream } from './client-helpers.js';

export interface Connected {
  client: SSHClient;
  close(): Promise<void>;
}

/** An SSHClient logged in to `peer` with `key` over a fresh stream (no agent, no ~/.ssh keys). */
export async function connectClient(peer: Peer, key: PrivateKey): Promise<Connected> {
  const stream = await peerStream(peer);
  const client = new SSHClient({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) });
  try {
    await client.connect({
      host: '127.0.0.1',
      username: peer.user,
      stream,
      privateKey: key,
      agent: false,
      lookForKeys: false,
      timeout: 30_000,
    });
  } catch (error) {
    await stream.close();
    throw error;
  }
  return {
    client,
    close: async () => {
      await client.close().catch(() => {});
      await stream.close();
    },
  };
}

/**
 * Reads `reader` until the text so far matches `pattern`; returns the text. Rejects after `ms`
 * (with what was read, for the failure message) or at EOF without a match.
 */
export async function readUntil(reader: ChannelReader, pattern: RegExp, ms = 10_000): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${ms} ms; read: ${JSON.stringify(text)}`)),
      ms,
    );
  });
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), timeout]);
      if (chunk === undefined) throw new Error(`EOF before ${pattern}; read: ${JSON.stringify(text)}`);
      text += decoder.decode(chunk, { stream: true });
      if (pattern.test(text)) return text;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with `promise`'s value, or rejects when it takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `condition` every 20 ms until it holds; rejects after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
