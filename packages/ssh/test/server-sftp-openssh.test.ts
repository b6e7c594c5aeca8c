// Issue 7: OpenSSH's `sftp` and `scp` against our server (SFTP rooted at fx.root, which the client
// sees as "/"; exec through systemShell()). An `sftp -b` batch with every command that talks to
// the server — cd, pwd, ls (-1, -la, -n, globs), get / put (-p, -r, reget, reput), mkdir, rmdir,
// rename (posix-rename@openssh.com), rm, chmod, chown, chgrp (-h: lsetstat@openssh.com), copy / cp
// (copy-data), df (statvfs@openssh.com), ln (hardlink@openssh.com), ln -s / symlink, version —
// mixed with the local lcd / lls / lmkdir / lpwd, each checked afterwards on disk; confinement to
// the root against "..", absolute paths and symbolic links the client made or that were planted on
// disk; scp in its default SFTP mode and in the legacy protocol (-O); and MaxAuthTries ending a
// connection whose password is wrong.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  statfs,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './forward-helpers.js';
import {
  describeRun,
  missingReason,
  opensshOptions,
  runClient,
  type ServerFixture,
  startServer,
  tool,
  USER,
} from './server-helpers.js';

/** Times set on files before a transfer: far from "now", so a preserved time cannot be a coincidence. */
const T_REMOTE = { atime: 999_000_000, mtime: 1_000_000_000 };
const T_LOCAL = { atime: 1_099_000_000, mtime: 1_100_000_000 };

const modeOf = (s: Stats) => s.mode & 0o7777;
const digest = async (path: string) => sha256(await readFile(path));

/** Writes `data` at `path` (parents made) with `mode` exactly (no umask) and, if given, times. */
async function plant(
  path: string,
  data: Uint8Array | string,
  mode = 0o644,
  times?: { atime: number; mtime: number },
): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, data);
  await chmod(path, mode);
  if (times) await utimes(path, times.atime, times.mtime);
  return typeof data === 'string' ? sha256(new TextEncoder().encode(data)) : sha256(data);
}

/** The process umask, read from a file created with 0666 (process.umask() without an argument is deprecated). */
async function umaskOf(dir: string): Promise<number> {
  const probe = join(dir, `.umask-probe-${process.pid}`);
  await writeFile(probe, '', { mode: 0o666 });
  const mode = modeOf(await stat(probe));
  await rm(probe);
  return 0o666 & ~mode;
}

/** Every path under `dir` (relative, sorted), "/" after directories; links not followed. */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(`${rel}/`, ...(await tree(join(dir, e.name), `${rel}/`)));
    else out.push(rel);
  }
  return out.sort();
}

/** What `sftp -b` printed for `command` (it echoes each as "sftp> command"), as lines. */
function output(stdout: string, command: string): string[] {
  const start = stdout.indexOf(`sftp> ${command}\n`);
  expect(start, `${command} in ${stdout}`).toBeGreaterThanOrEqual(0);
  const body = stdout.slice(start + command.length + 7);
  const end = body.indexOf('sftp> ');
  return (end < 0 ? body : body.slice(0, end)).split('\n').filter((l) => l !== '');
}

