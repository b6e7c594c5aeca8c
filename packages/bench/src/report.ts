/** Timings of one contender × op × cipher across rounds, and what the report makes of them. */
export type Op = 'get' | 'put' | 'setup';

export interface Sample {
  contender: string;
  op: Op;
  cipher: string;
  ms: number;
}

export interface Result {
  contender: string;
  op: Op;
  cipher: string;
  samplesMs: number[];
  medianMs: number;
  /** get/put: MiB / median seconds. */
  mibPerS?: number;
  /** get/put of a contender with a setup row: MiB / (median − median setup) seconds. */
  minusSetupMibPerS?: number;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Groups samples (in first-seen order) into results. "Minus setup" is a difference of medians:
 * the setup rounds are separate processes, so there is no per-round pairing to take.
 */
export function summarize(samples: Sample[], mib: number): Result[] {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = `${s.contender}\0${s.op}\0${s.cipher}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const results: Result[] = [...groups.values()].map((group) => {
    const { contender, op, cipher } = group[0]!;
    const samplesMs = group.map((s) => round(s.ms, 1));
    const medianMs = median(group.map((s) => s.ms));
    return {
      contender,
      op,
      cipher,
      samplesMs,
      medianMs: round(medianMs, 1),
      ...(op === 'setup' ? {} : { mibPerS: round(mib / (medianMs / 1000), 1) }),
    };
  });
  for (const r of results) {
    if (r.op === 'setup') continue;
    const setup = results.find(
      (s) => s.op === 'setup' && s.contender === r.contender && s.cipher === r.cipher,
    );
    if (setup && r.medianMs > setup.medianMs) {
      r.minusSetupMibPerS = round(mib / ((r.medianMs - setup.medianMs) / 1000), 1);
    }
  }
  return results;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const shortCipher = (c: string) => c.replace(/@openssh\.com$/, '');

/**
 * A fixed-width table: for each contender (in the given order) its get and put rows, and where it
 * has a setup row, "minus setup" rows and the setup row itself; one column per cipher.
 */
export function table(results: Result[], contenders: string[], ciphers: string[]): string {
  const rows: string[][] = [['contender', 'op', ...ciphers.map(shortCipher)]];
  for (const contender of contenders) {
    const mine = results.filter((r) => r.contender === contender);
    const cells = (op: Op, pick: (x: Result) => string | undefined) =>
      ciphers.map((cipher) => {
        const x = mine.find((y) => y.op === op && y.cipher === cipher);
        return (x && pick(x)) ?? '—';
      });
    const hasSetup = mine.some((r) => r.op === 'setup');
    for (const op of ['get', 'put'] as const) {
      if (!mine.some((r) => r.op === op)) continue;
      rows.push([contender, `${op} (MiB/s)`, ...cells(op, (x) => x.mibPerS?.toFixed(1))]);
      if (hasSetup) {
        rows.push([
          contender,
          `${op} minus setup (MiB/s)`,
          ...cells(op, (x) => x.minusSetupMibPerS?.toFixed(1)),
        ]);
      }
    }
    if (hasSetup) rows.push([contender, 'setup only (ms)', ...cells('setup', (x) => `${x.medianMs}`)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Each sshts row against its targets (TARGETS.md): with the node provider ≥ 1.0 × OpenSSH sftp
 * (its "minus setup" figure, the harder one) and ≥ 1.0 × ssh2; streams ≥ 0.9 × sshts get/put;
 * with noble and chacha20-poly1305 ≥ 0.85 × the raw noble cipher (seal for put, open for get).
 */
export function ratios(results: Result[], raw?: { seal: number; open: number }): string[] {
  const lines: string[] = [];
  const rate = (contender: string, op: Op, cipher: string, minusSetup = false) => {
    const r = results.find((x) => x.contender === contender && x.op === op && x.cipher === cipher);
    return minusSetup ? (r?.minusSetupMibPerS ?? r?.mibPerS) : r?.mibPerS;
  };
  const line = (label: string, ours: number | undefined, theirs: number | undefined, target: number) => {
    if (ours === undefined || theirs === undefined) return;
    const ratio = ours / theirs;
    lines.push(
      `  ${label}: ${ratio.toFixed(2)}× (target ≥ ${target.toFixed(2)}) ${ratio >= target ? 'met' : 'NOT met'}`,
    );
  };
  const sshts = [...new Set(results.map((r) => r.contender))].filter((c) => c.startsWith('sshts'));
  const ciphers = [...new Set(results.map((r) => r.cipher))];
  for (const c of sshts) {
    for (const cipher of ciphers) {
      for (const op of ['get', 'put'] as const) {
        const ours = rate(c, op, cipher);
        const label = `${c} ${op} ${shortCipher(cipher)}`;
        if (c.includes('(node)') && c.includes('get/put')) {
          line(`${label} / OpenSSH sftp minus setup`, ours, rate('OpenSSH sftp', op, cipher, true), 1);
          line(`${label} / ssh2 fastGet/fastPut`, ours, rate('ssh2 fastGet/fastPut', op, cipher), 1);
        }
        if (c.includes('streams')) {
          const base = c.replace('streams', 'get/put');
          line(`${label} / ${base}`, ours, rate(base, op, cipher), 0.9);
          line(`${label} / OpenSSH sftp minus setup`, ours, rate('OpenSSH sftp', op, cipher, true), 0.9);
        }
        if (c.includes('(noble)') && cipher.startsWith('chacha20') && raw) {
          line(
            `${label} / raw noble ${op === 'get' ? 'open' : 'seal'}`,
            ours,
            op === 'get' ? raw.open : raw.seal,
            0.85,
          );
        }
      }
    }
  }
  return lines;
}
