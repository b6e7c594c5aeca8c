// What every request handler of one SFTP session works with (requests.ts, extended.ts).
import type { SSHReader } from '@sshts/wire';
import { StatusCode } from '../constants.js';
import { FsError, type SFTPFileSystem } from './filesystem.js';
import type { HandleTable } from './handles.js';
import { absolutePath } from './paths.js';
import type { Access } from './scheduler.js';
import { StatusFailure } from './status.js';

export interface ServerContext {
  readonly fs: SFTPFileSystem;
  readonly handles: HandleTable;
  /** The start directory: "." and relative paths resolve against it. */
  readonly home: string;
  /** The login name, for home-directory and "~user". */
  readonly user: string | undefined;
  /** sftp-server -R: every change is PERMISSION_DENIED. */
  readonly readOnly: boolean;
  /** The version the client's INIT named (STATUS carries no strings before 3). */
  readonly clientVersion: number;
}

/**
 * A request parsed and ready: how it may be scheduled (scheduler.ts), the handle it concerns
 * (replies for one handle keep their order), and the work, resolving with the whole reply.
 */
export interface Prepared {
  access: Access;
  handle?: Uint8Array;
  run(): Promise<Uint8Array>;
}

/** Parses one request of a type (reader after the id); throws MalformedMessageError on bad fields. */
export type Handler = (ctx: ServerContext, id: number, r: SSHReader) => Prepared;

/** A client path made absolute against the start directory; "" names nothing, as open("") does. */
export function absolute(ctx: ServerContext, path: string): string {
  if (path === '') throw new FsError('ENOENT', 'empty path');
  return absolutePath(ctx.home, path);
}

/** Refuses a change in read-only mode, as sftp-server -R does. */
export function checkWritable(ctx: ServerContext): void {
  if (ctx.readOnly) throw new StatusFailure(StatusCode.PERMISSION_DENIED, 'Permission denied (read-only)');
}

/** An unknown, closed or wrong-kind handle: FAILURE, never a crash (libssh CVE-2025-5318). */
export function invalidHandle(): never {
  throw new StatusFailure(StatusCode.FAILURE, 'Invalid handle');
}
