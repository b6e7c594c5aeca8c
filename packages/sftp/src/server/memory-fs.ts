// MemoryFileSystem (API.md: "in-memory ships"): an SFTPFileSystem held in memory — for tests, for
// a browser-side server, for a scratch area. POSIX semantics where a client can tell: paths
// resolved as the kernel does (paths.ts, ELOOP after 40 links), O_EXCL not following a final
// link, unlink of an open file keeping its bytes until the last handle closes, rename replacing
// or refusing (EEXIST) and never moving a directory into itself, hard links sharing one node.
// Permissions, owners and times are stored and reported but not enforced: every client acts as
// the owner. Bounded (total bytes, one file's size, number of nodes): a client cannot make it
// allocate without limit. Every operation runs synchronously inside its promise, so sessions
// sharing one instance never see another's operation half done.
import { OpenFlag } from '../constants.js';
import type { StatVfs } from '../extensions.js';
import {
  FsError,
  type SFTPAttrChanges,
  type SFTPDirEntry,
  type SFTPDirectory,
  type SFTPFileSystem,
  type SFTPOpenFile,
  type SFTPStats,
} from './filesystem.js';
import {
  checkName,
  type MemDir,
  type MemFile,
  type MemNode,
  nodeKind,
  PATH_MAX,
  Store,
  statsOf,
} from './memory-nodes.js';
import { endsAsDirectory, type Resolved, type ResolveOptions, resolveSync, type SyncTree } from './paths.js';

export interface MemoryFileSystemOptions {
  /** Owner and group of what clients create (default 0, 0). */
  uid?: number;
  gid?: number;
  /** Cleared from the mode of what is created, as a process umask (default 0o022). */
  umask?: number;
  /** Bytes of file data in all (default 256 MiB), in one file (default: maxBytes), nodes (100 000). */
  maxBytes?: number;
  maxFileSize?: number;
  maxNodes?: number;
  /** Names for `ls -l` and users-groups-by-id@openssh.com (offered only when given). */
  users?: Record<number, string>;
  groups?: Record<number, string>;
  /** Seconds since the epoch (default: the clock). */
  now?: () => number;
}

/** Entries handed out per SFTPDirectory.read(). */
const DIR_BATCH = 128;

export class MemoryFileSystem implements SFTPFileSystem {
  readonly userName?: (uid: number) => Promise<string | undefined>;
  readonly groupName?: (gid: number) => Promise<string | undefined>;
  private readonly store: Store;
  private readonly root: MemDir;
  private readonly tree: SyncTree<MemNode>;
  private readonly uid: number;
  private readonly gid: number;
  private readonly umask: number;

  constructor(options: MemoryFileSystemOptions = {}) {
    const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.store = new Store(
      { maxBytes, maxFileSize: options.maxFileSize ?? maxBytes, maxNodes: options.maxNodes ?? 100_000 },
      options.now ?? (() => Math.floor(Date.now() / 1000)),
    );
    this.uid = options.uid ?? 0;
    this.gid = options.gid ?? 0;
    this.umask = options.umask ?? 0o022;
    this.root = this.store.dir(0o755, this.uid, this.gid);
    const root = this.root;
    this.tree = {
      root,
      kind: nodeKind,
      child: (dir, name) => (dir.kind === 'dir' ? dir.entries.get(name) : undefined),
      target: (link) => (link.kind === 'link' ? link.target : ''),
    };
    const { users, groups } = options;
    if (users) this.userName = async (uid) => users[uid];
    if (groups) this.groupName = async (gid) => groups[gid];
  }

  /** Bytes of file data held. */
  get usedBytes(): number {
    return this.store.usedBytes;
  }

  // --- files ---

  async open(path: string, flags: number, mode: number): Promise<SFTPOpenFile> {
    const create = (flags & OpenFlag.CREAT) !== 0;
    const exclusive = create && (flags & OpenFlag.EXCL) !== 0;
    // O_CREAT|O_EXCL fails on any existing name, a dangling link included (open(2)).
    const at = this.resolve(path, { follow: !exclusive, allowMissing: create });
    let node = at.node;
    if (node && exclusive) throw new FsError('EEXIST', `exists: ${at.path}`);
    if (!node) {
      node = this.store.file(mode & ~this.umask, this.uid, this.gid);
      this.attach(at, node);
    }
    if (node.kind === 'dir') throw new FsError('EISDIR', `is a directory: ${at.path}`);
    if (node.kind !== 'file') throw new FsError('ELOOP', `a link: ${at.path}`);
    if (flags & OpenFlag.TRUNC && flags & OpenFlag.WRITE && node.size > 0) {
      this.store.resize(node, 0);
      node.mtime = this.store.now();
    }
    return new MemoryOpenFile(this.store, node, flags);
  }

