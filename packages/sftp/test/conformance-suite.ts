// Issue 6's conformance suite, run against every real SFTP server (sshd's internal-sftp, the
// sftp-server program over stdio, Dropbear, AsyncSSH): every v3 operation and every extension the
// server offers, each result compared with what the filesystem itself shows (node:fs on the same
// directory). Each test works in a fresh subdirectory of the server's start directory.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statfsSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SFTPClient } from '../src/node/index.js';
import { type ExtensionName, SFTPError } from '../src/node/index.js';

export interface SftpTarget {
  client: SFTPClient;
  /** The start directory as the server names it (REALPATH "."). */
  remote: string;
  /** The same directory as this process reaches it. */
  local: string;
  /** The login user, for home-directory. */
  user: string;
  /** What home-directory(user) answers on this server, when the test knows it. */
  home?: string;
  close(): Promise<void>;
}

/** The extensions each server is known to offer (the test fails if one goes missing). */
export type ExpectedExtensions = readonly ExtensionName[];

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export function defineSftpConformance(
  label: string,
  open: () => Promise<SftpTarget>,
  expected: { extensions: ExpectedExtensions },
): void {
  describe(`SFTP conformance × ${label}`, () => {
    let t: SftpTarget;
    let n = 0;
    let scratch: string;
    /** A fresh subdirectory for one test, by its remote and local names. */
    const fresh = () => {
      const name = `t${n++}`;
      mkdirSync(join(t.local, name));
      return { r: `${t.remote}/${name}`, l: join(t.local, name) };
    };
    beforeAll(async () => {
      t = await open();
      scratch = await mkdtemp(join(tmpdir(), 'sftp-local-'));
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it('offers the extensions this server is known for; REALPATH "." is the start directory', async () => {
      for (const name of expected.extensions) expect(t.client.extensions, name).toHaveProperty([name]);
      expect(await t.client.realpath('.')).toBe(t.remote);
    });

    it('writeFile / readFile / open+write+read at positions / append / exclusive create', async () => {
      const d = fresh();
      await t.client.writeFile(`${d.r}/a`, 'hello world');
      expect(readFileSync(join(d.l, 'a'), 'utf8')).toBe('hello world');
      writeFileSync(join(d.l, 'b'), 'from the filesystem');
      expect(new TextDecoder().decode(await t.client.readFile(`${d.r}/b`))).toBe('from the filesystem');

      const f = await t.client.open(`${d.r}/c`, 'w+', 0o640);
      await f.write('0123456789');
      await f.write('AB', 4);
      expect(new TextDecoder().decode(await f.read(100, 0))).toBe('0123AB6789');
      expect((await f.read(10, 10)).length).toBe(0); // at EOF: empty
      await f.close();
      expect(readFileSync(join(d.l, 'c'), 'utf8')).toBe('0123AB6789');
      // The server's umask may clear bits, never add them.
      expect(statSync(join(d.l, 'c')).mode & 0o777 & ~0o640).toBe(0);

      const a = await t.client.open(`${d.r}/c`, 'a');
      await a.write('+tail');
      await a.close();
      expect(readFileSync(join(d.l, 'c'), 'utf8')).toBe('0123AB6789+tail');

      await expect(t.client.open(`${d.r}/c`, 'wx')).rejects.toMatchObject({
        code: 'EEXIST',
        path: `${d.r}/c`,
      });
      const x = await t.client.open(`${d.r}/new`, 'wx');
      await x.close();
      expect(existsSync(join(d.l, 'new'))).toBe(true);
    });

    it('stat / lstat / fstat report what stat(2) does', async () => {
      const d = fresh();
      writeFileSync(join(d.l, 'f'), randomBytes(12345));
      symlinkSync('f', join(d.l, 'link'));
      const fs = statSync(join(d.l, 'f'));
      for (const attrs of [await t.client.stat(`${d.r}/f`), await t.client.stat(`${d.r}/link`)]) {
        expect(attrs.size).toBe(12345);
        expect(attrs.mode).toBe(fs.mode);
        expect(attrs.mtime).toBe(Math.floor(fs.mtimeMs / 1000));
        expect(attrs.isFile()).toBe(true);
        if (attrs.uid !== undefined) expect([attrs.uid, attrs.gid]).toEqual([fs.uid, fs.gid]);
      }
      const l = await t.client.lstat(`${d.r}/link`);
      expect(l.isSymbolicLink()).toBe(true);
      expect(l.mode).toBe(lstatSync(join(d.l, 'link')).mode);
      const file = await t.client.open(`${d.r}/f`, 'r');
      expect((await file.stat()).size).toBe(12345);
      await file.close();
      expect((await t.client.stat(d.r)).isDirectory()).toBe(true);
      expect(await t.client.exists(`${d.r}/f`)).toBe(true);
      expect(await t.client.exists(`${d.r}/missing`)).toBe(false);
    });

    it('setstat: chmod, utimes, truncate, chown; fsetstat through the file', async () => {
      const d = fresh();
      writeFileSync(join(d.l, 'f'), '0123456789');
      await t.client.chmod(`${d.r}/f`, 0o604);
      expect(statSync(join(d.l, 'f')).mode & 0o7777).toBe(0o604);
      await t.client.utimes(`${d.r}/f`, 1_000_000_000, 1_100_000_000);
      expect(Math.floor(statSync(join(d.l, 'f')).mtimeMs / 1000)).toBe(1_100_000_000);
      expect(Math.floor(statSync(join(d.l, 'f')).atimeMs / 1000)).toBe(1_000_000_000);
      await t.client.truncate(`${d.r}/f`, 4);
      expect(readFileSync(join(d.l, 'f'), 'utf8')).toBe('0123');
      const st = statSync(join(d.l, 'f'));
      await t.client.chown(`${d.r}/f`, st.uid, st.gid);
      const file = await t.client.open(`${d.r}/f`, 'r+');
      await file.chmod(0o600);
      await file.truncate(2); // before utimes: a truncate sets the mtime
      await file.utimes(1_200_000_000, 1_200_000_000);
      await file.close();
      const after = statSync(join(d.l, 'f'));
      expect(after.mode & 0o7777).toBe(0o600);
      expect(Math.floor(after.mtimeMs / 1000)).toBe(1_200_000_000);
      expect(after.size).toBe(2);
    });

    it('directories: mkdir, listdir, readdir with attributes, rmdir', async () => {
      const d = fresh();
      await t.client.mkdir(`${d.r}/sub`, 0o750);
      expect(statSync(join(d.l, 'sub')).isDirectory()).toBe(true);
      expect(statSync(join(d.l, 'sub')).mode & 0o777 & ~0o750).toBe(0);
      // Enough entries that the server answers in several NAME batches (OpenSSH sends 100 at most).
      for (let i = 0; i < 250; i++) writeFileSync(join(d.l, 'sub', `file ${i} ✓`), String(i));
      const names = await t.client.listdir(`${d.r}/sub`);
      expect(names.sort()).toEqual(readdirSync(join(d.l, 'sub')).sort());
      const entries = await t.client.readdir(`${d.r}/sub`);
      expect(entries).toHaveLength(250);
      for (const e of entries) {
        expect(e.attrs.size).toBe(statSync(join(d.l, 'sub', e.filename)).size);
        expect(e.attrs.isFile()).toBe(true);
        expect(typeof e.longname).toBe('string');
      }
      await expect(t.client.mkdir(`${d.r}/sub`)).rejects.toMatchObject({ code: 'EEXIST' });
      await expect(t.client.rmdir(`${d.r}/sub`)).rejects.toMatchObject({ code: 'ENOTEMPTY' });
      await t.client.mkdir(`${d.r}/empty`);
      await t.client.rmdir(`${d.r}/empty`);
      expect(existsSync(join(d.l, 'empty'))).toBe(false);
      await expect(t.client.readdir(`${d.r}/missing`)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('remove, rename (over an existing name where posix-rename is offered), symlink, readlink', async () => {
      const d = fresh();
      writeFileSync(join(d.l, 'a'), 'A');
      writeFileSync(join(d.l, 'b'), 'B');
      await t.client.remove(`${d.r}/b`);
      expect(existsSync(join(d.l, 'b'))).toBe(false);
      await expect(t.client.unlink(`${d.r}/b`)).rejects.toMatchObject({ code: 'ENOENT', path: `${d.r}/b` });
      await t.client.rename(`${d.r}/a`, `${d.r}/b`);
      expect(readFileSync(join(d.l, 'b'), 'utf8')).toBe('A');
      writeFileSync(join(d.l, 'c'), 'C');
      if (t.client.extensions['posix-rename@openssh.com'] === '1') {
        await t.client.rename(`${d.r}/c`, `${d.r}/b`);
        expect(readFileSync(join(d.l, 'b'), 'utf8')).toBe('C');
      } else {
        await expect(t.client.rename(`${d.r}/c`, `${d.r}/b`)).rejects.toBeInstanceOf(SFTPError);
      }
      await t.client.symlink('b', `${d.r}/link`);
      expect(readlinkSync(join(d.l, 'link'))).toBe('b');
      expect(await t.client.readlink(`${d.r}/link`)).toBe('b');
      expect(new TextDecoder().decode(await t.client.readFile(`${d.r}/link`))).toBe(
        readFileSync(join(d.l, 'b'), 'utf8'),
      );
      await expect(t.client.symlink('b', `${d.r}/link`)).rejects.toMatchObject({ code: 'EEXIST' });
    });

    it('errors: ENOENT, a directory where a file is expected (EISDIR), no hang', async () => {
      const d = fresh();
      mkdirSync(join(d.l, 'dir'));
      await expect(t.client.stat(`${d.r}/nope`)).rejects.toMatchObject({ code: 'ENOENT', status: 2 });
      await expect(t.client.readFile(`${d.r}/nope`)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(t.client.readFile(`${d.r}/dir`)).rejects.toMatchObject({ code: 'EISDIR' });
      await expect(t.client.get(`${d.r}/dir`, join(scratch, 'x'))).rejects.toMatchObject({ code: 'EISDIR' });
      await expect(t.client.writeFile(`${d.r}/dir`, 'x')).rejects.toMatchObject({ code: 'EISDIR' });
      await expect(t.client.remove(`${d.r}/dir`)).rejects.toBeInstanceOf(SFTPError);
      await expect(t.client.readdir(`${d.r}/nope/deeper`)).rejects.toMatchObject({ code: 'ENOENT' });
      // One failed request does not poison the others in flight.
      const results = await Promise.allSettled([
        t.client.stat(`${d.r}/nope`),
        t.client.stat(`${d.r}/dir`),
        t.client.readFile(`${d.r}/nope`),
        t.client.realpath('.'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    });

    it('get / put with progress, streams, resume; SHA-256 kept', async () => {
      const d = fresh();
      const data = randomBytes(5 * 1024 * 1024 + 123);
      const src = join(scratch, `src-${n}`);
      writeFileSync(src, data);
      const progress: number[] = [];
      const attrs = await t.client.put(src, `${d.r}/up`, {
        onProgress: (done, total) => progress.push(done, total),
      });
      expect(attrs.size).toBe(data.length);
      expect(sha256(readFileSync(join(d.l, 'up')))).toBe(sha256(data));
      expect(progress.at(-2)).toBe(data.length);
      expect(progress.at(-1)).toBe(data.length);
      const back = join(scratch, `back-${n}`);
      await t.client.get(`${d.r}/up`, back);
      expect(sha256(readFileSync(back))).toBe(sha256(data));

      const chunks: Uint8Array[] = [];
      for await (const c of t.client.createReadStream(`${d.r}/up`) as unknown as AsyncIterable<Uint8Array>)
        chunks.push(c);
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
      const part: Uint8Array[] = [];
      for await (const c of t.client.createReadStream(`${d.r}/up`, {
        start: 1000,
        end: 1999,
      }) as unknown as AsyncIterable<Uint8Array>)
        part.push(c);
      expect(Buffer.concat(part).equals(data.subarray(1000, 2000))).toBe(true);

      const ws = t.client.createWriteStream(`${d.r}/streamed`);
      const writer = ws.getWriter();
      for (let at = 0; at < data.length; at += 100_000) await writer.write(data.subarray(at, at + 100_000));
      await writer.close();
      expect(sha256(readFileSync(join(d.l, 'streamed')))).toBe(sha256(data));

      // resume: half of the file is already there.
      writeFileSync(join(d.l, 'half'), data.subarray(0, 2_000_000));
      await t.client.put(src, `${d.r}/half`, { resume: true });
      expect(sha256(readFileSync(join(d.l, 'half')))).toBe(sha256(data));
      writeFileSync(back, data.subarray(0, 3_000_000));
      await t.client.get(`${d.r}/up`, back, { resume: true });
      expect(sha256(readFileSync(back))).toBe(sha256(data));
    });

    it('uploadDir / downloadDir with a filter, preserving mode and times', async () => {
      const d = fresh();
      const tree = join(scratch, `tree-${n}`);
      mkdirSync(join(tree, 'a', 'b'), { recursive: true });
      writeFileSync(join(tree, 'top.txt'), 'top');
      writeFileSync(join(tree, 'a', 'one.bin'), randomBytes(300_000));
      writeFileSync(join(tree, 'a', 'b', 'two.txt'), 'two');
      writeFileSync(join(tree, 'a', 'skip.log'), 'no');
      await t.client.uploadDir(tree, `${d.r}/tree`, { filter: (p) => !p.endsWith('.log'), preserve: true });
      expect(readdirSync(join(d.l, 'tree', 'a')).sort()).toEqual(['b', 'one.bin']);
      expect(readFileSync(join(d.l, 'tree', 'a', 'b', 'two.txt'), 'utf8')).toBe('two');
      expect(Math.floor(statSync(join(d.l, 'tree', 'top.txt')).mtimeMs / 1000)).toBe(
        Math.floor(statSync(join(tree, 'top.txt')).mtimeMs / 1000),
      );
      const down = join(scratch, `down-${n}`);
      await t.client.downloadDir(`${d.r}/tree`, down, { preserve: true });
      expect(readFileSync(join(down, 'a', 'one.bin')).equals(readFileSync(join(tree, 'a', 'one.bin')))).toBe(
        true,
      );
      expect(readFileSync(join(down, 'a', 'b', 'two.txt'), 'utf8')).toBe('two');
      expect(existsSync(join(down, 'a', 'skip.log'))).toBe(false);
    });

    it('every OpenSSH extension the server offers', async () => {
      const d = fresh();
      const ext = t.client.extensions;
      const exercised: string[] = [];
      writeFileSync(join(d.l, 'f'), 'content');
      if (ext['hardlink@openssh.com'] === '1') {
        await t.client.hardlink(`${d.r}/f`, `${d.r}/hard`);
        expect(statSync(join(d.l, 'hard')).ino).toBe(statSync(join(d.l, 'f')).ino);
        exercised.push('hardlink@openssh.com');
      }
      if (ext['statvfs@openssh.com'] === '2') {
        const v = await t.client.statvfs(d.r);
        const fs = statfsSync(d.l);
        expect(v.bsize).toBe(fs.bsize);
        expect(v.blocks).toBe(fs.blocks);
        expect(v.files).toBe(fs.files);
        exercised.push('statvfs@openssh.com');
      }
      const file = await t.client.open(`${d.r}/f`, 'r+');
      if (ext['fstatvfs@openssh.com'] === '2') {
        expect((await file.statvfs()).blocks).toBe(statfsSync(d.l).blocks);
        exercised.push('fstatvfs@openssh.com');
      }
      if (ext['fsync@openssh.com'] === '1') {
        await file.write('CONTENT', 0);
        await file.fsync();
        expect(readFileSync(join(d.l, 'f'), 'utf8')).toBe('CONTENT');
        exercised.push('fsync@openssh.com');
      }
      await file.close();
      if (ext['lsetstat@openssh.com'] === '1') {
        symlinkSync('f', join(d.l, 'l'));
        await t.client.lsetstat(`${d.r}/l`, { atime: 1_000_000_000, mtime: 1_000_000_000 });
        // The link itself changed, not its target.
        expect(Math.floor(lstatSync(join(d.l, 'l')).mtimeMs / 1000)).toBe(1_000_000_000);
        expect(Math.floor(statSync(join(d.l, 'f')).mtimeMs / 1000)).not.toBe(1_000_000_000);
        exercised.push('lsetstat@openssh.com');
      }
      if (ext['limits@openssh.com'] === '1') {
        const limits = t.client.limits!;
        expect(limits.maxPacketLength).toBe(262144);
        expect(limits.maxReadLength).toBe(261120);
        expect(t.client.transferSizes.readChunk).toBe(261120);
        exercised.push('limits@openssh.com');
      }
      if (ext['expand-path@openssh.com'] === '1') {
        mkdirSync(join(d.l, 'x'));
        expect(await t.client.expandPath(`${d.r}/x/../x`)).toBe(`${d.r}/x`);
        exercised.push('expand-path@openssh.com');
      }
      if (ext['copy-data'] === '1') {
        writeFileSync(join(d.l, 'src'), '0123456789');
        const from = await t.client.open(`${d.r}/src`, 'r');
        const to = await t.client.open(`${d.r}/dst`, 'w');
        await t.client.copyData(from, 2, 5, to, 0);
        await t.client.copyData(from, 0, 0, to, 5); // 0: to EOF
        await from.close();
        await to.close();
        expect(readFileSync(join(d.l, 'dst'), 'utf8')).toBe('234560123456789');
        exercised.push('copy-data');
      }
      if (ext['home-directory'] === '1') {
        const home = await t.client.homeDirectory(t.user);
        expect(home.startsWith('/')).toBe(true);
        if (t.home !== undefined) expect(home).toBe(t.home);
        exercised.push('home-directory');
      }
      if (ext['users-groups-by-id@openssh.com'] === '1') {
        const st = statSync(join(d.l, 'f'));
        const { users, groups } = await t.client.usersGroupsById([st.uid, 4_000_000_000], [st.gid]);
        expect(users[0]).toBe(t.user);
        expect(users[1]).toBe(''); // an id with no name
        expect(groups).toHaveLength(1);
        exercised.push('users-groups-by-id@openssh.com');
      }
      if (ext['posix-rename@openssh.com'] === '1') exercised.push('posix-rename@openssh.com'); // rename test
      expect(exercised.sort()).toEqual(expected.extensions.filter((e) => e in ext).sort());
    });
  });
}
