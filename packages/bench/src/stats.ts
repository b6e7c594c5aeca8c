/** Median/min/max of a contender's timings and the fixed-width tables the exec benchmarks print. */
import { cpus } from 'node:os';
import { median } from './report.js';

export interface Spread {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export function spread(ms: readonly number[]): Spread {
  return { medianMs: median([...ms]), minMs: Math.min(...ms), maxMs: Math.max(...ms) };
}

/** MiB/s for `mib` moved in `ms` milliseconds. */
export const mibPerS = (mib: number, ms: number) => mib / (ms / 1000);

/** Rows of cells as columns padded to their widest cell; the first row is the header. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `label: 0.93× (target ≥ 1.00) NOT met`; `atMost` for targets where lower is better (times). */
export function ratioLine(label: string, ratio: number, target: number, atMost = false): string {
  const met = atMost ? ratio <= target : ratio >= target;
  return `  ${label}: ${ratio.toFixed(2)}× (target ${atMost ? '≤' : '≥'} ${target.toFixed(2)}) ${met ? 'met' : 'NOT met'}`;
}

/** The machine, for every report's header: the figures only compare within one run on it. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

export const shortCipher = (c: string) => c.replace(/@openssh\.com$/, '');
