// Fault injection, stalls and slow peers (TARGETS.md "Reliability and bad input": never a hang):
// - a FaultRelay stops forwarding server → client after auth: our client's keepalive
//   (keepaliveInterval 500 ms, keepaliveCountMax 2, OpenSSH ServerAlive* semantics) declares the
//   connection dead with TimeoutError within ~3 s, against OpenSSH sshd and against our server;
// - the relay stops forwarding client → server after auth: our server's idleTimeout closes the
//   connection, with our client and with OpenSSH ssh; and its keepaliveInterval
//   (ClientAliveInterval) declares the silent client dead while a quiet healthy one stays;
// - slow-loris: a client dribbling its identification one byte per 200 ms, one sending nothing, and
//   our client's handshake dribbled through the relay, are all dropped by the server's authTimeout
//   (LoginGraceTime, counted from accept) while a normal client still connects and runs a command;
//   50 idle half-open connections don't stop a new one being served below maxConnections.
import { type Socket, connect as tcpConnect } from 'node:net';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { DisconnectError, DisconnectReason, TimeoutError } from '@sshts/wire';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient } from '../src/node/index.js';
import {
  describeError,
  failure,
  opensshClientFiles,
  PASSWORD,
  serverHostKey,
  startOurServer,
  trustingClient,
  USER,
  until,
  userKey,
  viaRelay,
  within,
} from './fault-helpers.js';
import { FaultRelay, peerUpstream, tcpUpstream } from './fault-relay.js';
import { spawnClient } from './server-helpers.js';

const openssh = await peerAvailability('openssh');
const sshTool = await toolAvailability('ssh');

const KEEPALIVE = { keepaliveInterval: 500, keepaliveCountMax: 2 };

/**
 * Stalls server → client on an authenticated client and checks the keepalive verdict: every
 * pending operation and `closed` end with one TimeoutError naming the keepalive, ~1.5 s after the
 * last answer (two unanswered probes 500 ms apart, the verdict at the third interval), within 3 s.
 */
async function expectKeepaliveVerdict(client: SSHClient, stall: () => void): Promise<void> {
  // A fresh answer right before the stall, so the keepalive's clock starts now.
  await client.transport.channels.globalRequest('keepalive@openssh.com', true);
  const stalledAt = Date.now();
  stall();
  const pending = client.exec('echo never');
  const closed = client.transport.connection.closed;
  const r = await within(pending, 4000, 'exec on a stalled connection', stalledAt);
  const error = failure(r, 'exec on a stalled connection');
  const info = await closed;
  console.log(`stalled: ${describeError(error)} after ${r.ms} ms; closed: ${info.reason}`);
  expect(error, describeError(error)).toBeInstanceOf(TimeoutError);
  expect(error.message).toMatch(/keepalive/);
  expect(info.error).toBe(error); // the connection's own error, not a copy
  expect(r.ms).toBeGreaterThanOrEqual(1000);
  expect(r.ms).toBeLessThan(3000);
  expect(client.transport.channels.size).toBe(0);
}

describe.skipIf(!openssh.available)('stall: our client → relay → OpenSSH sshd', () => {
  let peer: Peer;
  let relay: FaultRelay;
  beforeAll(async () => {
    const key = await userKey();
    peer = await startPeer('openssh', { authorizedKeys: [key.publicKey.toString()] });
    relay = await FaultRelay.start(peerUpstream(peer));
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await peer?.close();
  });

  it('server → client stalled after auth: TimeoutError from the keepalive within 3 s', async () => {
    const linkReady = relay.link();
    const client = trustingClient(peer.hostKeys.map((k) => k.publicKey));
    await client.connect(viaRelay(relay, { username: peer.user, privateKey: await userKey(), ...KEEPALIVE }));
    const link = await linkReady;
    await expectKeepaliveVerdict(client, () => link.stall('s2c'));
    await client.close();
  });
});

