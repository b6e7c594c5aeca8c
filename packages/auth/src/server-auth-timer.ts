// Time for ServerAuth, injected (ARCHITECTURE.md principle 1: the core touches no timer itself):
// the login grace timeout and the minimum answer time both go through an AuthTimer, so a test or
// a sans-I/O driver can run them on a clock of its own. The default uses the platform's
// setTimeout and performance.now, which Node and browsers both have.

export interface AuthTimer {
  /** Monotonic time in milliseconds (any origin). */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now; returns a function that cancels the call. */
  schedule(ms: number, fn: () => void): () => void;
}

/** setTimeout / clearTimeout and performance.now (Date.now where there is no performance). */
export const systemAuthTimer: AuthTimer = {
  now: () => globalThis.performance?.now() ?? Date.now(),
  schedule(ms, fn) {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};
