// What SFTPClient, SFTPFile, the streams and the transfers share: the session, the request sizes
// chosen for this server, and the extension check.
import { MAX_CHUNK_SIZE, StatusCode } from './constants.js';
import { statusError } from './errors.js';
import { EXTENSION_VERSIONS, type ExtensionName } from './extensions.js';
import type { SftpSession } from './session.js';

export interface TransferSizes {
  /** Bytes per READ / WRITE request. */
  readChunk: number;
  writeChunk: number;
  /** Requests in flight per transfer. */
  concurrency: number;
}

export class SftpContext {
  constructor(
    readonly session: SftpSession,
    readonly sizes: TransferSizes,
    /** SYMLINK argument order (client.ts SymlinkOrder). */
    readonly symlinkOrder: 'openssh' | 'standard',
  ) {}

  /** True when the server offered `name` in the version whose format we speak. */
  has(name: ExtensionName): boolean {
    return this.session.extensions[name] === EXTENSION_VERSIONS[name];
  }

  /** Throws ENOSYS (OP_UNSUPPORTED) unless the server offers `name`. */
  requireExtension(name: ExtensionName, path?: string): void {
    if (!this.has(name)) {
      throw statusError(StatusCode.OP_UNSUPPORTED, `the server does not offer ${name}`, path);
    }
  }
}

/**
 * A request size must let its reply fit in an SFTP message (OpenSSH's sftp-server exits on a
 * larger one, and our reader refuses it): at most MAX_CHUNK_SIZE; a whole number of at least 1.
 */
export function clampChunk(size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`bad chunk size ${size}`);
  return Math.min(size, MAX_CHUNK_SIZE);
}