describe('stall: relay ↔ our SSHServer', () => {
  let ours: Awaited<ReturnType<typeof startOurServer>>;
  let relay: FaultRelay;
  const clients: SSHClient[] = [];
  beforeAll(async () => {
    ours = await startOurServer({ limits: { idleTimeout: 800 } });
    relay = await FaultRelay.start(tcpUpstream(ours.port));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  });
  afterAll(async () => {
    await relay?.close();
    await ours?.close();
  });

  async function connected(options = {}) {
    const linkReady = relay.link();
    const client = trustingClient([(await serverHostKey()).publicKey.toString()]);
    clients.push(client);
    await client.connect(viaRelay(relay, { username: USER, password: PASSWORD, ...options }));
    return { client, link: await linkReady };
  }

  it('our client: server → client stalled after auth: TimeoutError from the keepalive within 3 s', async () => {
    const { client, link } = await connected(KEEPALIVE);
    await expectKeepaliveVerdict(client, () => link.stall('s2c'));
    // The server is not stuck on the half-dead connection: its idle timeout (or our DISCONNECT) ends it.
    await until(() => ours.server.connectionCount === 0, 3000, 'server connectionCount back to 0');
  });

  it('our server: client → server stalled after auth: the idle timeout drops it, and says so', async () => {
    const { client, link } = await connected();
    expect(ours.server.connectionCount).toBe(1);
    const stalledAt = Date.now();
    link.stall('c2s');
    const closed = await within(client.transport.connection.closed, 3000, 'our client hearing the verdict');
    if (!closed.ok) throw closed.error;
    const error = closed.value.error;
    console.log(`server verdict after ${Date.now() - stalledAt} ms: ${describeError(error)}`);
    // The server's DISCONNECT still reaches the client (only the other direction is stalled).
    expect(error, describeError(error)).toBeInstanceOf(DisconnectError);
    expect(error).toMatchObject({ fromPeer: true, reason: DisconnectReason.BY_APPLICATION });
    expect((error as DisconnectError).description).toMatch(/idle/);
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(700);
    await until(() => ours.server.connectionCount === 0, 2000, 'server connectionCount back to 0');
  });

  it('our server with keepaliveInterval (ClientAliveInterval): client → server stalled after auth: declared dead', async () => {
    const alive = await startOurServer({ limits: { keepaliveInterval: 400, keepaliveCountMax: 2 } });
    const aliveRelay = await FaultRelay.start(tcpUpstream(alive.port));
    try {
      const linkReady = aliveRelay.link();
      const client = trustingClient([(await serverHostKey()).publicKey.toString()]);
      clients.push(client);
      await client.connect(viaRelay(aliveRelay, { username: USER, password: PASSWORD }));
      const link = await linkReady;
      // A quiet but healthy client answers the probes: still connected after several intervals.
      await new Promise((r) => setTimeout(r, 1500));
      expect(alive.server.connectionCount).toBe(1);
      const stalledAt = Date.now();
      link.stall('c2s');
      const closed = await within(client.transport.connection.closed, 4000, 'our client hearing the verdict');
      if (!closed.ok) throw closed.error;
      const elapsed = Date.now() - stalledAt;
      console.log(`server keepalive verdict after ${elapsed} ms: ${describeError(closed.value.error)}`);
      // The server's DISCONNECT still reaches the client (only client → server is stalled).
      expect(closed.value.error).toBeInstanceOf(DisconnectError);
      expect((closed.value.error as DisconnectError).description).toMatch(/keepalive/);
      // Two unanswered probes 400 ms apart, the verdict at the third interval: ~1.2 s after the
      // client's last answer (which came up to one interval before the stall).
      expect(elapsed).toBeGreaterThanOrEqual(700);
      expect(elapsed).toBeLessThan(3000);
      await until(() => alive.server.connectionCount === 0, 2000, 'server connectionCount back to 0');
    } finally {
      await aliveRelay.close();
      await alive.close();
    }
  });

  it.skipIf(!sshTool.available)(
    'our server: OpenSSH ssh stalled (client → server) after auth: dropped by the idle timeout',
    async () => {
      const files = await opensshClientFiles(relay.port);
      try {
        const linkReady = relay.link();
        const before = ours.record.stdin.length;
        const ssh = spawnClient(sshTool.available ? sshTool.path : 'ssh', [...files.args(), 'sink'], {
          env: files.env(),
          keepStdin: true,
          timeoutMs: 15_000,
        });
        const link = await linkReady;
        // The command runs (it has started reading stdin): authenticated, channel open.
        await until(() => ours.record.stdin.length > before, 5000, 'sink started');
        const stalledAt = Date.now();
        link.stall('c2s');
        await until(() => ours.server.connectionCount === 0, 3000, 'server dropped the stalled client');
        const elapsed = Date.now() - stalledAt;
        const r = await within(ssh.done, 3000, 'ssh after the verdict');
        if (!r.ok) throw r.error;
        console.log(`ssh stalled: dropped after ${elapsed} ms; ssh: ${r.value.stderr.trim()}`);
        expect(elapsed).toBeGreaterThanOrEqual(600);
        expect(r.value.code).toBe(255);
        expect(r.value.stderr).toMatch(/idle timeout/);
      } finally {
        await files.remove();
      }
    },
  );
});

