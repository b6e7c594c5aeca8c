// sshts serve and sshts demo (issue 7): serve keeps the host key it makes on first use and lets
// OpenSSH's sftp log in with the password and work under the root; demo runs end to end.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadOrCreateHostKey, startServer } from '../src/server/start-server.js';
import { fakeIo } from './fake-io.js';
import { runInProcess, tempHome } from './helpers.js';

const sftp = await toolAvailability('sftp');

function run(cmd: string, args: string[], input: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sshts serve', () => {
  it('makes the host key on first use and keeps it', async () => {
    const home = await tempHome('serve-key');
    const path = join(home.dir, 'k', 'host_key');
    const first = await loadOrCreateHostKey(path);
    const again = await loadOrCreateHostKey(path);
    expect(again.publicKey.equals(first.publicKey)).toBe(true);
    expect((await readFile(`${path}.pub`, 'utf8')).startsWith(first.publicKey.toString())).toBe(true);
  });

  it('refuses to start when nobody could log in', async () => {
    const home = await tempHome('serve-nobody');
    const r = await runInProcess(['serve', '-p', '0', '--root', home.dir], { home: home.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nobody could log in/);
  });

  // Only when sftp is missing outside CI (under CI=true toolAvailability throws instead).
  it.skipIf(!sftp.available)(
    'OpenSSH sftp logs in with the password and works under the root',
    async () => {
      const home = await tempHome('serve-sftp');
      const root = join(home.dir, 'share');
      await mkdir(root);
      await writeFile(join(root, 'hello.txt'), 'hi');
      const io = fakeIo({ home: home.dir });
      const server = await startServer(io, { port: 0, host: '127.0.0.1', root, password: 'pw', exec: false });
      try {
        await writeFile(join(home.dir, 'kh'), `[127.0.0.1]:${server.port} ${server.hostKey.publicKey}\n`);
        const askpass = join(home.dir, 'askpass.sh');
        await writeFile(askpass, '#!/bin/sh\necho pw\n', { mode: 0o755 });
        const r = await run(
          sftp.available ? sftp.path : 'sftp',
          [
            '-P',
            String(server.port),
            '-o',
            `UserKnownHostsFile=${join(home.dir, 'kh')}`,
            '-o',
            'PubkeyAuthentication=no',
            // Commands on stdin, not -b: batch mode forbids the password prompt (askpass).
            'me@127.0.0.1',
          ],
          'get hello.txt got.txt\nput got.txt back.txt\nls /\n',
          { HOME: home.dir, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
        );
        expect(r.code, r.stderr).toBe(0);
        expect(await readFile(join(root, 'back.txt'), 'utf8')).toBe('hi');
        expect(r.stdout).toContain('hello.txt');
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});

describe('sshts demo', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('serves, connects, runs a command and moves a file both ways intact', async () => {
    // The demo's server runs in this process and its exec is `$SHELL -c`, with the test runner's
    // environment: a bash whose stdin is a socket and SHLVL unset sources the real ~/.bashrc
    // (bash(1) INVOCATION), which a machine's rc can make hang. /bin/sh reads no rc for `-c`.
    vi.stubEnv('SHELL', '/bin/sh');
    const home = await tempHome('demo');
    const r = await runInProcess(['demo', '--mib', '2'], { home: home.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/exit 0:\n {3}hello from /);
    expect(r.stdout).toContain('SHA-256 identical both ways');
    expect(r.stdout).toMatch(/kex \S+, host key ssh-ed25519, cipher \S+/);
  }, 60_000);
});
