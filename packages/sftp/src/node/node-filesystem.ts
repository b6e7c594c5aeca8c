// NodeFileSystem: an SFTPFileSystem on node:fs/promises, confined to a root directory that the
// client sees as "/" (as OpenSSH's ChrootDirectory shows it; give SFTPServer a `home` to start
// elsewhere). Every path goes through ConfinedRoot (confined-root.ts): resolved by us with
// chroot(2)'s rules, then handed to a call that does not follow its last component. readlink
// returns a link's target as stored, even one naming a host path: it is only text, and following
// it stays inside the root. POSIX hosts only (paths are "/"-separated).
import { constants, type Dirent, type Stats } from 'node:fs';
import {
  chmod,
  type FileHandle,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  opendir,
  readlink,
  rename,
  rmdir,
  statfs,
  symlink,
  unlink,
} from 'node:fs/promises';
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
} from '../server/filesystem.js';
import { endsAsDirectory } from '../server/paths.js';
import { AccountNames } from './account-names.js';
import { ConfinedRoot } from './confined-root.js';

export interface NodeFileSystemOptions {
  /** User and group names from /etc/passwd and /etc/group (default true). */
  names?: boolean;
}

/** Entries lstat'ed per SFTPDirectory.read(). */
const DIR_BATCH = 128;

export function toStats(st: Stats): SFTPStats {
  return {
    mode: st.mode,
    size: st.size,
    uid: st.uid,
    gid: st.gid,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
    nlink: st.nlink,
  };
}

/** pflags as sftp-server.c flags_from_portable, plus O_NOFOLLOW (the path is already resolved). */
function openFlags(pflags: number): number {
  const read = (pflags & OpenFlag.READ) !== 0;
  const write = (pflags & OpenFlag.WRITE) !== 0;
  let flags = read && write ? constants.O_RDWR : write ? constants.O_WRONLY : constants.O_RDONLY;
  if (pflags & OpenFlag.CREAT) flags |= constants.O_CREAT;
  if (pflags & OpenFlag.TRUNC) flags |= constants.O_TRUNC;
  if (pflags & OpenFlag.EXCL) flags |= constants.O_EXCL;
  if (pflags & OpenFlag.APPEND) flags |= constants.O_APPEND;
  // O_NONBLOCK: a FIFO under the root must not hold a thread of libuv's pool waiting for a peer;
  // it changes nothing for regular files.
  return flags | constants.O_NOFOLLOW | constants.O_NONBLOCK;
}

export class NodeFileSystem implements SFTPFileSystem {
  readonly userName?: (uid: number) => Promise<string | undefined>;
  readonly groupName?: (gid: number) => Promise<string | undefined>;
  private readonly confined: ConfinedRoot;

  constructor(root: string, options: NodeFileSystemOptions = {}) {
    this.confined = new ConfinedRoot(root);
    if (options.names !== false) {
      const names = new AccountNames();
      this.userName = (uid) => names.user(uid);
      this.groupName = (gid) => names.groupName(gid);
    }
  }

  /** The root directory as given. */
  get root(): string {
    return this.confined.root;
  }

  async open(path: string, flags: number, mode: number): Promise<SFTPOpenFile> {
    const create = (flags & OpenFlag.CREAT) !== 0;
    const exclusive = create && (flags & OpenFlag.EXCL) !== 0;
    const at = await this.confined.locate(path, { follow: !exclusive, allowMissing: create });
    const handle = await open(at.real, openFlags(flags), mode);
    await this.confined.checkOpened(handle);
    return new NodeOpenFile(handle, flags);
  }