describe('slow-loris against our SSHServer', () => {
  let ours: Awaited<ReturnType<typeof startOurServer>>;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await ours?.close();
  });

  /** A raw TCP connection to our server; resolves once connected; `closedAt` set when the server drops it. */
  async function raw(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    sockets.push(socket);
    socket.on('data', () => {}); // read what the server says (its identification, KEXINIT)
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return { socket, closed };
  }

  async function normalClientRuns(port: number): Promise<void> {
    const client = trustingClient([(await serverHostKey()).publicKey.toString()]);
    try {
      await client.connect({
        host: '127.0.0.1',
        port,
        username: USER,
        password: PASSWORD,
        agent: false,
        lookForKeys: false,
        timeout: 5000,
      });
      expect((await client.exec('echo alive')).stdout).toBe('alive\n');
    } finally {
      await client.close();
    }
  }

  it('a banner dribbled one byte per 200 ms, and a silent client, are dropped by authTimeout; others are served', async () => {
    ours = await startOurServer({ limits: { authTimeout: 1000 } });
    const startedAt = Date.now();
    const loris = await raw(ours.port);
    const silent = await raw(ours.port);
    const banner = 'SSH-2.0-slowloris_0.1\r\n';
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < banner.length && !loris.socket.destroyed) loris.socket.write(banner[sent++]!);
    }, 200);
    try {
      // Meanwhile a normal client is served at once.
      await normalClientRuns(ours.port);
      expect(loris.socket.destroyed).toBe(false);
      const [lorisAt, silentAt] = await Promise.all([
        within(loris.closed, 3000, 'the dribbling client dropped', startedAt),
        within(silent.closed, 3000, 'the silent client dropped', startedAt),
      ]);
      if (!lorisAt.ok || !silentAt.ok) throw new Error('unreachable');
      console.log(
        `loris dropped after ${lorisAt.value - startedAt} ms (${sent} bytes sent), silent after ${silentAt.value - startedAt} ms`,
      );
      for (const at of [lorisAt.value, silentAt.value]) {
        expect(at - startedAt).toBeGreaterThanOrEqual(900);
        expect(at - startedAt).toBeLessThan(2500);
      }
      expect(sent).toBeLessThan(banner.length); // dropped before it even finished its banner
      await until(() => ours.server.connectionCount === 0, 1000, 'server connectionCount back to 0');
    } finally {
      clearInterval(drip);
    }
  });

  it('our client with its handshake dribbled through the relay: DisconnectError "Timeout before authentication"', async () => {
    ours = await startOurServer({ limits: { authTimeout: 1000 } });
    const relay = await FaultRelay.start(tcpUpstream(ours.port));
    try {
      relay.onLink = (link) => link.dribble('c2s', { bytes: 1, ms: 200 });
      const client = trustingClient([(await serverHostKey()).publicKey.toString()]);
      const since = Date.now();
      const r = await within(
        client.connect(viaRelay(relay, { username: USER, password: PASSWORD })),
        3000,
        'a dribbled connect',
        since,
      );
      const error = failure(r, 'a dribbled connect');
      console.log(`dribbled handshake: ${describeError(error)} after ${r.ms} ms`);
      expect(error, describeError(error)).toBeInstanceOf(DisconnectError);
      expect(error).toMatchObject({ fromPeer: true, description: 'Timeout before authentication' });
      expect(r.ms).toBeGreaterThanOrEqual(900);
      await until(() => ours.server.connectionCount === 0, 1000, 'server connectionCount back to 0');
    } finally {
      await relay.close();
    }
  });

  it('50 idle half-open connections: a new client is still served below maxConnections; all are reaped', async () => {
    ours = await startOurServer({ limits: { authTimeout: 1500, maxConnections: 60 } });
    const idle = await Promise.all(Array.from({ length: 50 }, () => raw(ours.port)));
    await until(() => ours.server.connectionCount === 50, 2000, '50 connections accepted');
    await normalClientRuns(ours.port);
    expect(idle.every((c) => !c.socket.destroyed)).toBe(true);
    // Every idle one is dropped by the grace timeout, and nothing is left over.
    await within(Promise.all(idle.map((c) => c.closed)), 4000, 'the idle connections dropped');
    await until(() => ours.server.connectionCount === 0, 1000, 'server connectionCount back to 0');
    // And the server is as good as new.
    await normalClientRuns(ours.port);
  });
});
