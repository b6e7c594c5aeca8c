// sshts get, put and ls against OpenSSH sshd's internal-sftp: files byte-exact both ways with and
// without a terminal on stderr (the live bar, or one final line), directories with -r, --resume,
// scp's "into an existing directory" rule, errors, and ls / ls -l.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { peerAvailability, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliCommand,
  cliEnv,
  runCli,
  runInProcess,
  type Server,
  startServer,
  type TempHome,
  tempHome,
  writeClientConfig,
} from './helpers.js';

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');
const SCRIPT = '/usr/bin/script';

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The CLI under script(1): stdout and stderr are a terminal; returns the exit code and what it drew. */
function onTerminal(args: string[], home: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = `stty cols 100; ${cliCommand(args).map(quote).join(' ')}`;
    const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], { env: cliEnv(home), cwd: home });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end();
  });
}

async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory()) Object.assign(out, await tree(join(dir, entry.name), `${rel}/`));
    else out[rel] = (await readFile(join(dir, entry.name))).toString('base64');
  }
  return out;
}

describe.skipIf(!openssh.available || !keygen.available)(
  'sshts get / put / ls with OpenSSH sshd',
  { concurrent: true },
  () => {
    let home: TempHome;
    let server: Server;
    let config: string;
    let remoteDir: string;
    const data = randomBytes(3 * 1024 * 1024 + 123);

    beforeAll(async () => {
      home = await tempHome('transfer');
      server = await startServer(keygen.available ? keygen.path : '', home.dir);
      config = await writeClientConfig(home.dir, server);
      const sftpHome = server.peer.sftp?.localPath;
      if (sftpHome === undefined) throw new Error('the OpenSSH peer serves SFTP');
      remoteDir = sftpHome;
      await writeFile(join(home.dir, 'data.bin'), data);
      await writeFile(join(remoteDir, 'source.bin'), data);
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await home?.remove();
    });

    const cli = (args: string[]) => runInProcess(args, { home: home.dir });
    const spawned = (args: string[]) => runCli(args, { home: home.dir });
    const remote = (path: string) => `testhost:${join(remoteDir, path)}`;

    it('put then get round-trip a file byte-exact, with one progress line each when stderr is no terminal', async () => {
      const up = await spawned(['put', '-F', config, join(home.dir, 'data.bin'), remote('up.bin')]);
      expect(up.code).toBe(0);
      expect(up.stderr).not.toContain('\r');
      expect(up.stderr).toMatch(/^data\.bin +100% +3\.0 MiB +\S+ \S+\/s +\d\d:\d\d\n$/);
      expect((await readFile(join(remoteDir, 'up.bin'))).equals(data)).toBe(true);

      const down = await spawned(['get', '-F', config, remote('up.bin'), join(home.dir, 'down.bin')]);
      expect(down.code).toBe(0);
      expect(down.stderr).toMatch(/^up\.bin +100% +3\.0 MiB .*\n$/);
      expect((await readFile(join(home.dir, 'down.bin'))).equals(data)).toBe(true);
    });

    it.skipIf(!existsSync(SCRIPT))(
      'draws a live progress bar on a terminal, and the files still match',
      async () => {
        const up = await onTerminal(['put', '-F', config, 'data.bin', remote('tty-up.bin')], home.dir);
        expect(up.code).toBe(0);
        expect(up.output).toMatch(/\rdata\.bin +\[#+\] +100% +3\.0 MiB/);
        expect((await readFile(join(remoteDir, 'tty-up.bin'))).equals(data)).toBe(true);
        const down = await onTerminal(['get', '-F', config, remote('tty-up.bin'), 'tty-down.bin'], home.dir);
        expect(down.code).toBe(0);
        expect(down.output).toMatch(/\rtty-up\.bin +\[#+\] +100%/);
        expect((await readFile(join(home.dir, 'tty-down.bin'))).equals(data)).toBe(true);
      },
    );

    it('-q prints no progress; a directory destination receives the file under its name', async () => {
      await mkdir(join(remoteDir, 'into'), { recursive: true });
      const up = await cli(['put', '-q', '-F', config, join(home.dir, 'data.bin'), remote('into')]);
      expect(up).toMatchObject({ code: 0, stderr: '' });
      expect((await readFile(join(remoteDir, 'into', 'data.bin'))).equals(data)).toBe(true);
      await mkdir(join(home.dir, 'localinto'), { recursive: true });
      const down = await cli([
        'get',
        '-q',
        '-F',
        config,
        remote('into/data.bin'),
        join(home.dir, 'localinto'),
      ]);
      expect(down).toMatchObject({ code: 0, stderr: '' });
      expect((await readFile(join(home.dir, 'localinto', 'data.bin'))).equals(data)).toBe(true);
    });

    it('--resume continues partial files both ways, keeping what is already there', async () => {
      // The partial files hold other bytes than the source: only a real resume keeps them.
      const cut = 1024 * 1024 + 7;
      const prefix = Buffer.alloc(cut, 0x5a);
      const expected = Buffer.concat([prefix, data.subarray(cut)]);
      await writeFile(join(remoteDir, 'partial-up.bin'), prefix);
      const up = await cli([
        'put',
        '--resume',
        '-F',
        config,
        join(home.dir, 'data.bin'),
        remote('partial-up.bin'),
      ]);
      expect(up.code).toBe(0);
      expect((await readFile(join(remoteDir, 'partial-up.bin'))).equals(expected)).toBe(true);
      await writeFile(join(home.dir, 'partial-down.bin'), prefix);
      const down = await cli([
        'get',
        '--resume',
        '-F',
        config,
        remote('source.bin'),
        join(home.dir, 'partial-down.bin'),
      ]);
      expect(down.code).toBe(0);
      expect((await readFile(join(home.dir, 'partial-down.bin'))).equals(expected)).toBe(true);
      // Without --resume the file is written whole.
      const again = await cli([
        'get',
        '-F',
        config,
        remote('source.bin'),
        join(home.dir, 'partial-down.bin'),
      ]);
      expect(again.code).toBe(0);
      expect((await readFile(join(home.dir, 'partial-down.bin'))).equals(data)).toBe(true);
    });

    it('-r copies directory trees both ways; without -r a directory is refused', async () => {
      const src = join(home.dir, 'tree');
      await mkdir(join(src, 'sub', 'deeper'), { recursive: true });
      await writeFile(join(src, 'a.txt'), 'alpha\n');
      await writeFile(join(src, 'sub', 'b.bin'), randomBytes(70_000));
      await writeFile(join(src, 'sub', 'deeper', 'c'), '');
      const refused = await cli(['put', '-F', config, src, remote('tree-up')]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/is a directory \(use -r\)/);

      const up = await cli(['put', '-r', '-F', config, src, remote('tree-up')]);
      expect(up.code).toBe(0);
      expect(up.stderr).toMatch(/^tree +100%/);
      expect(await tree(join(remoteDir, 'tree-up'))).toEqual(await tree(src));
      const back = join(home.dir, 'tree-back');
      const down = await cli(['get', '-r', '-F', config, remote('tree-up'), back]);
      expect(down.code).toBe(0);
      expect(await tree(back)).toEqual(await tree(src));
    });

    it('reports a missing file with its path and exit code 1', async () => {
      const r = await cli(['get', '-F', config, remote('no-such-file'), join(home.dir, 'x')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no-such-file: No such file/);
      expect(existsSync(join(home.dir, 'x'))).toBe(false);
    });

    it('ls lists names sorted (dot files with -a), ls -l long lines with modes and sizes', async () => {
      const dir = join(remoteDir, 'listing');
      await mkdir(join(dir, 'subdir'), { recursive: true });
      await writeFile(join(dir, 'zeta.txt'), 'z'.repeat(1234));
      await writeFile(join(dir, 'alpha.txt'), '');
      await writeFile(join(dir, '.hidden'), 'h');
      const short = await cli(['ls', '-F', config, remote('listing')]);
      expect(short).toMatchObject({ code: 0, stdout: 'alpha.txt\nsubdir\nzeta.txt\n' });
      const all = await cli(['ls', '-a', '-F', config, remote('listing')]);
      expect(all.stdout).toBe('.hidden\nalpha.txt\nsubdir\nzeta.txt\n');
      const long = await cli(['ls', '-l', '-F', config, remote('listing')]);
      expect(long.code).toBe(0);
      const lines = long.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^-rw\S+ +\d+ +\S+ +\S+ +0 .* alpha\.txt$/);
      expect(lines[1]).toMatch(/^drwx\S+ .* subdir$/);
      expect(lines[2]).toMatch(/^-rw\S+ +\d+ +\S+ +\S+ +1234 .* zeta\.txt$/);
      const one = await cli(['ls', '-l', '-F', config, remote('listing/zeta.txt')]);
      expect(one.stdout).toMatch(/^-rw\S+ +\? +\d+ +\d+ +1234 .* \S*zeta\.txt\n$/);
    });
  },
);
