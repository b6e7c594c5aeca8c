/**
 * TARGETS.md performance target 7: 4 GiB through `cat` over exec on OpenSSH's sshd, our client
 * rekeying every BENCH_REKEY bytes (well below the defaults, so the transfer crosses many key
 * exchanges), with the SHA-256 of what comes back equal to what was sent and memory flat; and
 * OpenSSH's `ssh -o RekeyLimit=… -c CIPHER host cat` on the same stream in the same run beside it.
 *
 *   node scripts/pnpm.mjs --filter @sshts/bench bench:rekey-4g
 *   BENCH_GIB=0.25 BENCH_REKEY=16M node_modules/.bin/tsx --conditions=sshts-source packages/bench/src/rekey-4g.ts
 *
 * Environment:
 *   BENCH_GIB        GiB sent (and received back) per transfer (default 4; fractions allowed)
 *   BENCH_REKEY      rekey limit for both clients, bytes with K/M/G (default 256M)
 *   BENCH_CIPHERS    comma-separated (default aes128-gcm@openssh.com,chacha20-poly1305@openssh.com)
 *   BENCH_SAMPLE_MS  memory sampling period during our transfer (default 1000)
 *
 * The data is generated as it is sent (source.ts), never written to disk. Exits non-zero when any
 * transfer's hashes differ. One JSON line (`{"bench":"rekey-4g",…}`) at the end for machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import { list, positiveInt } from './env.js';
import { byteSize, positiveNumber } from './env-values.js';
import type { CatRun } from './rekey/cat-run.js';
import { memorySpread, type Spread } from './rekey/memory-samples.js';
import { opensshCat, sshTrue } from './rekey/openssh-cat.js';
import { PatternSource, randomBlock } from './rekey/source.js';
import { sshtsCat } from './rekey/sshts-cat.js';
import { startBenchSshd } from './sshd.js';
import { formatTable, machine, mibPerS, shortCipher } from './stats.js';

const DEFAULT_CIPHERS = ['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com'];
/** Memory counts as flat when the last quarter's median is within this factor of the first's. */
const FLAT = 1.1;
const WANTED_REKEYS = 8;

interface Row {
  cipher: string;
  client: string;
  run: CatRun;
  /** OpenSSH: the median `ssh … true` time, subtracted for the "minus setup" rate. */
  setupMs?: number;
}

