/**
 * TARGETS.md performance target 5: our SSHServer holding 1,000 concurrent authenticated
 * connections, each with an open session that answered an exec, against npm ssh2's Server doing
 * the same — memory per idle connection, ours ≤ ssh2's.
 *
 *   node scripts/pnpm.mjs --filter @sshts/bench bench:server-sessions
 *   BENCH_SESSIONS=100 BENCH_ROUNDS=1 node_modules/.bin/tsx --conditions=sshts-source packages/bench/src/server-sessions.ts
 *
 * Environment:
 *   BENCH_SESSIONS     concurrent connections (default 1000)
 *   BENCH_ROUNDS       rounds, each server once per round in a fresh process; medians (default 3)
 *   BENCH_CONCURRENCY  logins in flight while connecting (default 50)
 *   BENCH_CIPHER       the one cipher both clients offer (default aes128-gcm@openssh.com)
 *   BENCH_CLIENT       the driver's client library for both servers: ssh2 (default) or sshts
 *
 * Each server runs alone in a child process (sessions/child.ts, --expose-gc) with the same ed25519
 * host key, publickey auth of the same ed25519 user key and an in-process exec answer (no process
 * per session). The child reports process.memoryUsage() after full collections before any
 * connection and again with all N sessions idle; per connection = (after − before) / N. The
 * servers take turns, the first one alternating from round to round.
 */
import { generatePrivateKey, writeOpenSSHPrivateKey } from 'sshts';
import { positiveInt } from './env.js';
import { oneOf } from './env-values.js';
import { requireOpenFiles } from './fd-limit.js';
import { median } from './report.js';
import { type Measurement, measureServer, type RunSettings } from './sessions/measure.js';
import type { ServerKind, ServerSetup } from './sessions/protocol.js';
import { formatTable, machine, ratioLine } from './stats.js';

const USER = 'bench';
const SERVERS: ServerKind[] = ['sshts', 'ssh2'];

async function main(): Promise<void> {
  const sessions = positiveInt('BENCH_SESSIONS', 1000);
  const rounds = positiveInt('BENCH_ROUNDS', 3);
  const concurrency = positiveInt('BENCH_CONCURRENCY', 50);
  const cipher = process.env.BENCH_CIPHER || 'aes128-gcm@openssh.com';
  const client = oneOf('BENCH_CLIENT', ['ssh2', 'sshts'] as const, 'ssh2');
  // The driver's client sockets and Node's own descriptors; the server child checks its own.
  requireOpenFiles(sessions + 64, 'driver');

  const hostKey = await generatePrivateKey('ed25519');
  const userKey = await generatePrivateKey('ed25519');
  const setupFor = (kind: ServerKind): ServerSetup => ({
    kind,
    hostKey: writeOpenSSHPrivateKey(hostKey),
    user: USER,
    userKey: userKey.publicKey.toString(),
    maxConnections: sessions + 16,
  });
  const run: RunSettings = {
    sessions,
    concurrency,
    cipher,
    client,
    userPrivateKey: writeOpenSSHPrivateKey(userKey),
    hostPublicKey: hostKey.publicKey.toString(),
  };

  const results: Measurement[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
    for (const kind of order) {
      const m = await measureServer(setupFor(kind), run);
      results.push(m);
      console.error(
        `round ${round + 1}/${rounds} ${m.version}: heapUsed+external ${m.heapExternalKiB.toFixed(1)} KiB/conn, rss ${m.rssKiB.toFixed(1)} KiB/conn, setup ${m.setupMs.toFixed(0)} ms`,
      );
    }
  }

  const summary = SERVERS.map((kind) => {
    const mine = results.filter((r) => r.kind === kind);
    const mib = (pick: (r: Measurement) => number) => median(mine.map(pick)) / 1024 / 1024;
    return {
      kind,
      version: mine[0]!.version,
      heapExternalKiB: median(mine.map((r) => r.heapExternalKiB)),
      rssKiB: median(mine.map((r) => r.rssKiB)),
      setupMs: median(mine.map((r) => r.setupMs)),
      beforeHeapExternalMiB: mib((r) => r.before.heapUsed + r.before.external),
      afterHeapExternalMiB: mib((r) => r.after.heapUsed + r.after.external),
      beforeRssMiB: mib((r) => r.before.rss),
      afterRssMiB: mib((r) => r.after.rss),
      samples: mine.map((r) => ({
        heapExternalKiB: round1(r.heapExternalKiB),
        rssKiB: round1(r.rssKiB),
        setupMs: Math.round(r.setupMs),
        before: r.before,
        after: r.after,
      })),
    };
  });

  console.log(
    `\nServer memory per idle connection: ${sessions} connections, each with an open session that answered an exec; ${cipher}, curve25519-sha256, ssh-ed25519; client: ${client}, ${concurrency} logins in flight; median of ${rounds} round(s); ${machine()}\n`,
  );
  const rows = [
    ['server', 'heapUsed+external KiB/conn', 'rss KiB/conn', 'setup all (ms)', 'heap+ext MiB before → after'],
    ...summary.map((s) => [
      s.version,
      s.heapExternalKiB.toFixed(1),
      s.rssKiB.toFixed(1),
      s.setupMs.toFixed(0),
      `${s.beforeHeapExternalMiB.toFixed(1)} → ${s.afterHeapExternalMiB.toFixed(1)}`,
    ]),
  ];
  console.log(formatTable(rows));
  const ours = summary.find((s) => s.kind === 'sshts')!;
  const theirs = summary.find((s) => s.kind === 'ssh2')!;
  const ratios = {
    heapExternal: ours.heapExternalKiB / theirs.heapExternalKiB,
    rss: ours.rssKiB / theirs.rssKiB,
    setup: ours.setupMs / theirs.setupMs,
  };
  console.log('\nRatios ours / ssh2 (TARGETS.md performance target 5):');
  console.log(ratioLine('heapUsed+external per connection', ratios.heapExternal, 1, true));
  console.log(ratioLine('rss per connection', ratios.rss, 1, true));
  console.log(`  time to set up all connections: ${ratios.setup.toFixed(2)}× (for information)`);
  console.log(
    '\n- Memory is the server process alone, after 4 full collections (--expose-gc), before any connection and with all sessions idle; rss after collection keeps what the allocator has not returned.',
  );
  console.log(
    '- Setup: wall time for the driver to connect, authenticate, open the session and read "ok" from the exec on all connections, the same client library against both servers.',
  );
  console.log(
    JSON.stringify({
      bench: 'server-sessions',
      sessions,
      rounds,
      concurrency,
      cipher,
      client,
      machine: machine(),
      servers: summary,
      ratios,
    }),
  );
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

await main();
