// What a subcommand is: its name, help, options, and a run function that gets the parsed command
// line and the process's streams (CliIo) and resolves with the exit code. Adding a subcommand is
// one file exporting a Command, listed in index.ts.
import type { OptionSpec, ParsedArgs } from '../args/options.js';
import type { CliIo } from '../io.js';

export interface Command {
  readonly name: string;
  /** One line for `sshts help`. */
  readonly summary: string;
  /** Usage lines, e.g. `sshts exec [options] [user@]host[:port] [--] command…`. */
  readonly usage: readonly string[];
  readonly options: readonly OptionSpec[];
  /**
   * ssh-style parsing (ParseOptionsSettings.leadingPositionals): options among the first N
   * positionals, everything after them is positional. Default: options anywhere.
   */
  readonly leadingPositionals?: number;
  /** Paragraphs after the options in `--help`. */
  readonly notes?: readonly string[];
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
