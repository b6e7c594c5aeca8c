/**
 * More kinds of benchmark settings than env.ts reads (shared with the other benchmarks): numbers,
 * byte sizes and choices. A bad value stops the run rather than being ignored.
 */

export function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${raw}`);
  return n;
}

/** A byte count such as `256M`, `1G`, `65536` (K, M, G: powers of 1024, as OpenSSH's RekeyLimit). */
export function byteSize(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(raw.trim());
  if (!m) throw new Error(`${name} must be a size like 256M, not ${raw}`);
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  const n = Math.round(Number(m[1]) * scale);
  if (n <= 0) throw new Error(`${name} must be positive, not ${raw}`);
  return n;
}

export function oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${values.join(', ')}, not ${raw}`);
  }
  return raw as T;
}
