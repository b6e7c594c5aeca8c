// Issue 5: Unix-domain socket forwarding (OpenSSH PROTOCOL §2.4) through the real sshd:
// direct-streamlocal@openssh.com channels and -L to a socket on the server, and
// streamlocal-forward@openssh.com / forwarded-streamlocal@openssh.com / cancel-streamlocal-forward
// (-R of a server socket). sshd -i runs on this host, so "the server's socket" is a path in a temp dir.
import { join } from 'node:path';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { ChannelOpenError, ChannelOpenFailureReason } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient } from '../src/node/index.js';
import { tempDir } from './client-helpers.js';
import {
  type EchoServer,
  echoServer,
  pattern,
  remoteRoundTripExpected,
  remoteRoundTripScript,
  roundTrip,
  sha256,
} from './forward-helpers.js';
import { type Connected, connectClient, within } from './session-helpers.js';

const openssh = await peerAvailability('openssh');
const MiB = 1024 * 1024;

describe.skipIf(!openssh.available)('Unix-socket forwarding against OpenSSH sshd', () => {
  let key: PrivateKey;
  let peer: Peer;
  let connected: Connected;
  let client: SSHClient;
  let dir: { dir: string; remove(): Promise<void> };
  /** The "server-side" Unix echo socket sshd connects to. */
  let unixEcho: EchoServer;
  let tcpEcho: EchoServer;

  beforeAll(async () => {
    key = await generatePrivateKey('ed25519');
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
      sshdConfig: ['AllowStreamLocalForwarding yes', 'StreamLocalBindUnlink yes'],
    });
    connected = await connectClient(peer, key);
    client = connected.client;
    dir = await tempDir('fwd-unix');
    unixEcho = await echoServer(join(dir.dir, 'echo.sock'));
    tcpEcho = await echoServer();
  }, 60_000);
  afterAll(async () => {
    await connected?.close();
    await peer?.close();
    await unixEcho?.close();
    await tcpEcho?.close();
    await dir?.remove();
  });

  it('direct-streamlocal: a channel to the server-side socket round-trips 1 MiB', async () => {
    const channel = await client.forwardOutStreamLocal(unixEcho.path!);
    const data = pattern(MiB, 9);
    const writing = channel.write(data).then(() => channel.end());
    const back = await within(channel.stdout.bytes(), 20_000, 'echo');
    await writing;
    expect(back.length).toBe(MiB);
    expect(sha256(back)).toBe(sha256(data));
    await channel.close();
  }, 30_000);

  it('direct-streamlocal to a missing socket is refused with CONNECT_FAILED', async () => {
    const error = await client.forwardOutStreamLocal(join(dir.dir, 'missing.sock')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelOpenError);
    expect((error as ChannelOpenError).reason).toBe(ChannelOpenFailureReason.CONNECT_FAILED);
  });

  it('-L from a local TCP port and from a local socket to the server-side socket', async () => {
    await using fromTcp = await client.forwardLocalStreamLocal({ localPort: 0, remotePath: unixEcho.path! });
    await using fromUnix = await client.forwardLocalStreamLocal({
      localPath: join(dir.dir, 'local-in.sock'),
      remotePath: unixEcho.path!,
    });
    expect(fromTcp.port).toBeGreaterThan(0);
    expect(fromUnix).toMatchObject({ path: join(dir.dir, 'local-in.sock'), host: '', port: 0 });
    const a = pattern(256 * 1024, 1);
    const b = pattern(256 * 1024, 2);
    const [ra, rb] = await within(
      Promise.all([roundTrip({ port: fromTcp.port }, a), roundTrip({ path: fromUnix.path! }, b)]),
      20_000,
      'round trips',
    );
    expect(sha256(ra)).toBe(sha256(a));
    expect(sha256(rb)).toBe(sha256(b));
  }, 30_000);

  it('-R of a server socket to a local TCP port; after close() the socket refuses', async () => {
    const remotePath = join(dir.dir, 'remote-tcp.sock');
    const before = tcpEcho.accepted;
    const forward = await client.forwardRemoteStreamLocal({
      remotePath,
      localHost: '127.0.0.1',
      localPort: tcpEcho.port,
    });
    expect(forward).toMatchObject({ path: remotePath, host: '', port: 0 });
    const r = await client.exec(remoteRoundTripScript({ path: remotePath }, MiB), { timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(remoteRoundTripExpected(MiB));
    expect(tcpEcho.accepted).toBe(before + 1);
    await forward.close();
    const after = await client.exec(remoteRoundTripScript({ path: remotePath }, 10), { timeout: 10_000 });
    expect(after.stdout).toBe('refused\n');
  }, 40_000);

  it('-R of a server socket to a local socket', async () => {
    const remotePath = join(dir.dir, 'remote-unix.sock');
    const before = unixEcho.accepted;
    await using forward = await client.forwardRemoteStreamLocal({ remotePath, localPath: unixEcho.path! });
    const r = await client.exec(remoteRoundTripScript({ path: forward.path! }, 100_000), { timeout: 20_000 });
    expect(r.stdout).toBe(remoteRoundTripExpected(100_000));
    expect(unixEcho.accepted).toBe(before + 1);
  }, 30_000);

  it('a streamlocal-forward the server refuses rejects with ERR_FORWARD_REFUSED', async () => {
    // sshd cannot bind in a directory that does not exist.
    await expect(
      client.forwardRemoteStreamLocal({
        remotePath: join(dir.dir, 'no-such-dir', 'x.sock'),
        localHost: '127.0.0.1',
        localPort: tcpEcho.port,
      }),
    ).rejects.toMatchObject({ code: 'ERR_FORWARD_REFUSED' });
  });
});
