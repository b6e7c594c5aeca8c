/** What connect.ts makes of its timings: a row per contender, and target 4's ratios. */
import { formatTable, ratioLine } from './stats.js';

export interface ConnectRow {
  contender: string;
  /** The kex the contender negotiated (undefined: it could not tell). */
  kex: string | undefined;
  connections: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  totalMs: number;
}

export function connectTable(rows: readonly ConnectRow[]): string {
  return formatTable([
    ['contender', 'kex negotiated', 'n', 'median ms', 'min ms', 'max ms', 'total s'],
    ...rows.map((r) => [
      r.contender,
      r.kex ?? '?',
      String(r.connections),
      r.medianMs.toFixed(1),
      r.minMs.toFixed(1),
      r.maxMs.toFixed(1),
      (r.totalMs / 1000).toFixed(2),
    ]),
  ]);
}

/** Each sshts row's median over ssh2's (target 4: ≤ 1.0, lower is faster). */
export function connectRatios(rows: readonly ConnectRow[]): string[] {
  const ssh2 = rows.find((r) => r.contender === 'ssh2');
  if (!ssh2) return [];
  return rows
    .filter((r) => r.contender.startsWith('sshts'))
    .map((r) => ratioLine(`${r.contender} / ssh2 median`, r.medianMs / ssh2.medianMs, 1, true));
}
