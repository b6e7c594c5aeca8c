// What SFTPServer serves (API.md SSHServer `sftp: SFTPFileSystem`): a small filesystem interface
// shaped after the POSIX calls OpenSSH's sftp-server makes for each v3 request (draft-02 §6) and
// extension (PROTOCOL §4). Browser-safe: MemoryFileSystem implements it here, NodeFileSystem in
// src/node. Failures are thrown as values with a Node-style `code` (FsError, or Node's own fs
// errors as they are); the server maps them to v3 status codes as sftp-server.c errno_to_portable.
//
// Paths reach the filesystem absolute ("/"-separated, starting at "/"), as the client sent them
// joined to the session's start directory, but otherwise untouched: ".", ".." and symbolic links
// are the filesystem's to resolve (resolvePath in paths.ts does it the POSIX way, ".." after
// links). The filesystem decides what "/" is: NodeFileSystem's root directory, for example.
import type { StatVfs } from '../extensions.js';

/** What stat(2) tells the server: OpenSSH sends size, uid/gid, mode and times for every file. */
export interface SFTPStats {
  /** st_mode: permission bits with the file type (S_IFMT, FileType in attributes.ts). */
  mode: number;
  size: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  atime: number;
  mtime: number;
  /** Link count, for the `ls -l` longname (1 when unknown). */
  nlink?: number;
}

/** What SETSTAT / FSETSTAT / lsetstat@openssh.com may change (draft-02 §5, §6.9); any subset. */
export interface SFTPAttrChanges {
  /** truncate(2) / ftruncate(2). */
  size?: number;
  /** chmod(2): permission bits only (& 0o7777). */
  mode?: number;
  /** chown(2): always both. */
  uid?: number;
  gid?: number;
  /** utimes(2): always both, in seconds. */
  atime?: number;
  mtime?: number;
}

/** One directory entry for SSH_FXP_NAME (draft-02 §7), with lstat(2) attributes as OpenSSH sends. */
export interface SFTPDirEntry {
  filename: string;
  stats: SFTPStats;
  /** The `ls -l` line; the server formats one (longname.ts) when absent. */
  longname?: string;
}

/** An open file (SSH_FXP_OPEN). Positional I/O only: v3 carries an offset in every READ/WRITE. */
export interface SFTPOpenFile {
  /**
   * Reads into `buffer` from `position` (as pread(2)); resolves with the bytes read, fewer at the
   * end of the file and 0 there.
   */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Writes all of `data` at `position` (opened with APPEND: at the end, whatever `position`). */
  write(data: Uint8Array, position: number): Promise<void>;
  /** fstat(2). */
  stat(): Promise<SFTPStats>;
  /** ftruncate / fchmod / futimes / fchown, in OpenSSH's order (sftp-server.c process_fsetstat). */
  setstat(changes: SFTPAttrChanges): Promise<void>;
  /** fsync(2) (fsync@openssh.com); a no-op where there is nothing to flush. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** An open directory (SSH_FXP_OPENDIR), read in batches. */
export interface SFTPDirectory {
  /** The next entries (any number), or undefined once there are no more. "." and ".." included. */
  read(): Promise<SFTPDirEntry[] | undefined>;
  close(): Promise<void>;
}

/** SSH_FXP_OPEN pflags (draft-02 §6.3, OpenFlag in constants.ts), as the client sent them. */
export type SFTPOpenFlags = number;

export interface SFTPFileSystem {
  /**
   * open(2) with the pflags translated as sftp-server.c flags_from_portable: READ / WRITE pick the
   * access mode (neither: read-only), CREAT, TRUNC, EXCL and APPEND their O_ flags. `mode` applies
   * to a file created (0o666 when the client sent none, less the filesystem's umask).
   */
  open(path: string, flags: SFTPOpenFlags, mode: number): Promise<SFTPOpenFile>;
  opendir(path: string): Promise<SFTPDirectory>;
  /** stat(2): follows a final symbolic link. */
  stat(path: string): Promise<SFTPStats>;
  /** lstat(2): reports a final symbolic link itself. */
  lstat(path: string): Promise<SFTPStats>;
  /** truncate / chmod / utimes / chown, following a final symbolic link (process_setstat). */
  setstat(path: string, changes: SFTPAttrChanges): Promise<void>;
  /** The same without following a final link (lsetstat@openssh.com); size is never asked. */
  lsetstat(path: string, changes: SFTPAttrChanges): Promise<void>;
  mkdir(path: string, mode: number): Promise<void>;
  rmdir(path: string): Promise<void>;
  /** unlink(2). */
  remove(path: string): Promise<void>;
  /**
   * rename(2) when `overwrite` (posix-rename@openssh.com); else draft-02 §6.5's RENAME, which
   * fails with EEXIST when `to` exists.
   */
  rename(from: string, to: string, overwrite: boolean): Promise<void>;
  /** readlink(2): the link's target as stored. */
  readlink(path: string): Promise<string>;
  /** symlink(2): creates `path` pointing at `target` (stored as given). */
  symlink(target: string, path: string): Promise<void>;
  /**
   * The canonical absolute form of `path`: ".", ".." and every link resolved; the last component
   * need not exist (OpenSSH's sftp_realpath allows it, so a client can name an upload target).
   */
  realpath(path: string): Promise<string>;
  /** link(2) (hardlink@openssh.com); the extension is offered only when present. */
  hardlink?(existing: string, path: string): Promise<void>;
  /** statvfs(3) (statvfs@ and fstatvfs@openssh.com); offered only when present. */
  statvfs?(path: string): Promise<StatVfs>;
  /** Names for users-groups-by-id@openssh.com and `ls -l`; the extension needs one of them. */
  userName?(uid: number): Promise<string | undefined>;
  groupName?(gid: number): Promise<string | undefined>;
}

/** A filesystem failure with a Node-style errno code (ENOENT, EACCES, EEXIST, ELOOP, …). */
export class FsError extends Error {
  readonly code: string;
  constructor(code: string, message?: string) {
    super(message ?? code);
    this.name = 'FsError';
    this.code = code;
  }
}
