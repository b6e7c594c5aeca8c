// Issue 7: Dropbear's `dbclient` (2022.83) and PuTTY's `plink` and `psftp` (0.78) against our
// server (systemShell() exec / shell, SFTP rooted at fx.root, forwarding on).
// dbclient: exec with stdout, stderr and the exit status; stdin; publickey with every user key type
// (converted to Dropbear's format by dropbearconvert: dbclient -i reads no openssh-key-v1 file);
// password from DROPBEAR_PASSWORD and a wrong one; a pty sized by the local tty (script(1)); -L, -R
// and -B (netcat mode) forwarding; a multi-hop connection through our server to itself; -K
// keepalives (channel and global requests answered); each host-key type checked against
// ~/.ssh/known_hosts, a mismatching entry and an unknown host refused.
// plink: exec, stdin, -pw and a wrong one, -t, -L, every host-key type against -hostkey and a wrong
// -hostkey refused; 4 MiB each way through `cat` with winadj@putty.projects.tartarus.org requests
// (answered CHANNEL_FAILURE) read from plink's -sshlog.
// psftp: one -b batch with every command, each checked afterwards on disk; a failing command ending
// the batch; close and open; -pwfile.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePrivateKey } from '@sshts/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  HOST_KEY_TYPES,
  missingReason,
  PASSWORD,
  type Ran,
  runClient,
  type ServerFixture,
  spawnClient,
  startServer,
  tool,
  USER,
} from './server-helpers.js';

const SCRIPT = '/usr/bin/script';

/** A POSIX shell word. */
const quote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * Runs argv under script(1), which gives the client a terminal of its own sized cols × rows, so a
 * pty-req carries a real size (as in server-openssh.test.ts).
 */
function inTerminal(argv: string[], env: Record<string, string>, cols = 111, rows = 33): Promise<Ran> {
  return runClient(
    SCRIPT,
    ['-qec', `stty cols ${cols} rows ${rows}; exec ${argv.map(quote).join(' ')}`, '/dev/null'],
    {
      env,
      keepStdin: true,
    },
  );
}

/** A packet from a PuTTY -sshlog file: its direction, message type and payload after the type byte. */
interface LoggedPacket {
  incoming: boolean;
  type: number;
  payload: Uint8Array;
}

/** Parses PuTTY's -sshlog packet log ("Outgoing packet #0x5, type 98 / 0x62 (…)" then hex lines). */
function parseSshLog(text: string): LoggedPacket[] {
  const packets: LoggedPacket[] = [];
  let current: { incoming: boolean; type: number; hex: string[] } | undefined;
  const flush = () => {
    if (current)
      packets.push({
        incoming: current.incoming,
        type: current.type,
        payload: Uint8Array.from(current.hex.map((h) => Number.parseInt(h, 16))),
      });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const head = /^(Incoming|Outgoing) packet #0x[0-9a-f]+, type (\d+) /.exec(line);
    if (head) {
      flush();
      current = { incoming: head[1] === 'Incoming', type: Number(head[2]), hex: [] };
      continue;
    }
    const row = /^ {2}[0-9a-f]{8} {2}((?:[0-9a-f]{2} )+)/.exec(line);
    if (row && current) current.hex.push(...row[1]!.trim().split(' '));
    else if (!line.startsWith('  ')) flush();
  }
  flush();
  return packets;
}

/** A CHANNEL_REQUEST payload: uint32 recipient, string type, boolean want reply (RFC 4254 §5.4). */
function channelRequest(payload: Uint8Array): { recipient: number; type: string; wantReply: boolean } {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const length = view.getUint32(4);
  return {
    recipient: view.getUint32(0),
    type: new TextDecoder().decode(payload.subarray(8, 8 + length)),
    wantReply: payload[8 + length] === 1,
  };
}

const CHANNEL_REQUEST = 98;
const CHANNEL_SUCCESS = 99;
const CHANNEL_FAILURE = 100;
const CHANNEL_CLOSE = 97;

