/**
 * Channel throughput (TARGETS.md performance target 3): a random file through `cat` over an exec
 * channel on loopback against OpenSSH sshd, each contender beside the others in the same run —
 * the file goes into the remote cat's stdin while its stdout comes back into a local file.
 *
 *   node scripts/pnpm.mjs --filter @sshts/bench bench:exec-cat
 *   BENCH_MIB=64 BENCH_ROUNDS=3 node_modules/.bin/tsx --conditions=sshts-source packages/bench/src/exec-cat.ts
 *
 * Environment:
 *   BENCH_MIB          size of the random file in MiB (default 256)
 *   BENCH_ROUNDS       rounds; each figure is the median over them (default 5)
 *   BENCH_WARMUP       unrecorded rounds first, every contender alike (default 1)
 *   BENCH_CIPHERS      comma-separated ciphers (default chacha20-poly1305@openssh.com,aes128-gcm@openssh.com)
 *   BENCH_CONTENDERS   comma-separated substrings; only contenders whose name contains one run
 *
 * Every round runs every contender × cipher once, the contender order rotating from round to
 * round. The SHA-256 of what came back is checked after the timed region; a mismatch fails the
 * run. Output: the table, the ratios for target 3, notes, and one JSON line
 * (`{"bench":"exec-cat",…}`) for machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Peer } from '@sshts/test-peers';
import { OpenSshCat } from './contenders/openssh-ssh.js';
import { Ssh2Cat } from './contenders/ssh2-exec.js';
import { SshtsCat } from './contenders/sshts-exec.js';
import { list, positiveInt, rotated, selectContenders, warmupRounds } from './env.js';
import { type CatSample, catRatios, catTable } from './exec-cat-report.js';
import type { CatContender } from './exec-contender.js';
import { sha256File, writeRandomFile } from './files.js';
import { startBenchSshd } from './sshd.js';
import { machine } from './stats.js';

const CONTENDERS: (() => CatContender)[] = [
  () => new OpenSshCat(),
  () => new Ssh2Cat(),
  () => new SshtsCat('node'),
  () => new SshtsCat('noble'),
];

const DEFAULT_CIPHERS = ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com'];

async function main(): Promise<void> {
  const mib = positiveInt('BENCH_MIB', 256);
  const rounds = positiveInt('BENCH_ROUNDS', 5);
  const warmup = warmupRounds();
  const ciphers = list('BENCH_CIPHERS') ?? DEFAULT_CIPHERS;
  const contenders = selectContenders(CONTENDERS.map((make) => make()));

  const scratch = await mkdtemp(join(tmpdir(), 'sshts-bench-cat-'));
  let peer: Peer | undefined;
  const started: CatContender[] = [];
  try {
    const sshd = await startBenchSshd(scratch);
    peer = sshd.peer;
    const source = join(scratch, 'source.bin');
    const dest = join(scratch, 'back.bin');
    const expected = await writeRandomFile(source, mib);
    for (const c of contenders) {
      await c.setup({ ...sshd.login, ciphers });
      started.push(c);
    }

    const samples: CatSample[] = [];
    let recording = false;
    const timed = async (c: CatContender, op: CatSample['op'], cipher: string, run: () => Promise<void>) => {
      const t0 = performance.now();
      await run();
      const ms = performance.now() - t0;
      if (recording) samples.push({ contender: c.name, op, cipher, ms });
      return ms;
    };

    for (let round = -warmup; round < rounds; round++) {
      recording = round >= 0;
      for (const cipher of ciphers) {
        for (const c of rotated(contenders, round)) {
          const ms = await timed(c, 'cat', cipher, () => c.cat(source, dest, cipher));
          const actual = await sha256File(dest);
          await rm(dest, { force: true });
          if (actual !== expected)
            throw new Error(`${c.name} ${cipher}: SHA-256 ${actual}, expected ${expected}`);
          const setupMs = c.connectOnly
            ? await timed(c, 'setup', cipher, () => c.connectOnly!(cipher))
            : undefined;
          const setup = setupMs === undefined ? '' : `, setup ${setupMs.toFixed(0)} ms`;
          console.error(
            `${recording ? `round ${round + 1}/${rounds}` : 'warm-up'} ${c.name} ${cipher}: ${(mib / (ms / 1000)).toFixed(1)} MiB/s${setup}`,
          );
        }
      }
    }

    const names = contenders.map((c) => c.name);
    console.log(
      `\nexec cat on loopback to ${peer.version}, ${mib} MiB random file each way (in through stdin, back through stdout), ${rounds} round(s); ${machine()}\n`,
    );
    const { text, rows } = catTable(samples, names, ciphers, mib);
    console.log(`${text}\n`);
    const ratioLines = catRatios(rows, ciphers);
    if (ratioLines.length > 0)
      console.log(`Ratios (TARGETS.md performance target 3):\n${ratioLines.join('\n')}\n`);
    for (const c of contenders) console.log(`- ${c.note()}`);
    console.log(
      '- MiB/s is the file size over the time (each byte crosses the connection twice); "minus setup": over (median − median setup-only run); min/max are the fastest/slowest round; SHA-256 of every transfer checked.',
    );
    console.log(
      JSON.stringify({
        bench: 'exec-cat',
        mib,
        rounds,
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

await main();
