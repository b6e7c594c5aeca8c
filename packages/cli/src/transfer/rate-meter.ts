// The transfer rate over the last few seconds (so the ETA follows a rate that changes), falling
// back to the average since the start while there are too few samples.

const WINDOW_MS = 5000;

export class RateMeter {
  readonly #start: number;
  readonly #samples: { at: number; done: number }[] = [];

  constructor(start: number) {
    this.#start = start;
    this.#samples.push({ at: start, done: 0 });
  }

  /** Records `done` bytes at time `at` (ms). */
  sample(at: number, done: number): void {
    this.#samples.push({ at, done });
    while (this.#samples.length > 2 && (this.#samples[1] as { at: number }).at <= at - WINDOW_MS)
      this.#samples.shift();
  }

  /** Bytes per second at `at`. */
  rate(at: number): number {
    const first = this.#samples[0] as { at: number; done: number };
    const last = this.#samples[this.#samples.length - 1] as { at: number; done: number };
    const span = last.at - first.at;
    if (span >= 250) return ((last.done - first.done) * 1000) / span;
    const elapsed = at - this.#start;
    return elapsed > 0 ? (last.done * 1000) / elapsed : 0;
  }

  /** Bytes per second since the start. */
  average(at: number, done: number): number {
    const elapsed = at - this.#start;
    return elapsed > 0 ? (done * 1000) / elapsed : 0;
  }
}
