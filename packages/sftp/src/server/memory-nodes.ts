// The nodes of MemoryFileSystem (memory-fs.ts): files holding a Uint8Array that grows by
// doubling, directories, symbolic links — each with permissions, owner, group, times and a link
// count (hard links share the node) — and the store's bounds: total bytes, one file's size and
// the number of nodes, each refused with ENOSPC / EFBIG before anything is allocated.
import { FileType } from '../attributes.js';
import { FsError, type SFTPAttrChanges, type SFTPStats } from './filesystem.js';
import type { NodeKind } from './paths.js';

interface Base {
  ino: number;
  /** Permission bits (& 0o7777); the type comes from `kind`. */
  perm: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  /** Names this node has (directories: 2 + subdirectories, computed). */
  nlink: number;
}

export interface MemFile extends Base {
  kind: 'file';
  data: Uint8Array;
  size: number;
  /** Handles open on it: an unlinked file's bytes stay counted until the last one closes. */
  openCount: number;
}

export interface MemDir extends Base {
  kind: 'dir';
  entries: Map<string, MemNode>;
}

export interface MemLink extends Base {
  kind: 'link';
  target: string;
}

export type MemNode = MemFile | MemDir | MemLink;

/** Linux's NAME_MAX and PATH_MAX (for link targets), in UTF-8 bytes. */
export const NAME_MAX = 255;
export const PATH_MAX = 4096;

const TYPE_BITS = { file: FileType.FILE, dir: FileType.DIRECTORY, link: FileType.SYMLINK } as const;
const encoder = new TextEncoder();

export function nodeKind(node: MemNode): NodeKind {
  return node.kind === 'dir' ? 'directory' : node.kind === 'link' ? 'symlink' : 'other';
}

export function statsOf(node: MemNode): SFTPStats {
  let size: number;
  let nlink = node.nlink;
  if (node.kind === 'file') size = node.size;
  else if (node.kind === 'link') size = encoder.encode(node.target).length;
  else {
    size = 4096;
    nlink = 2;
    for (const child of node.entries.values()) if (child.kind === 'dir') nlink++;
  }
  return {
    mode: TYPE_BITS[node.kind] | node.perm,
    size,
    uid: node.uid,
    gid: node.gid,
    atime: node.atime,
    mtime: node.mtime,
    nlink,
  };
}

export function checkName(name: string): void {
  if (encoder.encode(name).length > NAME_MAX) throw new FsError('ENAMETOOLONG', `name too long: ${name}`);
}

export interface StoreLimits {
  maxBytes: number;
  maxFileSize: number;
  maxNodes: number;
}

/** Owns every node's accounting: ids, bytes in use, node count, the clock. */
export class Store {
  usedBytes = 0;
  nodes = 0;
  private nextIno = 1;

  constructor(
    readonly limits: StoreLimits,
    readonly now: () => number,
  ) {}

  private base(perm: number, uid: number, gid: number): Base {
    if (this.nodes >= this.limits.maxNodes) throw new FsError('ENOSPC', 'too many files');
    this.nodes++;
    const t = this.now();
    return { ino: this.nextIno++, perm: perm & 0o7777, uid, gid, atime: t, mtime: t, nlink: 1 };
  }

  file(perm: number, uid: number, gid: number): MemFile {
    return { ...this.base(perm, uid, gid), kind: 'file', data: new Uint8Array(0), size: 0, openCount: 0 };
  }

  dir(perm: number, uid: number, gid: number): MemDir {
    return { ...this.base(perm, uid, gid), kind: 'dir', entries: new Map() };
  }

  link(target: string, uid: number, gid: number): MemLink {
    return { ...this.base(0o777, uid, gid), kind: 'link', target };
  }

  /** A name of `node` went away; the node itself goes with its last name (and last open handle). */
  unlinked(node: MemNode): void {
    node.nlink = Math.max(0, node.nlink - 1);
    this.release(node);
  }

  /** Frees `node` if nothing holds it any more. */
  release(node: MemNode): void {
    if (node.nlink > 0 || (node.kind === 'file' && node.openCount > 0)) return;
    this.nodes--;
    if (node.kind === 'file') {
      this.usedBytes -= node.size;
      node.data = new Uint8Array(0);
      node.size = 0;
    }
  }

  /** Sets a file's size (truncate or extend with zeros), within the bounds. */
  resize(file: MemFile, size: number): void {
    if (!Number.isSafeInteger(size) || size < 0) throw new FsError('EINVAL', `bad size ${size}`);
    if (size > this.limits.maxFileSize) throw new FsError('EFBIG', `file size ${size} over the limit`);
    const growth = size - file.size;
    if (growth > 0 && this.usedBytes + growth > this.limits.maxBytes) {
      throw new FsError('ENOSPC', 'no space left in the in-memory filesystem');
    }
    if (size > file.data.length) {
      // Doubling keeps a file written in order at amortised O(1) per byte.
      const capacity = Math.min(Math.max(size, file.data.length * 2, 1024), this.limits.maxFileSize);
      const data = new Uint8Array(capacity);
      data.set(file.data.subarray(0, file.size));
      file.data = data;
    } else if (size < file.size) {
      file.data.fill(0, size, file.size);
    }
    this.usedBytes += growth;
    file.size = size;
  }

  write(file: MemFile, data: Uint8Array, position: number): void {
    // write(2) of nothing changes nothing, even past the end.
    if (data.length === 0) return;
    const end = position + data.length;
    if (!Number.isSafeInteger(end)) throw new FsError('EFBIG', 'offset too large');
    if (end > file.size) this.resize(file, end);
    file.data.set(data, position);
    file.mtime = this.now();
  }

  /** SETSTAT's changes in OpenSSH's order: size, permissions, times, owner. */
  apply(node: MemNode, changes: SFTPAttrChanges): void {
    if (changes.size !== undefined) {
      if (node.kind === 'dir') throw new FsError('EISDIR', 'truncate of a directory');
      if (node.kind !== 'file') throw new FsError('EINVAL', 'truncate of a link');
      this.resize(node, changes.size);
      node.mtime = this.now();
    }
    if (changes.mode !== undefined) node.perm = changes.mode & 0o7777;
    if (changes.atime !== undefined && changes.mtime !== undefined) {
      node.atime = changes.atime;
      node.mtime = changes.mtime;
    }
    if (changes.uid !== undefined && changes.gid !== undefined) {
      node.uid = changes.uid;
      node.gid = changes.gid;
    }
  }
}
