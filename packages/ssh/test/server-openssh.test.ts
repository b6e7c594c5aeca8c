// Issue 7: OpenSSH's `ssh` against our server (systemShell() exec / shell, forwarding on): exec
// with stdout, stderr and the exit status; a command killed by a signal (exit-signal); stdin
// forwarded to the command; a pty (with a real local tty from script(1), so ssh sends its size)
// and a shell in it; env only for LANG / LC_* (the AcceptEnv default); -L and -R forwarding with
// data round trips; publickey with every user key type and password through SSH_ASKPASS.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts, SSHClient } from '../src/node/index.js';
import {
  closedPort,
  echoServer,
  pattern,
  roundTrip,
  roundTripWhenListening,
  sha256,
} from './forward-helpers.js';
import {
  describeRun,
  opensshOptions,
  PASSWORD,
  runClient,
  type ServerFixture,
  spawnClient,
  startServer,
  USER,
} from './server-helpers.js';

describe('OpenSSH ssh × our server', async () => {
  const availability = await toolAvailability('ssh');
  if (!availability.available) {
    it.skip(`ssh: ${availability.reason}`, () => {});
    return;
  }
  const ssh = availability.path;
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startServer();
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** ssh with the fixture's options; `first` goes before them (ssh keeps the first value of an option). */
  const sshRun = (
    args: string[],
    options: { input?: string | Uint8Array; env?: Record<string, string>; first?: string[] } = {},
  ) =>
    runClient(ssh, [...(options.first ?? []), ...opensshOptions(fx), ...args], {
      env: fx.env(options.env),
      input: options.input,
    });

  it('exec: stdout, stderr and the exit status', async () => {
    const r = await sshRun(['127.0.0.1', 'echo out; echo err >&2; exit 3']);
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err\n');
  });

  it('exec runs in the configured directory, through the system shell, as a non-tty', async () => {
    const r = await sshRun(['127.0.0.1', 'pwd; tty; echo "$((6 * 7))"']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(`${fx.cwd}\nnot a tty\n42\n`);
  });

  it('a command killed by a signal: exit-signal reaches ssh (which exits 255, as with sshd)', async () => {
    const r = await sshRun(['-v', '127.0.0.1', 'kill -TERM $$']);
    expect(r.code, describeRun(r)).toBe(255);
    expect(r.stderr).toMatch(/rtype exit-signal reply 0/);
    expect(r.stderr).not.toMatch(/rtype exit-status/);
    // A child killed inside the shell: the shell's 128 + signal status comes through as it is.
    const k = await sshRun(['127.0.0.1', 'sleep 30 & kill -KILL $!; wait $!']);
    expect(k.code, describeRun(k)).toBe(137);
  });

  it('a command killed by a signal: our client reads the signal name', async () => {
    const client = new SSHClient({ knownHosts: KnownHosts.parse(await readFile(fx.knownHostsFile, 'utf8')) });
    await client.connect({
      host: '127.0.0.1',
      port: fx.port,
      username: USER,
      password: PASSWORD,
      lookForKeys: false,
      agent: false,
    });
    try {
      const r = await client.exec('kill -TERM $$');
      expect(r).toMatchObject({ exitCode: null, signal: 'TERM' });
    } finally {
      await client.close();
    }
  });

  it('stdin reaches the command, EOF included: 1 MiB through sha256sum', async () => {
    const data = randomBytes(1 << 20);
    const r = await sshRun(['127.0.0.1', 'sha256sum; wc -c < /dev/null'], { input: data });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split(/\s+/)[0]).toBe(sha256(data));
  });

  it('-tt with a local tty: a pty of the size ssh asks for, TERM passed, the exit status', async () => {
    expect(existsSync('/usr/bin/script'), 'script(1) from util-linux').toBe(true);
    const command = [
      ssh,
      ...opensshOptions(fx),
      '-tt',
      '127.0.0.1',
      'tty; stty size; echo "TERM=$TERM"; exit 4',
    ]
      .map((w) => `'${w.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    // script(1) gives ssh a terminal of its own, sized here, so the pty-req carries a real size.
    const r = await runClient(
      '/usr/bin/script',
      ['-qec', `stty cols 111 rows 33; exec ${command}`, '/dev/null'],
      {
        env: fx.env({ TERM: 'xterm-256color' }),
        keepStdin: true,
      },
    );
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r\n/);
    expect(r.stdout).toContain('33 111\r\n');
    expect(r.stdout).toContain('TERM=xterm-256color\r\n');
  });

  it('-tt shell: a login shell in the pty reads what is typed, and its exit status comes back', async () => {
    const command = [ssh, ...opensshOptions(fx), '-tt', '127.0.0.1'].map((w) => `'${w}'`).join(' ');
    const p = spawnClient('/usr/bin/script', ['-qec', `stty cols 90 rows 20; exec ${command}`, '/dev/null'], {
      env: fx.env({ TERM: 'xterm' }),
      keepStdin: true,
    });
    p.child.stdin!.write('echo "size=$(stty size)"\n');
    await p.waitFor(/size=20 90/);
    p.child.stdin!.write('exit 5\n');
    const r = await p.done;
    expect(r.code, describeRun(r)).toBe(5);
  });

  it('RequestTTY=force without a local tty: still a pty', async () => {
    const r = await sshRun(['-o', 'RequestTTY=force', '127.0.0.1', 'tty']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r\n/);
  });

  it('env: SendEnv / SetEnv reach the command only for LANG and LC_*', async () => {
    const r = await sshRun(
      [
        '-o',
        'SendEnv=LANG LC_* FOO',
        '-o',
        'SetEnv=LC_SET=1 BAR=2',
        '127.0.0.1',
        'env | grep -E "^(LANG|LC_[A-Z]+|FOO|BAR)=" | sort',
      ],
      { env: { LANG: 'C.UTF-8', LC_FOO: 'lc-foo', FOO: 'foo' } },
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('LANG=C.UTF-8\nLC_FOO=lc-foo\nLC_SET=1\n');
  });

  it('-L: a local port forwarded to a TCP echo server through our server', async () => {
    const echo = await echoServer();
    const localPort = await closedPort();
    const p = spawnClient(
      ssh,
      [
        ...opensshOptions(fx),
        '-N',
        '-o',
        'ExitOnForwardFailure=yes',
        '-L',
        `${localPort}:127.0.0.1:${echo.port}`,
        '127.0.0.1',
      ],
      { env: fx.env(), keepStdin: true },
    );
    try {
      const data = pattern(256 * 1024, 1);
      const back = await roundTripWhenListening(localPort, data);
      expect(back && sha256(back)).toBe(sha256(data));
      // A second connection over the same ssh.
      expect(sha256(await roundTrip({ port: localPort }, pattern(1000, 2)))).toBe(sha256(pattern(1000, 2)));
      expect(echo.accepted).toBe(2);
    } finally {
      p.kill();
      await p.done;
      await echo.close();
    }
  });

  it('-R 0: the port our server allocated is reported, and a connection to it reaches the local target', async () => {
    const echo = await echoServer();
    const p = spawnClient(
      ssh,
      [
        ...opensshOptions(fx),
        '-N',
        '-o',
        'ExitOnForwardFailure=yes',
        '-R',
        `0:127.0.0.1:${echo.port}`,
        '127.0.0.1',
      ],
      { env: fx.env(), keepStdin: true },
    );
    try {
      const stderr = await p.waitFor(/Allocated port (\d+) for remote forward/, 20_000, 'stderr');
      const port = Number(/Allocated port (\d+)/.exec(stderr)![1]);
      const data = pattern(128 * 1024, 3);
      expect(sha256(await roundTrip({ port }, data))).toBe(sha256(data));
      expect(echo.accepted).toBe(1);
    } finally {
      p.kill();
      await p.done;
      await echo.close();
    }
  });

  it('-R with a fixed port: the remote command connects to it and reaches the local target', async () => {
    const echo = await echoServer();
    const remotePort = await closedPort();
    const r = await sshRun([
      '-o',
      'ExitOnForwardFailure=yes',
      '-R',
      `${remotePort}:127.0.0.1:${echo.port}`,
      '127.0.0.1',
      // bash for /dev/tcp, whatever $SHELL the server's systemShell() runs (dash on the CI machine).
      `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${remotePort}; printf ping-through-R >&3; head -c 14 <&3'`,
    ]);
    await echo.close();
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('ping-through-R');
  });

  for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
    it(`publickey with an ${type} user key`, async () => {
      const before = fx.authAttempts.length;
      const r = await runClient(ssh, [...opensshOptions(fx, type), '-v', '127.0.0.1', 'echo key-ok'], {
        env: fx.env(),
      });
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toBe('key-ok\n');
      expect(r.stderr).toMatch(/Authenticated to 127\.0\.0\.1 .* using "publickey"/);
      if (type === 'rsa') expect(r.stderr).toMatch(/Server accepts key: .* RSA SHA256:/);
      expect(fx.authAttempts.slice(before)).toContainEqual({ method: 'publickey', user: USER, ok: true });
    });
  }

  async function askpass(password: string): Promise<string> {
    const file = join(fx.home, `askpass-${password.length}.sh`);
    await writeFile(file, `#!/bin/sh\nprintf '%s\\n' '${password}'\n`, { mode: 0o700 });
    return file;
  }

  const passwordArgs = [
    '-o',
    'BatchMode=no',
    '-o',
    'PubkeyAuthentication=no',
    '-o',
    'PreferredAuthentications=password',
  ];

  it('password (SSH_ASKPASS) accepted', async () => {
    const r = await sshRun(['-v', '127.0.0.1', 'echo password-ok'], {
      first: passwordArgs,
      env: { SSH_ASKPASS: await askpass(PASSWORD), SSH_ASKPASS_REQUIRE: 'force' },
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('password-ok\n');
    expect(r.stderr).toMatch(/using "password"/);
  });

  it('a wrong password (SSH_ASKPASS) refused: Permission denied', async () => {
    const before = fx.authAttempts.length;
    const r = await sshRun(['-o', 'NumberOfPasswordPrompts=2', '127.0.0.1', 'echo no'], {
      first: passwordArgs,
      env: { SSH_ASKPASS: await askpass('wrong'), SSH_ASKPASS_REQUIRE: 'force' },
    });
    expect(r.code, describeRun(r)).toBe(255);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Permission denied \(.*password.*\)/);
    expect(fx.authAttempts.slice(before)).toEqual([
      { method: 'password', user: USER, ok: false },
      { method: 'password', user: USER, ok: false },
    ]);
  });
});