  async opendir(path: string): Promise<SFTPDirectory> {
    const base = await this.confined.base();
    const at = await this.confined.locate(path, { follow: true });
    await this.confined.checkDirectory(base, at.real);
    const dir = await opendir(at.real, { bufferSize: DIR_BATCH });
    // ".." of the root is the root, as under chroot(2).
    const parent = at.path === '/' ? at.real : at.real.slice(0, at.real.lastIndexOf('/')) || '/';
    let started = false;
    let done = false;
    return {
      read: async () => {
        if (!started) {
          started = true;
          return [
            { filename: '.', stats: toStats(await lstat(at.real)) },
            { filename: '..', stats: toStats(await lstat(parent)) },
          ];
        }
        const out: SFTPDirEntry[] = [];
        while (!done && out.length < DIR_BATCH) {
          const entry: Dirent | null = await dir.read();
          if (entry === null) {
            done = true;
            break;
          }
          try {
            out.push({ filename: entry.name, stats: toStats(await lstat(`${at.real}/${entry.name}`)) });
          } catch {
            // Gone since it was listed: sftp-server skips an entry lstat fails on.
          }
        }
        return out.length > 0 ? out : undefined;
      },
      close: () => dir.close().catch(() => {}),
    };
  }

  async stat(path: string): Promise<SFTPStats> {
    // Resolved through every link: the last component is no link, so lstat is stat.
    return toStats(await lstat((await this.confined.locate(path, { follow: true })).real));
  }

  async lstat(path: string): Promise<SFTPStats> {
    // lstat("link/") follows the link, as the kernel does (paths.ts endsAsDirectory).
    const follow = endsAsDirectory(path);
    return toStats(await lstat((await this.confined.locate(path, { follow })).real));
  }

  async setstat(path: string, changes: SFTPAttrChanges): Promise<void> {
    await this.apply((await this.confined.locate(path, { follow: true })).real, changes, true);
  }

  async lsetstat(path: string, changes: SFTPAttrChanges): Promise<void> {
    const follow = endsAsDirectory(path);
    await this.apply((await this.confined.locate(path, { follow })).real, changes, follow);
  }

  async mkdir(path: string, mode: number): Promise<void> {
    await mkdir((await this.confined.locate(path, { follow: false, allowMissing: true })).real, mode);
  }

  async rmdir(path: string): Promise<void> {
    await rmdir((await this.notRoot(path)).real);
  }

  async remove(path: string): Promise<void> {
    await unlink((await this.notRoot(path)).real);
  }

  async rename(from: string, to: string, overwrite: boolean): Promise<void> {
    const src = (await this.notRoot(from)).real;
    const dst = (await this.notRoot(to, true)).real;
    if (overwrite) {
      await rename(src, dst);
      return;
    }
    // draft-02 RENAME must not replace. As sftp-server.c process_rename: a regular file is
    // linked to the new name (which fails if it exists) and then unlinked; anything else is
    // renamed only if nothing has the new name.
    if ((await lstat(src)).isFile()) {
      try {
        await link(src, dst);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EEXIST' || code === 'ENOENT' || code === 'EACCES') throw error;
        // A filesystem without hard links (EPERM, EXDEV, ENOTSUP, …): check, then rename.
        await this.renameIfAbsent(src, dst);
        return;
      }
      try {
        await unlink(src);
      } catch (error) {
        await unlink(dst).catch(() => {});
        throw error;
      }
      return;
    }
    await this.renameIfAbsent(src, dst);
  }

  async readlink(path: string): Promise<string> {
    return readlink((await this.confined.locate(path, { follow: false })).real);
  }

  async symlink(target: string, path: string): Promise<void> {
    await symlink(target, (await this.confined.locate(path, { follow: false, allowMissing: true })).real);
  }

  async realpath(path: string): Promise<string> {
    return (await this.confined.locate(path, { follow: true, allowMissing: true })).path;
  }

  async hardlink(existing: string, path: string): Promise<void> {
    const src = (await this.confined.locate(existing, { follow: false })).real;
    await link(src, (await this.confined.locate(path, { follow: false, allowMissing: true })).real);
  }

  async statvfs(path: string): Promise<StatVfs> {
    const s = await statfs((await this.confined.locate(path, { follow: true })).real);
    return {
      bsize: s.bsize,
      frsize: s.bsize,
      blocks: s.blocks,
      bfree: s.bfree,
      bavail: s.bavail,
      files: s.files,
      ffree: s.ffree,
      favail: s.ffree,
      fsid: 0n,
      flag: 0,
      namemax: 255,
    };
  }

