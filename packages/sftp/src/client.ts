// The SFTP v3 client (API.md SFTPClient), modelled on paramiko's SFTPClient: every request of
// draft-ietf-secsh-filexfer-02 §6 and the OpenSSH extensions the server offers (PROTOCOL §4),
// with every bulk path pipelined (read-pipeline.ts, write-pipeline.ts). Browser-safe: local files
// (get/put/…Dir) come from SFTPClient.localFiles, which the Node entry fills in.
import type { ByteChannel, Channel } from '@sshts/channel';
import { encodeString } from '@sshts/channel';
import { SSHError, type SSHWriter } from '@sshts/wire';
import { type AttributeChanges, type FileAttributes, writeAttributes } from './attributes.js';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONCURRENCY,
  MAX_CHUNK_SIZE,
  OpenFlag,
  PacketType,
  StatusCode,
} from './constants.js';
import { clampChunk, SftpContext, type TransferSizes } from './context.js';
import { asyncDispose } from './dispose.js';
import { SFTPError, statusError } from './errors.js';
import {
  packIds,
  readLimits,
  readPackedNames,
  readStatVfs,
  type ServerLimits,
  type StatVfs,
} from './extensions.js';
import { SFTPFile } from './file.js';
import { type ByteSource, type LocalFiles, missingLocalFiles } from './local-files.js';
import { isAppend, openFlags } from './open-flags.js';
import { pipeFromByteChannel, pipeFromChannel } from './pipe.js';
import {
  type DirEntry,
  expectAttrs,
  expectExtendedReply,
  expectHandle,
  expectNames,
  expectOk,
  expectOneName,
} from './replies.js';
import { type SessionOptions, SftpSession } from './session.js';
import { readStream, writeStream } from './streams.js';
import type { DirectoryTransferOptions, PutOptions, TransferOptions } from './transfers.js';
import * as transfers from './transfers.js';

/**
 * SYMLINK's argument order: OpenSSH's sftp-server takes (target, link) — the reverse of draft-02
 * §6.10 (PROTOCOL §4.1), and paramiko's server does the same; AsyncSSH's server follows the draft
 * for any client not named OpenSSH or paramiko (asyncssh/sftp.py _nonstandard_symlink_impls).
 */
export type SymlinkOrder = 'openssh' | 'standard';

export interface SFTPClientOptions extends SessionOptions {
  /** Bytes per READ / WRITE (default: from limits@openssh.com, else 32 KiB, as OpenSSH's sftp). */
  chunkSize?: number;
  /** Requests in flight per transfer (default 64, capped by the server's max-open-handles). */
  concurrency?: number;
  /** Default: "standard" when `serverVersion` names AsyncSSH, else "openssh". */
  symlinkOrder?: SymlinkOrder;
  /** The SSH server's identification string, when over SSH (picks the symlink order). */
  serverVersion?: string;
}

/** What fromTransport needs: a connection that opens session channels (sshts's Transport). */
export interface SessionOpener {
  openSession(options?: { window?: number; maxPacket?: number }): Promise<Channel>;
  readonly remoteVersion?: string;
}

const PARENT_OR_SELF = new Set(['.', '..']);

export class SFTPClient {
  /** Local files for get/put/uploadDir/downloadDir; the Node entry sets them. */
  static localFiles: LocalFiles | undefined;

  /** The server's extensions (name → version) from its VERSION reply. */
  readonly extensions: Readonly<Record<string, string>>;
  /** limits@openssh.com, when the server offers it. */
  readonly limits: ServerLimits | undefined;
  /** @internal */
  readonly context: SftpContext;
  private readonly session: SftpSession;

  protected constructor(session: SftpSession, limits: ServerLimits | undefined, options: SFTPClientOptions) {
    this.session = session;
    this.extensions = session.extensions;
    this.limits = limits;
    const symlinkOrder =
      options.symlinkOrder ?? (/AsyncSSH/i.test(options.serverVersion ?? '') ? 'standard' : 'openssh');
    this.context = new SftpContext(session, transferSizes(limits, options), symlinkOrder);
  }

