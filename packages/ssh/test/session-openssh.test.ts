// Issue 5, session features against the real OpenSSH sshd (`sshd -i`, run as this host's user —
// root here), through the public SSHClient API: exec / execCommand / invokeShell / invokeSubsystem,
// exit-status and exit-signal, env under AcceptEnv, pty-req with terminal modes, window-change,
// the signal request, stdin, timeout and abort (RFC 4254 §6).
import { ChannelRequestError, encodeEnv, encodeSignal } from '@sshts/channel';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { TimeoutError } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient } from '../src/node/index.js';
import { type Connected, connectClient, readUntil, waitFor, within } from './session-helpers.js';

const openssh = await peerAvailability('openssh');

describe.skipIf(!openssh.available)('sessions against OpenSSH sshd', () => {
  let key: PrivateKey;
  let peer: Peer;
  let connected: Connected;
  let client: SSHClient;

  beforeAll(async () => {
    key = await generatePrivateKey('ed25519');
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
      sshdConfig: ['AcceptEnv SSHTS_*', 'MaxSessions 50'],
    });
    connected = await connectClient(peer, key);
    client = connected.client;
  }, 60_000);
  afterAll(async () => {
    await connected?.close();
    await peer?.close();
  });

  it('exec returns stdout, stderr and the exit code', async () => {
    expect(await client.exec('echo out; echo err >&2; exit 7')).toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 7,
      signal: null,
    });
  });

  it('a command killed by a signal reports it (exit-signal), with no exit code', async () => {
    expect(await client.exec('kill -TERM $$')).toMatchObject({ exitCode: null, signal: 'TERM' });
    expect(await client.exec('kill -KILL $$')).toMatchObject({ exitCode: null, signal: 'KILL' });
    const p = await client.execCommand('kill -INT $$');
    expect(await p.wait()).toEqual({ exitCode: null, signal: 'INT' });
    expect(await p.channel.exit).toMatchObject({ signal: 'INT', coreDumped: false });
  });

  it('env reaches the command only where AcceptEnv allows it', async () => {
    const r = await client.exec('echo "$SSHTS_A-$OTHER"', { env: { SSHTS_A: 'x', OTHER: 'y' } });
    expect(r.stdout).toBe('x-\n');
    // Asked with want-reply, sshd answers each (session.c session_env_req): allowed → SUCCESS.
    const channel = await client.transport.openSession();
    expect(await channel.request('env', true, encodeEnv('SSHTS_B', 'b'))).toBe(true);
    expect(await channel.request('env', true, encodeEnv('OTHER', 'y'))).toBe(false);
    await channel.close();
  });

  it('pty: tty is a /dev/pts path; stty size follows resizePty', async () => {
    expect((await client.exec('tty')).stdout).toBe('not a tty\n');
    const r = await client.exec('tty; echo "TERM=$TERM"', { pty: true });
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r\nTERM=xterm-256color\r\n$/);

    const shell = await client.invokeShell();
    await shell.write('tty\n');
    await readUntil(shell.stdout, /\/dev\/pts\/\d+/);
    await shell.write('stty size\n');
    await readUntil(shell.stdout, /[\r\n]24 80\r\n/);
    await shell.resizePty(100, 40);
    await shell.write('stty size\n');
    await readUntil(shell.stdout, /[\r\n]40 100\r\n/);
    await shell.resizePty(132, 50);
    await shell.write('stty size; exit 3\n');
    await readUntil(shell.stdout, /[\r\n]50 132\r\n/);
    expect(await within(shell.exit, 10_000, 'shell exit')).toMatchObject({ exitCode: 3 });
    await within(shell.closed, 10_000, 'shell closed');
  });

  it('pty: the size and terminal modes of pty-req take effect', async () => {
    const sized = await client.exec('stty size', { pty: { cols: 120, rows: 33 } });
    expect(sized.stdout).toBe('33 120\r\n');
    const plain = await client.exec('stty -a', { pty: true });
    expect(plain.stdout).toMatch(/(^|\s)echo\s/);
    const quiet = await client.exec('stty -a', { pty: { modes: { ECHO: 0, ICRNL: 0 } } });
    expect(quiet.stdout).toMatch(/(^|\s)-echo\s/);
    expect(quiet.stdout).toMatch(/(^|\s)-icrnl\s/);
    // Behaviour too: typed input is echoed by the terminal unless ECHO is off.
    const echoed = await client.exec('head -n 1', { pty: true, stdin: 'typed\n' });
    expect(echoed.stdout).toBe('typed\r\ntyped\r\n');
    const silent = await client.exec('head -n 1', { pty: { modes: { ECHO: 0 } }, stdin: 'typed\n' });
    expect(silent.stdout).toBe('typed\r\n');
  });

  it('the signal request: sshd refuses it for a root login; the command runs on', async () => {
    // sshd 9.2 signals only from a privilege-separated session (session.c session_signal_req);
    // root logins skip privsep, so it answers FAILURE and logs why. Dropbear honours it (see
    // session-dropbear.test.ts).
    const root = peer.user === 'root';
    const p = await client.execCommand('echo ready; exec sleep 3; echo never');
    await readUntil(p.stdout, /ready\n/);
    const before = countMatches(peer.log(), /req signal/g);
    expect(await p.channel.request('signal', true, encodeSignal('TERM'))).toBe(!root);
    if (!root) {
      // Not run here (tests run as root): a privilege-separated session kills the process group.
      expect(await within(p.wait(), 5_000, 'TERM ends sleep')).toEqual({ exitCode: null, signal: 'TERM' });
      return;
    }
    await p.channel.signal('KILL');
    await waitFor(
      () => countMatches(peer.log(), /req signal/g) === before + 2,
      5_000,
      'sshd saw two signal requests',
    );
    expect(peer.log()).toMatch(/session signalling requires privilege separation/);
    expect(await within(p.wait(), 10_000, 'sleep ends')).toEqual({ exitCode: 0, signal: null });
  });

  it('exec with stdin writes it, then EOF', async () => {
    expect((await client.exec('wc -c', { stdin: 'hello' })).stdout.trim()).toBe('5');
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
    expect((await client.exec('wc -c', { stdin: bytes })).stdout.trim()).toBe('100000');
    expect((await client.exec('cat', { stdin: 'no newline' })).stdout).toBe('no newline');
  });

  it('exec timeout rejects with TimeoutError at once and closes the channel', async () => {
    // Our CLOSE reaches sshd: it shuts the command's pipes, so a command that keeps writing dies of
    // SIGPIPE, sshd's CLOSE follows and the channel is released.
    const open = client.transport.channels.size;
    const start = Date.now();
    const loop = client.exec('while :; do echo tick; sleep 0.05; done', { timeout: 300 });
    await expect(loop).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - start).toBeLessThan(3_000);
    await waitFor(() => client.transport.channels.size <= open, 5_000, 'the looping channel is released');
    // execCommand: wait() rejects the same way, and the channel closes.
    const p = await client.execCommand('while :; do echo tick; sleep 0.05; done', { timeout: 300 });
    await expect(p.wait()).rejects.toBeInstanceOf(TimeoutError);
    await within(p.channel.closed, 5_000, 'execCommand channel closed');
    // A silent command: TimeoutError just as fast. (It lingers on the server until it ends: sshd
    // holds its CLOSE while the child lives and refuses our TERM for root, see the signal test.)
    const quiet = Date.now();
    await expect(client.exec('sleep 10', { timeout: 300 })).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - quiet).toBeLessThan(3_000);
  });

  it('an AbortSignal aborts exec and execCommand with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop it');
    const running = client.exec('while :; do echo tick; sleep 0.05; done', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 200);
    await expect(within(running, 5_000, 'abort')).rejects.toBe(reason);
    // Already aborted: no channel is opened at all.
    const open = client.transport.channels.size;
    await expect(client.exec('true', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(client.transport.channels.size).toBe(open);
    const again = new AbortController();
    const p = await client.execCommand('sleep 10', { signal: again.signal });
    again.abort(reason);
    await expect(p.wait()).rejects.toBe(reason);
  });

  it('invokeSubsystem("sftp") starts the sftp server; an unknown subsystem is refused', async () => {
    const sftp = await client.invokeSubsystem('sftp');
    // SSH_FXP_INIT version 3 (draft-ietf-secsh-filexfer-02 §4): uint32 length, byte 1, uint32 3.
    await sftp.write(new Uint8Array([0, 0, 0, 5, 1, 0, 0, 0, 3]));
    const reply = await sftp.stdout.read();
    expect(reply?.[4]).toBe(2); // SSH_FXP_VERSION
    await sftp.end();
    await within(sftp.closed, 10_000, 'sftp closed');
    await expect(client.invokeSubsystem('no-such-subsystem')).rejects.toBeInstanceOf(ChannelRequestError);
  });

  it('execCommand streams: stdin in pieces, stdout as it arrives, wait() gives the exit code', async () => {
    const p = await client.execCommand(
      'while read -r line; do echo "got:$line"; echo "err:$line" >&2; done; exit 3',
    );
    const stderr = p.stderr.text();
    await p.stdin.write('one\n');
    // The reply arrives before the next piece is written: nothing waits for EOF.
    expect(await readUntil(p.stdout, /got:one\n/)).toBe('got:one\n');
    await p.stdin.write('tw');
    await p.stdin.write('o\nthree\n');
    expect(await readUntil(p.stdout, /got:three\n/)).toBe('got:two\ngot:three\n');
    await p.stdin.end();
    expect(await p.stdout.text()).toBe('');
    expect(await stderr).toBe('err:one\nerr:two\nerr:three\n');
    expect(await p.wait()).toEqual({ exitCode: 3, signal: null });
  });

  it('8 MiB through cat round-trips byte-exact', async () => {
    const big = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 31 + (i >>> 11)) & 255);
    const p = await client.execCommand('cat');
    const writing = p.stdin.write(big).then(() => p.stdin.end());
    const out = await p.stdout.bytes();
    await writing;
    expect(out.length).toBe(big.length);
    expect(Buffer.from(out).equals(Buffer.from(big))).toBe(true);
    expect(await p.wait()).toEqual({ exitCode: 0, signal: null });
  });

  it('a command writing 5 MB to stderr only completes (both streams read at once)', async () => {
    const r = await within(client.exec('head -c 5000000 /dev/zero >&2; echo done'), 30_000, 'exec');
    expect(r.stdout).toBe('done\n');
    expect(r.stderr.length).toBe(5_000_000);
    expect(r.exitCode).toBe(0);
  });
});

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
