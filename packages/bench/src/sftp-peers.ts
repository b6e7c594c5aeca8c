/**
 * SFTP get/put throughput on loopback against OpenSSH sshd (internal-sftp), each contender beside
 * the others in the same run (TARGETS.md "Performance": 256 MiB random file, median of 5,
 * compared as ratios because the machines are shared and noisy).
 *
 *   npm run bench                      (the root: every package's bench, one at a time)
 *   node scripts/pnpm.mjs --filter @sshts/bench bench
 *   BENCH_MIB=64 BENCH_ROUNDS=3 node_modules/.bin/tsx --conditions=sshts-source packages/bench/src/sftp-peers.ts
 *
 * Environment:
 *   BENCH_MIB          size of the random file in MiB (default 256)
 *   BENCH_ROUNDS       rounds; each reported figure is the median over them (default 5)
 *   BENCH_WARMUP       unrecorded rounds first, every contender alike (default 1)
 *   BENCH_CIPHERS      comma-separated ciphers (default chacha20-poly1305@openssh.com,aes128-gcm@openssh.com)
 *   BENCH_CONTENDERS   comma-separated substrings; only contenders whose name contains one run
 *
 * Every round runs every contender × cipher × op once, the contender order rotating from round to
 * round, so that noise hits all of them alike. The SHA-256 of every transferred file is checked
 * after its timed region; a mismatch fails the run. Output: the table, notes on what each row
 * times, and one JSON line (`{"bench":"sftp-peers",…}`) for machines.
 *
 * Adding a contender (e.g. sshts get/put/streams with the node and the noble providers): write a
 * `Contender` (contender.ts) in contenders/ and add it to CONTENDERS below.
 */
import { copyFile, link, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Peer } from '@sshts/test-peers';
import type { Contender, SftpBenchTarget } from './contender.js';
import { OpenSshSftp } from './contenders/openssh-sftp.js';
import { Ssh2Fast } from './contenders/ssh2.js';
import { SshtsSftp } from './contenders/sshts.js';
import { list, positiveInt, rotated, selectContenders, warmupRounds } from './env.js';
import { sha256File, writeRandomFile } from './files.js';
import { rawNobleChacha } from './raw-noble.js';
import { type Op, ratios, type Sample, summarize, table } from './report.js';
import { startBenchSshd } from './sshd.js';

const CONTENDERS: (() => Contender)[] = [
  () => new OpenSshSftp(),
  () => new Ssh2Fast(),
  () => new SshtsSftp('node', 'get/put'),
  () => new SshtsSftp('node', 'streams'),
  () => new SshtsSftp('noble', 'get/put'),
  () => new SshtsSftp('noble+offload', 'get/put'),
  () => new SshtsSftp('node+offload', 'get/put'),
];

const DEFAULT_CIPHERS = ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com'];

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

async function main(): Promise<void> {
  const mib = positiveInt('BENCH_MIB', 256);
  const rounds = positiveInt('BENCH_ROUNDS', 5);
  const warmup = warmupRounds();
  const ciphers = list('BENCH_CIPHERS') ?? DEFAULT_CIPHERS;
  const contenders = selectContenders(CONTENDERS.map((make) => make()));

  const scratch = await mkdtemp(join(tmpdir(), 'sshts-bench-sftp-'));
  let peer: Peer | undefined;
  const started: Contender[] = [];
  try {
    const sshd = await startBenchSshd(scratch);
    peer = sshd.peer;
    const home = sshd.sftpHome;
    const target: SftpBenchTarget = { ...sshd.login, ciphers, scratchDir: scratch };

    // The same bytes on both sides: the local source for put, the remote `source.bin` for get.
    const source = join(scratch, 'source.bin');
    const expected = await writeRandomFile(source, mib);
    await link(source, join(home, 'source.bin')).catch(() => copyFile(source, join(home, 'source.bin')));

    for (const c of contenders) {
      await c.setup(target);
      started.push(c);
    }

    const samples: Sample[] = [];
    let recording = false;
    const timed = async (c: Contender, op: Op, cipher: string, run: () => Promise<void>) => {
      const t0 = performance.now();
      await run();
      const ms = performance.now() - t0;
      if (recording) samples.push({ contender: c.name, op, cipher, ms });
      return ms;
    };
    const verify = async (path: string, what: string) => {
      const actual = await sha256File(path);
      await rm(path, { force: true });
      if (actual !== expected) throw new Error(`${what}: SHA-256 ${actual}, expected ${expected}`);
    };

    for (let round = -warmup; round < rounds; round++) {
      recording = round >= 0;
      const order = rotated(contenders, round);
      for (const cipher of ciphers) {
        for (const c of order) {
          const name = `${slug(c.name)}-${slug(cipher)}.bin`;
          const local = join(scratch, `got-${name}`);
          const getMs = await timed(c, 'get', cipher, () => c.get('source.bin', local, cipher));
          await verify(local, `${c.name} get ${cipher}`);
          const putMs = await timed(c, 'put', cipher, () => c.put(source, `put-${name}`, cipher));
          await verify(join(home, `put-${name}`), `${c.name} put ${cipher}`);
          const setupMs = c.connectOnly
            ? await timed(c, 'setup', cipher, () => c.connectOnly!(cipher))
            : undefined;
          const rate = (ms: number) => (mib / (ms / 1000)).toFixed(1);
          const setup = setupMs === undefined ? '' : `, setup ${setupMs.toFixed(0)} ms`;
          console.error(
            `${recording ? `round ${round + 1}/${rounds}` : 'warm-up'} ${c.name} ${cipher}: get ${rate(getMs)}, put ${rate(putMs)} MiB/s${setup}`,
          );
        }
      }
    }

    const results = summarize(samples, mib);
    const cpu = cpus();
    const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
    console.log(
      `\nSFTP on loopback to ${peer.version} (internal-sftp), ${mib} MiB random file, median of ${rounds} round(s); ${machine}\n`,
    );
    console.log(
      table(
        results,
        contenders.map((c) => c.name),
        ciphers,
      ),
    );
    console.log('');
    const raw = ciphers.some((c) => c.startsWith('chacha20')) ? rawNobleChacha() : undefined;
    const ratioLines = ratios(results, raw);
    if (ratioLines.length > 0)
      console.log(`Ratios (TARGETS.md performance targets 1 and 2):\n${ratioLines.join('\n')}\n`);
    for (const c of contenders) console.log(`- ${c.note()}`);
    if (raw) {
      console.log(
        `- raw noble chacha20-poly1305 in this process (32 KiB packets): seal ${raw.seal.toFixed(1)}, open ${raw.open.toFixed(1)} MiB/s`,
      );
    }
    console.log(
      '- "minus setup": MiB over (median get/put − median setup-only session); SHA-256 of every transfer checked.',
    );
    console.log(
      JSON.stringify({
        bench: 'sftp-peers',
        mib,
        rounds,
        server: peer.version,
        machine,
        contenders: contenders.map((c) => ({ name: c.name, note: c.note() })),
        results,
        rawNobleChacha: raw,
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