  // --- internals ---

  /** rmdir, unlink and rename of the root itself are refused (EBUSY), as of a mount point. */
  private async notRoot(path: string, allowMissing = false) {
    const at = await this.confined.locate(path, { follow: false, allowMissing });
    if (at.path === '/') throw new FsError('EBUSY', 'the root directory');
    return at;
  }

  private async renameIfAbsent(src: string, dst: string): Promise<void> {
    try {
      await lstat(dst);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
      await rename(src, dst);
      return;
    }
    throw new FsError('EEXIST', 'the new name exists');
  }

  /**
   * SETSTAT's changes on a resolved path, in sftp-server's order (size, mode, times, owner) and,
   * like it, going on after a failure and reporting the first. None follows a final link: the
   * path was resolved through links already (setstat), or the link itself is meant (lsetstat).
   */
  private async apply(real: string, changes: SFTPAttrChanges, follow: boolean): Promise<void> {
    let first: unknown;
    const step = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        first ??= error;
      }
    };
    if (changes.size !== undefined) {
      const size = changes.size;
      await step(() => withFile(real, constants.O_WRONLY, (h) => h.truncate(size)));
    }
    if (changes.mode !== undefined) {
      const mode = changes.mode & 0o7777;
      await step(async () => {
        if ((await lstat(real)).isSymbolicLink()) {
          // Linux cannot chmod a link itself (fchmodat AT_SYMLINK_NOFOLLOW: EOPNOTSUPP).
          throw new FsError(follow ? 'ELOOP' : 'EOPNOTSUPP', 'permissions of a symbolic link');
        }
        // Through a descriptor opened O_NOFOLLOW where we can read it, so a link swapped in
        // since is not followed; chmod(2) by name for a file we may not open.
        try {
          await withFile(real, constants.O_RDONLY, (h) => h.chmod(mode));
        } catch (error) {
          if ((error as { code?: string }).code !== 'EACCES') throw error;
          await chmod(real, mode);
        }
      });
    }
    if (changes.atime !== undefined && changes.mtime !== undefined) {
      const { atime, mtime } = changes;
      await step(() => lutimes(real, atime, mtime));
    }
    if (changes.uid !== undefined && changes.gid !== undefined) {
      const { uid, gid } = changes;
      await step(() => lchown(real, uid, gid));
    }
    if (first !== undefined) throw first;
  }
}

async function withFile<T>(real: string, flags: number, fn: (h: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(real, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return await fn(handle);
  } finally {
    await handle.close().catch(() => {});
  }
}

class NodeOpenFile implements SFTPOpenFile {
  constructor(
    private readonly handle: FileHandle,
    private readonly flags: number,
  ) {}

  async read(buffer: Uint8Array, position: number): Promise<number> {
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
    return bytesRead;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    // O_APPEND writes go to the end whatever the offset (Linux ignores pwrite's position too).
    const append = (this.flags & OpenFlag.APPEND) !== 0;
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(
        data,
        done,
        data.length - done,
        append ? null : position + done,
      );
      if (bytesWritten <= 0) throw new FsError('EIO', 'nothing written');
      done += bytesWritten;
    }
  }

  async stat(): Promise<SFTPStats> {
    return toStats(await this.handle.stat());
  }

  async setstat(changes: SFTPAttrChanges): Promise<void> {
    // process_fsetstat: ftruncate, fchmod, futimes, fchown; the first failure is reported.
    let first: unknown;
    const step = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        first ??= error;
      }
    };
    const { size, mode, atime, mtime, uid, gid } = changes;
    if (size !== undefined) await step(() => this.handle.truncate(size));
    if (mode !== undefined) await step(() => this.handle.chmod(mode & 0o7777));
    if (atime !== undefined && mtime !== undefined) await step(() => this.handle.utimes(atime, mtime));
    if (uid !== undefined && gid !== undefined) await step(() => this.handle.chown(uid, gid));
    if (first !== undefined) throw first;
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