  async opendir(path: string): Promise<SFTPDirectory> {
    const at = this.resolve(path, { follow: true });
    const node = at.node!;
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', `not a directory: ${at.path}`);
    // A snapshot, as a directory stream may be: later changes are not seen.
    const entries: SFTPDirEntry[] = [
      { filename: '.', stats: statsOf(node) },
      { filename: '..', stats: statsOf(at.path === '/' ? node : at.parent) },
    ];
    for (const [filename, child] of node.entries) entries.push({ filename, stats: statsOf(child) });
    let at0 = 0;
    return {
      read: async () => {
        if (at0 >= entries.length) return undefined;
        const batch = entries.slice(at0, at0 + DIR_BATCH);
        at0 += batch.length;
        return batch;
      },
      close: async () => {},
    };
  }

  // --- attributes ---

  async stat(path: string): Promise<SFTPStats> {
    return statsOf(this.resolve(path, { follow: true }).node!);
  }

  async lstat(path: string): Promise<SFTPStats> {
    // lstat("link/") follows the link, as the kernel does (paths.ts endsAsDirectory).
    return statsOf(this.resolve(path, { follow: endsAsDirectory(path) }).node!);
  }

  async setstat(path: string, changes: SFTPAttrChanges): Promise<void> {
    this.store.apply(this.resolve(path, { follow: true }).node!, changes);
  }

  async lsetstat(path: string, changes: SFTPAttrChanges): Promise<void> {
    this.store.apply(this.resolve(path, { follow: endsAsDirectory(path) }).node!, changes);
  }

  // --- names ---

  async mkdir(path: string, mode: number): Promise<void> {
    const at = this.resolve(path, { follow: false, allowMissing: true });
    if (at.node) throw new FsError('EEXIST', `exists: ${at.path}`);
    this.attach(at, this.store.dir(mode & ~this.umask, this.uid, this.gid));
  }

  async rmdir(path: string): Promise<void> {
    const at = this.resolve(path, { follow: false });
    const node = at.node!;
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', `not a directory: ${at.path}`);
    if (node === this.root) throw new FsError('EBUSY', 'the root directory');
    if (node.entries.size > 0) throw new FsError('ENOTEMPTY', `not empty: ${at.path}`);
    this.detach(at);
  }

  async remove(path: string): Promise<void> {
    const at = this.resolve(path, { follow: false });
    if (at.node!.kind === 'dir') throw new FsError('EISDIR', `is a directory: ${at.path}`);
    this.detach(at);
  }

  async rename(from: string, to: string, overwrite: boolean): Promise<void> {
    const src = this.resolve(from, { follow: false });
    const dst = this.resolve(to, { follow: false, allowMissing: true });
    const node = src.node!;
    if (node === this.root || dst.node === this.root) throw new FsError('EBUSY', 'the root directory');
    if (dst.node === node) return; // rename(2): the same file, nothing to do
    if (node.kind === 'dir' && (dst.path === src.path || dst.path.startsWith(`${src.path}/`))) {
      throw new FsError('EINVAL', `cannot move ${src.path} into itself`);
    }
    if (dst.node) {
      if (!overwrite) throw new FsError('EEXIST', `exists: ${dst.path}`);
      if (node.kind === 'dir' && dst.node.kind !== 'dir') throw new FsError('ENOTDIR', dst.path);
      if (node.kind !== 'dir' && dst.node.kind === 'dir') throw new FsError('EISDIR', dst.path);
      if (dst.node.kind === 'dir' && dst.node.entries.size > 0) throw new FsError('ENOTEMPTY', dst.path);
      this.detach(dst);
    }
    checkName(dst.name);
    (src.parent as MemDir).entries.delete(src.name);
    (dst.parent as MemDir).entries.set(dst.name, node);
    const t = this.store.now();
    (src.parent as MemDir).mtime = t;
    (dst.parent as MemDir).mtime = t;
  }

  async readlink(path: string): Promise<string> {
    const node = this.resolve(path, { follow: false }).node!;
    if (node.kind !== 'link') throw new FsError('EINVAL', `not a link: ${path}`);
    return node.target;
  }

  async symlink(target: string, path: string): Promise<void> {
    if (target === '') throw new FsError('ENOENT', 'empty link target');
    if (new TextEncoder().encode(target).length > PATH_MAX) throw new FsError('ENAMETOOLONG', 'target');
    const at = this.resolve(path, { follow: false, allowMissing: true });
    if (at.node) throw new FsError('EEXIST', `exists: ${at.path}`);
    this.attach(at, this.store.link(target, this.uid, this.gid));
  }

