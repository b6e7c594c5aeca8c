import { readFileSync } from 'node:fs';

/**
 * This process's soft limit on open files (Linux /proc/self/limits; undefined elsewhere). Node
 * raises the soft limit to the hard one at start-up, so what is read here is what there is; a
 * benchmark holding thousands of sockets checks it first and says so instead of failing with
 * EMFILE half-way.
 */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined) return undefined;
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return undefined;
  }
}

/** Throws, saying what to do, when fewer than `needed` files can be open at once. */
export function requireOpenFiles(needed: number, who: string): void {
  const limit = openFileLimit();
  if (limit !== undefined && limit < needed) {
    throw new Error(
      `${who}: the open-file limit is ${limit}, and ${needed} are needed; raise it (ulimit -Hn / -n, e.g. \`ulimit -n ${needed * 2}\` as root) or lower BENCH_SESSIONS`,
    );
  }
}
