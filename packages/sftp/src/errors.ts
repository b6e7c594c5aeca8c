// SFTP failures as typed errors (ARCHITECTURE.md principle 6): SFTPError carries the v3 status
// (draft-02 §7), the server's message, the path and a Node-style code. v3 folds most errno values
// into SSH_FX_FAILURE (OpenSSH sftp-server.c errno_to_portable), so the client refines FAILURE to
// EEXIST / EISDIR / ENOTDIR / ENOTEMPTY where one more request can tell (client.ts).
import { SFTPError } from '@sshts/wire';
import { StatusCode } from './constants.js';

export { SFTPError };

const NODE_CODES: Record<number, string> = {
  [StatusCode.EOF]: 'EOF',
  [StatusCode.NO_SUCH_FILE]: 'ENOENT',
  [StatusCode.PERMISSION_DENIED]: 'EACCES',
  [StatusCode.FAILURE]: 'EFAILURE',
  [StatusCode.BAD_MESSAGE]: 'EBADMSG',
  [StatusCode.NO_CONNECTION]: 'ENOTCONN',
  [StatusCode.CONNECTION_LOST]: 'ECONNRESET',
  [StatusCode.OP_UNSUPPORTED]: 'ENOSYS',
};

/** The Node-style code for a status: ENOENT, EACCES, EFAILURE, …; unknown statuses get EFAILURE. */
export function nodeCodeFor(status: number): string {
  return NODE_CODES[status] ?? 'EFAILURE';
}

/** An SFTPError for `status` from the server (or local, for 6 and 7). */
export function statusError(status: number, message: string, path?: string, code = nodeCodeFor(status)) {
  return new SFTPError(status, message, code, path);
}

/** The channel under the client ended: every request in flight fails with this (§7 CONNECTION_LOST). */
export function connectionLost(message = 'the SFTP channel closed', cause?: unknown): SFTPError {
  const error = statusError(StatusCode.CONNECTION_LOST, message);
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
  return error;
}