  async hardlink(existing: string, path: string): Promise<void> {
    const node = this.resolve(existing, { follow: false }).node!;
    if (node.kind === 'dir') throw new FsError('EPERM', 'hard link to a directory');
    const at = this.resolve(path, { follow: false, allowMissing: true });
    if (at.node) throw new FsError('EEXIST', `exists: ${at.path}`);
    checkName(at.name);
    (at.parent as MemDir).entries.set(at.name, node);
    node.nlink++;
  }

  async realpath(path: string): Promise<string> {
    return this.resolve(path, { follow: true, allowMissing: true }).path;
  }

  async statvfs(_path: string): Promise<StatVfs> {
    const { maxBytes, maxNodes } = this.store.limits;
    const block = 4096;
    const free = Math.floor((maxBytes - this.store.usedBytes) / block);
    const freeNodes = maxNodes - this.store.nodes;
    return {
      bsize: block,
      frsize: block,
      blocks: Math.floor(maxBytes / block),
      bfree: free,
      bavail: free,
      files: maxNodes,
      ffree: freeNodes,
      favail: freeNodes,
      fsid: 0n,
      flag: 0,
      namemax: 255,
    };
  }

  // --- seeding and inspection (synchronous, for tests and set-up) ---

  /** Creates or replaces a file at `path` (its directory must exist), as a client's OPEN + WRITE. */
  writeFile(path: string, data: Uint8Array | string, mode = 0o644): void {
    const at = this.resolve(path, { follow: true, allowMissing: true });
    let node = at.node;
    if (!node) {
      node = this.store.file(mode, this.uid, this.gid);
      this.attach(at, node);
    }
    if (node.kind !== 'file') throw new FsError('EISDIR', `not a file: ${at.path}`);
    this.store.resize(node, 0);
    this.store.write(node, typeof data === 'string' ? new TextEncoder().encode(data) : data, 0);
  }

  /** The bytes of the file at `path` (a copy). */
  readFile(path: string): Uint8Array {
    const node = this.resolve(path, { follow: true }).node!;
    if (node.kind !== 'file') throw new FsError('EISDIR', `not a file: ${path}`);
    return node.data.slice(0, node.size);
  }

  /** mkdir -p. */
  mkdirp(path: string, mode = 0o755): void {
    let dir = '';
    for (const part of path.split('/').filter((p) => p !== '')) {
      dir += `/${part}`;
      const at = this.resolve(dir, { follow: true, allowMissing: true });
      if (!at.node) this.attach(at, this.store.dir(mode, this.uid, this.gid));
      else if (at.node.kind !== 'dir') throw new FsError('ENOTDIR', `not a directory: ${dir}`);
    }
  }

  // --- internals ---

  private resolve(path: string, options: ResolveOptions): Resolved<MemNode> {
    return resolveSync(this.tree, path, options);
  }

  /** Adds `node` under the missing name `at` resolved to. */
  private attach(at: Resolved<MemNode>, node: MemNode): void {
    try {
      checkName(at.name);
    } catch (error) {
      this.store.unlinked(node);
      throw error;
    }
    const parent = at.parent as MemDir;
    parent.entries.set(at.name, node);
    parent.mtime = this.store.now();
  }

  private detach(at: Resolved<MemNode>): void {
    const parent = at.parent as MemDir;
    parent.entries.delete(at.name);
    parent.mtime = this.store.now();
    this.store.unlinked(at.node!);
  }
}

class MemoryOpenFile implements SFTPOpenFile {
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly node: MemFile,
    private readonly flags: number,
  ) {
    node.openCount++;
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    this.check((this.flags & OpenFlag.READ) !== 0 || (this.flags & OpenFlag.WRITE) === 0);
    if (position >= this.node.size) return 0;
    const n = Math.min(buffer.length, this.node.size - position);
    buffer.set(this.node.data.subarray(position, position + n));
    return n;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    this.check((this.flags & OpenFlag.WRITE) !== 0);
    this.store.write(this.node, data, this.flags & OpenFlag.APPEND ? this.node.size : position);
  }

  async stat(): Promise<SFTPStats> {
    this.check(true);
    return statsOf(this.node);
  }

  async setstat(changes: SFTPAttrChanges): Promise<void> {
    this.check(true);
    this.store.apply(this.node, changes);
  }

  async sync(): Promise<void> {
    this.check(true);
  }

  async close(): Promise<void> {
    this.check(true);
    this.closed = true;
    this.node.openCount--;
    this.store.release(this.node);
  }

  /** EBADF, as for a descriptor that is closed or not open for this. */
  private check(allowed: boolean): void {
    if (this.closed || !allowed) throw new FsError('EBADF', 'bad file descriptor');
  }
}
