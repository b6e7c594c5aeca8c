// SFTPServer on a MemoryFileSystem, driven by our SFTPClient: every v3 request and every
// extension, each result checked through the filesystem's own API (what the server really did),
// plus the POSIX corners a client can observe.
import { afterEach, describe, expect, it } from 'vitest';
import { FileType, MemoryFileSystem, SFTPError } from '../src/index.js';
import { sameBytes } from './scripted-server.js';
import { type Served, serveClient, walkTree } from './server-helpers.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const NOW = 1_700_000_000;

let s: Served | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function memory(options: ConstructorParameters<typeof MemoryFileSystem>[0] = {}) {
  return new MemoryFileSystem({
    now: () => NOW,
    users: { 0: 'root', 1000: 'alice' },
    groups: { 0: 'wheel' },
    ...options,
  });
}

describe('SFTPServer × MemoryFileSystem through SFTPClient', () => {
  it('VERSION offers all eleven OpenSSH extensions with their versions; limits are the real ones', async () => {
    s = await serveClient(memory());
    expect({ ...s.client.extensions }).toEqual({
      'posix-rename@openssh.com': '1',
      'statvfs@openssh.com': '2',
      'fstatvfs@openssh.com': '2',
      'hardlink@openssh.com': '1',
      'fsync@openssh.com': '1',
      'lsetstat@openssh.com': '1',
      'limits@openssh.com': '1',
      'expand-path@openssh.com': '1',
      'copy-data': '1',
      'home-directory': '1',
      'users-groups-by-id@openssh.com': '1',
    });
    expect(s.client.limits).toEqual({
      maxPacketLength: 262144,
      maxReadLength: 261120,
      maxWriteLength: 261120,
      maxOpenHandles: 256,
    });
    expect(s.client.transferSizes.readChunk).toBe(261120);
  });

  it('without names or statvfs the extensions needing them are not offered', async () => {
    const fs = new MemoryFileSystem();
    const bare = Object.assign(Object.create(fs), { statvfs: undefined, hardlink: undefined });
    s = await serveClient(bare);
    expect(s.client.extensions).not.toHaveProperty(['statvfs@openssh.com']);
    expect(s.client.extensions).not.toHaveProperty(['hardlink@openssh.com']);
    expect(s.client.extensions).not.toHaveProperty(['users-groups-by-id@openssh.com']);
    // A request for one not offered is OP_UNSUPPORTED even so (sent by hand: the client won't).
    const reply = await s.client.request(200, (w) => w.string('statvfs@openssh.com').string('/'));
    expect(reply.type).toBe(101);
    expect(reply.reader.uint32()).toBe(8);
  });

  it('files: write, read at positions, append, exclusive create, truncate on open', async () => {
    const fs = memory();
    s = await serveClient(fs);
    const c = s.client;
    await c.writeFile('/a', 'hello world');
    expect(text(fs.readFile('/a'))).toBe('hello world');
    const f = await c.open('/c', 'w+', 0o640);
    await f.write('0123456789');
    await f.write('AB', 4);
    expect(text(await f.read(100, 0))).toBe('0123AB6789');
    expect((await f.read(10, 10)).length).toBe(0);
    await f.write('Z', 15); // past the end: a hole of zeros
    await f.close();
    expect(fs.readFile('/c')).toEqual(
      new Uint8Array([...'0123AB6789'].map((ch) => ch.charCodeAt(0)).concat([0, 0, 0, 0, 0, 90])),
    );
    expect((await fs.stat('/c')).mode & 0o777).toBe(0o640 & ~0o022);
    const ap = await c.open('/a', 'a');
    await ap.write('!', 0); // APPEND: the offset is ignored
    await ap.close();
    expect(text(fs.readFile('/a'))).toBe('hello world!');
    await expect(c.open('/a', 'wx')).rejects.toMatchObject({ code: 'EEXIST', status: 4 });
    await c.symlink('/nowhere', '/dangling');
    await expect(c.open('/dangling', 'wx')).rejects.toMatchObject({ code: 'EEXIST' });
    await (await c.open('/dangling', 'w')).close(); // O_CREAT through a dangling link creates its target
    expect(fs.readFile('/nowhere')).toEqual(new Uint8Array(0));
    await c.writeFile('/a', 'x');
    expect(text(fs.readFile('/a'))).toBe('x');
    await expect(c.open('/missing', 'r')).rejects.toMatchObject({ code: 'ENOENT', status: 2 });
    await expect(c.open('/missing/x', 'w')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.open('/a/x', 'w')).rejects.toMatchObject({ status: 2 }); // ENOTDIR → NO_SUCH_FILE
  });

  it('a read-only handle refuses WRITE and a write-only one READ (EBADF, as sftp-server)', async () => {
    const fs = memory();
    fs.writeFile('/f', 'data');
    s = await serveClient(fs);
    const r = await s.client.open('/f', 'r');
    await expect(r.write('x', 0)).rejects.toBeInstanceOf(SFTPError);
    await r.close();
    const w = await s.client.open('/f', 'r+');
    await w.write('D', 0);
    await w.close();
    expect(text(fs.readFile('/f'))).toBe('Data');
  });

  it('stat, lstat, fstat; setstat and fsetstat change what they say', async () => {
    const fs = memory({ uid: 1000, gid: 0 });
    fs.writeFile('/f', '0123456789');
    s = await serveClient(fs);
    const c = s.client;
    await c.symlink('f', '/l');
    const st = await c.stat('/l');
    expect(st).toMatchObject({
      size: 10,
      uid: 1000,
      gid: 0,
      mode: FileType.FILE | 0o644,
      mtime: NOW,
      atime: NOW,
    });
    const lst = await c.lstat('/l');
    expect(lst.isSymbolicLink()).toBe(true);
    expect(lst.size).toBe(1);
    await c.chmod('/l', 0o4751); // follows the link
    expect((await fs.lstat('/f')).mode).toBe(FileType.FILE | 0o4751);
    await c.utimes('/f', 1000, 2000);
    await c.chown('/f', 7, 8);
    await c.truncate('/f', 3);
    expect(await fs.stat('/f')).toMatchObject({ atime: 1000, mtime: NOW, uid: 7, gid: 8, size: 3 });
    const file = await c.open('/f', 'r+');
    expect((await file.stat()).size).toBe(3);
    await file.setstat({ size: 5, mode: 0o600, atime: 5, mtime: 6, uid: 1, gid: 2 });
    await file.close();
    expect(await fs.stat('/f')).toMatchObject({
      size: 5,
      mode: FileType.FILE | 0o600,
      atime: 5,
      mtime: 6,
      uid: 1,
      gid: 2,
    });
    expect(fs.readFile('/f')).toEqual(new Uint8Array([48, 49, 50, 0, 0]));
    await expect(c.truncate('/', 0)).rejects.toBeInstanceOf(SFTPError);
  });

  it('lsetstat@openssh.com changes the link itself; a size is BAD_MESSAGE', async () => {
    const fs = memory();
    fs.writeFile('/f', 'x');
    s = await serveClient(fs);
    await s.client.symlink('f', '/l');
    await s.client.lsetstat('/l', { atime: 1, mtime: 2, uid: 3, gid: 4 });
    expect(await fs.lstat('/l')).toMatchObject({ mtime: 2, uid: 3, gid: 4 });
    expect(await fs.stat('/f')).toMatchObject({ mtime: NOW, uid: 0 });
    await expect(s.client.lsetstat('/l', { size: 0 })).rejects.toMatchObject({ status: 5 });
  });

  it('directories: mkdir, readdir in batches of at most 100 with longnames, rmdir', async () => {
    const fs = memory();
    s = await serveClient(fs);
    const c = s.client;
    await c.mkdir('/d', 0o750);
    expect((await fs.stat('/d')).mode).toBe(FileType.DIRECTORY | 0o750);
    for (let i = 0; i < 250; i++) fs.writeFile(`/d/file ${i} ✓`, String(i));
    let batches = 0;
    const seen: string[] = [];
    const h = await c.request(11, (w) => w.string('/d'));
    const handle = h.reader.string().slice();
    for (;;) {
      const reply = await c.request(12, (w) => w.string(handle));
      if (reply.type === 101) break;
      const count = reply.reader.uint32();
      expect(count).toBeLessThanOrEqual(100);
      batches++;
      for (let i = 0; i < count; i++) {
        seen.push(new TextDecoder().decode(reply.reader.string()));
        reply.reader.string();
        const flags = reply.reader.uint32();
        expect(flags).toBe(0xf);
        reply.reader.uint64();
        reply.reader.uint32();
        reply.reader.uint32();
        reply.reader.uint32();
        reply.reader.uint32();
        reply.reader.uint32();
      }
    }
    await c.request(4, (w) => w.string(handle));
    expect(batches).toBe(3);
    expect(seen).toContain('.');
    expect(seen).toContain('..');
    expect(seen).toHaveLength(252);
    const entries = await c.readdir('/');
    expect(entries.map((e) => e.filename)).toEqual(['d']);
    // ls_file's layout: strmode, links in 3, owner and group padded to 8, size in 8, an old date.
    expect(entries[0]!.longname).toMatch(/^drwxr-x--- {4}2 root {5}wheel {8}4096 Nov 1[45] {2}2023 d$/);
    await expect(c.mkdir('/d')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(c.rmdir('/d')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await expect(c.rmdir('/d/file 1 ✓')).rejects.toMatchObject({ status: 2 }); // ENOTDIR
    // ENOTDIR is NO_SUCH_FILE in v3 (errno_to_portable), as from OpenSSH.
    await expect(c.readdir('/d/file 1 ✓')).rejects.toMatchObject({ status: 2 });
    await c.mkdir('/e');
    await c.rmdir('/e');
    await expect(fs.stat('/e')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.rmdir('/')).rejects.toBeInstanceOf(SFTPError);
  });

  it('remove, rename (draft RENAME refuses an existing name, posix-rename replaces), symlink, readlink, hardlink', async () => {
    const fs = memory();
    fs.writeFile('/a', 'A');
    fs.writeFile('/b', 'B');
    fs.mkdirp('/dir/sub');
    s = await serveClient(fs);
    const c = s.client;
    // draft-02 RENAME, sent by hand (the client prefers posix-rename when offered)
    const plain = await c.request(18, (w) => w.string('/a').string('/b'));
    expect(plain.reader.uint32()).toBe(4);
    expect(text(fs.readFile('/b'))).toBe('B');
    await c.rename('/a', '/b');
    expect(text(fs.readFile('/b'))).toBe('A');
    await expect(fs.stat('/a')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.rename('/dir', '/dir/sub/inside')).rejects.toBeInstanceOf(SFTPError);
    await c.rename('/dir/sub', '/sub2');
    expect((await fs.stat('/sub2')).mode & FileType.MASK).toBe(FileType.DIRECTORY);
    await c.remove('/b');
    await expect(c.remove('/b')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.remove('/dir')).rejects.toBeInstanceOf(SFTPError);
    fs.writeFile('/t', 'target');
    await c.symlink('t', '/dir/up'); // relative to the link's directory: /dir/t, missing
    await expect(c.readFile('/dir/up')).rejects.toMatchObject({ code: 'ENOENT' });
    await c.symlink('../t', '/dir/up2');
    expect(text(await c.readFile('/dir/up2'))).toBe('target');
    expect(await c.readlink('/dir/up2')).toBe('../t');
    expect(await fs.readlink('/dir/up2')).toBe('../t');
    await expect(c.readlink('/t')).rejects.toMatchObject({ status: 5 }); // EINVAL → BAD_MESSAGE
    await expect(c.symlink('x', '/t')).rejects.toMatchObject({ code: 'EEXIST' });
    await c.hardlink('/t', '/hard');
    expect((await fs.stat('/t')).nlink).toBe(2);
    await c.remove('/t');
    expect(text(fs.readFile('/hard'))).toBe('target');
    await expect(c.hardlink('/dir', '/dir2')).rejects.toBeInstanceOf(SFTPError);
  });

  it('an unlinked file stays readable and writable through a handle open on it', async () => {
    const fs = memory();
    fs.writeFile('/f', 'keep me');
    s = await serveClient(fs);
    const f = await s.client.open('/f', 'r+');
    await s.client.remove('/f');
    expect(text(await f.read(100, 0))).toBe('keep me');
    await f.write('K', 0);
    expect(text(await f.read(100, 0))).toBe('Keep me');
    const used = fs.usedBytes;
    await f.close();
    expect(fs.usedBytes).toBe(used - 7);
  });

  it('realpath and expand-path resolve ".", "..", links and "~"; the last component may be missing', async () => {
    const fs = memory();
    fs.mkdirp('/home/alice/docs');
    fs.mkdirp('/x/y');
    s = await serveClient(fs, { home: '/home/alice', user: 'alice' });
    const c = s.client;
    await c.symlink('/x/y', '/home/alice/link');
    expect(await c.realpath('.')).toBe('/home/alice');
    expect(await c.realpath('')).toBe('/home/alice');
    expect(await c.realpath('docs/../docs/./')).toBe('/home/alice/docs');
    expect(await c.realpath('link/..')).toBe('/x'); // ".." after the link, as the kernel does
    expect(await c.realpath('/../../..')).toBe('/');
    expect(await c.realpath('new-file')).toBe('/home/alice/new-file');
    await expect(c.realpath('missing/deeper')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await c.expandPath('~')).toBe('/home/alice');
    expect(await c.expandPath('~/docs')).toBe('/home/alice/docs');
    expect(await c.expandPath('~alice/link')).toBe('/x/y');
    await expect(c.expandPath('~bob')).rejects.toMatchObject({ status: 4 });
    expect(await c.homeDirectory('alice')).toBe('/home/alice');
    expect(await c.homeDirectory('')).toBe('/home/alice');
    await expect(c.homeDirectory('bob')).rejects.toMatchObject({ status: 4 });
    // relative paths start at home
    await c.writeFile('docs/n.txt', 'n');
    expect(text(fs.readFile('/home/alice/docs/n.txt'))).toBe('n');
  });

  it('symbolic link loops end in ELOOP (NO_SUCH_FILE); a chain of 40 resolves, 41 does not', async () => {
    const fs = memory();
    fs.writeFile('/end', 'end');
    s = await serveClient(fs);
    const c = s.client;
    await c.symlink('/b', '/a');
    await c.symlink('/a', '/b');
    await c.symlink('self', '/self');
    for (const p of ['/a', '/self', '/a/x']) {
      await expect(c.stat(p)).rejects.toMatchObject({ status: 2 });
    }
    await expect(c.open('/a', 'w')).rejects.toMatchObject({ status: 2 });
    expect((await c.lstat('/a')).isSymbolicLink()).toBe(true);
    let prev = '/end';
    for (let i = 1; i <= 41; i++) {
      await c.symlink(prev, `/chain${i}`);
      prev = `/chain${i}`;
    }
    expect(text(await c.readFile('/chain40'))).toBe('end');
    await expect(c.readFile('/chain41')).rejects.toMatchObject({ status: 2 });
    await expect(fs.stat('/chain41')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('statvfs / fstatvfs, fsync, copy-data, users-groups-by-id', async () => {
    const fs = memory({ maxBytes: 4096 * 100, maxNodes: 50 });
    fs.writeFile('/src', '0123456789');
    s = await serveClient(fs);
    const c = s.client;
    const v = await c.statvfs('/');
    expect(v).toMatchObject({ bsize: 4096, blocks: 100, files: 50, namemax: 255 });
    expect(v.ffree).toBe(48);
    const from = await c.open('/src', 'r');
    const to = await c.open('/dst', 'w');
    expect((await to.statvfs()).blocks).toBe(100);
    await c.copyData(from, 2, 5, to, 0);
    await c.copyData(from, 0, 0, to, 5);
    await expect(c.copyData(from, 0, 0, from, 0)).rejects.toMatchObject({ status: 4 });
    await expect(c.copyData(to, 0, 0, from, 0)).rejects.toMatchObject({ status: 3 });
    await to.fsync();
    await from.close();
    await to.close();
    expect(text(fs.readFile('/dst'))).toBe('234560123456789');
    expect(await c.usersGroupsById([0, 1000, 4_000_000_000], [0, 5])).toEqual({
      users: ['root', 'alice', ''],
      groups: ['wheel', ''],
    });
  });

  it('read-only mode: every change is PERMISSION_DENIED, reads work, statvfs says ST_RDONLY', async () => {
    const fs = memory();
    fs.writeFile('/f', 'data');
    s = await serveClient(fs, { readOnly: true });
    const c = s.client;
    await expect(c.writeFile('/f', 'x')).rejects.toMatchObject({ code: 'EACCES' });
    await expect(c.open('/g', 'a')).rejects.toMatchObject({ code: 'EACCES' });
    for (const p of [
      c.mkdir('/d'),
      c.remove('/f'),
      c.rename('/f', '/g'),
      c.symlink('f', '/l'),
      c.hardlink('/f', '/h'),
      c.chmod('/f', 0o777),
      c.lsetstat('/f', { mode: 0o777 }),
      c.rmdir('/'),
    ]) {
      await expect(p).rejects.toMatchObject({ status: 3 });
    }
    const f = await c.open('/f', 'r');
    await expect(f.chmod(0o777)).rejects.toMatchObject({ status: 3 });
    await f.close();
    expect(text(await c.readFile('/f'))).toBe('data');
    expect((await c.statvfs('/')).flag & 1).toBe(1);
    expect(Object.keys(await walkTree(fs))).toEqual(['/f']);
  });

  it('bounds: the store refuses what it cannot hold (ENOSPC / EFBIG as FAILURE), names over 255 bytes', async () => {
    const fs = memory({ maxBytes: 100_000, maxFileSize: 50_000, maxNodes: 5 });
    s = await serveClient(fs);
    const c = s.client;
    const f = await c.open('/big', 'w');
    await expect(f.write(new Uint8Array(1), 2 ** 40)).rejects.toMatchObject({ status: 4 });
    await expect(f.write(new Uint8Array(60_000), 0)).rejects.toMatchObject({ status: 4 });
    await f.write(new Uint8Array(40_000), 0);
    await f.close();
    await c.writeFile('/big2', new Uint8Array(40_000));
    await expect(c.writeFile('/big3', new Uint8Array(40_000))).rejects.toMatchObject({ status: 4 });
    expect(fs.usedBytes).toBeLessThanOrEqual(100_000);
    await expect(c.mkdir(`/${'n'.repeat(256)}`)).rejects.toMatchObject({ status: 5 }); // ENAMETOOLONG
    await c.mkdir('/m1');
    await expect(c.mkdir('/m2')).rejects.toMatchObject({ status: 4 }); // nodes: root + 3 files + m1
  });

  it('open handles are capped, limits@openssh.com says so, and a closed handle frees its slot', async () => {
    const fs = memory();
    fs.writeFile('/f', 'x');
    s = await serveClient(fs, { maxOpenHandles: 3 });
    const c = s.client;
    expect(c.limits?.maxOpenHandles).toBe(3);
    const files = [await c.open('/f', 'r'), await c.open('/f', 'r'), await c.open('/f', 'r')];
    await expect(c.open('/f', 'r')).rejects.toMatchObject({ status: 4 });
    await expect(c.readdir('/')).rejects.toMatchObject({ status: 4 });
    await files[0]!.close();
    const again = await c.open('/f', 'r');
    await again.close();
    await files[1]!.close();
    await files[2]!.close();
  });

  it('pipelined transfers: 5 MiB put and get keep every byte; the client sizes its requests to 255 KiB', async () => {
    const fs = memory();
    s = await serveClient(fs);
    const data = new Uint8Array(5 * 1024 * 1024 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >>> 11)) & 0xff;
    await s.client.writeFile('/blob', data);
    expect(sameBytes(fs.readFile('/blob'), data)).toBeUndefined();
    expect(sameBytes(await s.client.readFile('/blob'), data)).toBeUndefined();
  });

  it('the session ends at the client EOF: serve() resolves and open handles are closed', async () => {
    const fs = memory();
    fs.writeFile('/f', 'x');
    const served = await serveClient(fs);
    await served.client.open('/f', 'r+');
    await served.client.open('/f', 'r');
    await served.close();
    await expect(served.served).resolves.toBeUndefined();
    // Each handle counted the open file; closing both released it for an unlink to free.
    await fs.remove('/f');
    expect(fs.usedBytes).toBe(0);
  });
});
