// One time budget and one AbortSignal for a multi-step operation (SSHClient.connect: TCP connect,
// handshake, authentication). Each step races the same deadline, so a server that stalls at any
// phase ends in TimeoutError — never a hang (API.md ConnectOptions.timeout).
import { TimeoutError } from '@sshts/wire';

export class Deadline {
  readonly #controller = new AbortController();
  readonly #guard: Promise<never>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onAbort: (() => void) | undefined;

  constructor(what: string, timeout?: number, signal?: AbortSignal) {
    this.#guard = new Promise<never>((_, reject) => {
      const abort = (reason: unknown) => {
        if (!this.#controller.signal.aborted) this.#controller.abort(reason);
        reject(reason);
      };
      if (timeout !== undefined && timeout > 0) {
        this.#timer = setTimeout(
          () => abort(new TimeoutError(`${what} timed out after ${timeout} ms`)),
          timeout,
        );
      }
      if (signal) {
        if (signal.aborted) abort(signal.reason);
        else {
          this.#onAbort = () => abort(signal.reason);
          signal.addEventListener('abort', this.#onAbort, { once: true });
        }
      }
      this.#cleanupSignal = signal;
    });
    // The guard may never be awaited if every step finishes in time.
    this.#guard.catch(() => {});
  }

  #cleanupSignal: AbortSignal | undefined;

  /** Aborted when the deadline passes or the caller's signal aborts; pass it to steps that take one. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `step`, or the deadline's error if that comes first. */
  race<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.#guard]);
  }

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onAbort) this.#cleanupSignal?.removeEventListener('abort', this.#onAbort);
  }
}
