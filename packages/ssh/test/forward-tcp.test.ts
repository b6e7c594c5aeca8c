// Issue 5: TCP port forwarding through the real OpenSSH sshd (`sshd -i` on this host, so the
// addresses it connects to and listens on are this machine's loopback): -L over direct-tcpip
// (RFC 4254 §7.2) and -R over tcpip-forward / forwarded-tcpip / cancel-tcpip-forward (§7.1).
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { ChannelOpenError, ChannelOpenFailureReason } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient } from '../src/node/index.js';
import {
  closedPort,
  closedWithoutData,
  type EchoServer,
  echoServer,
  pattern,
  remoteRoundTripExpected,
  remoteRoundTripScript,
  roundTrip,
  sha256,
} from './forward-helpers.js';
import { type Connected, connectClient, waitFor, within } from './session-helpers.js';

const openssh = await peerAvailability('openssh');
const MiB = 1024 * 1024;

describe.skipIf(!openssh.available)('TCP forwarding against OpenSSH sshd', () => {
  let key: PrivateKey;
  let peer: Peer;
  let connected: Connected;
  let client: SSHClient;
  let echo: EchoServer;

  beforeAll(async () => {
    key = await generatePrivateKey('ed25519');
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
      sshdConfig: ['AllowTcpForwarding yes', 'MaxSessions 50'],
    });
    connected = await connectClient(peer, key);
    client = connected.client;
    echo = await echoServer();
  }, 60_000);
  afterAll(async () => {
    await connected?.close();
    await peer?.close();
    await echo?.close();
  });

  it('-L: 1 MiB round-trips byte-exact through the forward, on several connections at once', async () => {
    await using forward = await client.forwardLocalPort({
      localPort: 0,
      remoteHost: '127.0.0.1',
      remotePort: echo.port,
    });
    expect(forward.host).toBe('127.0.0.1');
    expect(forward.port).toBeGreaterThan(0);
    const inputs = [0, 1, 2, 3, 4].map((seed) => pattern(MiB, seed));
    const outputs = await within(
      Promise.all(inputs.map((data) => roundTrip({ port: forward.port }, data))),
      30_000,
      'five 1 MiB round trips',
    );
    outputs.forEach((out, i) => {
      expect(out.length).toBe(MiB);
      expect(sha256(out)).toBe(sha256(inputs[i]!));
    });
  }, 40_000);

  // Half-close (RFC 4254 §5.3 EOF) through the local listener: needs allowHalfOpen in sockets.ts.
  it('-L: a local client that half-closes after writing still gets every byte back', async () => {
    await using forward = await client.forwardLocalPort({
      localPort: 0,
      remoteHost: '127.0.0.1',
      remotePort: echo.port,
    });
    const data = pattern(256 * 1024, 7);
    const back = await within(
      roundTrip({ port: forward.port }, data, true),
      10_000,
      'half-closed round trip',
    );
    expect(sha256(back)).toBe(sha256(data));
  }, 20_000);

  it('-L: a forward to a closed port closes the local connection and reports CONNECT_FAILED', async () => {
    const errors: unknown[] = [];
    await using forward = await client.forwardLocalPort({
      localPort: 0,
      remoteHost: '127.0.0.1',
      remotePort: await closedPort(),
      onError: (error) => errors.push(error),
    });
    expect(await within(closedWithoutData(forward.port), 10_000, 'local connection closed')).toBe(true);
    await waitFor(() => errors.length > 0, 5_000, 'onError');
    expect(errors[0]).toBeInstanceOf(ChannelOpenError);
    expect((errors[0] as ChannelOpenError).reason).toBe(ChannelOpenFailureReason.CONNECT_FAILED);
    // The forward is still up: the next connection to a live target works.
  });

  it('-L: close() stops the listener', async () => {
    const forward = await client.forwardLocalPort({
      localPort: 0,
      remoteHost: '127.0.0.1',
      remotePort: echo.port,
    });
    const data = pattern(1000);
    expect(sha256(await roundTrip({ port: forward.port }, data))).toBe(sha256(data));
    await forward.close();
    await expect(roundTrip({ port: forward.port }, data)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('local listeners (-L, -D) close when the SSH connection closes', async () => {
    const other = await connectClient(peer, key);
    const l = await other.client.forwardLocalPort({
      localPort: 0,
      remoteHost: '127.0.0.1',
      remotePort: echo.port,
    });
    const d = await other.client.forwardDynamic({ localPort: 0 });
    const data = pattern(1000);
    expect(sha256(await roundTrip({ port: l.port }, data))).toBe(sha256(data));
    await other.close();
    for (const port of [l.port, d.port]) {
      await expect(within(roundTrip({ port }, data), 5_000, 'refused')).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    }
  });

  it('-R: port 0 gets a bound port; a remote connection reaches the local echo server and back', async () => {
    const before = echo.accepted;
    const forward = await client.forwardRemotePort({
      remotePort: 0,
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    expect(forward.host).toBe('localhost'); // ssh -R's default bind address
    expect(forward.port).toBeGreaterThan(0);
    const r = await client.exec(remoteRoundTripScript({ port: forward.port }, MiB), { timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(remoteRoundTripExpected(MiB));
    expect(echo.accepted).toBe(before + 1);
    await forward.close();
    // cancel-tcpip-forward was answered before close() resolved: the port is gone.
    const after = await client.exec(remoteRoundTripScript({ port: forward.port }, 10), { timeout: 10_000 });
    expect(after.stdout).toBe('refused\n');
  }, 40_000);

  it.each(['127.0.0.1', ''])(
    '-R: bind address %j is matched as sshd reports it',
    async (remoteHost) => {
      await using forward = await client.forwardRemotePort({
        remotePort: 0,
        remoteHost,
        localHost: '127.0.0.1',
        localPort: echo.port,
      });
      expect(forward.host).toBe(remoteHost);
      const r = await client.exec(remoteRoundTripScript({ port: forward.port }, 4096), { timeout: 20_000 });
      expect(r.stdout).toBe(remoteRoundTripExpected(4096));
    },
    30_000,
  );

  it('-R: a fixed port is bound as asked; two forwards on one connection each reach their own target', async () => {
    const other = await echoServer();
    const fixed = await closedPort();
    try {
      await using a = await client.forwardRemotePort({
        remotePort: fixed,
        localHost: '127.0.0.1',
        localPort: echo.port,
      });
      await using b = await client.forwardRemotePort({
        remotePort: 0,
        localHost: '127.0.0.1',
        localPort: other.port,
      });
      expect(a.port).toBe(fixed);
      const [ra, rb] = await Promise.all([
        client.exec(remoteRoundTripScript({ port: a.port }, 65536), { timeout: 20_000 }),
        client.exec(remoteRoundTripScript({ port: b.port }, 65536), { timeout: 20_000 }),
      ]);
      expect(ra.stdout).toBe(remoteRoundTripExpected(65536));
      expect(rb.stdout).toBe(remoteRoundTripExpected(65536));
      expect(other.accepted).toBe(1);
    } finally {
      await other.close();
    }
  }, 30_000);

  it('-R: a refused local connect rejects the forwarded channel (CONNECT_FAILED) and is reported', async () => {
    const errors: unknown[] = [];
    await using forward = await client.forwardRemotePort({
      remotePort: 0,
      localHost: '127.0.0.1',
      localPort: await closedPort(),
      onError: (error) => errors.push(error),
    });
    // sshd closes the accepted socket when our side refuses the channel: no data comes back.
    const r = await client.exec(remoteRoundTripScript({ port: forward.port }, 100), { timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect([`0 ${sha256(new Uint8Array(0))}\n`, 'reset\n']).toContain(r.stdout);
    await waitFor(() => errors.length > 0, 5_000, 'onError');
    expect(String(errors[0])).toMatch(/ECONNREFUSED|refused/i);
  }, 30_000);

  it('-R: the server refusing the request rejects with ERR_FORWARD_REFUSED', async () => {
    // A privileged port is refused to non-root users, and a bound port is refused to anyone:
    // take one sshd itself holds, by forwarding it first.
    await using first = await client.forwardRemotePort({
      remotePort: 0,
      remoteHost: '127.0.0.1',
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await expect(
      client.forwardRemotePort({
        remotePort: first.port,
        remoteHost: '127.0.0.1',
        localHost: '127.0.0.1',
        localPort: echo.port,
      }),
    ).rejects.toMatchObject({ code: 'ERR_FORWARD_REFUSED' });
  });
});
