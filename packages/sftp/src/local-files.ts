// The local side of get / put / uploadDir / downloadDir, as an interface so the transfer logic
// stays browser-safe; src/node/local-files.ts implements it with node:fs.
import { SSHError } from '@sshts/wire';

export interface LocalStat {
  size: number;
  /** st_mode, with the file type bits. */
  mode: number;
  /** Seconds since the epoch. */
  atime: number;
  mtime: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface LocalFile {
  /** Reads up to `length` bytes at `position` into a new array (shorter at end of file). */
  read(length: number, position: number): Promise<Uint8Array>;
  /** Writes all of `data` at `position`. */
  write(data: Uint8Array, position: number): Promise<void>;
  /**
   * Optional: writes `parts`, one after another, at `position` with one gathering write
   * (pwritev). Without it, each part is written in turn.
   */
  writeParts?(parts: readonly Uint8Array[], position: number): Promise<void>;
  close(): Promise<void>;
}

export interface LocalFiles {
  /** "read": an existing file. "write": created (`mode`) or truncated, unless `keep` keeps its content. */
  open(path: string, how: 'read' | 'write', options?: { mode?: number; keep?: boolean }): Promise<LocalFile>;
  stat(path: string): Promise<LocalStat>;
  lstat(path: string): Promise<LocalStat>;
  /** Undefined when nothing is at `path`. */
  statIfExists(path: string): Promise<LocalStat | undefined>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, mode?: number): Promise<void>;
  remove(path: string): Promise<void>;
  utimes(path: string, atime: number, mtime: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Joins path segments with the local separator. */
  join(...parts: string[]): string;
}

/** Any source of bytes an upload can take. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export function missingLocalFiles(): SSHError {
  return new SSHError(
    'ERR_NO_LOCAL_FILES',
    'get/put/uploadDir/downloadDir need local files: use the Node.js entry, or readFile/writeFile/streams',
  );
}