describe('OpenSSH sftp × our server', async () => {
  const sftp = await tool('sftp');
  if (!sftp) {
    it.skip(`sftp: ${await missingReason('sftp')}`, () => {});
    return;
  }
  let fx: ServerFixture;
  let umask: number;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  // As root chown/chgrp may give a file away, so another id shows the change really happened;
  // otherwise only our own ids are allowed (POSIX chown(2)) and the ids sent are those.
  const newUid = uid === 0 ? 4321 : uid;
  const newGid = gid === 0 ? 4322 : gid;

  beforeAll(async () => {
    fx = await startServer();
    umask = await umaskOf(fx.dir);
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** Runs `sftp -b` on `lines` (a leading "-" lets a command fail without ending the batch). */
  async function batch(name: string, lines: string[]) {
    const file = join(fx.home, `${name}.batch`);
    await writeFile(file, `${lines.join('\n')}\n`);
    return runClient(sftp!, [...opensshOptions(fx), '-b', file, '127.0.0.1'], {
      env: fx.env(),
      cwd: fx.local,
      timeoutMs: 30_000,
    });
  }

  describe('one batch with every command', () => {
    const remote = () => join(fx.root, 'remote');
    const sums: Record<string, string> = {};
    let run: Awaited<ReturnType<typeof batch>>;
    const big = randomBytes(1 << 20);
    const reputSource = randomBytes(700_000);
    const PARTIAL = 300_000;

    beforeAll(async () => {
      const r = remote();
      const l = fx.local;
      sums.src = await plant(join(r, 'src.bin'), randomBytes(200_000), 0o666, T_REMOTE);
      sums.a = await plant(join(r, 'tree/a.txt'), 'tree a\n', 0o644);
      sums.b = await plant(join(r, 'tree/sub/b.bin'), randomBytes(70_000), 0o600);
      sums.big = sha256(big);
      await plant(join(r, 'big.bin'), big);
      // reget: the local part is NOT the remote's first bytes, so the result shows where the
      // download resumed (a fresh download would overwrite them).
      await plant(join(l, 'resume/big.bin'), new Uint8Array(PARTIAL).fill(0x5a));
      // reput: likewise on the remote side.
      await plant(join(l, 'reput.bin'), reputSource);
      await plant(join(r, 'reput.bin'), new Uint8Array(PARTIAL).fill(0xa5));
      sums.old = await plant(join(r, 'old-name'), 'to be renamed\n');
      await plant(join(r, 'existing'), 'replaced by the rename\n');
      await plant(join(r, 'doomed-1'), 'rm me\n');
      await plant(join(r, 'doomed-2'), 'rm me too\n');
      await plant(join(r, 'kept'), 'not matched by the rm glob\n');
      await mkdir(join(r, 'emptydir'));
      await plant(join(r, 'chmod-me'), 'chmod\n', 0o600);
      await plant(join(r, 'g1.txt'), 'g1\n', 0o644);
      await plant(join(r, 'g2.txt'), 'g2\n', 0o644);
      await plant(join(r, 'chown-me'), 'chown\n', 0o644);
      await plant(join(r, '.hidden'), 'dot file\n');
      await symlink('tree', join(r, 'dirlink'));
      sums.up = await plant(join(l, 'up.bin'), randomBytes(150_000), 0o666, T_LOCAL);
      sums.x = await plant(join(l, 'uptree/x.txt'), 'uptree x\n', 0o640, T_LOCAL);
      sums.y = await plant(join(l, 'uptree/deep/y.bin'), randomBytes(33_333), 0o600, T_LOCAL);

      run = await batch('every', [
        'version',
        'pwd',
        'cd remote',
        'pwd',
        'lpwd',
        'lmkdir ldl',
        'lcd ldl',
        'lpwd',
        'get -p src.bin',
        'get src.bin plain.bin',
        'get -r tree',
        'get tree/*.txt',
        'lcd ..',
        'reget big.bin resume/big.bin',
        'lls -1 ldl',
        'put -p up.bin',
        'put up.bin up-plain.bin',
        'put -f up.bin fsynced.bin',
        'get -f fsynced.bin fsynced-back.bin',
        'put -rp uptree',
        'reput reput.bin',
        'mkdir newdir',
        'rmdir emptydir',
        'rename old-name existing',
        'rm doomed-*',
        'chmod 0751 chmod-me',
        'chmod 0600 g*.txt',
        `chown ${newUid} chown-me`,
        `chgrp ${newGid} chown-me`,
        'copy src.bin copied.bin',
        'cp tree/sub/b.bin newdir/cp.bin',
        'ln src.bin hard.bin',
        'ln -s src.bin soft-ln',
        'symlink tree/a.txt soft-symlink',
        'ln -s /remote/tree abs-link',
        `chown -h ${newUid} soft-ln`,
        'df',
        'df -i',
        'ls -1',
        'ls -la',
        'ls -n chown-me',
        'ls -1 *.bin',
        'cd dirlink/sub',
        'pwd',
        'cd ../..',
        'pwd',
        'cd abs-link',
        'pwd',
        'cd',
        'pwd',
      ]);
    }, 60_000);

    it('the batch succeeds; version, pwd, lpwd and the cd / realpath results', () => {
      expect(run.code, describeRun(run)).toBe(0);
      // No command reported anything (sftp prints "remote fsync: …" even for put -f's fsync).
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('SFTP protocol version 3\n');
      const pwds = [...run.stdout.matchAll(/^Remote working directory: (.*)$/gm)].map((m) => m[1]);
      // "/", "/remote", through the link dirlink → tree (REALPATH resolves it), back with "..",
      // through an absolute link, and `cd` alone back to the start directory.
      expect(pwds).toEqual(['/', '/remote', '/remote/tree/sub', '/remote', '/remote/tree', '/']);
      const lpwds = [...run.stdout.matchAll(/^Local working directory: (.*)$/gm)].map((m) => m[1]);
      expect(lpwds).toEqual([fx.local, join(fx.local, 'ldl')]);
    });

    it('get: plain, -p (mode and times), -r, a glob, and reget resuming after the local part', async () => {
      const dl = join(fx.local, 'ldl');
      const p = await stat(join(dl, 'src.bin'));
      expect(await digest(join(dl, 'src.bin'))).toBe(sums.src);
      expect(modeOf(p)).toBe(0o666);
      expect(Math.floor(p.mtimeMs / 1000)).toBe(T_REMOTE.mtime);
      expect(Math.floor(p.atimeMs / 1000)).toBe(T_REMOTE.atime);
      const plain = await stat(join(dl, 'plain.bin'));
      expect(await digest(join(dl, 'plain.bin'))).toBe(sums.src);
      expect(modeOf(plain)).toBe(0o666 & ~umask);
      expect(Math.abs(plain.mtimeMs - Date.now())).toBeLessThan(120_000);
      expect(await tree(join(dl, 'tree'))).toEqual(['a.txt', 'sub/', 'sub/b.bin']);
      expect(await digest(join(dl, 'tree/a.txt'))).toBe(sums.a);
      expect(await digest(join(dl, 'tree/sub/b.bin'))).toBe(sums.b);
      expect(await digest(join(dl, 'a.txt'))).toBe(sums.a);
      const resumed = await readFile(join(fx.local, 'resume/big.bin'));
      expect(resumed.length).toBe(big.length);
      expect(sha256(resumed.subarray(0, PARTIAL))).toBe(sha256(new Uint8Array(PARTIAL).fill(0x5a)));
      expect(sha256(resumed.subarray(PARTIAL))).toBe(sha256(big.subarray(PARTIAL)));
      // lls ran the local ls in the local directory.
      expect(run.stdout).toMatch(/^plain\.bin$/m);
    });

    it('put: plain, -p (mode and times), -rp, and reput appending after the remote part', async () => {
      const r = remote();
      const p = await stat(join(r, 'up.bin'));
      expect(await digest(join(r, 'up.bin'))).toBe(sums.up);
      expect(modeOf(p)).toBe(0o666);
      expect(Math.floor(p.mtimeMs / 1000)).toBe(T_LOCAL.mtime);
      expect(Math.floor(p.atimeMs / 1000)).toBe(T_LOCAL.atime);
      const plain = await stat(join(r, 'up-plain.bin'));
      expect(await digest(join(r, 'up-plain.bin'))).toBe(sums.up);
      expect(modeOf(plain)).toBe(0o666 & ~umask);
      expect(Math.abs(plain.mtimeMs - Date.now())).toBeLessThan(120_000);
      // -f: fsync@openssh.com after the upload (its failure would be on stderr, checked above).
      expect(await digest(join(r, 'fsynced.bin'))).toBe(sums.up);
      expect(await digest(join(fx.local, 'fsynced-back.bin'))).toBe(sums.up);
      expect(await tree(join(r, 'uptree'))).toEqual(['deep/', 'deep/y.bin', 'x.txt']);
      expect(await digest(join(r, 'uptree/x.txt'))).toBe(sums.x);
      expect(await digest(join(r, 'uptree/deep/y.bin'))).toBe(sums.y);
      for (const [file, mode] of [
        ['uptree/x.txt', 0o640],
        ['uptree/deep/y.bin', 0o600],
      ] as const) {
        const s = await stat(join(r, file));
        expect(modeOf(s), file).toBe(mode);
        expect(Math.floor(s.mtimeMs / 1000), file).toBe(T_LOCAL.mtime);
      }
      const reput = await readFile(join(r, 'reput.bin'));
      expect(reput.length).toBe(reputSource.length);
      expect(sha256(reput.subarray(0, PARTIAL))).toBe(sha256(new Uint8Array(PARTIAL).fill(0xa5)));
      expect(sha256(reput.subarray(PARTIAL))).toBe(sha256(reputSource.subarray(PARTIAL)));
    });

    it('mkdir, rmdir, rename (replacing: posix-rename), rm with a glob', async () => {
      const r = remote();
      expect((await stat(join(r, 'newdir'))).isDirectory()).toBe(true);
      expect(modeOf(await stat(join(r, 'newdir')))).toBe(0o777 & ~umask);
      await expect(lstat(join(r, 'emptydir'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(lstat(join(r, 'old-name'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await digest(join(r, 'existing'))).toBe(sums.old);
      await expect(lstat(join(r, 'doomed-1'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(lstat(join(r, 'doomed-2'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readFile(join(r, 'kept'), 'utf8')).toBe('not matched by the rm glob\n');
    });

    it('chmod (one file, a glob), chown, chgrp, chown -h on a link (lsetstat)', async () => {
      const r = remote();
      expect(modeOf(await stat(join(r, 'chmod-me')))).toBe(0o751);
      expect(modeOf(await stat(join(r, 'g1.txt')))).toBe(0o600);
      expect(modeOf(await stat(join(r, 'g2.txt')))).toBe(0o600);
      const owned = await stat(join(r, 'chown-me'));
      expect([owned.uid, owned.gid]).toEqual([newUid, newGid]);
      // -h changed the link, not src.bin it points at.
      expect((await lstat(join(r, 'soft-ln'))).uid).toBe(newUid);
      expect((await stat(join(r, 'src.bin'))).uid).toBe(uid);
    });

    it('copy / cp (copy-data), ln (a hard link: one inode), ln -s and symlink (link → target)', async () => {
      const r = remote();
      expect(await digest(join(r, 'copied.bin'))).toBe(sums.src);
      expect(await digest(join(r, 'newdir/cp.bin'))).toBe(sums.b);
      const src = await stat(join(r, 'src.bin'));
      const hard = await lstat(join(r, 'hard.bin'));
      expect(hard.isFile()).toBe(true);
      expect(hard.ino).toBe(src.ino);
      expect(src.nlink).toBe(2);
      // sftp sends SYMLINK's paths in OpenSSH's order (target first); the link must be the
      // second name and point at the first, stored as typed (relative).
      expect((await lstat(join(r, 'soft-ln'))).isSymbolicLink()).toBe(true);
      expect(await readlink(join(r, 'soft-ln'))).toBe('src.bin');
      expect(await readlink(join(r, 'soft-symlink'))).toBe('tree/a.txt');
      expect(await readlink(join(r, 'abs-link'))).toBe('/remote/tree');
      await expect(lstat(join(r, 'src.bin-link'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('df and df -i: the numbers of statvfs(3) on the root', async () => {
      const s = await statfs(fx.root);
      const lines = run.stdout.split('\n');
      const size = lines.findIndex((l) => /^\s+Size\s+Used\s+Avail\s+\(root\)\s+%Capacity$/.test(l));
      expect(size, describeRun(run)).toBeGreaterThan(0);
      const [total, used, avail, rootFree] = lines[size + 1]!.trim().split(/\s+/).map(Number);
      expect(total).toBe(Math.floor((s.bsize * s.blocks) / 1024));
      // Used and free move with other writers: within 64 MiB of now.
      const slack = 65_536;
      expect(Math.abs(used! - (s.bsize * (s.blocks - s.bfree)) / 1024)).toBeLessThan(slack);
      expect(Math.abs(avail! - (s.bsize * s.bavail) / 1024)).toBeLessThan(slack);
      expect(Math.abs(rootFree! - (s.bsize * s.bfree) / 1024)).toBeLessThan(slack);
      const inodes = lines.findIndex((l) => /^\s+Inodes\s+Used\s+Avail\s+\(root\)\s+%Capacity$/.test(l));
      expect(inodes, describeRun(run)).toBeGreaterThan(0);
      const [files, , favail] = lines[inodes + 1]!.trim().split(/\s+/).map(Number);
      expect(files).toBe(s.files);
      expect(Math.abs(favail! - s.ffree)).toBeLessThan(10_000);
    });

    it('ls -1, ls -la (long names, dot files, links), ls -n (numeric ids), ls with a glob', () => {
      const section = (command: string) => output(run.stdout, command);
      // Sorted, no dot files, as the directory is after every change above.
      expect(section('ls -1')).toEqual(
        [
          'abs-link',
          'big.bin',
          'chmod-me',
          'chown-me',
          'copied.bin',
          'dirlink',
          'existing',
          'g1.txt',
          'g2.txt',
          'hard.bin',
          'kept',
          'newdir',
          'reput.bin',
          'soft-ln',
          'soft-symlink',
          'src.bin',
          'tree',
          'fsynced.bin',
          'up-plain.bin',
          'up.bin',
          'uptree',
        ].sort(),
      );
      const long = section('ls -la');
      const line = (name: string) => {
        const found = long.find((l) => l.endsWith(` ${name}`));
        expect(found, `${name} in ${long.join('\n')}`).toBeDefined();
        return found!;
      };
      expect(line('.')).toMatch(/^drwx/);
      expect(line('..')).toMatch(/^d/);
      // sftp formats these lines itself from the attributes and the names it asks for with
      // users-groups-by-id@openssh.com; v3 has no link count, hence its "?".
      expect(line('.hidden')).toMatch(new RegExp(`^-rw-r--r-- +\\? ${userInfo().username} +\\S+ +9 `));
      expect(line('soft-ln')).toMatch(/^lrwxrwxrwx /);
      expect(line('chmod-me')).toMatch(/^-rwxr-x--x /);
      expect(line('hard.bin')).toMatch(/^-rw-rw-rw- .* 200000 /);
      expect(line('tree')).toMatch(/^drwx/);
      expect(section('ls -n chown-me')).toEqual([
        expect.stringMatching(new RegExp(`^-rw-r--r-- +\\? ${newUid} +${newGid} +6 .* chown-me$`)),
      ]);
      expect(section('ls -1 *.bin')).toEqual([
        'big.bin',
        'copied.bin',
        'fsynced.bin',
        'hard.bin',
        'reput.bin',
        'src.bin',
        'up-plain.bin',
        'up.bin',
      ]);
    });
  });

  describe('confinement to the root', () => {
    let before: string[];
    /** The root's top level before the batch (the other tests' files, "jail"). */
    let rootBefore: string[];
    let sentinel: string;
    let sentinelStats: Stats;
    let run: Awaited<ReturnType<typeof batch>>;
    let fakeRun: Awaited<ReturnType<typeof batch>>;
    const jail = () => join(fx.root, 'jail');
    const dl = () => join(fx.local, 'jail');

    beforeAll(async () => {
      // A sentinel next to the root, and links planted on disk pointing out of it.
      sentinel = join(fx.dir, 'sentinel');
      await plant(sentinel, 'outside the root\n', 0o644, T_LOCAL);
      sentinelStats = await stat(sentinel);
      await mkdir(jail());
      await mkdir(dl());
      await symlink(fx.dir, join(jail(), 'planted-abs'));
      await symlink('../../..', join(jail(), 'planted-rel'));
      await symlink(sentinel, join(jail(), 'planted-file'));
      await symlink('../../sentinel', join(jail(), 'planted-file-rel'));
      await plant(join(dl(), 'x'), 'uploaded x\n');
      rootBefore = await readdir(fx.root);
      before = await tree(fx.dir).then((t) =>
        t.filter((p) => !p.startsWith('root/') && !p.startsWith('local/') && !p.startsWith('home/')),
      );

      run = await batch('jail', [
        'cd ..',
        'pwd',
        'cd ../../..',
        'pwd',
        'cd /jail',
        'lcd jail',
        // Host paths: the root's /etc, which does not exist.
        '-get ../../etc/passwd',
        '-get /etc/passwd',
        '-get /../../../etc/passwd abs-passwd',
        // Uploads naming ".." land inside the root.
        'put x ../escape',
        'put x ../../../../escape2',
        'mkdir ../../../made-up-there',
        // Links made over sftp: to /etc and two levels up.
        'ln -s /etc etc-link',
        'ln -s ../.. up-link',
        '-get etc-link/passwd',
        '-ls etc-link/',
        'ls -1 up-link/',
        'put x up-link/through-up-link',
        // The links planted on disk.
        '-get planted-abs/sentinel',
        '-get planted-file',
        '-get planted-file-rel',
        '-put x planted-abs/sentinel',
        '-put x planted-file',
        '-chmod 0777 planted-file',
        '-ls planted-abs/',
        '-cd planted-abs',
        'ls -1 planted-rel/',
        'pwd',
        // Renames out of the root: through a link (fails) and by ".." (stays in); a rename
        // onto a planted link replaces the link (rename(2) follows no final link).
        'put x move-me',
        '-rename move-me planted-abs/moved',
        'rename move-me ../../moved-up',
        'put x move-2',
        'rename move-2 planted-file-rel',
        // A hard link to a planted link links the link, not the file outside.
        'ln planted-file hard-to-planted',
        '-copy planted-file copied-planted',
        'lls -1',
      ]);
    }, 60_000);

    it('"cd .." stops at "/"; host paths and links out of the root are not followed', async () => {
      expect(run.code, describeRun(run)).toBe(0);
      const pwds = [...run.stdout.matchAll(/^Remote working directory: (.*)$/gm)].map((m) => m[1]);
      expect(pwds).toEqual(['/', '/', '/jail']);
      // Nothing came down: no passwd of the host, no sentinel.
      expect(await readdir(dl())).toEqual(['x']);
      expect(output(run.stdout, 'lls -1')).toEqual(['x']);
      // Every "-" command failed, each because what it named does not exist under the root —
      // and nothing else failed.
      const failures = run.stderr.split(/\r?\n/).filter((l) => l !== '');
      expect(failures).toEqual([
        'File "/jail/../../etc/passwd" not found.',
        'File "/etc/passwd" not found.',
        'File "/../../../etc/passwd" not found.',
        'File "/jail/etc-link/passwd" not found.',
        `Can't ls: "/jail/etc-link/" not found`,
        'File "/jail/planted-abs/sentinel" not found.',
        // get of a link to a file outside: the target stats as missing.
        'stat remote: No such file or directory',
        'stat remote: No such file or directory',
        'dest open "/jail/planted-abs/sentinel": No such file or directory',
        'dest open "/jail/planted-file": No such file or directory',
        'remote setstat "/jail/planted-file": No such file or directory',
        `Can't ls: "/jail/planted-abs/" not found`,
        'realpath /jail/planted-abs: No such file',
        'remote rename "/jail/move-me" to "/jail/planted-abs/moved": No such file or directory',
        // copy opens its source through the link.
        'stat remote: No such file or directory',
      ]);
      // `ls up-link/` (a link made over sftp) and `ls planted-rel/` (one planted) list the root.
      const top = [...rootBefore, 'escape', 'escape2', 'made-up-there'].sort();
      expect(output(run.stdout, 'ls -1 up-link/')).toEqual(top.map((n) => `up-link/${n}`));
      expect(output(run.stdout, 'ls -1 planted-rel/')).toEqual(
        [...top, 'through-up-link'].sort().map((n) => `planted-rel/${n}`),
      );
    });

    it('everything written landed inside the root; nothing outside it changed', async () => {
      const root = fx.root;
      expect(await readFile(join(root, 'escape'), 'utf8')).toBe('uploaded x\n');
      expect(await readFile(join(root, 'escape2'), 'utf8')).toBe('uploaded x\n');
      expect((await stat(join(root, 'made-up-there'))).isDirectory()).toBe(true);
      expect(await readFile(join(root, 'through-up-link'), 'utf8')).toBe('uploaded x\n');
      expect(await readlink(join(jail(), 'etc-link'))).toBe('/etc');
      expect(await readlink(join(jail(), 'up-link'))).toBe('../..');
      // The rename through a link failed, the one by ".." landed at the root's top.
      await expect(lstat(join(jail(), 'move-me'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readFile(join(root, 'moved-up'), 'utf8')).toBe('uploaded x\n');
      // The planted links are as they were but for the one a rename replaced (rename(2) does not
      // follow a final link); the hard link is one more name of the link, not of the sentinel.
      expect(await readlink(join(jail(), 'planted-file'))).toBe(sentinel);
      expect(await readlink(join(jail(), 'planted-abs'))).toBe(fx.dir);
      expect(await readFile(join(jail(), 'planted-file-rel'), 'utf8')).toBe('uploaded x\n');
      const hard = await lstat(join(jail(), 'hard-to-planted'));
      expect(hard.isSymbolicLink()).toBe(true);
      expect(hard.ino).toBe((await lstat(join(jail(), 'planted-file'))).ino);
      await expect(lstat(join(jail(), 'copied-planted'))).rejects.toMatchObject({ code: 'ENOENT' });

      // Outside: the sentinel untouched, nothing new next to the root.
      const now = await stat(sentinel);
      expect(await readFile(sentinel, 'utf8')).toBe('outside the root\n');
      expect(modeOf(now)).toBe(0o644);
      expect([now.mtimeMs, now.ino, now.nlink]).toEqual([sentinelStats.mtimeMs, sentinelStats.ino, 1]);
      const after = (await tree(fx.dir)).filter(
        (p) => !p.startsWith('root/') && !p.startsWith('local/') && !p.startsWith('home/'),
      );
      expect(after).toEqual(before);
      for (const name of ['escape', 'escape2', 'made-up-there', 'moved', 'moved-up', 'through-up-link'])
        await expect(lstat(join(fx.dir, name))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('a /etc/passwd made inside the root is what every host path to it gets', async () => {
      await plant(join(fx.root, 'etc/passwd'), 'root-only:x:0:0::/:/bin/false\n');
      const out = join(fx.local, 'fake');
      await mkdir(out);
      fakeRun = await batch('fake', [
        'cd /jail',
        'lcd fake',
        'get /etc/passwd p1',
        'get ../../etc/passwd p2',
        'get etc-link/passwd p3',
        'get up-link/etc/passwd p4',
        'get planted-rel/etc/passwd p5',
      ]);
      expect(fakeRun.code, describeRun(fakeRun)).toBe(0);
      for (const f of ['p1', 'p2', 'p3', 'p4', 'p5'])
        expect(await readFile(join(out, f), 'utf8'), f).toBe('root-only:x:0:0::/:/bin/false\n');
    });
  });
});

describe('OpenSSH scp × our server', async () => {
  const scp = await tool('scp');
  if (!scp) {
    it.skip(`scp: ${await missingReason('scp')}`, () => {});
    return;
  }
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startServer();
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  const scpRun = (args: string[]) =>
    runClient(scp, [...opensshOptions(fx), '-q', ...args], {
      env: fx.env(),
      cwd: fx.local,
      timeoutMs: 30_000,
    });

  /** A local tree for -r: two files and a nested one, modes and times set. */
  async function localTree(dir: string) {
    return {
      'a.txt': await plant(join(dir, 'a.txt'), 'scp tree a\n', 0o640, T_LOCAL),
      'sub/b.bin': await plant(join(dir, 'sub/b.bin'), randomBytes(90_000), 0o600, T_LOCAL),
      'sub/deeper/c.bin': await plant(join(dir, 'sub/deeper/c.bin'), randomBytes(5_000), 0o604, T_LOCAL),
    };
  }

  async function expectTree(dir: string, sums: Record<string, string>, preserved: boolean) {
    expect(await tree(dir)).toEqual(['a.txt', 'sub/', 'sub/b.bin', 'sub/deeper/', 'sub/deeper/c.bin']);
    for (const [file, sum] of Object.entries(sums)) {
      expect(await digest(join(dir, file)), file).toBe(sum);
      if (preserved) {
        const s = await stat(join(dir, file));
        expect(Math.floor(s.mtimeMs / 1000), file).toBe(T_LOCAL.mtime);
        expect(modeOf(s), file).toBe({ 'a.txt': 0o640, 'sub/b.bin': 0o600, 'sub/deeper/c.bin': 0o604 }[file]);
      }
    }
  }

  it('SFTP mode (the default): a file up and down, paths under the SFTP root', async () => {
    const data = randomBytes(3 << 20);
    await plant(join(fx.local, 'up.bin'), data);
    const up = await scpRun(['up.bin', '127.0.0.1:/uploaded.bin']);
    expect(up.code, describeRun(up)).toBe(0);
    expect(sha256(await readFile(join(fx.root, 'uploaded.bin')))).toBe(sha256(data));
    // A relative remote path starts at the SFTP start directory, the root.
    const down = await scpRun(['127.0.0.1:uploaded.bin', 'down.bin']);
    expect(down.code, describeRun(down)).toBe(0);
    expect(sha256(await readFile(join(fx.local, 'down.bin')))).toBe(sha256(data));
    // "/.." is still the root: nothing next to it.
    const climbed = await scpRun(['up.bin', '127.0.0.1:/../../scp-escape.bin']);
    expect(climbed.code, describeRun(climbed)).toBe(0);
    expect(sha256(await readFile(join(fx.root, 'scp-escape.bin')))).toBe(sha256(data));
    await expect(lstat(join(fx.dir, 'scp-escape.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('SFTP mode: -r a tree up and down; -p keeps modes and times both ways', async () => {
    const sums = await localTree(join(fx.local, 'tree'));
    const up = await scpRun(['-r', '-p', 'tree', '127.0.0.1:/tree-p']);
    expect(up.code, describeRun(up)).toBe(0);
    await expectTree(join(fx.root, 'tree-p'), sums, true);
    const plain = await scpRun(['-r', 'tree', '127.0.0.1:/tree-plain']);
    expect(plain.code, describeRun(plain)).toBe(0);
    await expectTree(join(fx.root, 'tree-plain'), sums, false);
    const a = await stat(join(fx.root, 'tree-plain/a.txt'));
    expect(Math.abs(a.mtimeMs - Date.now())).toBeLessThan(120_000);
    const down = await scpRun(['-r', '-p', '127.0.0.1:/tree-p', 'tree-back']);
    expect(down.code, describeRun(down)).toBe(0);
    await expectTree(join(fx.local, 'tree-back'), sums, true);
  });

  // Legacy scp (-O) runs `scp -t` / `scp -f` on the server through the exec handler — here
  // systemShell(), so the system's scp as the server's user, in fx.cwd and on the whole host
  // filesystem: the SFTP root does not apply, as with OpenSSH's sshd (only ChrootDirectory or a
  // ForceCommand would confine it).
  it('legacy protocol (-O): a file up and down, -r -p a tree, through the exec handler', async () => {
    const data = randomBytes(1 << 20);
    await plant(join(fx.local, 'legacy.bin'), data, 0o640, T_LOCAL);
    const up = await scpRun(['-O', '-p', 'legacy.bin', '127.0.0.1:legacy-up.bin']);
    expect(up.code, describeRun(up)).toBe(0);
    const landed = join(fx.cwd, 'legacy-up.bin');
    expect(sha256(await readFile(landed))).toBe(sha256(data));
    expect(Math.floor((await stat(landed)).mtimeMs / 1000)).toBe(T_LOCAL.mtime);
    expect(modeOf(await stat(landed))).toBe(0o640);
    await expect(lstat(join(fx.root, 'legacy-up.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    const down = await scpRun(['-O', `127.0.0.1:${landed}`, 'legacy-down.bin']);
    expect(down.code, describeRun(down)).toBe(0);
    expect(sha256(await readFile(join(fx.local, 'legacy-down.bin')))).toBe(sha256(data));

    const sums = await localTree(join(fx.local, 'ltree'));
    const rup = await scpRun(['-O', '-r', '-p', 'ltree', '127.0.0.1:ltree-up']);
    expect(rup.code, describeRun(rup)).toBe(0);
    await expectTree(join(fx.cwd, 'ltree-up'), sums, true);
    const rdown = await scpRun(['-O', '-r', '-p', '127.0.0.1:ltree-up', 'ltree-back']);
    expect(rdown.code, describeRun(rdown)).toBe(0);
    await expectTree(join(fx.local, 'ltree-back'), sums, true);
    // A remote failure comes back as scp's own error and exit status.
    const missing = await scpRun(['-O', '127.0.0.1:no-such-file', 'x']);
    expect(missing.code, describeRun(missing)).toBe(1);
    expect(missing.stderr).toMatch(/no-such-file: No such file or directory/);
  });
});

describe('OpenSSH ssh × our server with MaxAuthTries 3', async () => {
  const ssh = await tool('ssh');
  if (!ssh) {
    it.skip(`ssh: ${await missingReason('ssh')}`, () => {});
    return;
  }
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startServer({ server: { limits: { maxAuthTries: 3 } } });
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  it('a wrong password offered 10 times: the third failure ends the connection', async () => {
    const askpass = join(fx.home, 'askpass-wrong.sh');
    await writeFile(askpass, `#!/bin/sh\nprintf '%s\\n' 'not the password'\n`, { mode: 0o700 });
    const r = await runClient(
      ssh,
      [
        '-o',
        'BatchMode=no',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'PreferredAuthentications=password',
        '-o',
        'NumberOfPasswordPrompts=10',
        ...opensshOptions(fx),
        '127.0.0.1',
        'echo no',
      ],
      { env: fx.env({ SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' }), timeoutMs: 30_000 },
    );
    expect(r.code, describeRun(r)).toBe(255);
    expect(r.stdout).toBe('');
    // ssh retries after the first two failures; the third is answered by a DISCONNECT with sshd's
    // wording (sshd sends it as reason 2, PROTOCOL_ERROR; we send 14, NO_MORE_AUTH_METHODS_AVAILABLE),
    // so ssh never gets to its final "Permission denied (password)".
    expect(r.stderr.split(/\r?\n/).filter((l) => l !== '')).toEqual([
      'Permission denied, please try again.',
      'Permission denied, please try again.',
      `Received disconnect from 127.0.0.1 port ${fx.port}:14: Too many authentication failures`,
      `Disconnected from 127.0.0.1 port ${fx.port}`,
    ]);
    expect(fx.authAttempts).toEqual([
      { method: 'password', user: USER, ok: false },
      { method: 'password', user: USER, ok: false },
      { method: 'password', user: USER, ok: false },
    ]);
    expect(fx.lastConnection().disconnects).toContainEqual({
      reason: 14,
      description: 'Too many authentication failures',
      fromPeer: false,
    });
  });
});
