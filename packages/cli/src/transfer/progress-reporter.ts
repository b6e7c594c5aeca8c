// Progress on stderr: on a terminal, one line redrawn in place (at most ten times a second) and left
// as the final summary; elsewhere (a log, a pipe) only the final line, without a bar.
import type { CliOutput } from '../io.js';
import { formatProgressLine } from './progress-format.js';
import { RateMeter } from './rate-meter.js';

const REDRAW_MS = 100;
const PLAIN_WIDTH = 100;

export class ProgressReporter {
  readonly #out: CliOutput;
  readonly #name: string;
  readonly #now: () => number;
  readonly #start: number;
  readonly #meter: RateMeter;
  readonly #interactive: boolean;
  #done = 0;
  #total = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(out: CliOutput, name: string, now: () => number) {
    this.#out = out;
    this.#name = name;
    this.#now = now;
    this.#start = now();
    this.#meter = new RateMeter(this.#start);
    this.#interactive = out.isTTY === true;
  }

  /** TransferOptions.onProgress. */
  readonly update = (done: number, total: number): void => {
    const at = this.#now();
    this.#done = done;
    this.#total = total;
    this.#meter.sample(at, done);
    if (!this.#interactive || at - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = at;
    this.#draw(false, at);
  };

  /** The final line: the bytes, the average rate and the time taken. */
  finish(done = this.#done, total = this.#total): void {
    this.#done = done;
    this.#total = total;
    this.#draw(true, this.#now());
    this.#out.write('\n');
  }

  /** Ends a drawn line after a failure, so the error starts on its own line. */
  abort(): void {
    if (this.#drawn) this.#out.write('\n');
  }

  #draw(finished: boolean, at: number): void {
    const snapshot = {
      name: this.#name,
      done: this.#done,
      total: this.#total,
      rate: finished ? this.#meter.average(at, this.#done) : this.#meter.rate(at),
      elapsed: (at - this.#start) / 1000,
      finished,
    };
    if (this.#interactive) {
      const width = this.#out.columns || 80;
      this.#out.write(`\r${formatProgressLine(snapshot, width).padEnd(width - 1)}`);
      this.#drawn = true;
    } else {
      this.#out.write(formatProgressLine(snapshot, PLAIN_WIDTH, false));
    }
  }
}
