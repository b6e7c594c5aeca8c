// Path resolution for the filesystems behind SFTPServer, done once here the way the kernel does
// it (path_resolution(7)): component by component from the root, symbolic links expanded where they
// are met — an absolute target restarting at "/", a relative one at the link's directory — and
// ".." taken after links, from the directory actually reached. ".." at "/" stays at "/", as under
// chroot(2): whatever the names and links say, resolution never leaves the tree, which is how
// NodeFileSystem confines a client to its root. At most MAX_SYMLINKS links per resolution
// (Linux's MAXSYMLINKS), then ELOOP.
//
// The walk is a generator that asks for each lookup, so one algorithm serves a synchronous tree
// (MemoryFileSystem, whose operations must not interleave) and an asynchronous one (node:fs).
import { FsError } from './filesystem.js';

export const MAX_SYMLINKS = 40;

/** The kinds of node resolution cares about. */
export type NodeKind = 'directory' | 'symlink' | 'other';

export interface ResolveOptions {
  /** Follow a symbolic link in the last component (stat, open) or not (lstat, unlink, rename). */
  follow: boolean;
  /** The last component may be missing (creating it, or REALPATH); otherwise that is ENOENT. */
  allowMissing?: boolean;
}

export interface Resolved<N> {
  /** The canonical absolute path reached: no ".", "..", "//" or links (but a last link kept unless followed). */
  path: string;
  /** The node, or undefined when the last component is missing (allowMissing). */
  node: N | undefined;
  /** The directory holding it (the root for the root itself). */
  parent: N;
  /** The last component; "" for the root. */
  name: string;
}

type Ask<N> = { child: [dir: N, name: string] } | { target: N };

/** The components of `path`, without empty ones and "." (".." stays: it is resolved in order). */
export function splitPath(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/** `path` made absolute against `base` (an absolute path); nothing else is changed. */
export function absolutePath(base: string, path: string): string {
  if (path.startsWith('/')) return path;
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

/**
 * True when a name in `path` is followed only by "/" or "/." (as "a/", "a/." or "a//"):
 * path_resolution(7) — "if a pathname ends in a '/', that forces resolution of the preceding
 * component as in Step 2: it has to exist and resolve to a directory". A final link is then
 * followed by lookups (Linux lstat("link/") stats the directory, as sftp's `ls link/` relies on),
 * and a non-directory is ENOTDIR.
 */
export function endsAsDirectory(path: string): boolean {
  const parts = path.split('/');
  let last = parts.length - 1;
  while (last >= 0 && (parts[last] === '' || parts[last] === '.')) last--;
  return last >= 0 && last < parts.length - 1;
}

/** "/" and components joined. */
export function joinComponents(components: readonly string[]): string {
  return `/${components.join('/')}`;
}

function* walk<N>(
  root: N,
  kind: (node: N) => NodeKind,
  path: string,
  options: ResolveOptions,
): Generator<Ask<N>, Resolved<N>, N | undefined | string> {
  // The directories reached so far (names and nodes); what is left to walk, first first.
  const names: string[] = [];
  const nodes: N[] = [root];
  const todo = splitPath(path).reverse();
  const directory = endsAsDirectory(path);
  let links = 0;
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (name === '..') {
      if (names.length > 0) {
        names.pop();
        nodes.pop();
      }
      continue;
    }
    const dir = nodes[nodes.length - 1]!;
    // "a/." and "a/.." still need "a" to be a directory: it is last only if nothing follows.
    const last = todo.length === 0;
    const node = (yield { child: [dir, name] }) as N | undefined;
    if (node === undefined) {
      if (last && options.allowMissing) {
        return { path: joinComponents([...names, name]), node: undefined, parent: dir, name };
      }
      throw new FsError('ENOENT', `no such file: ${joinComponents([...names, name])}`);
    }
    const k = kind(node);
    // "link/" without following (unlink, rmdir, rename, readlink): Linux refuses it (ENOTDIR,
    // readlink EINVAL) rather than acting on the link or on its target; lstat passes follow.
    if (last && directory && (k === 'other' || (k === 'symlink' && !options.follow))) {
      throw new FsError('ENOTDIR', `not a directory: ${joinComponents([...names, name])}`);
    }
    if (k === 'symlink' && (!last || options.follow)) {
      if (++links > MAX_SYMLINKS) throw new FsError('ELOOP', `too many symbolic links in ${path}`);
      const target = (yield { target: node }) as string;
      if (target === '') throw new FsError('ENOENT', `empty symbolic link in ${path}`);
      if (target.startsWith('/')) {
        names.length = 0;
        nodes.length = 1;
      }
      todo.push(...splitPath(target).reverse());
      continue;
    }
    if (last) return { path: joinComponents([...names, name]), node, parent: dir, name };
    if (k !== 'directory')
      throw new FsError('ENOTDIR', `not a directory: ${joinComponents([...names, name])}`);
    names.push(name);
    nodes.push(node);
  }
  // Everything was "." or ".." (or the path was "/"): a directory already reached.
  const node = nodes[nodes.length - 1]!;
  const parent = nodes.length > 1 ? nodes[nodes.length - 2]! : root;
  return { path: joinComponents(names), node, parent, name: names[names.length - 1] ?? '' };
}

/** A tree whose lookups return at once (MemoryFileSystem). */
export interface SyncTree<N> {
  root: N;
  kind(node: N): NodeKind;
  child(dir: N, name: string): N | undefined;
  target(link: N): string;
}

/** A tree whose lookups are asynchronous (node:fs). */
export interface AsyncTree<N> {
  root: N;
  kind(node: N): NodeKind;
  child(dir: N, name: string): Promise<N | undefined>;
  target(link: N): Promise<string>;
}

export function resolveSync<N>(tree: SyncTree<N>, path: string, options: ResolveOptions): Resolved<N> {
  const steps = walk(tree.root, tree.kind, path, options);
  let next = steps.next();
  while (!next.done) {
    const ask = next.value;
    next = steps.next('child' in ask ? tree.child(...ask.child) : tree.target(ask.target));
  }
  return next.value;
}

export async function resolveAsync<N>(
  tree: AsyncTree<N>,
  path: string,
  options: ResolveOptions,
): Promise<Resolved<N>> {
  const steps = walk(tree.root, tree.kind, path, options);
  let next = steps.next();
  while (!next.done) {
    const ask = next.value;
    next = steps.next('child' in ask ? await tree.child(...ask.child) : await tree.target(ask.target));
  }
  return next.value;
}
