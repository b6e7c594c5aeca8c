import { type ClientKind, sessionOpener } from './clients.js';
import { openAll } from './open-all.js';
import type { Memory, ServerSetup } from './protocol.js';
import { startServerProcess } from './server-process.js';

export interface Measurement {
  kind: ServerSetup['kind'];
  version: string;
  before: Memory;
  after: Memory;
  /** Time to connect, authenticate, open the session and read the exec's answer, all N. */
  setupMs: number;
  /** (after − before) / N, KiB. */
  heapExternalKiB: number;
  rssKiB: number;
}

export interface RunSettings {
  sessions: number;
  concurrency: number;
  cipher: string;
  client: ClientKind;
  /** openssh-key-v1 text of the user's key, for the driver's clients. */
  userPrivateKey: string;
  /** The host key's public line, for the clients to verify. */
  hostPublicKey: string;
}

const KiB = 1024;

/**
 * One server in a fresh process: its settled memory with no connection, then N held sessions
 * opened and its settled memory again with all of them idle, then every session finished (each
 * command must exit 0) and the process stopped.
 */
export async function measureServer(setup: ServerSetup, run: RunSettings): Promise<Measurement> {
  const server = await startServerProcess(setup);
  try {
    const before = await server.measure('before');
    const open = sessionOpener(run.client, {
      port: server.port,
      user: setup.user,
      userKey: run.userPrivateKey,
      hostKey: run.hostPublicKey,
      cipher: run.cipher,
    });
    const t0 = performance.now();
    const held = await openAll(run.sessions, run.concurrency, open);
    const setupMs = performance.now() - t0;
    const after = await server.measure('after');
    if (after.connections !== run.sessions || after.execs !== run.sessions) {
      for (const h of held) h.abort();
      throw new Error(
        `${server.version}: ${after.connections} connections and ${after.execs} execs, not ${run.sessions}`,
      );
    }
    const codes = await Promise.all(held.map((h) => h.finish()));
    const bad = codes.filter((c) => c !== 0).length;
    if (bad > 0) throw new Error(`${server.version}: ${bad} of ${run.sessions} commands did not exit 0`);
    const per = (pick: (m: Memory) => number) =>
      (pick(after.memory) - pick(before.memory)) / run.sessions / KiB;
    return {
      kind: setup.kind,
      version: server.version,
      before: before.memory,
      after: after.memory,
      setupMs,
      heapExternalKiB: per((m) => m.heapUsed + m.external),
      rssKiB: per((m) => m.rss),
    };
  } finally {
    await server.stop();
  }
}