describe('Dropbear dbclient × our server', async () => {
  const dbclient = await tool('dbclient');
  const dropbearconvert = await tool('dropbearconvert');
  if (!dbclient || !dropbearconvert) {
    it.skip(`dbclient: ${(await missingReason('dbclient')) || (await missingReason('dropbearconvert'))}`, () => {});
    return;
  }
  let fx: ServerFixture;
  /** The user keys in Dropbear's own format. */
  const dropbearKeys = {} as Record<'ed25519' | 'ecdsa' | 'rsa', string>;
  beforeAll(async () => {
    fx = await startServer();
    for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
      const out = `${fx.userKeyFiles[type]}.dropbear`;
      const r = await runClient(dropbearconvert, ['openssh', 'dropbear', fx.userKeyFiles[type], out], {
        env: fx.env(),
      });
      expect(r.code, describeRun(r)).toBe(0);
      dropbearKeys[type] = out;
    }
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** dbclient options before the destination: the port and the ed25519 key (Dropbear format). */
  const db = (
    args: string[],
    command: string[] = [],
    options: {
      input?: string | Uint8Array;
      env?: Record<string, string>;
      key?: keyof typeof dropbearKeys;
    } = {},
  ) =>
    runClient(
      dbclient,
      [
        '-p',
        String(fx.port),
        '-i',
        dropbearKeys[options.key ?? 'ed25519'],
        ...args,
        `${USER}@127.0.0.1`,
        ...command,
      ],
      { env: fx.env(options.env), input: options.input },
    );

  it('exec: stdout, stderr and the exit status, no pty, in the configured directory', async () => {
    const r = await db([], ['echo out; echo err >&2; pwd; tty; exit 3']);
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stdout).toBe(`out\n${fx.cwd}\nnot a tty\n`);
    expect(r.stderr).toBe('err\n');
    expect(fx.lastConnection().remote).toBe('SSH-2.0-dropbear_2022.83');
  });

  it('stdin reaches the command, EOF included: 1 MiB through sha256sum', async () => {
    const data = randomBytes(1 << 20);
    const r = await db([], ['sha256sum'], { input: data });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split(/\s+/)[0]).toBe(sha256(data));
  });

  for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
    it(`publickey with the ${type} user key (dropbearconvert'ed), no password tried`, async () => {
      const before = fx.authAttempts.length;
      const r = await db([], ['echo key-ok'], { key: type });
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toBe('key-ok\n');
      const attempts = fx.authAttempts.slice(before);
      expect(attempts).toContainEqual({ method: 'publickey', user: USER, ok: true });
      expect(attempts.filter((a) => a.method === 'password')).toEqual([]);
    });
  }

  it('password from DROPBEAR_PASSWORD (no key given)', async () => {
    const before = fx.authAttempts.length;
    const r = await runClient(dbclient, ['-p', String(fx.port), `${USER}@127.0.0.1`, 'echo password-ok'], {
      env: fx.env({ DROPBEAR_PASSWORD: PASSWORD }),
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('password-ok\n');
    expect(fx.authAttempts.slice(before)).toEqual([{ method: 'password', user: USER, ok: true }]);
  });

  it('a wrong DROPBEAR_PASSWORD: retried until MaxAuthTries, then our DISCONNECT ends dbclient', async () => {
    const before = fx.authAttempts.length;
    const r = await runClient(dbclient, ['-p', String(fx.port), `${USER}@127.0.0.1`, 'echo no'], {
      env: fx.env({ DROPBEAR_PASSWORD: 'wrong' }),
      timeoutMs: 30_000,
    });
    // Dropbear ends a session the server disconnected through dropbear_close() ("Disconnect
    // received"), which exits with EXIT_SUCCESS: the status does not tell; the output does.
    expect(r.stdout, describeRun(r)).toBe('');
    expect(r.stderr).toMatch(/exited: Disconnect received/);
    expect(fx.authAttempts.slice(before)).toEqual(
      Array.from({ length: 6 }, () => ({ method: 'password', user: USER, ok: false })),
    );
    expect(fx.lastConnection().disconnects).toEqual([
      { reason: 14, description: 'Too many authentication failures', fromPeer: false },
    ]);
  });

  it('-t with a local tty: a /dev/pts pty of the local size, TERM passed, the exit status', async () => {
    expect(existsSync(SCRIPT), 'script(1) from util-linux').toBe(true);
    const r = await inTerminal(
      [
        dbclient,
        '-t',
        '-p',
        String(fx.port),
        '-i',
        dropbearKeys.ed25519,
        `${USER}@127.0.0.1`,
        'tty; stty size; echo "TERM=$TERM"; exit 4',
      ],
      fx.env({ TERM: 'xterm-256color' }),
    );
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r\n/);
    expect(r.stdout).toContain('33 111\r\n');
    expect(r.stdout).toContain('TERM=xterm-256color\r\n');
  });

  it('-L: a local port forwarded to a TCP echo server through our server', async () => {
    const echo = await echoServer();
    const localPort = await closedPort();
    const p = spawnClient(
      dbclient,
      [
        '-p',
        String(fx.port),
        '-i',
        dropbearKeys.ed25519,
        '-N',
        '-o',
        'ExitOnForwardFailure=yes',
        '-L',
        `${localPort}:127.0.0.1:${echo.port}`,
        `${USER}@127.0.0.1`,
      ],
      { env: fx.env(), keepStdin: true },
    );
    try {
      const data = pattern(512 * 1024, 1);
      const back = await roundTripWhenListening(localPort, data);
      expect(back && sha256(back), `${p.stdout} | ${p.stderr}`).toBe(sha256(data));
      // A second connection over the same dbclient.
      expect(sha256(await roundTrip({ port: localPort }, pattern(1000, 2)))).toBe(sha256(pattern(1000, 2)));
      expect(echo.accepted).toBe(2);
    } finally {
      p.kill();
      await p.done;
      await echo.close();
    }
  });

  it('-R with a fixed port: the remote command connects to it and reaches the local target', async () => {
    const echo = await echoServer();
    const remotePort = await closedPort();
    try {
      const r = await db(
        ['-o', 'ExitOnForwardFailure=yes', '-R', `${remotePort}:127.0.0.1:${echo.port}`],
        // bash for /dev/tcp, whatever $SHELL the server's systemShell() runs.
        [`bash -c 'exec 3<>/dev/tcp/127.0.0.1/${remotePort}; printf ping-through-R >&3; head -c 14 <&3'`],
      );
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toBe('ping-through-R');
      expect(echo.accepted).toBe(1);
    } finally {
      await echo.close();
    }
  });

  it('-B (netcat mode): stdin and stdout are a direct-tcpip channel to the target', async () => {
    const echo = await echoServer();
    try {
      const r = await db(['-B', `127.0.0.1:${echo.port}`], [], { input: 'hello through -B' });
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toBe('hello through -B');
      expect(echo.accepted).toBe(1);
    } finally {
      await echo.close();
    }
  });

  it('multi-hop (a,b): the second connection runs through a direct-tcpip channel of the first', async () => {
    const before = fx.connections.length;
    const hop = `${USER}@127.0.0.1/${fx.port}`;
    // dbclient runs itself (argv[0]) for the inner hop, so it needs its path.
    const r = await runClient(dbclient, ['-i', dropbearKeys.ed25519, `${hop},${hop}`, 'echo two-hops'], {
      env: fx.env(),
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('two-hops\n');
    expect(fx.connections.length - before).toBe(2);
  });

  it('-K 1: keepalive@openssh.com requests wanting a reply are answered, so quiet connections live on', async () => {
    // Dropbear (common-session.c send_msg_keepalive, checktimeouts) sends keepalive@openssh.com as
    // a channel request when a channel is open, else as a global request, both wanting a reply,
    // and exits with "Keepalive timeout" after 3 intervals with nothing received. Our server
    // answers CHANNEL_FAILURE / REQUEST_FAILURE (RFC 4254 §5.4, §4). Both at once: a quiet exec,
    // and -N (no channel at all).
    const idle = spawnClient(
      dbclient,
      ['-p', String(fx.port), '-i', dropbearKeys.ed25519, '-K', '1', '-N', `${USER}@127.0.0.1`],
      { env: fx.env(), keepStdin: true },
    );
    try {
      const r = await db(['-K', '1'], ['sleep 4.5; echo alive']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toBe('alive\n');
      expect(idle.child.exitCode, idle.stderr).toBe(null);
      expect(idle.stderr).toBe('');
    } finally {
      idle.kill();
      await idle.done;
    }
  }, 20_000);

  it('each host-key type: dbclient checks the one it negotiated against ~/.ssh/known_hosts', async () => {
    const expected = {
      ed25519: 'ssh-ed25519',
      ecdsa256: 'ecdsa-sha2-nistp256',
      ecdsa384: 'ecdsa-sha2-nistp384',
      ecdsa521: 'ecdsa-sha2-nistp521',
      // Dropbear 2022.83 offers rsa-sha2-256 and ssh-rsa; our server offers no ssh-rsa by default.
      rsa: 'rsa-sha2-256',
    };
    for (const type of HOST_KEY_TYPES) {
      const one = await startServer({ server: { hostKeys: [fx.hostKeys[type]] } });
      try {
        // The fixture's known_hosts lists every host key under "127.0.0.1"; without -y an unverified
        // key would stop dbclient at its prompt.
        const r = await runClient(
          dbclient,
          ['-p', String(one.port), '-i', dropbearKeys.ed25519, `${USER}@127.0.0.1`, 'echo verified'],
          { env: one.env(), input: 'n\n' },
        );
        expect(r.code, `${type}: ${describeRun(r)}`).toBe(0);
        expect(r.stdout).toBe('verified\n');
        expect(one.lastConnection().negotiated[0]?.hostKey).toBe(expected[type]);
      } finally {
        await one.close();
      }
    }
  });

  it('a mismatching known_hosts entry is refused before authentication', async () => {
    const home = join(fx.dir, 'home-mismatch');
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const other = await generatePrivateKey('ed25519');
    await writeFile(join(home, '.ssh', 'known_hosts'), `127.0.0.1 ${other.publicKey.toString()}\n`);
    const before = fx.authAttempts.length;
    const r = await runClient(
      dbclient,
      ['-p', String(fx.port), '-i', dropbearKeys.ed25519, `${USER}@127.0.0.1`, 'echo no'],
      { env: { ...fx.env(), HOME: home } },
    );
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ssh-ed25519 host key mismatch for 127.0.0.1 !');
    expect(r.stderr).toContain(`Fingerprint is ${fx.hostKeys.ed25519.publicKey.fingerprint()}`);
    expect(fx.authAttempts.length).toBe(before);
  });

  it('an unknown host: dbclient asks; "n" refuses it, "y" connects and adds it to known_hosts', async () => {
    const home = join(fx.dir, 'home-unknown');
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const args = ['-p', String(fx.port), '-i', dropbearKeys.ed25519, `${USER}@127.0.0.1`, 'echo accepted'];
    // Dropbear reads the answer from stdin when there is no /dev/tty (and spins on EOF: the
    // answer needs its newline).
    const no = await runClient(dbclient, args, { env: { ...fx.env(), HOME: home }, input: 'n\n' });
    expect(no.code, describeRun(no)).toBe(1);
    expect(no.stderr).toContain("Host '127.0.0.1' is not in the trusted hosts file.");
    expect(no.stderr).toContain(`(ssh-ed25519 fingerprint ${fx.hostKeys.ed25519.publicKey.fingerprint()})`);
    expect(no.stderr).toContain("Didn't validate host key");
    expect(no.stdout).toBe('');

    const yes = await runClient(dbclient, args, { env: { ...fx.env(), HOME: home }, input: 'y\n' });
    expect(yes.code, describeRun(yes)).toBe(0);
    expect(yes.stdout).toBe('accepted\n');
    expect(await readFile(join(home, '.ssh', 'known_hosts'), 'utf8')).toBe(
      `127.0.0.1 ${fx.hostKeys.ed25519.publicKey.toString()}\n`,
    );
  });
});

describe('PuTTY plink × our server', async () => {
  const plink = await tool('plink');
  if (!plink) {
    it.skip(`plink: ${await missingReason('plink')}`, () => {});
    return;
  }
  let fx: ServerFixture;
  let hostKeyArgs: string[];
  beforeAll(async () => {
    fx = await startServer();
    hostKeyArgs = Object.values(fx.hostKeys).flatMap((k) => ['-hostkey', k.publicKey.fingerprint()]);
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** plink -batch -ssh -noagent -P port -hostkey … (every host key), then `auth` (default: the PPK). */
  const common = (auth?: string[], port = fx.port) => [
    '-batch',
    '-ssh',
    '-noagent',
    '-P',
    String(port),
    ...hostKeyArgs,
    ...(auth ?? ['-i', fx.userKeyPpk]),
  ];
  const pl = (
    args: string[],
    command: string[],
    options: { input?: string | Uint8Array; auth?: string[] } = {},
  ) =>
    runClient(plink, [...common(options.auth), ...args, `${USER}@127.0.0.1`, ...command], {
      env: fx.env(),
      input: options.input,
    });

  it('exec: stdout, stderr and the exit status; publickey with the PPK', async () => {
    const before = fx.authAttempts.length;
    const r = await pl([], ['echo out; echo err >&2; tty; exit 3']);
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stdout).toBe('out\nnot a tty\n');
    expect(r.stderr).toBe('err\n');
    expect(fx.lastConnection().remote).toBe('SSH-2.0-PuTTY_Release_0.78');
    expect(fx.authAttempts.slice(before)).toContainEqual({ method: 'publickey', user: USER, ok: true });
  });

  it('stdin reaches the command, EOF included: 1 MiB through sha256sum', async () => {
    const data = randomBytes(1 << 20);
    const r = await pl([], ['sha256sum'], { input: data });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split(/\s+/)[0]).toBe(sha256(data));
  });

  it('password with -pw', async () => {
    const before = fx.authAttempts.length;
    const r = await pl([], ['echo password-ok'], { auth: ['-pw', PASSWORD] });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('password-ok\n');
    expect(fx.authAttempts.slice(before)).toEqual([{ method: 'password', user: USER, ok: true }]);
  });

  it('a wrong -pw: refused, plink gives up at once under -batch', async () => {
    const before = fx.authAttempts.length;
    const r = await pl([], ['echo no'], { auth: ['-pw', 'wrong'] });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Configured password was not accepted');
    expect(fx.authAttempts.slice(before)).toEqual([{ method: 'password', user: USER, ok: false }]);
  });

  it('-t with a local tty: a /dev/pts pty of the local size, the exit status', async () => {
    expect(existsSync(SCRIPT), 'script(1) from util-linux').toBe(true);
    const r = await inTerminal(
      [plink, ...common(), '-t', `${USER}@127.0.0.1`, 'tty; stty size; echo "TERM=$TERM"; exit 4'],
      fx.env({ TERM: 'xterm-256color' }),
    );
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r\n/);
    expect(r.stdout).toContain('33 111\r\n');
    // plink sends its configured terminal type (PuTTY's default "xterm"), not the local $TERM.
    expect(r.stdout).toContain('TERM=xterm\r\n');
  });

  it('-L: a local port forwarded to a TCP echo server through our server', async () => {
    const echo = await echoServer();
    const localPort = await closedPort();
    const p = spawnClient(
      plink,
      [...common(), '-N', '-L', `${localPort}:127.0.0.1:${echo.port}`, `${USER}@127.0.0.1`],
      { env: fx.env(), keepStdin: true },
    );
    try {
      const data = pattern(1 << 20, 4);
      const back = await roundTripWhenListening(localPort, data);
      expect(back && sha256(back), `${p.stdout} | ${p.stderr}`).toBe(sha256(data));
      expect(sha256(await roundTrip({ port: localPort }, pattern(1000, 5)))).toBe(sha256(pattern(1000, 5)));
      expect(echo.accepted).toBe(2);
    } finally {
      p.kill();
      await p.done;
      await echo.close();
    }
  });

  it("4 MiB each way through cat; PuTTY's winadj@putty.projects.tartarus.org requests get CHANNEL_FAILURE", async () => {
    // Text, so stdout compares as a string. Plink is "simple" (one channel: it sends
    // simple@putty.projects.tartarus.org and opens a big window) unless forwarding is configured;
    // an unused -L makes it size windows the interactive way, where every window adjust at the
    // full size is followed by a winadj request wanting a reply, which PuTTY uses to time the
    // round trip (ssh2connection.c ssh2_set_window). Any reply will do; RFC 4254 §5.4 says
    // unknown requests get CHANNEL_FAILURE.
    const data = randomBytes(3 << 20).toString('base64');
    expect(data.length).toBe(4 << 20);
    const unused = await closedPort();
    // A saved session (~/.putty/sessions) that keeps channel data out of the log (4 MiB each way
    // as hex would be 40 MB).
    await mkdir(join(fx.home, '.putty', 'sessions'), { recursive: true });
    await writeFile(join(fx.home, '.putty', 'sessions', 'sshts-omit-data'), 'SSHLogOmitData=1\n');
    for (const mode of ['simple', 'windowed'] as const) {
      const log = join(fx.dir, `plink-${mode}.log`);
      const forward = mode === 'windowed' ? ['-L', `${unused}:127.0.0.1:1`] : [];
      // `sleep 1`: the session outlives the data, so every winadj is answered before our CLOSE
      // (after it, RFC 4254 §5.3, nothing more is sent on the channel).
      const r = await pl(
        ['-load', 'sshts-omit-data', '-sshlog', log, '-logoverwrite', ...forward],
        ['cat; sleep 1'],
        {
          input: data,
        },
      );
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.length).toBe(data.length);
      expect(r.stdout === data, 'the data came back intact').toBe(true);

      const packets = parseSshLog(await readFile(log, 'utf8'));
      await rm(log);
      const requests = packets
        .filter((p) => !p.incoming && p.type === CHANNEL_REQUEST)
        .map((p) => channelRequest(p.payload));
      const winadj = requests.filter((q) => q.type === 'winadj@putty.projects.tartarus.org');
      const replies = packets.filter(
        (p) => p.incoming && (p.type === CHANNEL_SUCCESS || p.type === CHANNEL_FAILURE),
      );
      if (mode === 'simple') {
        expect(requests.map((q) => [q.type, q.wantReply])).toEqual([
          ['simple@putty.projects.tartarus.org', false],
          ['exec', true],
        ]);
        expect(replies.map((p) => p.type)).toEqual([CHANNEL_SUCCESS]);
      } else {
        expect(winadj.length, 'plink sent winadj requests').toBeGreaterThan(4);
        expect(winadj.every((q) => q.wantReply)).toBe(true);
        expect(requests.length).toBe(winadj.length + 1); // and exec
        // Those sent before our CLOSE reached plink (all of them, with the sleep) …
        const close = packets.findIndex((p) => p.incoming && p.type === CHANNEL_CLOSE);
        const beforeClose = packets
          .slice(0, close)
          .filter((p) => !p.incoming && p.type === CHANNEL_REQUEST)
          .map((p) => channelRequest(p.payload))
          .filter((q) => q.type === 'winadj@putty.projects.tartarus.org');
        expect(beforeClose.length).toBe(winadj.length);
        // … each got a FAILURE, in order after the exec request's SUCCESS (§5.4).
        expect(replies.map((p) => p.type)).toEqual([
          CHANNEL_SUCCESS,
          ...beforeClose.map(() => CHANNEL_FAILURE),
        ]);
      }
    }
  }, 30_000);

  it('each host-key type: plink accepts the one -hostkey fingerprint of the key it negotiated', async () => {
    const expected = {
      ed25519: 'ssh-ed25519',
      ecdsa256: 'ecdsa-sha2-nistp256',
      ecdsa384: 'ecdsa-sha2-nistp384',
      ecdsa521: 'ecdsa-sha2-nistp521',
      rsa: 'rsa-sha2-512',
    };
    for (const type of HOST_KEY_TYPES) {
      const one = await startServer({ server: { hostKeys: [fx.hostKeys[type]] } });
      try {
        const args = ['-batch', '-ssh', '-noagent', '-P', String(one.port), '-i', one.userKeyPpk];
        const r = await runClient(
          plink,
          [
            ...args,
            '-hostkey',
            fx.hostKeys[type].publicKey.fingerprint(),
            `${USER}@127.0.0.1`,
            'echo verified',
          ],
          { env: one.env() },
        );
        expect(r.code, `${type}: ${describeRun(r)}`).toBe(0);
        expect(r.stdout).toBe('verified\n');
        expect(one.lastConnection().negotiated[0]?.hostKey).toBe(expected[type]);
        // Every other host key's fingerprint: refused.
        const others = HOST_KEY_TYPES.filter((t) => t !== type).flatMap((t) => [
          '-hostkey',
          fx.hostKeys[t].publicKey.fingerprint(),
        ]);
        const w = await runClient(plink, [...args, ...others, `${USER}@127.0.0.1`, 'echo no'], {
          env: one.env(),
        });
        expect(w.code, `${type}: ${describeRun(w)}`).toBe(1);
        expect(w.stderr).toContain('Host key not in manually configured list');
      } finally {
        await one.close();
      }
    }
  });

  it('a wrong -hostkey: refused before authentication', async () => {
    const before = fx.authAttempts.length;
    const other = await generatePrivateKey('ed25519');
    const r = await runClient(
      plink,
      [
        '-batch',
        '-ssh',
        '-noagent',
        '-P',
        String(fx.port),
        '-hostkey',
        other.publicKey.fingerprint(),
        '-i',
        fx.userKeyPpk,
        `${USER}@127.0.0.1`,
        'echo no',
      ],
      { env: fx.env() },
    );
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('FATAL ERROR: Host key not in manually configured list');
    expect(fx.authAttempts.length).toBe(before);
  });
});

