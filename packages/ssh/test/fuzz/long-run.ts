// The replay fuzzer's long run (issue 11), on demand:
//   cd packages/ssh && FUZZ_SECONDS=3600 npx tsx --conditions=sshts-source test/fuzz/long-run.ts
// Random mutations of every recorded transcript, round robin, until the time is up. A mutation
// that breaks the rule (check.ts) is written to test-vectors/fuzz-crashers/ — the CI test replays
// every file there — and the run goes on. Also watches the heap: after a warm-up it must stay flat
// (sampled after a forced GC), or the run fails.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { replayViolation } from './check.js';
import { type Mutation, mutationsArbitrary } from './mutate.js';
import { CRASHER_DIR, loadTranscript, TRANSCRIPT_DIR } from './transcript.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const names = readdirSync(TRANSCRIPT_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const transcripts = names.map((n) => loadTranscript(join(TRANSCRIPT_DIR, `${n}.json`)));
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

let unhandled: unknown;
process.on('unhandledRejection', (e) => {
  unhandled = e;
});
process.on('uncaughtException', (e) => {
  unhandled = e;
});

async function main(): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let runs = 0;
  let found = 0;
  let baseline: number | undefined;
  let peak = 0;
  console.log(`fuzzing ${names.join(', ')} for ${seconds} s, seed ${seed}`);
  let batch: Mutation[][] = [];
  while (Date.now() < deadline) {
    const i = runs % transcripts.length;
    // fast-check draws the mutations, 100 at a time, each batch from its own seed (seed + batch).
    if (batch.length === 0) batch = fc.sample(mutationsArbitrary, { seed: seed + runs / 100, numRuns: 100 });
    const mutations = batch.pop()!;
    let violation = await replayViolation(transcripts[i]!, mutations);
    if (unhandled !== undefined) {
      violation = `unhandled: ${(unhandled as Error)?.stack ?? String(unhandled)}${violation ? `; ${violation}` : ''}`;
      unhandled = undefined;
    }
    if (violation) {
      found++;
      mkdirSync(CRASHER_DIR, { recursive: true });
      const file = join(CRASHER_DIR, `${names[i]}-${seed}-${runs}.json`);
      writeFileSync(
        file,
        `${JSON.stringify({ transcript: names[i], mutations, found: violation }, null, 1)}\n`,
      );
      console.log(`run ${runs}: ${violation.split('\n')[0]} → ${file}`);
    }
    runs++;
    if (runs === 200) baseline = heapMiB();
    if (runs % 1000 === 0) {
      const heap = heapMiB();
      peak = Math.max(peak, heap);
      console.log(
        `${runs} runs, ${found} found, heap ${heap.toFixed(1)} MiB (after 200 runs ${baseline?.toFixed(1)})`,
      );
    }
  }
  const end = heapMiB();
  console.log(
    `done: ${runs} runs in ${seconds} s, ${found} found; heap ${baseline?.toFixed(1)} → ${end.toFixed(1)} MiB (peak ${peak.toFixed(1)})`,
  );
  // Flat: a leak of even a few hundred bytes a run shows over thousands of runs.
  const grew = baseline !== undefined && runs > 2000 && end > baseline + 32;
  if (grew) console.log('the heap grew by more than 32 MiB: a leak');
  return found > 0 || grew ? 1 : 0;
}

// The handlers above catch what a replay leaks; an error of the runner itself still ends the run.
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
