// The exit codes of the sshts command and the errors that carry them. As ssh(1): 255 for a failure
// to connect, authenticate or verify the host; otherwise the remote command's status. As the other
// OpenSSH tools: 1 for an operation that failed, and (as getopt-based tools) 2 for a bad command line.

export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  /** ssh(1): "ssh exits with the exit status of the remote command or with 255 if an error occurred". */
  CONNECTION: 255,
} as const;

/** An error whose message is printed as is (after "sshts: ") and whose code the process exits with. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.FAILURE, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad command line: the message, then a pointer to the command's help. */
export class UsageError extends CliError {
  /** The command whose `--help` to point at ("" for the top level). */
  readonly command: string;
  constructor(message: string, command = '') {
    super(message, ExitCode.USAGE);
    this.name = 'UsageError';
    this.command = command;
  }
}