describe('PuTTY psftp × our server', async () => {
  const found = await tool('psftp');
  if (!found) {
    it.skip(`psftp: ${await missingReason('psftp')}`, () => {});
    return;
  }
  const psftp = found;
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startServer();
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** psftp -batch -b FILE (stopping at the first failing command unless `be`), from fx.local. */
  async function batch(name: string, lines: string[], options: { be?: boolean; auth?: string[] } = {}) {
    const file = join(fx.dir, `${name}.psftp`);
    await writeFile(file, `${lines.join('\n')}\n`);
    return runClient(
      psftp,
      [
        '-batch',
        '-bc',
        ...(options.be ? ['-be'] : []),
        '-b',
        file,
        '-noagent',
        '-P',
        String(fx.port),
        ...Object.values(fx.hostKeys).flatMap((k) => ['-hostkey', k.publicKey.fingerprint()]),
        ...(options.auth ?? ['-i', fx.userKeyPpk]),
        `${USER}@127.0.0.1`,
      ],
      { env: fx.env(), cwd: fx.local },
    );
  }

  const hashOf = async (path: string) => sha256(await readFile(path));
  const mode = async (path: string) => (await stat(path)).mode & 0o7777;
  const gone = (path: string) =>
    stat(path).then(
      () => false,
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
    );

  it('one batch with every command; each one checked on disk', async () => {
    const L = (...p: string[]) => join(fx.local, ...p);
    const R = (...p: string[]) => join(fx.root, ...p);
    // Local side.
    const a = randomBytes(300_000);
    const up = randomBytes(200_000);
    await writeFile(L('a.bin'), a);
    await writeFile(L('m1.txt'), 'mput one\n');
    await writeFile(L('m2.txt'), 'mput two\n');
    await writeFile(L('up.bin'), up);
    await mkdir(L('ldir', 'deep'), { recursive: true });
    await writeFile(L('ldir', 'one.txt'), 'put -r one\n');
    await writeFile(L('ldir', 'deep', 'two.bin'), pattern(70_000, 6));
    await mkdir(L('dl'));
    // Server side (the client sees fx.root as "/").
    const g = randomBytes(100_000);
    const big = randomBytes(500_000);
    await mkdir(R('src'));
    await writeFile(R('src', 'g.bin'), g);
    await writeFile(R('src', 'x.txt'), 'mget x\n');
    await writeFile(R('src', 'y.txt'), 'mget y\n');
    await writeFile(R('src', 'big.bin'), big);
    await mkdir(R('rdir', 'sub'), { recursive: true });
    await writeFile(R('rdir', 'f1.txt'), 'get -r f1\n');
    await writeFile(R('rdir', 'sub', 'f2.bin'), pattern(50_000, 7));
    await writeFile(R('del1'), '1');
    await writeFile(R('del2'), '2');
    // Partial copies for reget / reput to resume.
    await writeFile(L('big.bin'), big.subarray(0, 123_456));
    await writeFile(R('up.bin'), up.subarray(0, 70_000));

    const r = await batch('every-command', [
      'pwd',
      'ls',
      'dir src',
      'mkdir work',
      'cd work',
      'pwd',
      'put a.bin',
      'put a.bin copy.bin',
      'chmod 640 a.bin',
      'chmod a=rwx,go-w,o-x copy.bin',
      'mv copy.bin moved.bin',
      'ren moved.bin renamed.bin',
      'mkdir gone',
      'rmdir gone',
      'mput m*.txt',
      'put -r ldir',
      'cd ..',
      'lcd dl',
      'lpwd',
      'get src/g.bin g.bin',
      'mget src/*.txt',
      'get -r rdir',
      'lcd ..',
      'reget src/big.bin big.bin',
      'reput up.bin up.bin',
      'rm del1',
      'del del2',
      'mv work/m1.txt work/m2.txt src',
      'ls work',
      'quit',
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    const out = r.stdout;
    // Paths as psftp prints them, from "/".
    expect(out).toMatch(/^Remote working directory is \/\n/);
    expect(out).toContain('psftp> pwd\nRemote directory is /\n');
    expect(out).toMatch(/psftp> ls\nListing directory \/\n(.*\n)*?d\S+ .* src\n/);
    expect(out).toMatch(/-rw\S+ .* 100000 .* g\.bin\n/);
    expect(out).toContain('mkdir /work: OK\n');
    expect(out).toContain('Remote directory is now /work\n');
    expect(out).toContain('psftp> pwd\nRemote directory is /work\n');
    expect(out).toContain('local:a.bin => remote:/work/a.bin\n');
    expect(out).toMatch(/\/work\/a\.bin: 0\d{3} -> 0640\n/);
    expect(out).toMatch(/\/work\/copy\.bin: 0\d{3} -> 0754\n/);
    expect(out).toContain('/work/copy.bin -> /work/moved.bin\n');
    expect(out).toContain('/work/moved.bin -> /work/renamed.bin\n');
    expect(out).toContain('rmdir /work/gone: OK\n');
    expect(out).toContain('Remote directory is now /\n');
    expect(out).toContain(`New local directory is ${fx.local}/dl\n`);
    expect(out).toContain(`Current local directory is ${fx.local}/dl\n`);
    expect(out).toContain('reget: restarting at file position 123456\n');
    expect(out).toContain('reput: restarting at file position 70000\n');
    expect(out).toContain('rm /del1: OK\n');
    expect(out).toContain('rm /del2: OK\n');
    expect(out).toMatch(/psftp> ls work\nListing directory \/work\n/);
    expect(out).toMatch(/-rw-r----- .* 300000 .* a\.bin\n/);
    expect(out).toMatch(/-rwxr-xr-- .* 300000 .* renamed\.bin\n/);

    // put, chmod (octal and symbolic), mv / ren.
    expect(await hashOf(R('work', 'a.bin'))).toBe(sha256(a));
    expect(await mode(R('work', 'a.bin'))).toBe(0o640);
    expect(await hashOf(R('work', 'renamed.bin'))).toBe(sha256(a));
    expect(await mode(R('work', 'renamed.bin'))).toBe(0o754);
    expect(await gone(R('work', 'copy.bin'))).toBe(true);
    expect(await gone(R('work', 'moved.bin'))).toBe(true);
    // mkdir / rmdir.
    expect(await gone(R('work', 'gone'))).toBe(true);
    // mput, then mv of both into /src.
    expect(await readFile(R('src', 'm1.txt'), 'utf8')).toBe('mput one\n');
    expect(await readFile(R('src', 'm2.txt'), 'utf8')).toBe('mput two\n');
    expect(await gone(R('work', 'm1.txt'))).toBe(true);
    expect(await gone(R('work', 'm2.txt'))).toBe(true);
    // put -r.
    expect(await readFile(R('work', 'ldir', 'one.txt'), 'utf8')).toBe('put -r one\n');
    expect(await hashOf(R('work', 'ldir', 'deep', 'two.bin'))).toBe(sha256(pattern(70_000, 6)));
    // get, mget, get -r (into dl after lcd).
    expect(await hashOf(L('dl', 'g.bin'))).toBe(sha256(g));
    expect(await readFile(L('dl', 'x.txt'), 'utf8')).toBe('mget x\n');
    expect(await readFile(L('dl', 'y.txt'), 'utf8')).toBe('mget y\n');
    expect(await readFile(L('dl', 'rdir', 'f1.txt'), 'utf8')).toBe('get -r f1\n');
    expect(await hashOf(L('dl', 'rdir', 'sub', 'f2.bin'))).toBe(sha256(pattern(50_000, 7)));
    // reget / reput completed the partial copies.
    expect(await hashOf(L('big.bin'))).toBe(sha256(big));
    expect(await hashOf(R('up.bin'))).toBe(sha256(up));
    // rm / del.
    expect(await gone(R('del1'))).toBe(true);
    expect(await gone(R('del2'))).toBe(true);
    // The sources are untouched.
    expect(await hashOf(R('src', 'big.bin'))).toBe(sha256(big));
    expect(await hashOf(L('a.bin'))).toBe(sha256(a));
  });

  it('a failing command ends the batch (exit 2) with the server\'s status message; ".." stays at "/"', async () => {
    const r = await batch('failing', ['cd /..', 'pwd', 'rm /no-such-file', 'pwd']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toContain('Remote directory is now /\n');
    expect(r.stdout).toContain('psftp> pwd\nRemote directory is /\n');
    expect(r.stdout).toContain('rm /no-such-file: no such file or directory\n');
    // The batch stopped there: the last pwd never ran.
    expect(r.stdout.match(/psftp> pwd/g)).toHaveLength(1);
  });

  it('close, then open: two connections, the first ended cleanly', async () => {
    const before = fx.connections.length;
    // PuTTY 0.78's `close` returns "failure" (sftp_cmd_close ends with return 0), which would stop
    // a batch at once: -be keeps it going.
    const r = await batch(
      'close-open',
      ['pwd', 'close', 'pwd', `open ${USER}@127.0.0.1 ${fx.port}`, 'pwd', 'quit'],
      {
        be: true,
      },
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(
      'psftp> close\npsftp> pwd\npsftp: not connected to a host; use "open host.name"\n',
    );
    expect(r.stdout).toMatch(
      /psftp> open .*\nRemote working directory is \/\npsftp> pwd\nRemote directory is \/\n/,
    );
    const seen = fx.connections.slice(before);
    expect(seen.map((c) => c.remote)).toEqual(['SSH-2.0-PuTTY_Release_0.78', 'SSH-2.0-PuTTY_Release_0.78']);
    // No DISCONNECT for a protocol error from either side.
    expect(seen.flatMap((c) => c.disconnects).filter((d) => d.reason !== 11)).toEqual([]);
  });

  it('password from -pwfile', async () => {
    const file = join(fx.dir, 'password');
    await writeFile(file, `${PASSWORD}\n`, { mode: 0o600 });
    const before = fx.authAttempts.length;
    const r = await batch('pwfile', ['pwd'], { auth: ['-pwfile', file] });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('Remote directory is /\n');
    expect(fx.authAttempts.slice(before)).toEqual([{ method: 'password', user: USER, ok: true }]);
  });
});
