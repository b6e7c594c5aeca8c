// Issue 11, load: our server holding 1,000 concurrent TCP connections, then 10,000 channels opened
// and closed across them (each an exec answered in-process), and after everything has closed no
// leak: the same active handles and timers as before (process.getActiveResourcesInfo), no extra
// process listeners, the heap back near where it was (after a forced GC), no connection left.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generatePrivateKey } from '@sshts/keys';
import { describe, expect, it } from 'vitest';
import { KnownHosts, SSHClient, SSHServer } from '../src/node/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 1000);
const CHANNELS = Number(process.env.LOAD_CHANNELS ?? 10_000);
/** Handshakes in flight at once (a burst of 1,000 SYNs would only measure the listen backlog). */
const OPENING = 50;
/** Fast algorithms: the test is about holding connections, not about the key exchange. */
const ALGORITHMS = {
  kex: ['curve25519-sha256'],
  hostKey: ['ssh-ed25519'],
  cipher: ['aes128-gcm@openssh.com'],
};

/** Active resources by kind (TCPSocketWrap, Timeout, …), as Node reports them. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

const processListeners = () =>
  ['exit', 'uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM', 'warning'].reduce(
    (n, event) => n + process.listenerCount(event),
    0,
  );

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
  gc();
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

describe('our server under load', () => {
  it(`holds ${CONNECTIONS} connections and ${CHANNELS} channels, then leaks nothing`, async () => {
    const hostKey = await generatePrivateKey('ed25519');
    await settle();
    const before = {
      resources: resources(),
      listeners: processListeners(),
      heap: process.memoryUsage().heapUsed,
    };

    const server = new SSHServer({
      hostKeys: [hostKey],
      algorithms: ALGORITHMS,
      auth: { password: (_user, password) => password === 'load' },
      limits: { maxConnections: CONNECTIONS + 10 },
      exec: async (command, session) => {
        await session.write(`ok ${command}\n`);
        await session.exit(0);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const knownHosts = KnownHosts.parse(`[127.0.0.1]:${port} ${hostKey.publicKey}\n`);
    const started = Date.now();
    const clients = await inBatches(CONNECTIONS, OPENING, async () => {
      const client = new SSHClient({ knownHosts });
      await client.connect({
        host: '127.0.0.1',
        port,
        username: 'u',
        password: 'load',
        agent: false,
        lookForKeys: false,
        algorithms: ALGORITHMS,
        timeout: 60_000,
      });
      return client;
    });
    const connectedMs = Date.now() - started;
    expect(server.connectionCount).toBe(CONNECTIONS);
    gc();
    const held = process.memoryUsage();
    console.log(
      `${CONNECTIONS} connections up in ${connectedMs} ms; heap ${(held.heapUsed / 2 ** 20).toFixed(0)} MiB, ` +
        `rss ${(held.rss / 2 ** 20).toFixed(0)} MiB (both ends in this process)`,
    );

    // 10,000 channels: each an exec whose answer names it, checked, then closed.
    const channelsStarted = Date.now();
    const perClient = Math.ceil(CHANNELS / CONNECTIONS);
    let answered = 0;
    await inBatches(CONNECTIONS, 100, async (i) => {
      for (let k = 0; k < perClient && i * perClient + k < CHANNELS; k++) {
        const n = i * perClient + k;
        const result = await clients[i]!.exec(`channel ${n}`);
        expect(result).toMatchObject({ stdout: `ok channel ${n}\n`, exitCode: 0 });
        answered++;
      }
      expect(clients[i]!.transport.channels.size).toBe(0);
    });
    console.log(`${answered} channels opened, answered and closed in ${Date.now() - channelsStarted} ms`);
    expect(answered).toBe(CHANNELS);

    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    // Drop our own references, so that what the heap still holds is what the library keeps.
    clients.length = 0;
    await settle();
    await settle();
    const after = {
      resources: resources(),
      listeners: processListeners(),
      heap: process.memoryUsage().heapUsed,
    };
    console.log(
      `before: ${JSON.stringify(before.resources)} heap ${(before.heap / 2 ** 20).toFixed(1)} MiB; ` +
        `after: ${JSON.stringify(after.resources)} heap ${(after.heap / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(server.connectionCount).toBe(0);
    expect(after.resources).toEqual(before.resources);
    expect(after.listeners).toBe(before.listeners);
    // The connections held tens of MiB; what stays is code and caches, not connections (a leak
    // of even 10 KiB per connection would show here as 10 MiB).
    expect(after.heap - before.heap).toBeLessThan(8 * 2 ** 20);
  }, 300_000);
});
