// The server's small parts on their own: path resolution (paths.ts), the `ls -l` longname
// (longname.ts), the errno → status mapping (status.ts) and the request scheduler (scheduler.ts).

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MalformedMessageError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import {
  FsError,
  formatLongname,
  MemoryFileSystem,
  resolveSync,
  type SFTPFileSystem,
  type SyncTree,
  statusForError,
} from '../src/index.js';
import { NodeFileSystem } from '../src/node/index.js';
import { RequestScheduler } from '../src/server/scheduler.js';

type N = { name: string; dir?: Record<string, N>; link?: string };
function tree(root: N): SyncTree<N> {
  return {
    root,
    kind: (n) => (n.dir ? 'directory' : n.link !== undefined ? 'symlink' : 'other'),
    child: (d, name) => d.dir?.[name],
    target: (n) => n.link!,
  };
}

describe('resolveSync (path_resolution(7), chroot rules)', () => {
  const t = tree({
    name: '/',
    dir: {
      a: {
        name: 'a',
        dir: { b: { name: 'b', dir: {} }, f: { name: 'f' }, up: { name: 'up', link: '../..' } },
      },
      abs: { name: 'abs', link: '/a/b' },
      rel: { name: 'rel', link: 'a/f' },
      loop: { name: 'loop', link: 'loop' },
      dangling: { name: 'dangling', link: '/nope/x' },
    },
  });
  const path = (p: string, follow = true, allowMissing = false) =>
    resolveSync(t, p, { follow, allowMissing }).path;

  it('normalises ".", "..", "//" and stops ".." at the root', () => {
    expect(path('/')).toBe('/');
    expect(path('//a/./b/')).toBe('/a/b');
    expect(path('/a/b/../../../..')).toBe('/');
    expect(path('/../a')).toBe('/a');
  });

  it('follows links where met, ".." after them; a last link only when asked', () => {
    expect(path('/abs')).toBe('/a/b');
    expect(path('/abs', false)).toBe('/abs');
    expect(path('/abs/..')).toBe('/a');
    expect(path('/rel')).toBe('/a/f');
    expect(path('/a/up/a/f')).toBe('/a/f');
    expect(resolveSync(t, '/a/up', { follow: true }).node).toBe(t.root);
  });

  it('missing, not-a-directory and loops are ENOENT, ENOTDIR and ELOOP', () => {
    const code = (p: string, allowMissing = false) => {
      try {
        resolveSync(t, p, { follow: true, allowMissing });
        return 'ok';
      } catch (e) {
        return (e as FsError).code;
      }
    };
    expect(code('/x')).toBe('ENOENT');
    expect(code('/x', true)).toBe('ok');
    expect(code('/x/y', true)).toBe('ENOENT');
    expect(code('/a/f/x')).toBe('ENOTDIR');
    expect(code('/a/f/..')).toBe('ENOTDIR');
    expect(code('/loop')).toBe('ELOOP');
    expect(code('/dangling')).toBe('ENOENT');
    expect(resolveSync(t, '/dangling', { follow: false }).path).toBe('/dangling');
  });

  it('a trailing "/" (or "/.") makes the last component resolve as a directory (Linux lstat("link/"))', () => {
    const code = (p: string, follow: boolean) => {
      try {
        return resolveSync(t, p, { follow }).path;
      } catch (e) {
        return (e as FsError).code;
      }
    };
    // Found by OpenSSH's `sftp` over our server: `ls link/` lstats "link/" and lists the
    // directory only when that stats the directory, as it does on Linux.
    expect(code('/abs/', true)).toBe('/a/b');
    expect(code('/abs/.', true)).toBe('/a/b');
    expect(code('/a/b/', false)).toBe('/a/b');
    // Not following (unlink, rmdir, rename of "link/"): ENOTDIR as Linux, never the link or its target.
    expect(code('/abs/', false)).toBe('ENOTDIR');
    // A file, or a link to one, is not a directory; "..." is a name, not dots.
    expect(code('/a/f/', true)).toBe('ENOTDIR');
    expect(code('/a/f/.', false)).toBe('ENOTDIR');
    expect(code('/rel/', true)).toBe('ENOTDIR');
    expect(code('/a/f', true)).toBe('/a/f');
    expect(code('/...', true)).toBe('ENOENT');
    expect(code('/', false)).toBe('/');
  });
});

