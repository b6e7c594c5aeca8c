/**
 * Connection setup (TARGETS.md performance target 4): sequential connect + key exchange +
 * ed25519 publickey auth + exec `true` (to its exit status) + close, each a new connection, in
 * one process against OpenSSH sshd on loopback — sshts with its default kex and with only
 * curve25519-sha256, ssh2 with its defaults, and `ssh host true` for context.
 *
 *   node scripts/pnpm.mjs --filter @sshts/bench bench:connect
 *   BENCH_ROUNDS=1 node_modules/.bin/tsx --conditions=sshts-source packages/bench/src/connect.ts
 *
 * Environment:
 *   BENCH_ROUNDS        rounds (default 3); each round every contender makes BENCH_CONNECTIONS
 *   BENCH_CONNECTIONS   connections per contender per round (default 50)
 *   BENCH_CONTENDERS    comma-separated substrings; only contenders whose name contains one run
 *
 * The contenders take turns connection by connection, the order rotating at every turn, so that
 * the machine's drift hits all alike. Each connection is timed on its own; the
 * report gives the median, min and max per connection over all rounds, the total, the kex each
 * contender negotiated, and one JSON line (`{"bench":"connect",…}`) for machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Peer } from '@sshts/test-peers';
import { connectRatios, connectTable } from './connect-report.js';
import { OpenSshConnect } from './contenders/openssh-ssh.js';
import { Ssh2Connect } from './contenders/ssh2-exec.js';
import { SshtsConnect } from './contenders/sshts-exec.js';
import { positiveInt, rotated, selectContenders } from './env.js';
import type { ConnectContender } from './exec-contender.js';
import { startBenchSshd } from './sshd.js';
import { machine, spread } from './stats.js';

const CONTENDERS: (() => ConnectContender)[] = [
  () => new SshtsConnect(),
  () => new SshtsConnect('curve25519-sha256'),
  () => new Ssh2Connect(),
  () => new OpenSshConnect(),
];

async function main(): Promise<void> {
  const rounds = positiveInt('BENCH_ROUNDS', 3);
  const perRound = positiveInt('BENCH_CONNECTIONS', 50);
  const contenders = selectContenders(CONTENDERS.map((make) => make()));

  const scratch = await mkdtemp(join(tmpdir(), 'sshts-bench-connect-'));
  let peer: Peer | undefined;
  const started: ConnectContender[] = [];
  try {
    const sshd = await startBenchSshd(scratch);
    peer = sshd.peer;
    for (const c of contenders) {
      await c.setup(sshd.login);
      started.push(c);
    }

    const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < rounds; round++) {
      const t0 = performance.now();
      // Interleaved, connection by connection, the order rotating each time: a contender's 50
      // connections in one block would take whatever this shared machine did during that block
      // (blocks drifted 10 % apart); interleaved, every contender sees the same moments.
      for (let i = 0; i < perRound; i++) {
        for (const c of rotated(contenders, round * perRound + i)) {
          const t = performance.now();
          await c.once();
          samples.get(c.name)!.push(performance.now() - t);
        }
      }
      const medians = contenders.map(
        (c) =>
          `${c.name} ${spread(samples.get(c.name)!.slice(-perRound)).medianMs.toFixed(1)} ms (${c.kex() ?? '?'})`,
      );
      console.error(
        `round ${round + 1}/${rounds}: ${perRound} connections each in ${(performance.now() - t0).toFixed(0)} ms; medians ${medians.join(', ')}`,
      );
    }

    const rows = contenders.map((c) => ({
      contender: c.name,
      kex: c.kex(),
      ...summary(samples.get(c.name)!),
    }));
    console.log(
      `\nconnect + auth (ed25519) + exec true + close, sequential, to ${peer.version} on loopback, ${rounds} round(s) × ${perRound} connections per contender; ${machine()}\n`,
    );
    console.log(`${connectTable(rows)}\n`);
    const ratioLines = connectRatios(rows);
    if (ratioLines.length > 0)
      console.log(`Ratios (TARGETS.md performance target 4):\n${ratioLines.join('\n')}\n`);
    for (const c of contenders) console.log(`- ${c.note()}`);
    console.log(
      "- ms per connection over every round; total is the sum of all of them. OpenSSH's figure includes spawning an ssh process per connection and is there for context only.",
    );
    console.log(
      JSON.stringify({
        bench: 'connect',
        rounds,
        connectionsPerRound: perRound,
        server: peer.version,
        machine: machine(),
        contenders: contenders.map((c) => ({ name: c.name, note: c.note() })),
        results: rows,
        ratios: ratioLines,
      }),
    );
  } finally {
    for (const c of started.reverse()) await c.teardown().catch(() => {});
    await peer?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

function summary(ms: number[]) {
  const s = spread(ms);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    connections: ms.length,
    medianMs: r1(s.medianMs),
    minMs: r1(s.minMs),
    maxMs: r1(s.maxMs),
    totalMs: r1(ms.reduce((a, b) => a + b, 0)),
  };
}

await main();
