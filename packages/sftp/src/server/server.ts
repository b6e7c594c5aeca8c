// SFTPServer (API.md SSHServer `sftp`): the v3 server side of @sshts/sftp, serving SFTPFileSystem
// sessions over any byte pipe — a session channel with the sftp subsystem started (RFC 4254 §6.5)
// or a Web Streams pair such as a process's stdio. It answers as OpenSSH's sftp-server: version 3,
// OpenSSH's extensions with their version strings, its status mapping and limits (256 KiB
// messages, READs cut to 261120 bytes, handles capped and the cap reported by limits@openssh.com).
import type { ByteChannel, Channel } from '@sshts/channel';
import { offeredExtensions } from './extended.js';
import type { SFTPFileSystem } from './filesystem.js';
import { absolutePath } from './paths.js';
import { serverPipe } from './server-pipe.js';
import { ServerSession } from './session.js';

export interface SFTPServerOptions {
  /**
   * The start directory, as the filesystem names it: what REALPATH "." answers and where relative
   * paths lead (sftp-server -d; under ChrootDirectory OpenSSH starts at "/"). Default "/".
   */
  home?: string;
  /** The login name: home-directory and "~user" (expand-path@openssh.com) answer for it. */
  user?: string;
  /** sftp-server -R: reads only; every change is PERMISSION_DENIED. */
  readOnly?: boolean;
  /** Open file and directory handles per session (default 256); limits@openssh.com reports it. */
  maxOpenHandles?: number;
}

export interface ServeOptions {
  /** Ends the session at once: the pipe is aborted and open handles closed. */
  signal?: AbortSignal;
  /**
   * After the client's EOF, end our side too (default true): EOF and CLOSE on a channel, close()
   * on a Web Streams writable. False leaves it to the caller (to send exit-status first, say).
   */
  close?: boolean;
}

export class SFTPServer {
  readonly fs: SFTPFileSystem;
  /** The extension pairs VERSION offers (name → version), from what `fs` can do. */
  readonly extensions: Readonly<Record<string, string>>;
  private readonly home: string;
  private readonly options: SFTPServerOptions;

  constructor(fs: SFTPFileSystem, options: SFTPServerOptions = {}) {
    const maxOpenHandles = options.maxOpenHandles ?? 256;
    if (!Number.isInteger(maxOpenHandles) || maxOpenHandles < 1) {
      throw new RangeError(`maxOpenHandles must be a positive integer, got ${maxOpenHandles}`);
    }
    this.fs = fs;
    this.options = { ...options, maxOpenHandles };
    this.home = absolutePath('/', options.home ?? '/');
    this.extensions = Object.freeze(offeredExtensions(fs));
  }

  /**
   * Serves one session over `channel` until the client ends it. Resolves at the client's EOF
   * (or when `signal` aborts, or the pipe fails); rejects with a ProtocolError when the client
   * breaks the framing (a message under 5 bytes or over 256 KiB, a request before INIT).
   */
  async serve(channel: Channel | ByteChannel, options: ServeOptions = {}): Promise<void> {
    const pipe = serverPipe(channel);
    const session = new ServerSession(pipe, {
      fs: this.fs,
      home: this.home,
      user: this.options.user,
      readOnly: this.options.readOnly === true,
      maxOpenHandles: this.options.maxOpenHandles!,
      extensions: this.extensions,
    });
    const { signal } = options;
    const onAbort = () => void session.stop(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await session.run(options.close !== false);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
