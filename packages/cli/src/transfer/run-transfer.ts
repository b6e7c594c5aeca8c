// One transfer with its progress line: the reporter follows onProgress and prints the summary at
// the end; a failure ends the line first and becomes an exit-1 CliError.
import type { TransferOptions } from 'sshts';
import type { CliIo } from '../io.js';
import { transferFailure } from './failure.js';
import { ProgressReporter } from './progress-reporter.js';

export interface TransferRun {
  readonly name: string;
  /** Suppress the progress line (-q). */
  readonly quiet: boolean;
  readonly options: Omit<TransferOptions, 'onProgress'>;
  /** Runs the transfer with the options (onProgress included). */
  transfer(options: TransferOptions): Promise<unknown>;
}

export async function runTransfer(run: TransferRun, io: CliIo): Promise<void> {
  const reporter = run.quiet ? undefined : new ProgressReporter(io.stderr, run.name, () => io.now());
  try {
    await run.transfer({ ...run.options, ...(reporter ? { onProgress: reporter.update } : {}) });
  } catch (error) {
    reporter?.abort();
    throw transferFailure(error);
  }
  reporter?.finish();
}
