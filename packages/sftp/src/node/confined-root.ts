// Confinement of NodeFileSystem to its root directory. The client's "/" is the root, and a path
// is resolved by us, not by the kernel: component by component with lstat(2) and readlink(2)
// (resolveAsync, ../server/paths.ts), with chroot(2)'s rules — ".." stops at the root, an absolute
// link target starts again at the root. So no "..", absolute path or symbolic link — one the
// client made or one found on disk, pointing anywhere — leads outside: a link to /etc names
// ROOT/etc. The kernel is then handed only a path whose directories were all just seen to be real
// directories, for a call that does not follow its last component (lstat, unlink, rename, link,
// lutimes, lchown, open with O_NOFOLLOW, …).
//
// Races with someone else changing the tree under ROOT between our resolution and the call are
// narrowed, not closed (Node has no openat()): before each call the directory's realpath(3) must
// be itself, and a file opened is checked afterwards through /proc/self/fd (Linux) to lie under
// the root — closed and refused (EACCES) if not. A hard link placed inside the root by someone
// with access outside it cannot be told from any other file.
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, readlink, realpath } from 'node:fs/promises';
import { FsError } from '../server/filesystem.js';
import {
  type AsyncTree,
  endsAsDirectory,
  joinComponents,
  type ResolveOptions,
  resolveAsync,
  splitPath,
} from '../server/paths.js';

export interface Located {
  /** The canonical path as the client sees it ("/" is the root). */
  path: string;
  /** The same on the host. */
  real: string;
}

interface RealNode {
  real: string;
  stats: Stats | undefined;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT';
}

export class ConfinedRoot {
  private rootReal: Promise<string> | undefined;
  /** Whether /proc/self/fd can tell where an open file lies (undefined: not tried yet). */
  private procFd: boolean | undefined;

  constructor(readonly root: string) {}

  /** realpath(3) of the root, once (again after a failure, so a root created later is found). */
  base(): Promise<string> {
    this.rootReal ??= realpath(this.root).catch((error) => {
      this.rootReal = undefined;
      throw error;
    });
    return this.rootReal;
  }

  /** The host path for a canonical client path. */
  toReal(base: string, path: string): string {
    if (path === '/') return base;
    return base === '/' ? path : base + path;
  }

  /** True when `real` is the root or under it. */
  within(base: string, real: string): boolean {
    return base === '/' || real === base || real.startsWith(`${base}/`);
  }

  /** Resolves a client path (absolute, as the server passes it) to where it leads under the root. */
  async locate(path: string, options: ResolveOptions): Promise<Located> {
    const base = await this.base();
    const parts = splitPath(path);
    // A trailing "/" needs the last component's type checked (paths.ts endsAsDirectory): the
    // walk does it, the textual fast path does not.
    if (!parts.includes('..') && !endsAsDirectory(path)) {
      const fast = await this.fastPath(base, parts, options);
      if (fast) return fast;
    }
    const tree: AsyncTree<RealNode> = {
      root: { real: base, stats: undefined },
      kind: (n) =>
        n.stats === undefined || n.stats.isDirectory()
          ? 'directory'
          : n.stats.isSymbolicLink()
            ? 'symlink'
            : 'other',
      child: async (dir, name) => {
        const real = dir.real === '/' ? `/${name}` : `${dir.real}/${name}`;
        try {
          return { real, stats: await lstat(real) };
        } catch (error) {
          if (isMissing(error)) return undefined;
          throw error;
        }
      },
      target: (link) => readlink(link.real),
    };
    const resolved = await resolveAsync(tree, path, options);
    const real = this.toReal(base, resolved.path);
    if (resolved.path !== '/') await this.checkDirectory(base, parentOf(real));
    return { path: resolved.path, real };
  }

  /**
   * Without "..", a path whose directories realpath(3) returns unchanged has no links in them,
   * and then the textual form is the answer: one call instead of an lstat per component.
   */
  private async fastPath(
    base: string,
    parts: string[],
    options: ResolveOptions,
  ): Promise<Located | undefined> {
    const path = joinComponents(parts);
    const real = this.toReal(base, path);
    if (parts.length === 0) return { path, real };
    try {
      if (options.follow) {
        return (await realpath(real)) === real ? { path, real } : undefined;
      }
      const dir = parentOf(real);
      return (await realpath(dir)) === dir ? { path, real } : undefined;
    } catch (error) {
      // A missing component: the slow path tells ENOENT from a name about to be created.
      if (isMissing(error) || (error as { code?: string }).code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  /** Refuses a directory that is no longer what resolution saw (a link swapped in since). */
  async checkDirectory(base: string, dir: string): Promise<void> {
    const actual = await realpath(dir);
    if (actual !== dir || !this.within(base, actual)) {
      throw new FsError('EACCES', 'the path changed while being resolved');
    }
  }

  /** After open(2): the file must lie under the root (Linux /proc/self/fd); else it is closed. */
  async checkOpened(handle: FileHandle): Promise<void> {
    if (this.procFd === false) return;
    let actual: string;
    try {
      actual = await readlink(`/proc/self/fd/${handle.fd}`);
      this.procFd = true;
    } catch {
      if (this.procFd === undefined) this.procFd = false;
      return;
    }
    const base = await this.base();
    if (!this.within(base, actual.replace(/ \(deleted\)$/, ''))) {
      await handle.close().catch(() => {});
      throw new FsError('EACCES', 'the file opened lies outside the root');
    }
  }
}

function parentOf(real: string): string {
  const at = real.lastIndexOf('/');
  return at <= 0 ? '/' : real.slice(0, at);
}