describe('MemoryFileSystem and NodeFileSystem: "link/" as Linux treats it', () => {
  it('lstat and lsetstat follow it, remove / rmdir / rename / readlink refuse it, a file with "/" is ENOTDIR', async () => {
    const memory = new MemoryFileSystem();
    memory.mkdirp('/d/sub');
    memory.writeFile('/f', 'f');
    await memory.symlink('d', '/l');
    const disk = await mkdtemp(join(tmpdir(), 'sshts-slash-'));
    mkdirSync(join(disk, 'd/sub'), { recursive: true });
    writeFileSync(join(disk, 'f'), 'f');
    symlinkSync('d', join(disk, 'l'));
    try {
      for (const fs of [memory, new NodeFileSystem(disk)] as SFTPFileSystem[]) {
        const name = fs.constructor.name;
        expect((await fs.lstat('/l/')).mode & 0o170000, name).toBe(0o040000);
        expect((await fs.lstat('/l')).mode & 0o170000, name).toBe(0o120000);
        await fs.lsetstat('/l/', { atime: 1000, mtime: 2000 });
        expect((await fs.stat('/d')).mtime, name).toBe(2000);
        for (const [what, op] of [
          ['lstat f/', () => fs.lstat('/f/')],
          ['stat f/', () => fs.stat('/f/')],
          ['remove l/', () => fs.remove('/l/')],
          ['rmdir l/', () => fs.rmdir('/l/')],
          ['rename l/', () => fs.rename('/l/', '/m', true)],
          ['readlink l/', () => fs.readlink('/l/')],
        ] as const) {
          await expect(op(), `${name} ${what}`).rejects.toMatchObject({ code: 'ENOTDIR' });
        }
        expect((await fs.lstat('/l')).mode & 0o170000, `${name}: the link is still there`).toBe(0o120000);
        expect((await fs.lstat('/d/sub')).mode & 0o170000, name).toBe(0o040000);
      }
    } finally {
      await rm(disk, { recursive: true, force: true });
    }
  });
});

describe('formatLongname (OpenSSH ls_file)', () => {
  const now = Date.UTC(2024, 5, 15) / 1000;
  it('strmode with setuid, setgid and sticky bits; owner and group padded; recent and old dates', () => {
    const line = formatLongname(
      'f',
      { mode: 0o104755, size: 1234, uid: 0, gid: 0, atime: 0, mtime: now - 3600, nlink: 1 },
      'root',
      'wheel',
      now,
    );
    expect(line).toMatch(/^-rwsr-xr-x {4}1 root {5}wheel {8}1234 Jun 1[45] \d\d:\d\d f$/);
    const old = formatLongname(
      'd',
      { mode: 0o043777, size: 4096, uid: 1000, gid: 1000, atime: 0, mtime: now - 400 * 86400, nlink: 12 },
      undefined,
      undefined,
      now,
    );
    expect(old).toMatch(/^drwxrwsrwt {3}12 1000 {5}1000 {9}4096 May 1[0-3] {2}2023 d$/);
    expect(
      formatLongname('l', { mode: 0o120777, size: 3, uid: 0, gid: 0, atime: 0, mtime: now }, 'a', 'b', now),
    ).toMatch(/^lrwxrwxrwx/);
    expect(
      formatLongname('x', { mode: 0o106000, size: 0, uid: 0, gid: 0, atime: 0, mtime: now }, 'a', 'b', now),
    ).toMatch(/^-{3}S-{2}S-{3} /);
  });
});

describe('statusForError (sftp-server.c errno_to_portable)', () => {
  it.each([
    ['ENOENT', 2],
    ['ENOTDIR', 2],
    ['EBADF', 2],
    ['ELOOP', 2],
    ['EPERM', 3],
    ['EACCES', 3],
    ['EFAULT', 3],
    ['ENAMETOOLONG', 5],
    ['EINVAL', 5],
    ['ENOSYS', 8],
    ['EEXIST', 4],
    ['ENOTEMPTY', 4],
    ['EISDIR', 4],
    ['ENOSPC', 4],
  ])('%s → %i', (code, status) => {
    expect(statusForError(new FsError(code))).toBe(status);
    expect(statusForError(Object.assign(new Error('node'), { code }))).toBe(status);
  });
  it('a malformed field is BAD_MESSAGE; anything else FAILURE', () => {
    expect(statusForError(new MalformedMessageError('x', 'y'))).toBe(5);
    expect(statusForError(new TypeError('bug'))).toBe(4);
    expect(statusForError(undefined)).toBe(4);
  });
});

describe('RequestScheduler (draft-02 §6.1)', () => {
  it('shared tasks overlap, exclusive ones run alone, all in arrival order', async () => {
    const s = new RequestScheduler(4);
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`+${name}:${running}`);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      log.push(`-${name}`);
    };
    s.submit('shared', task('r1', 20));
    s.submit('shared', task('r2', 5));
    s.submit('exclusive', task('w', 5));
    s.submit('shared', task('r3', 1));
    for (let i = 0; i < 6; i++) s.submit('shared', task(`q${i}`, 5));
    expect(s.pending).toBe(10);
    await s.waitBelow(1);
    expect(s.pending).toBe(0);
    // r1 and r2 together; w only after both ended and alone; r3 only after w.
    expect(log.slice(0, 2)).toEqual(['+r1:1', '+r2:2']);
    const w = log.indexOf('+w:1');
    expect(w).toBeGreaterThan(log.indexOf('-r1'));
    expect(log.indexOf('+r3:1')).toBeGreaterThan(log.indexOf('-w'));
    expect(maxRunning).toBe(4); // r3 + q0..q5 overlap, but never more than maxShared
  });

  it('a failing task does not stop the others', async () => {
    const s = new RequestScheduler(2);
    let ran = 0;
    s.submit('exclusive', async () => {
      throw new Error('boom');
    });
    s.submit('shared', async () => {
      ran++;
    });
    await s.waitBelow(1);
    expect(ran).toBe(1);
  });
});