  /** Opens a session channel on `transport`, starts the "sftp" subsystem (RFC 4254 §6.5) and INIT. */
  static async fromTransport(transport: SessionOpener, options: SFTPClientOptions = {}): Promise<SFTPClient> {
    const channel = await transport.openSession();
    try {
      if (!(await channel.request('subsystem', true, encodeString('sftp')))) {
        throw new SSHError('ERR_SFTP_SUBSYSTEM', 'the server refused the sftp subsystem');
      }
    } catch (error) {
      await channel.close().catch(() => {});
      throw error;
    }
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass (the Node entry's) to create
    return this.fromChannel(channel, { serverVersion: transport.remoteVersion, ...options });
  }

  /** Runs SFTP over any byte pipe: a session channel with the subsystem started, or a Web Streams pair. */
  static async fromChannel(
    channel: ByteChannel | Channel,
    options: SFTPClientOptions = {},
  ): Promise<SFTPClient> {
    const pipe = 'stdout' in channel ? pipeFromChannel(channel) : pipeFromByteChannel(channel);
    const session = await SftpSession.start(pipe, options);
    let limits: ServerLimits | undefined;
    try {
      if (session.extensions['limits@openssh.com'] === '1') {
        const reply = await session.request(PacketType.EXTENDED, (w) => w.string('limits@openssh.com'));
        limits = readLimits(expectExtendedReply(reply));
      }
    } catch (error) {
      await session.close();
      throw error;
    }
    // `this`: a subclass (the Node entry's, with local files) makes its own instances.
    return new this(session, limits, options);
  }

  /** The request sizes this client uses for transfers. */
  get transferSizes(): Readonly<TransferSizes> {
    return this.context.sizes;
  }

  // --- files ---

  /** OPEN (§6.3) with Node-style flags; `mode` applies when the file is created. */
  async open(path: string, flags: string = 'r', mode?: number): Promise<SFTPFile> {
    const pflags = openFlags(flags);
    const attrs: AttributeChanges = mode === undefined ? {} : { mode };
    let handle: Uint8Array;
    try {
      const reply = await this.request(PacketType.OPEN, (w) =>
        writeAttributes(w.string(path).uint32(pflags), attrs),
      );
      handle = expectHandle(reply, path);
    } catch (error) {
      throw await this.refine(error, path, pflags & OpenFlag.EXCL ? 'create' : 'open');
    }
    const file = new SFTPFile(this.context, handle, path);
    // Append: start at the end, so servers that ignore SSH_FXF_APPEND append as well.
    if (isAppend(flags)) {
      try {
        file.position = (await file.stat()).size ?? 0;
      } catch (error) {
        await file.close().catch(() => {});
        throw error;
      }
    }
    return file;
  }

  /** The whole file, read with requests in flight. */
  async readFile(path: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    return transfers.readFile(this, path, options);
  }

  /** Creates or truncates `path` and writes `data` with requests in flight. */
  async writeFile(
    path: string,
    data: Uint8Array | string,
    options: { mode?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    return transfers.writeFile(this, path, data, options);
  }

  /** A pipelined, ordered stream of [start, end] (both inclusive, as Node's fs.createReadStream). */
  createReadStream(
    path: string,
    options: { start?: number; end?: number; signal?: AbortSignal } = {},
  ): ReadableStream<Uint8Array> {
    return readStream(this, path, options);
  }

  /** A pipelined stream into `path` (flags default "w"). Closing it waits for every write. */
  createWriteStream(
    path: string,
    options: { mode?: number; flags?: string; start?: number; signal?: AbortSignal } = {},
  ): WritableStream<Uint8Array> {
    return writeStream(this, path, options);
  }

  // --- transfers with local files (Node) ---

  /** Downloads `remote` to the local file `local`. */
  async get(remote: string, local: string, options: TransferOptions = {}): Promise<void> {
    return transfers.get(this, this.local(), remote, local, options);
  }

  /** Uploads `local` to `remote`; with `confirm` (default) stats it and checks the size, as paramiko. */
  async put(local: string, remote: string, options: PutOptions = {}): Promise<FileAttributes> {
    return transfers.put(this, this.local(), local, remote, options);
  }

  /** Uploads a local directory tree (recursive; `filter` chooses entries). */
  async uploadDir(local: string, remote: string, options: DirectoryTransferOptions = {}): Promise<void> {
    return transfers.uploadDir(this, this.local(), local, remote, options);
  }

  /** Downloads a remote directory tree (recursive; names a server could misuse are skipped). */
  async downloadDir(remote: string, local: string, options: DirectoryTransferOptions = {}): Promise<void> {
    return transfers.downloadDir(this, this.local(), remote, local, options);
  }

  /** Uploads from any byte source (a Web ReadableStream or async iterable) to `remote`. */
  upload(source: ByteSource, remote: string, options: PutOptions = {}): Promise<FileAttributes> {
    return transfers.upload(this, source, remote, options);
  }

  // --- attributes ---

  async stat(path: string): Promise<FileAttributes> {
    return expectAttrs(await this.request(PacketType.STAT, (w) => w.string(path)), path);
  }

  async lstat(path: string): Promise<FileAttributes> {
    return expectAttrs(await this.request(PacketType.LSTAT, (w) => w.string(path)), path);
  }

  async setstat(path: string, attrs: AttributeChanges): Promise<void> {
    expectOk(await this.request(PacketType.SETSTAT, (w) => writeAttributes(w.string(path), attrs)), path);
  }

  /** lsetstat@openssh.com (PROTOCOL §4.7): SETSTAT without following a final symlink. */
  async lsetstat(path: string, attrs: AttributeChanges): Promise<void> {
    this.context.requireExtension('lsetstat@openssh.com', path);
    expectOk(
      await this.request(PacketType.EXTENDED, (w) =>
        writeAttributes(w.string('lsetstat@openssh.com').string(path), attrs),
      ),
      path,
    );
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.setstat(path, { mode });
  }

  chown(path: string, uid: number, gid: number): Promise<void> {
    return this.setstat(path, { uid, gid });
  }

  utimes(path: string, atime: number, mtime: number): Promise<void> {
    return this.setstat(path, { atime, mtime });
  }

  truncate(path: string, size: number): Promise<void> {
    return this.setstat(path, { size });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.stat(path);
      return true;
    } catch (error) {
      if (error instanceof SFTPError && error.status === StatusCode.NO_SUCH_FILE) return false;
      throw error;
    }
  }

  // --- directories ---

  /** Names in `path`, without "." and "..". */
  async listdir(path: string): Promise<string[]> {
    return (await this.readdir(path)).map((e) => e.filename);
  }

  /** Entries of `path` with their attributes, without "." and ".." (OPENDIR, READDIR until EOF, CLOSE). */
  async readdir(path: string): Promise<DirEntry[]> {
    let handle: Uint8Array;
    try {
      handle = expectHandle(await this.request(PacketType.OPENDIR, (w) => w.string(path)), path);
    } catch (error) {
      throw await this.refine(error, path, 'opendir');
    }
    const entries: DirEntry[] = [];
    try {
      for (;;) {
        const batch = expectNames(await this.request(PacketType.READDIR, (w) => w.string(handle)), path);
        // EOF ends the listing; so does an empty batch, as OpenSSH's client takes it (a server
        // answering NAME with no names for ever must not keep us asking).
        if (batch === undefined || batch.length === 0) break;
        for (const e of batch) if (!PARENT_OR_SELF.has(e.filename)) entries.push(e);
      }
    } finally {
      await this.request(PacketType.CLOSE, (w) => w.string(handle)).catch(() => {});
    }
    return entries;
  }

  async mkdir(path: string, mode?: number): Promise<void> {
    try {
      expectOk(
        await this.request(PacketType.MKDIR, (w) =>
          writeAttributes(w.string(path), mode === undefined ? {} : { mode }),
        ),
        path,
      );
    } catch (error) {
      throw await this.refine(error, path, 'create');
    }
  }

  async rmdir(path: string): Promise<void> {
    try {
      expectOk(await this.request(PacketType.RMDIR, (w) => w.string(path)), path);
    } catch (error) {
      throw await this.refine(error, path, 'rmdir');
    }
  }

  // --- names ---

  async remove(path: string): Promise<void> {
    try {
      expectOk(await this.request(PacketType.REMOVE, (w) => w.string(path)), path);
    } catch (error) {
      throw await this.refine(error, path, 'remove');
    }
  }

  unlink(path: string): Promise<void> {
    return this.remove(path);
  }

  /**
   * Renames `from` to `to`, replacing `to` as rename(2) does when the server offers
   * posix-rename@openssh.com (PROTOCOL §4.3); else draft-02 RENAME, which fails if `to` exists.
   */
  async rename(from: string, to: string): Promise<void> {
    try {
      const reply = this.context.has('posix-rename@openssh.com')
        ? await this.request(PacketType.EXTENDED, (w) =>
            w.string('posix-rename@openssh.com').string(from).string(to),
          )
        : await this.request(PacketType.RENAME, (w) => w.string(from).string(to));
      expectOk(reply, from);
    } catch (error) {
      throw await this.refine(error, to, 'create', from);
    }
  }

  async readlink(path: string): Promise<string> {
    return expectOneName(await this.request(PacketType.READLINK, (w) => w.string(path)), path);
  }

  /** Creates the symbolic link `path` pointing at `target` (argument order: SymlinkOrder). */
  async symlink(target: string, path: string): Promise<void> {
    const [first, second] = this.context.symlinkOrder === 'openssh' ? [target, path] : [path, target];
    try {
      expectOk(await this.request(PacketType.SYMLINK, (w) => w.string(first).string(second)), path);
    } catch (error) {
      throw await this.refine(error, path, 'create');
    }
  }

  /** hardlink@openssh.com (PROTOCOL §4.5): `to` becomes another name of `from`. */
  async hardlink(from: string, to: string): Promise<void> {
    this.context.requireExtension('hardlink@openssh.com', to);
    try {
      expectOk(
        await this.request(PacketType.EXTENDED, (w) =>
          w.string('hardlink@openssh.com').string(from).string(to),
        ),
        to,
      );
    } catch (error) {
      throw await this.refine(error, to, 'create', from);
    }
  }

  /** REALPATH (§6.11): the canonical absolute form of `path` ("." is the start directory). */
  async realpath(path: string): Promise<string> {
    return expectOneName(await this.request(PacketType.REALPATH, (w) => w.string(path)), path);
  }

  /** expand-path@openssh.com (PROTOCOL §4.9): REALPATH that also expands "~" and "~user". */
  async expandPath(path: string): Promise<string> {
    this.context.requireExtension('expand-path@openssh.com', path);
    return expectOneName(
      await this.request(PacketType.EXTENDED, (w) => w.string('expand-path@openssh.com').string(path)),
      path,
    );
  }

  /**
   * home-directory (PROTOCOL §4.11): `user`'s home directory. OpenSSH 9.2's sftp-server looks the
   * name up with getpwnam() and fails for ""; for your own home, expandPath("~").
   */
  async homeDirectory(user: string): Promise<string> {
    this.context.requireExtension('home-directory');
    return expectOneName(
      await this.request(PacketType.EXTENDED, (w) => w.string('home-directory').string(user)),
    );
  }

  /** users-groups-by-id@openssh.com (PROTOCOL §4.12): names for ids; "" where the server has none. */
  async usersGroupsById(
    uids: readonly number[],
    gids: readonly number[],
  ): Promise<{ users: string[]; groups: string[] }> {
    this.context.requireExtension('users-groups-by-id@openssh.com');
    const r = expectExtendedReply(
      await this.request(PacketType.EXTENDED, (w) =>
        w.string('users-groups-by-id@openssh.com').string(packIds(uids)).string(packIds(gids)),
      ),
    );
    const users = readPackedNames(r, 'users-groups-by-id.usernames', uids.length);
    return { users, groups: readPackedNames(r, 'users-groups-by-id.groupnames', gids.length) };
  }

  /** statvfs@openssh.com (PROTOCOL §4.4). */
  async statvfs(path: string): Promise<StatVfs> {
    this.context.requireExtension('statvfs@openssh.com', path);
    return readStatVfs(
      expectExtendedReply(
        await this.request(PacketType.EXTENDED, (w) => w.string('statvfs@openssh.com').string(path)),
        path,
      ),
    );
  }

  /**
   * copy-data (PROTOCOL §4.10): the server copies `length` bytes (0: to EOF) from one open file to
   * another without sending them; the handles must differ.
   */
  async copyData(
    from: SFTPFile,
    fromOffset: number,
    length: number,
    to: SFTPFile,
    toOffset: number,
  ): Promise<void> {
    this.context.requireExtension('copy-data', to.path);
    const reply = await this.request(PacketType.EXTENDED, (w) =>
      w
        .string('copy-data')
        .string(from.handle)
        .uint64(fromOffset)
        .uint64(length)
        .string(to.handle)
        .uint64(toOffset),
    );
    expectOk(reply, to.path);
  }

  /** Ends the session and closes the channel; requests in flight reject. */
  async close(): Promise<void> {
    await this.session.close();
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  // --- internals ---

  /** @internal A request on this client's session. */
  request(type: number, body?: (w: SSHWriter) => void) {
    return this.session.request(type, body);
  }

  private local(): LocalFiles {
    const files = (this.constructor as typeof SFTPClient).localFiles;
    if (!files) throw missingLocalFiles();
    return files;
  }

  /**
   * v3 reports most errno values as SSH_FX_FAILURE; one more request tells the common ones apart.
   * `create`: the name exists (EEXIST); `open`/`remove`: it is a directory (EISDIR); `opendir`: it
   * is not one (ENOTDIR); `rmdir`: not empty (ENOTEMPTY) or not a directory (ENOTDIR).
   */
  private async refine(
    error: unknown,
    path: string,
    operation: 'create' | 'open' | 'opendir' | 'remove' | 'rmdir',
    source?: string,
  ): Promise<unknown> {
    if (!(error instanceof SFTPError) || error.status !== StatusCode.FAILURE || this.session.isEnded)
      return error;
    let code: string | undefined;
    try {
      if (operation === 'create') {
        if (source !== undefined) await this.lstat(source);
        await this.lstat(path);
        code = 'EEXIST';
      } else {
        const attrs = await this.stat(path);
        if (operation === 'opendir') code = attrs.isDirectory() ? undefined : 'ENOTDIR';
        else if (operation === 'rmdir') code = attrs.isDirectory() ? 'ENOTEMPTY' : 'ENOTDIR';
        else code = attrs.isDirectory() ? 'EISDIR' : undefined;
      }
    } catch {
      return error;
    }
    return code === undefined ? error : statusError(error.status, error.serverMessage, path, code);
  }
}

/** Request sizes: OpenSSH's choices (sftp-client.c do_init), overridable. */
function transferSizes(limits: ServerLimits | undefined, options: SFTPClientOptions): TransferSizes {
  const fit = (limit: number | undefined) =>
    limits ? Math.min(limit || MAX_CHUNK_SIZE, MAX_CHUNK_SIZE) : DEFAULT_CHUNK_SIZE;
  const readChunk = clampChunk(options.chunkSize ?? fit(limits?.maxReadLength));
  const writeChunk = clampChunk(options.chunkSize ?? fit(limits?.maxWriteLength));
  let concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (limits?.maxOpenHandles) concurrency = Math.min(concurrency, limits.maxOpenHandles);
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`bad transfer sizes: chunk ${readChunk}/${writeChunk}, concurrency ${concurrency}`);
  }
  return { readChunk, writeChunk, concurrency };
}
