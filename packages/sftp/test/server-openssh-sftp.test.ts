// The real OpenSSH client against SFTPServer: `sftp -D <command>` spawns our server
// (sftp-stdio-server.ts) with the SFTP pipe as its stdio — no SSH — and runs a batch file (-b) of
// every sftp(1) command; each result is compared with what the filesystem holds afterwards:
// node:fs for a NodeFileSystem, the server's own dump for a MemoryFileSystem. Then confinement:
// through sftp, "..", absolute paths and symbolic links (the client's and ones already on disk)
// must neither read nor write anything outside the root.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TreeEntry } from './server-helpers.js';

const sftp = await toolAvailability('sftp');
const SCRIPT = fileURLToPath(new URL('./sftp-stdio-server.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const isRoot = process.getuid?.() === 0;
// chown to someone else needs root; otherwise the test chowns to itself.
const UID = isRoot ? 1234 : process.getuid!();
const GID = isRoot ? 4321 : process.getgid!();

function quote(arg: string): string {
  return /^[\w./=:@-]+$/.test(arg) ? arg : `'${arg}'`;
}

async function runSftp(
  batch: string[],
  serverArgs: string[],
  work: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const batchFile = join(work, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batchFile, `${batch.join('\n')}\n`);
  const command = [process.execPath, '--conditions=sshts-source', '--import', TSX, SCRIPT, ...serverArgs]
    .map(quote)
    .join(' ');
  const child = spawn((sftp as { path: string }).path, ['-b', batchFile, '-D', command], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sftp hung:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, stdout, stderr };
}

function pattern(n: number, salt: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + (i >>> 9) * 7 + salt) & 0xff;
  return out;
}

/** The sftp(1) batch, every command; `sftp -b` stops at the first failure, so all must succeed. */
function everyCommand(local: string): string[] {
  return [
    'progress',
    'version',
    'pwd',
    'lpwd',
    `lcd ${local}`,
    'lpwd',
    'lls',
    'lmkdir newlocal',
    'lumask 022',
    'reput partial.bin',
    'mkdir dir',
    'cd dir',
    'pwd',
    'put local.txt',
    'put -p local.txt preserved.txt',
    'put -f big.bin',
    'put -R localtree',
    'ls',
    'ls -la',
    'ls -l',
    'ls -n',
    'ls -1',
    'ls -lhS',
    'ls -ltr',
    'get local.txt got.txt',
    'get -p preserved.txt gotp.txt',
    'get -R localtree gottree',
    'cd ..',
    'reget bigremote.bin',
    'get -a remote.txt remote-copy.txt',
    'cd dir',
    'chmod 600 local.txt',
    'chmod -h 640 preserved.txt',
    `chown ${UID} local.txt`,
    `chgrp ${GID} local.txt`,
    'ln -s local.txt sym',
    'symlink local.txt sym2',
    `chown -h ${UID} sym`,
    'ln local.txt hard',
    'rename hard renamed',
    'cp local.txt copied.txt',
    'copy local.txt copied2.txt',
    'rm copied2.txt',
    'df',
    'df -h',
    'df -i',
    'mkdir empty',
    'rmdir empty',
    '!echo shell-escape-ok',
    'cd /',
    'cd', // no path: back to where the session started
    'pwd',
    'help',
    'bye',
  ];
}

const LOCAL = 'hello from the local side\n';
const REMOTE = 'remote text\n';
const BIG = pattern(1_000_000, 1);
const BIG_REMOTE = pattern(700_000, 2);

/** The local side of a run: files to put, half-downloaded ones to reget. */
function localSide(dir: string): void {
  mkdirSync(join(dir, 'localtree', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'local.txt'), LOCAL);
  utimesSync(join(dir, 'local.txt'), 1_500_000_000, 1_500_000_000);
  writeFileSync(join(dir, 'big.bin'), BIG);
  writeFileSync(join(dir, 'partial.bin'), BIG);
  writeFileSync(join(dir, 'localtree', 'top.txt'), 'top');
  writeFileSync(join(dir, 'localtree', 'sub', 'deep.txt'), 'deep');
  writeFileSync(join(dir, 'bigremote.bin'), BIG_REMOTE.subarray(0, 300_000));
}

/** What every run must have left on the local side and printed. */
function checkLocalSide(dir: string, out: string): void {
  expect(readFileSync(join(dir, 'got.txt'), 'utf8')).toBe(LOCAL);
  expect(Math.floor(statSync(join(dir, 'gotp.txt')).mtimeMs / 1000)).toBe(1_500_000_000);
  expect(readFileSync(join(dir, 'gottree', 'sub', 'deep.txt'), 'utf8')).toBe('deep');
  expect(sha(readFileSync(join(dir, 'bigremote.bin')))).toBe(sha(BIG_REMOTE));
  expect(readFileSync(join(dir, 'remote-copy.txt'), 'utf8')).toBe(REMOTE);
  expect(statSync(join(dir, 'newlocal')).isDirectory()).toBe(true);
  expect(out).toContain('SFTP protocol version 3');
  expect(out).toContain('Remote working directory: /home\n');
  expect(out).toContain('Remote working directory: /home/dir\n');
  expect(out).toContain('shell-escape-ok');
  expect(out).toMatch(/Size +Used +Avail +\(root\) +%Capacity/);
  expect(out).toMatch(/Inodes +Used +Avail +\(root\) +%Capacity/);
  // ls -l / -n / -lhS list the uploaded file with its size and a recent time.
  expect(out).toMatch(/^-rw-r--r-- +\S+ +\S+ +\S+ +26 \w{3} [ \d]\d \d\d:\d\d local\.txt$/m);
  expect(out).toMatch(/^-rw-r--r-- +\S+ +\S+ +\S+ +26B \w{3} [ \d]\d \d\d:\d\d local\.txt$/m);
  // put -p kept 2017's time, shown with the year.
  expect(out).toMatch(/^-rw-r--r-- +\S+ +\S+ +\S+ +26 Jul 1[45] {2}2017 preserved\.txt$/m);
  // The last pwd, after a bare "cd": the start directory (REALPATH ".").
  expect(
    out
      .trimEnd()
      .split('\n')
      .filter((l) => l.startsWith('Remote working directory'))
      .at(-1),
  ).toBe('Remote working directory: /home');
}

describe.skipIf(!sftp.available)('OpenSSH sftp(1) against SFTPServer (sftp -D)', () => {
  let work: string;
  beforeAll(async () => {
    work = await realpath(await mkdtemp(join(tmpdir(), 'sshts-sftp-D-')));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('every sftp command on a NodeFileSystem; the results are on disk', async () => {
    const root = join(work, 'node-root');
    const local = join(work, 'node-local');
    mkdirSync(join(root, 'home'), { recursive: true });
    mkdirSync(local);
    localSide(local);
    writeFileSync(join(root, 'home', 'remote.txt'), REMOTE);
    writeFileSync(join(root, 'home', 'bigremote.bin'), BIG_REMOTE);
    // reput: part of it is already there.
    writeFileSync(join(root, 'home', 'partial.bin'), BIG.subarray(0, 400_000));
    const r = await runSftp(everyCommand(local), ['--root', root, '--home', '/home', '--user', 'me'], work);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    checkLocalSide(local, r.stdout);
    const d = join(root, 'home', 'dir');
    expect(readFileSync(join(d, 'local.txt'), 'utf8')).toBe(LOCAL);
    const st = statSync(join(d, 'local.txt'));
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o600, UID, GID]);
    const preserved = lstatSync(join(d, 'preserved.txt'));
    expect(Math.floor(preserved.mtimeMs / 1000)).toBe(1_500_000_000);
    expect(preserved.mode & 0o7777).toBe(0o640);
    expect(sha(readFileSync(join(d, 'big.bin')))).toBe(sha(BIG));
    expect(sha(readFileSync(join(root, 'home', 'partial.bin')))).toBe(sha(BIG));
    expect(readFileSync(join(d, 'localtree', 'sub', 'deep.txt'), 'utf8')).toBe('deep');
    expect(readlinkSync(join(d, 'sym'))).toBe('local.txt');
    expect(readlinkSync(join(d, 'sym2'))).toBe('local.txt');
    expect(lstatSync(join(d, 'sym')).uid).toBe(UID);
    expect(existsSync(join(d, 'hard'))).toBe(false);
    expect(statSync(join(d, 'renamed')).ino).toBe(st.ino);
    expect(readFileSync(join(d, 'copied.txt'), 'utf8')).toBe(LOCAL);
    expect(existsSync(join(d, 'copied2.txt'))).toBe(false);
    expect(existsSync(join(d, 'empty'))).toBe(false);
    // With users-groups-by-id@openssh.com offered, sftp 9.2 formats `ls -l` itself with the
    // names it asked for (the link count as "?").
    expect(r.stdout).toMatch(/^-rw-r--r-- +\? root +root +26 /m);
  });

  it('every sftp command on a MemoryFileSystem; the server’s own tree shows the results', async () => {
    const local = join(work, 'mem-local');
    mkdirSync(local);
    localSide(local);
    const seed = join(work, 'seed.json');
    const dump = join(work, 'dump.json');
    writeFileSync(
      seed,
      JSON.stringify({
        dirs: ['/home'],
        files: {
          '/home/remote.txt': Buffer.from(REMOTE).toString('base64'),
          '/home/bigremote.bin': Buffer.from(BIG_REMOTE).toString('base64'),
          '/home/partial.bin': Buffer.from(BIG.subarray(0, 400_000)).toString('base64'),
        },
      }),
    );
    const r = await runSftp(everyCommand(local), ['--memory', seed, '--dump', dump, '--home', '/home'], work);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    checkLocalSide(local, r.stdout);
    // No names here, so no users-groups-by-id: sftp prints the server's longnames as they are —
    // ls_file's layout, numeric owner and group padded to 8, size in 8.
    const me = String(process.getuid!());
    const group = String(process.getgid!());
    expect(r.stdout).toMatch(
      new RegExp(
        `^-rw-r--r-- {4}1 ${me.padEnd(8)} ${group.padEnd(8)} {7}26 \\w{3} [ \\d]\\d \\d\\d:\\d\\d local\\.txt$`,
        'm',
      ),
    );
    const tree: Record<string, TreeEntry> = JSON.parse(readFileSync(dump, 'utf8'));
    const bytes = (p: string) => Buffer.from(tree[p]!.data!, 'base64');
    const d = '/home/dir';
    expect(bytes(`${d}/local.txt`).toString()).toBe(LOCAL);
    expect(tree[`${d}/local.txt`]).toMatchObject({ mode: 0o600, uid: UID, gid: GID, nlink: 2 });
    expect(tree[`${d}/preserved.txt`]).toMatchObject({ mode: 0o640, mtime: 1_500_000_000 });
    expect(sha(bytes(`${d}/big.bin`))).toBe(sha(BIG));
    expect(sha(bytes('/home/partial.bin'))).toBe(sha(BIG));
    expect(bytes(`${d}/localtree/sub/deep.txt`).toString()).toBe('deep');
    expect(tree[`${d}/sym`]).toMatchObject({ type: 'link', target: 'local.txt', uid: UID });
    expect(tree[`${d}/sym2`]).toMatchObject({ type: 'link', target: 'local.txt' });
    expect(tree[`${d}/renamed`]).toMatchObject({ nlink: 2 });
    expect(tree).not.toHaveProperty([`${d}/hard`]);
    expect(bytes(`${d}/copied.txt`).toString()).toBe(LOCAL);
    expect(tree).not.toHaveProperty([`${d}/copied2.txt`]);
    expect(tree).not.toHaveProperty([`${d}/empty`]);
  });

  it('confinement: "..", absolute paths and links — the client’s and ones on disk — reach nothing outside', async () => {
    const base = join(work, 'jail');
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    const local = join(work, 'jail-local');
    mkdirSync(root, { recursive: true });
    mkdirSync(outside);
    mkdirSync(local);
    const secret = join(outside, 'secret.txt');
    writeFileSync(secret, 'TOP SECRET\n');
    utimesSync(secret, 1_000_000_000, 1_000_000_000);
    const secretBefore = statSync(secret);
    writeFileSync(join(local, 'up.txt'), 'uploaded\n');
    // Links someone else left under the root, pointing out in every way.
    symlinkSync('/etc', join(root, 'evil'));
    symlinkSync('../outside', join(root, 'evil2'));
    symlinkSync(secret, join(root, 'evilfile'));
    symlinkSync('../../../../../../../../etc/passwd', join(root, 'evil3'));
    const batch = [
      `lcd ${local}`,
      '-get ../../etc/passwd',
      '-get /../../etc/passwd p2',
      '-get /etc/passwd p3',
      'cd /..',
      'pwd',
      'cd ../../..',
      'pwd',
      '-get evil/passwd p4',
      '-get evil2/secret.txt s1',
      '-get evilfile s2',
      '-get evil3 p5',
      '-ls evil/',
      '-ls -l evil2/',
      '-ls ../outside',
      'ln -s /etc clientlink',
      '-get clientlink/passwd p6',
      'ln -s ../outside clientlink2',
      '-get clientlink2/secret.txt s3',
      'put up.txt ../outside_put',
      '-put up.txt evil2/secret.txt',
      '-put up.txt ../outside/secret.txt',
      '-put up.txt evilfile',
      '-put up.txt evil/x',
      '-rm evil2/secret.txt',
      '-rm ../outside/secret.txt',
      '-chmod 777 evilfile',
      '-chmod 777 ../outside/secret.txt',
      '-mkdir ../outside/newdir',
      '-mkdir evil2/newdir',
      '-symlink /etc/passwd ../outside/planted',
      '-cp evilfile copied',
      '-rename ../outside/secret.txt stolen',
      '-ln evil2/secret.txt hardout',
      'pwd',
      'bye',
    ];
    const r = await runSftp(batch, ['--root', root], work);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // "/.." and "../../.." are "/": the client never left the root.
    const pwds = r.stdout.split('\n').filter((l) => l.startsWith('Remote working directory'));
    expect(pwds).toEqual(Array(3).fill('Remote working directory: /'));
    // Outside: untouched.
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect(readFileSync(secret, 'utf8')).toBe('TOP SECRET\n');
    const secretAfter = statSync(secret);
    expect([secretAfter.mode, secretAfter.mtimeMs, secretAfter.ino]).toEqual([
      secretBefore.mode,
      secretBefore.mtimeMs,
      secretBefore.ino,
    ]);
    expect(existsSync(join(base, 'outside_put'))).toBe(false);
    expect(readdirSync(base).sort()).toEqual(['outside', 'root']);
    // "../outside_put" from "/" is "/outside_put": inside the root.
    expect(readFileSync(join(root, 'outside_put'), 'utf8')).toBe('uploaded\n');
    // Nothing from outside came down: no file with the secret or /etc/passwd's content.
    const passwd = readFileSync('/etc/passwd', 'utf8');
    for (const name of readdirSync(local)) {
      const content = readFileSync(join(local, name), 'utf8');
      expect(content, name).not.toContain('TOP SECRET');
      if (passwd.length > 0) expect(content, name).not.toBe(passwd);
    }
    expect(readdirSync(local).sort()).toEqual(['up.txt']);
    // The client's links were made as asked (readlink shows the text), but following them stays inside.
    expect(readlinkSync(join(root, 'clientlink'))).toBe('/etc');
    expect(r.stderr).toMatch(/not found|No such file/);
  });
});
