// NodeFileSystem's confinement (confined-root.ts) through our SFTPClient and directly: the root
// is "/", ".." stops there, an absolute link target starts there again, and whatever links say —
// left on disk by someone else or made by the client — nothing outside is read, written, listed
// or changed. Plus the post-open check that catches a file opened outside by a race.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, open, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfinedRoot } from '../src/node/confined-root.js';
import { NodeFileSystem } from '../src/node/index.js';
import { type Served, serveClient } from './server-helpers.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

let base: string;
let root: string;
let outside: string;
let s: Served;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'sshts-confine-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'deep', 'dir'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'SECRET');
  writeFileSync(join(root, 'inside'), 'inside');
  symlinkSync('/etc', join(root, 'etc-link'));
  symlinkSync(join(outside, 'secret'), join(root, 'host-abs'));
  symlinkSync('../../../../../../../../..', join(root, 'deep', 'dir', 'up'));
  symlinkSync('../outside', join(root, 'rel-out'));
  symlinkSync('..', join(root, 'dotdot'));
  s = await serveClient(new NodeFileSystem(root));
});

afterEach(async () => {
  await s.close();
  await rm(base, { recursive: true, force: true });
});

function outsideUntouched(): void {
  expect(readdirSync(outside)).toEqual(['secret']);
  expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('SECRET');
  expect(statSync(join(outside, 'secret')).mode & 0o777).toBe(0o644);
  expect(readdirSync(base).sort()).toEqual(['outside', 'root']);
}

describe('NodeFileSystem confinement', () => {
  it('the root is "/": ".." and links pointing up end there', async () => {
    const c = s.client;
    expect(await c.realpath('.')).toBe('/');
    expect(await c.realpath('/../../..')).toBe('/');
    expect(await c.realpath('/deep/dir/up')).toBe('/');
    expect(await c.realpath('/dotdot/dotdot/inside')).toBe('/inside');
    expect(await c.realpath('/rel-out')).toBe('/outside'); // a name under the root, missing
    await expect(c.realpath('/rel-out/secret')).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await c.listdir('/dotdot')).sort()).toEqual((await c.listdir('/')).sort());
    expect((await c.listdir('/deep/dir/up')).sort()).toContain('inside');
    const dots = await c.request(11, (w) => w.string('/'));
    expect(dots.type).toBe(102);
    expect(text(await c.readFile('/../inside'))).toBe('inside');
  });

  it('links to the host (absolute or climbing) are followed inside the root, so they lead nowhere', async () => {
    const c = s.client;
    for (const p of ['/etc-link/passwd', '/host-abs', '/rel-out/secret', '/deep/dir/up/outside/secret']) {
      await expect(c.readFile(p), p).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(c.stat(p), p).rejects.toMatchObject({ status: 2 });
    }
    await expect(c.readdir('/etc-link')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.readdir('/rel-out')).rejects.toMatchObject({ code: 'ENOENT' });
    // readlink shows the stored text: it is only text.
    expect(await c.readlink('/host-abs')).toBe(join(outside, 'secret'));
    expect((await c.lstat('/host-abs')).isSymbolicLink()).toBe(true);
    outsideUntouched();
  });

  it('writes, changes and removals through such links fail or land inside; outside stays as it was', async () => {
    const c = s.client;
    await expect(c.writeFile('/rel-out/secret', 'pwned')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.writeFile('/etc-link/x', 'pwned')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.writeFile('/host-abs', 'pwned')).rejects.toMatchObject({ code: 'ENOENT' });
    // O_CREAT through a dangling link creates its target — under the root.
    symlinkSync('/made-here', join(root, 'dangling'));
    await c.writeFile('/dangling', 'made');
    expect(readFileSync(join(root, 'made-here'), 'utf8')).toBe('made');
    await expect(c.chmod('/rel-out/secret', 0o777)).rejects.toBeInstanceOf(Error);
    await expect(c.truncate('/rel-out/secret', 0)).rejects.toBeInstanceOf(Error);
    await expect(c.remove('/rel-out/secret')).rejects.toBeInstanceOf(Error);
    await expect(c.mkdir('/rel-out/new')).rejects.toBeInstanceOf(Error);
    await expect(c.rename('/inside', '/rel-out/moved')).rejects.toBeInstanceOf(Error);
    await expect(c.symlink('/etc/passwd', '/rel-out/planted')).rejects.toBeInstanceOf(Error);
    await expect(c.hardlink('/inside', '/rel-out/hard')).rejects.toBeInstanceOf(Error);
    await c.rename('/inside', '/../../moved'); // "/moved"
    expect(existsSync(join(root, 'moved'))).toBe(true);
    // A hard link of a link is a link (link(2) does not follow): still nothing to read.
    await c.hardlink('/rel-out', '/rel-out-2');
    await expect(c.readFile('/rel-out-2/secret')).rejects.toMatchObject({ code: 'ENOENT' });
    // The client's own links: stored as given, followed inside.
    await c.symlink(join(outside, 'secret'), '/mine');
    expect(lstatSync(join(root, 'mine')).isSymbolicLink()).toBe(true);
    await expect(c.readFile('/mine')).rejects.toMatchObject({ code: 'ENOENT' });
    await c.symlink('/made-here', '/mine2');
    expect(text(await c.readFile('/mine2'))).toBe('made');
    await c.lsetstat('/rel-out', { atime: 1, mtime: 1 });
    await expect(c.rmdir('/')).rejects.toBeInstanceOf(Error);
    await expect(c.rename('/', '/x')).rejects.toBeInstanceOf(Error);
    outsideUntouched();
  });

  it('a root given through a link works; a sibling whose name extends the root is outside', async () => {
    symlinkSync(root, join(base, 'via-link'));
    const other = await serveClient(new NodeFileSystem(join(base, 'via-link')));
    try {
      expect(text(await other.client.readFile('/inside'))).toBe('inside');
    } finally {
      await other.close();
      await rm(join(base, 'via-link'));
    }
    const confined = new ConfinedRoot(root);
    expect(confined.within(root, `${root}/x`)).toBe(true);
    expect(confined.within(root, root)).toBe(true);
    expect(confined.within(root, `${root}evil/x`)).toBe(false);
    expect(confined.within(root, base)).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    'a file found open outside the root is closed and refused (EACCES)',
    async () => {
      const confined = new ConfinedRoot(root);
      const inside = await open(join(root, 'inside'), 'r');
      await confined.checkOpened(inside);
      await inside.close();
      const stray = await open(join(outside, 'secret'), 'r');
      await expect(confined.checkOpened(stray)).rejects.toMatchObject({ code: 'EACCES' });
      await expect(stray.stat()).rejects.toMatchObject({ code: 'EBADF' }); // closed
    },
  );

  it('a directory swapped for a link after resolution is refused', async () => {
    const confined = new ConfinedRoot(root);
    const at = await confined.locate('/deep/dir', { follow: true });
    await rm(join(root, 'deep', 'dir'), { recursive: true });
    symlinkSync(outside, join(root, 'deep', 'dir'));
    await expect(confined.checkDirectory(await confined.base(), at.real)).rejects.toMatchObject({
      code: 'EACCES',
    });
    // And resolving afresh follows the new link inside the root, to nothing.
    await expect(confined.locate('/deep/dir/secret', { follow: true })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
