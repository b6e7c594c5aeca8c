// The replay fuzzer's CI run (issue 11; checklist §12): real recorded conversations (our client
// with OpenSSH sshd and Dropbear, OpenSSH's ssh and sftp with our server; test/fuzz/record.ts)
// replayed unchanged — which must reproduce what the recording saw, so the replay really reaches
// auth, channels and SFTP — then with fast-check mutations, each run ending in success or a typed
// error with nothing hung or left open; and every stored crasher replayed as a regression.
// The long run: test/fuzz/long-run.ts (FUZZ_SECONDS).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayViolation } from './fuzz/check.js';
import { type Mutation, mutationsArbitrary } from './fuzz/mutate.js';
import { replayIntoClient, replayIntoServer } from './fuzz/replay.js';
import { CRASHER_DIR, loadTranscript, TRANSCRIPT_DIR } from './fuzz/transcript.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const names = readdirSync(TRANSCRIPT_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const transcript = (name: string) => loadTranscript(join(TRANSCRIPT_DIR, `${name}.json`));

describe('recorded transcripts', () => {
  it('cover both roles against real peers', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'client-openssh',
        'client-dropbear',
        'server-openssh-ssh',
        'server-openssh-sftp',
      ]),
    );
  });

  it.each(names.filter((n) => n.startsWith('client-')))(
    '%s replayed unchanged: our client sees what it saw against the real server',
    async (name) => {
      const t = transcript(name);
      const outcome = await replayIntoClient(t.events, t.userKey);
      expect(outcome.kind).toBe('completed');
      const result = (outcome as { result: Record<string, unknown> }).result;
      expect(result).toMatchObject({
        exec: { stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null },
        size: 11,
        content: 'hello fuzz\n',
        listed: ['fuzz-file.txt'],
        missing: 'ENOENT',
        forward: 'ERR_CHANNEL_OPEN',
      });
    },
  );

  it.each(names.filter((n) => n.startsWith('server-')))(
    '%s replayed unchanged: our server answers every request the real client made',
    async (name) => {
      const t = transcript(name);
      const outcome = await replayIntoServer(t.events);
      expect(outcome.kind).toBe('completed');
      expect(outcome.connectionsLeft).toBe(0);
      // Every recorded request was played: the pacer found our answers where the recording had them.
      expect(outcome.sent).toBe(t.events.filter((e) => e.from === 'peer').length);
    },
  );
});

describe('mutated transcripts', () => {
  it.each(names)(
    `%s: ${RUNS} mutated replays each end in success or a typed error`,
    async (name) => {
      const t = transcript(name);
      await fc.assert(
        fc.asyncProperty(mutationsArbitrary, async (mutations) => {
          const violation = await replayViolation(t, mutations);
          if (violation) throw new Error(`${violation}\nmutations: ${JSON.stringify(mutations)}`);
        }),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 0x55a7) },
      );
    },
    300_000,
  );
});

interface Crasher {
  transcript: string;
  mutations: Mutation[];
  found: string;
}

const crashers = (() => {
  try {
    return readdirSync(CRASHER_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
})();

describe.skipIf(crashers.length === 0)('stored crashers', () => {
  it.each(crashers)('%s no longer breaks the rule', async (file) => {
    const c = JSON.parse(readFileSync(join(CRASHER_DIR, file), 'utf8')) as Crasher;
    expect(await replayViolation(transcript(c.transcript), c.mutations)).toBeUndefined();
  });
});
