// Filesystem failures as SSH_FXP_STATUS (draft-02 §7). v3 has nine codes, so most errno values
// fold into FAILURE; the grouping is OpenSSH's (sftp-server.c errno_to_portable), which clients
// already know how to read (ours refines FAILURE with one more request, client.ts refine()).
import { MalformedMessageError } from '@sshts/wire';
import { StatusCode } from '../constants.js';

const BY_CODE: Record<string, number> = {
  ENOENT: StatusCode.NO_SUCH_FILE,
  ENOTDIR: StatusCode.NO_SUCH_FILE,
  EBADF: StatusCode.NO_SUCH_FILE,
  ELOOP: StatusCode.NO_SUCH_FILE,
  EPERM: StatusCode.PERMISSION_DENIED,
  EACCES: StatusCode.PERMISSION_DENIED,
  EFAULT: StatusCode.PERMISSION_DENIED,
  ENAMETOOLONG: StatusCode.BAD_MESSAGE,
  EINVAL: StatusCode.BAD_MESSAGE,
  ENOSYS: StatusCode.OP_UNSUPPORTED,
};

/** The texts sftp-server.c send_status puts in the message field, by status code. */
const MESSAGES = [
  'Success',
  'End of file',
  'No such file',
  'Permission denied',
  'Failure',
  'Bad message',
  'No connection',
  'Connection lost',
  'Operation unsupported',
];

export function statusMessage(code: number): string {
  return MESSAGES[code] ?? 'Unknown error';
}

/**
 * The status for anything a handler threw: an errno-style `code` as OpenSSH maps it, a field that
 * did not decode as BAD_MESSAGE, and anything else — a bug, a foreign exception — as FAILURE.
 */
export function statusForError(error: unknown): number {
  if (error instanceof StatusFailure) return error.status;
  if (error instanceof MalformedMessageError) return StatusCode.BAD_MESSAGE;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return BY_CODE[code] ?? StatusCode.FAILURE;
  return StatusCode.FAILURE;
}

/** A handler's refusal with a status of its own choosing (not derived from an errno). */
export class StatusFailure extends Error {
  constructor(
    readonly status: number,
    message = statusMessage(status),
  ) {
    super(message);
    this.name = 'StatusFailure';
  }
}
