// The minimum time before a non-`none` request is answered (OpenSSH auth2.c
// ensure_minimum_time_since / user_specific_delay, against timing-based user enumeration such as
// CVE-2016-6210): 5 ms plus a jitter that is fixed per user name but unpredictable without the
// server's secret, so a missing user cannot be told from a wrong password by how long the answer
// takes. sshd hashes `timing_secret || user` with SHA-512; we key HMAC-SHA-512 with the secret.
import { noblePrimitives } from '@sshts/transport';
import { MAX_FAILURE_JITTER_MS, MIN_FAILURE_DELAY_MS } from './server-auth-limits.js';

const encoder = new TextEncoder();

/**
 * A per-user delay in milliseconds: MIN_FAILURE_DELAY_MS plus up to MAX_FAILURE_JITTER_MS, derived
 * from `secret` (default: 32 random bytes, as sshd draws its timing_secret once per start).
 */
export function openSshFailureDelay(secret?: Uint8Array): (user: string) => number {
  let key = secret;
  if (key === undefined) {
    key = new Uint8Array(32);
    noblePrimitives.randomFill(key);
  }
  const mac = noblePrimitives.hmac('sha512', key.slice());
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  return (user) => {
    mac([encoder.encode(user)], out);
    return MIN_FAILURE_DELAY_MS + (view.getUint32(0) / 2 ** 32) * MAX_FAILURE_JITTER_MS;
  };
}

/**
 * How much longer to wait so that at least `delay` ms pass since `start`; as sshd, when more has
 * already passed, the target doubles until it lies ahead (a slow check then still takes a time
 * that does not reveal how slow it was).
 */
export function remainingDelay(start: number, now: number, delay: number): number {
  if (!(delay > 0) || !Number.isFinite(delay)) return 0;
  const elapsed = now - start;
  let target = delay;
  while (target - elapsed < 0) target *= 2;
  return target - elapsed;
}
