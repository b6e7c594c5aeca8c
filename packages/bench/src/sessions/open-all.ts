import type { HeldSession } from './clients.js';

/**
 * Opens `n` held sessions with at most `concurrency` logins in flight: all at once would put a
 * thousand handshakes on the listen backlog and time the kernel's SYN handling, not the server.
 * On any failure the ones already open are dropped and the first error is thrown.
 */
export async function openAll(
  n: number,
  concurrency: number,
  open: () => Promise<HeldSession>,
): Promise<HeldSession[]> {
  const held: HeldSession[] = [];
  let started = 0;
  let failure: unknown;
  const worker = async () => {
    while (started < n && failure === undefined) {
      started++;
      try {
        held.push(await open());
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (failure !== undefined) {
    for (const h of held) h.abort();
    throw failure;
  }
  return held;
}