async function main(): Promise<void> {
  const gib = positiveNumber('BENCH_GIB', 4);
  const total = Math.round(gib * 1024 ** 3);
  const rekeyBytes = byteSize('BENCH_REKEY', 256 * 1024 ** 2);
  const ciphers = list('BENCH_CIPHERS') ?? DEFAULT_CIPHERS;
  const sampleMs = positiveInt('BENCH_SAMPLE_MS', 1000);
  const ssh = await toolAvailability('ssh');
  if (!ssh.available) throw new Error(ssh.reason);
  const mib = total / 1024 / 1024;
  const block = randomBlock();

  const scratch = await mkdtemp(join(tmpdir(), 'sshts-bench-rekey-'));
  const rows: Row[] = [];
  let version = '';
  try {
    const sshd = await startBenchSshd(scratch);
    version = sshd.peer.version;
    try {
      for (const cipher of ciphers) {
        const ours = await sshtsCat(
          sshd.login,
          cipher,
          rekeyBytes,
          new PatternSource(total, block),
          sampleMs,
        );
        rows.push({ cipher, client: 'sshts (node)', run: ours });
        progress(cipher, 'sshts (node)', mib, ours);
        const theirs = await opensshCat(
          ssh.path,
          sshd.login,
          cipher,
          String(rekeyBytes),
          new PatternSource(total, block),
        );
        const setups: number[] = [];
        for (let i = 0; i < 3; i++)
          setups.push(await sshTrue(ssh.path, sshd.login, cipher, String(rekeyBytes)));
        const setupMs = setups.sort((a, b) => a - b)[1]!;
        rows.push({ cipher, client: 'OpenSSH ssh', run: theirs, setupMs });
        progress(cipher, 'OpenSSH ssh', mib, theirs);
      }
    } finally {
      await sshd.peer.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const intact = (r: CatRun) =>
    r.bytesBack === total && r.sentSha256 === r.receivedSha256 && r.exitCode === 0;
  console.log(
    `\n${gib} GiB through cat over exec on ${version}, rekey limit ${rekeyBytes / 1024 / 1024} MiB for both clients; ${machine()}\n`,
  );
  const table = [
    ['cipher', 'client', 'MiB/s', 'minus setup', 'rekeys (server-started)', 'SHA-256'],
    ...rows.map(({ cipher, client, run, setupMs }) => [
      shortCipher(cipher),
      client,
      mibPerS(mib, run.ms).toFixed(1),
      setupMs === undefined || run.ms <= setupMs ? '—' : mibPerS(mib, run.ms - setupMs).toFixed(1),
      `${run.rekeys}${run.serverRekeys === undefined ? '' : ` (${run.serverRekeys})`}`,
      intact(run) ? 'intact' : 'DIFFERS',
    ]),
  ];
  console.log(formatTable(table));

  console.log('\nOur client process memory during the transfer (MiB; first-quarter → last-quarter median):');
  const memory = rows
    .filter((r) => r.run.samples)
    .map(({ cipher, run }) => {
      const rss = memorySpread(run.samples!, (s) => s.rss);
      const heap = memorySpread(run.samples!, (s) => s.heapBuffers);
      console.log(`  ${shortCipher(cipher)}: ${run.samples!.length} samples every ${sampleMs} ms`);
      console.log(`    rss                     ${describe(rss)}`);
      console.log(`    heapUsed+arrayBuffers   ${describe(heap)}`);
      return { cipher, samples: run.samples!.length, rss, heapBuffers: heap };
    });

  console.log('\nTARGETS.md performance target 7:');
  for (const { cipher, client, run } of rows) {
    const label = `  ${shortCipher(cipher)} ${client}`;
    console.log(
      `${label}: SHA-256 ${intact(run) ? 'intact' : `DIFFERS (${run.bytesBack} of ${total} bytes back)`}`,
    );
    if (client.startsWith('sshts')) {
      console.log(
        `${label}: ${run.rekeys} rekeys (≥ ${WANTED_REKEYS} wanted) ${run.rekeys >= WANTED_REKEYS ? 'met' : 'NOT met'}`,
      );
    }
  }
  for (const m of memory) {
    for (const [name, s] of [
      ['rss', m.rss],
      ['heapUsed+arrayBuffers', m.heapBuffers],
    ] as const) {
      if (!s) continue;
      const ratio = s.lastQuarter / s.firstQuarter;
      console.log(
        `  ${shortCipher(m.cipher)} sshts ${name} last/first quarter: ${ratio.toFixed(2)}× (flat: ≤ ${FLAT.toFixed(2)}) ${ratio <= FLAT ? 'met' : 'NOT met'}`,
      );
    }
  }
  console.log(
    '\n- sshts: Transport with rekeyLimits.bytes, crypto "node"; the generator, the channel and the SHA-256 of both directions run in this one process; the time is the transfer on an open session.',
  );
  console.log(
    '- OpenSSH: `ssh -o RekeyLimit=… -c CIPHER host cat` fed from this process; its time is the whole process, "minus setup" subtracts the median of 3 `ssh … true`. Its rekeys are counted from `-v`.',
  );
  console.log(
    JSON.stringify({
      bench: 'rekey-4g',
      gib,
      rekeyBytes,
      server: version,
      machine: machine(),
      results: rows.map(({ cipher, client, run, setupMs }) => ({
        cipher,
        client,
        ms: Math.round(run.ms),
        mibPerS: Math.round(mibPerS(mib, run.ms) * 10) / 10,
        setupMs: setupMs === undefined ? undefined : Math.round(setupMs),
        rekeys: run.rekeys,
        serverRekeys: run.serverRekeys,
        intact: intact(run),
        sentSha256: run.sentSha256,
        receivedSha256: run.receivedSha256,
      })),
      memory,
    }),
  );
  if (rows.some((r) => !intact(r.run))) {
    console.error('rekey-4g: a transfer came back different from what was sent');
    process.exitCode = 1;
  }
}

function progress(cipher: string, client: string, mib: number, run: CatRun): void {
  console.error(
    `${shortCipher(cipher)} ${client}: ${mibPerS(mib, run.ms).toFixed(1)} MiB/s, ${run.rekeys} rekeys, ${run.sentSha256 === run.receivedSha256 ? 'hash ok' : 'HASH DIFFERS'}`,
  );
}

function describe(s: Spread | undefined): string {
  if (!s) return 'no sample (transfer shorter than the period)';
  const f = (x: number) => x.toFixed(1);
  return `min ${f(s.min)}, median ${f(s.median)}, max ${f(s.max)}; ${f(s.firstQuarter)} → ${f(s.lastQuarter)}`;
}

await main();
