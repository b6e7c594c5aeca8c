// A failed transfer or listing as sftp(1) reports it: the path, then the server's or the local
// system's reason; exit code 1.
import { SFTPError } from 'sshts';
import { CliError, ExitCode } from '../errors.js';

const LOCAL_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
};

export function transferFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof SFTPError) {
    const reason = error.serverMessage || error.code;
    return new CliError(
      `sshts: ${error.path === undefined ? '' : `${error.path}: `}${reason}`,
      ExitCode.FAILURE,
      {
        cause: error,
      },
    );
  }
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.path === 'string') {
    return new CliError(`sshts: ${e.path}: ${LOCAL_REASONS[e.code] ?? e.message}`, ExitCode.FAILURE, {
      cause: error,
    });
  }
  return new CliError(`sshts: ${e?.message ?? String(error)}`, ExitCode.FAILURE, { cause: error });
}
