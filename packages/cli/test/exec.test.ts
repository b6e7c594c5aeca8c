// sshts exec against a real OpenSSH sshd: output and exit status, signals, stdin, host-key checking
// with known_hosts files, ssh_config aliases, -L, -v, and ssh's messages for failures.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { peerAvailability, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  execFileAsync,
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

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The first line a TCP server at port sends, retried while nothing listens yet. */
async function firstLine(port: number, deadline: number): Promise<string> {
  for (;;) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.on('data', (d) => {
          text += d.toString('latin1');
          if (text.includes('\n')) {
            socket.destroy();
            resolve(text.split('\n')[0] as string);
          }
        });
        socket.on('error', reject);
        socket.on('close', () => reject(new Error('closed')));
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.skipIf(!openssh.available || !keygen.available)(
  'sshts exec with OpenSSH sshd',
  { concurrent: true },
  () => {
    let home: TempHome;
    let server: Server;
    let config: string;
    let target: string;

    beforeAll(async () => {
      home = await tempHome('exec');
      server = await startServer(keygen.available ? keygen.path : '', home.dir);
      config = await writeClientConfig(home.dir, server);
      target = `${server.peer.user}@127.0.0.1:${server.port}`;
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await home?.remove();
    });

    it('prints stdout and stderr apart and exits with the remote status (-F alias)', async () => {
      const r = await runCli(['exec', '-F', config, 'testhost', '--', 'echo out; echo err >&2; exit 3'], {
        home: home.dir,
      });
      expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    });

    it('joins the words after the host into the command, options included', async () => {
      const r = await runInProcess(['exec', '-F', config, 'testhost', 'printf', "'%s-%s\\n'", '-a', '-p'], {
        home: home.dir,
      });
      expect(r).toMatchObject({ code: 0, stdout: '-a--p\n' });
    });

    it('exits with 128 + the signal number when a signal kills the command', async () => {
      const kill = await runCli(['exec', '-F', config, 'testhost', 'kill -KILL $$'], { home: home.dir });
      expect(kill.code).toBe(128 + 9);
      const term = await runCli(['exec', '-F', config, 'testhost', 'kill -TERM $$'], { home: home.dir });
      expect(term.code).toBe(128 + 15);
    });

    it('forwards stdin byte for byte, then EOF', async () => {
      const input = randomBytes(300 * 1024);
      const r = await runCli(['exec', '-F', config, 'testhost', 'sha256sum'], { home: home.dir, input });
      expect(r.code).toBe(0);
      expect(r.stdout.split(' ')[0]).toBe(createHash('sha256').update(input).digest('hex'));
    });

    it('-n gives the command EOF at once', async () => {
      const r = await runInProcess(['exec', '-n', '-F', config, 'testhost', 'cat; echo done'], {
        home: home.dir,
        input: 'ignored',
      });
      expect(r).toMatchObject({ code: 0, stdout: 'done\n' });
    });

    it('refuses an unknown host by default and writes nothing', async () => {
      const file = join(home.dir, 'kh-refused');
      const r = await runInProcess(
        [
          'exec',
          '-i',
          server.key,
          '-o',
          `UserKnownHostsFile=${file}`,
          '-o',
          'GlobalKnownHostsFile=none',
          target,
          'echo reached',
        ],
        { home: home.dir },
      );
      expect(r.code).toBe(255);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/authenticity of host '\[127\.0\.0\.1\]:\d+' can't be established/);
      expect(r.stderr).toMatch(/Host key verification failed\./);
      await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
      const strict = await runInProcess(
        [
          'exec',
          '-i',
          server.key,
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          `UserKnownHostsFile=${file}`,
          target,
          'true',
        ],
        { home: home.dir },
      );
      expect(strict.code).toBe(255);
      expect(strict.stderr).toMatch(/you have requested strict checking/);
    });

    it('accepts a new host with accept-new, records it, and knows it afterwards', async () => {
      const file = join(home.dir, 'kh-accepted');
      const options = [
        '-i',
        server.key,
        '-o',
        `UserKnownHostsFile=${file}`,
        '-o',
        'GlobalKnownHostsFile=none',
      ];
      const first = await runInProcess(
        ['exec', ...options, '-o', 'StrictHostKeyChecking=accept-new', target, 'echo first'],
        {
          home: home.dir,
        },
      );
      expect(first).toMatchObject({ code: 0, stdout: 'first\n' });
      expect(first.stderr).toMatch(
        /Permanently added '\[127\.0\.0\.1\]:\d+' \(\w+\) to the list of known hosts/,
      );
      // OpenSSH finds the entry (hashed or not) and it is one of the server's keys.
      const found = await execFileAsync(keygen.available ? keygen.path : '', [
        '-F',
        `[127.0.0.1]:${server.port}`,
        '-f',
        file,
      ]);
      const line = found.stdout.split('\n').find((l) => l !== '' && !l.startsWith('#')) as string;
      const [, type, data] = line.split(' ');
      expect(server.peer.hostKeys.map((k) => k.publicKey)).toContain(`${type} ${data}`);
      const second = await runInProcess(
        ['exec', ...options, '-o', 'StrictHostKeyChecking=yes', target, 'echo second'],
        {
          home: home.dir,
        },
      );
      expect(second).toMatchObject({ code: 0, stdout: 'second\n', stderr: '' });
    });

    it('uses ~/.ssh/known_hosts and ~/.ssh/config under $HOME by default', async () => {
      const own = await tempHome('exec-default');
      try {
        await writeFile(join(own.dir, '.ssh', 'known_hosts'), server.knownHosts, { mode: 0o600 });
        await writeFile(
          join(own.dir, '.ssh', 'config'),
          `Host viaconfig\n  HostName 127.0.0.1\n  Port ${server.port}\n  User ${server.peer.user}\n  IdentityFile ${server.key}\n`,
          { mode: 0o600 },
        );
        const r = await runInProcess(['exec', 'viaconfig', 'echo from-default-config'], { home: own.dir });
        expect(r).toMatchObject({ code: 0, stdout: 'from-default-config\n' });
      } finally {
        await own.remove();
      }
    });

    it('refuses a changed host key whatever StrictHostKeyChecking says', async () => {
      const file = join(home.dir, 'kh-changed');
      const other = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM+SLwBXAWaOf4ybcfkbzy8qxNrUq+n7CwmbnejUi2Ov';
      await writeFile(file, `[127.0.0.1]:${server.port} ${other}\n`);
      const r = await runInProcess(
        [
          'exec',
          '-i',
          server.key,
          '-o',
          `UserKnownHostsFile=${file}`,
          '-o',
          'StrictHostKeyChecking=no',
          target,
          'echo no',
        ],
        { home: home.dir },
      );
      expect(r.code).toBe(255);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    });

    it('reports a refused key and a refused connection as ssh does, with 255', async () => {
      const stranger = join(home.dir, 'stranger');
      await execFileAsync(keygen.available ? keygen.path : '', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-f',
        stranger,
      ]);
      const knownHosts = join(home.dir, '.ssh', 'known_hosts_test');
      const denied = await runInProcess(
        ['exec', '-F', 'none', '-o', `UserKnownHostsFile=${knownHosts}`, '-i', stranger, target, 'true'],
        { home: home.dir },
      );
      expect(denied.code).toBe(255);
      expect(denied.stderr).toMatch(
        new RegExp(`${server.peer.user}@127\\.0\\.0\\.1: Permission denied \\(publickey\\)\\.`),
      );
      const refused = await runInProcess(
        ['exec', '-F', 'none', '-p', String(await freePort()), '127.0.0.1', 'true'],
        {
          home: home.dir,
        },
      );
      expect(refused.code).toBe(255);
      expect(refused.stderr).toMatch(/connect to host 127\.0\.0\.1 port \d+: Connection refused/);
    });

    it('-v traces the connection on stderr without key material', async () => {
      const r = await runInProcess(['exec', '-v', '-F', config, 'testhost', 'true'], { home: home.dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^debug1: Reading configuration data .*config_test$/m);
      expect(r.stderr).toMatch(/^debug1: kex: algorithm: \S+$/m);
      expect(r.stderr).toMatch(/^debug1: Server host key: \S+ SHA256:\S+$/m);
      expect(r.stderr).toMatch(/^debug1: Authenticated to 127\.0\.0\.1/m);
      const privateBody = (await readFile(server.key, 'utf8')).split('\n').slice(1, -2).join('');
      for (const chunk of privateBody.match(/.{16}/g) ?? []) expect(r.stderr).not.toContain(chunk);
    });

    it('-L forwards a local port through the server while the command runs', async () => {
      const port = await freePort();
      const running = runCli(
        ['exec', '-F', config, '-L', `${port}:127.0.0.1:${server.port}`, 'testhost', 'sleep 3'],
        {
          home: home.dir,
        },
      );
      // Through the forward, the server's own sshd greets us.
      expect(await firstLine(port, Date.now() + 10_000)).toMatch(/^SSH-2\.0-OpenSSH/);
      expect((await running).code).toBe(0);
    });

    it('is a usage error (2) without a command or with a bad destination', async () => {
      const none = await runInProcess(['exec', '-F', config, 'testhost'], { home: home.dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/missing command/);
      const bad = await runInProcess(['exec', 'host:notaport', 'true'], { home: home.dir });
      expect(bad.code).toBe(2);
    });
  },
);
