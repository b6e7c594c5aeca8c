/** What exec-cat.ts makes of its timings: a row per contender × cipher, and target 3's ratios. */
import { formatTable, mibPerS, ratioLine, shortCipher, spread } from './stats.js';

export interface CatSample {
  contender: string;
  /** `cat`: a transfer; `setup`: a contender's connectOnly() run, to subtract. */
  op: 'cat' | 'setup';
  cipher: string;
  ms: number;
}

export interface CatRow {
  contender: string;
  row: 'cat' | 'cat minus setup' | 'setup only';
  cipher: string;
  /** MiB/s at the median (cat rows). */
  mibPerS?: number;
  medianMs: number;
  /** The fastest and slowest round; absent for "minus setup", a difference of medians. */
  minMs?: number;
  maxMs?: number;
  samplesMs?: number[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** The rows in contender order, each cipher in turn, and their text table. */
export function catTable(
  samples: readonly CatSample[],
  contenders: readonly string[],
  ciphers: readonly string[],
  mib: number,
): { text: string; rows: CatRow[] } {
  const rows: CatRow[] = [];
  for (const contender of contenders) {
    for (const cipher of ciphers) {
      const ms = (op: CatSample['op']) =>
        samples
          .filter((s) => s.contender === contender && s.cipher === cipher && s.op === op)
          .map((s) => s.ms);
      const cat = ms('cat');
      if (cat.length === 0) continue;
      const c = spread(cat);
      const base = { contender, cipher, samplesMs: cat.map(r1) };
      rows.push({ ...base, row: 'cat', mibPerS: r1(mibPerS(mib, c.medianMs)), ...rounded(c) });
      const setup = ms('setup');
      if (setup.length === 0) continue;
      const s = spread(setup);
      // A difference of medians: the setup runs are separate processes, not paired with a transfer.
      const net = c.medianMs - s.medianMs;
      if (net > 0) {
        rows.push({
          contender,
          cipher,
          row: 'cat minus setup',
          mibPerS: r1(mibPerS(mib, net)),
          medianMs: r1(net),
        });
      }
      rows.push({ contender, cipher, row: 'setup only', ...rounded(s), samplesMs: setup.map(r1) });
    }
  }
  const dash = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(1));
  const text = formatTable([
    ['contender', 'row', 'cipher', 'MiB/s', 'median ms', 'min ms', 'max ms'],
    ...rows.map((r) => [
      r.contender,
      r.row,
      shortCipher(r.cipher),
      dash(r.mibPerS),
      dash(r.medianMs),
      dash(r.minMs),
      dash(r.maxMs),
    ]),
  ]);
  return { text, rows };
}

function rounded(s: { medianMs: number; minMs: number; maxMs: number }) {
  return { medianMs: r1(s.medianMs), minMs: r1(s.minMs), maxMs: r1(s.maxMs) };
}

/**
 * Per cipher: sshts (node) against OpenSSH's "minus setup" figure (target 3: ≥ 1.0; the harder
 * comparison, without ssh's process start and handshake) and against ssh2 (for context).
 */
export function catRatios(rows: readonly CatRow[], ciphers: readonly string[]): string[] {
  const rate = (contender: string, row: CatRow['row'], cipher: string) =>
    rows.find((r) => r.contender === contender && r.row === row && r.cipher === cipher)?.mibPerS;
  const lines: string[] = [];
  for (const cipher of ciphers) {
    const ours = rate('sshts exec cat (node)', 'cat', cipher);
    if (ours === undefined) continue;
    const openssh = rate('OpenSSH ssh cat', 'cat minus setup', cipher);
    const ssh2 = rate('ssh2 exec cat', 'cat', cipher);
    const label = `sshts exec cat (node) ${shortCipher(cipher)}`;
    if (openssh !== undefined)
      lines.push(ratioLine(`${label} / OpenSSH ssh cat minus setup`, ours / openssh, 1));
    if (ssh2 !== undefined)
      lines.push(`  ${label} / ssh2 exec cat: ${(ours / ssh2).toFixed(2)}× (for context)`);
  }
  return lines;
}
