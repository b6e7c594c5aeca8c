/** Benchmark settings from the environment, and the contender selection and order they share. */

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return n;
}

/**
 * BENCH_WARMUP: unrecorded rounds before the timed ones (default 1). A Node contender's first
 * transfer in a process runs cold code (V8 compiles the hot paths while it runs); OpenSSH's
 * processes are native and start warm. Every contender runs in the warm-up, ours and the peers'.
 */
export function warmupRounds(): number {
  const raw = process.env.BENCH_WARMUP;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_WARMUP must be an integer ≥ 0, not ${raw}`);
  return n;
}

export function list(name: string): string[] | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The contenders whose name contains one of BENCH_CONTENDERS' substrings (all when it is unset). */
export function selectContenders<T extends { name: string }>(all: T[]): T[] {
  const only = list('BENCH_CONTENDERS');
  const contenders = all.filter(
    (c) => !only || only.some((o) => c.name.toLowerCase().includes(o.toLowerCase())),
  );
  if (contenders.length === 0) throw new Error(`BENCH_CONTENDERS=${only?.join(',')} matches no contender`);
  return contenders;
}

/** `items` rotated by `round`, so that from round to round each goes first in turn and noise hits all alike. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  return items.map((_, i) => items[(((i + round) % n) + n) % n]!);
}
