// ProxyJump against OpenSSH sshd listening on loopback TCP (test-peers `listen: true`): SSH to the
// destination through direct-tcpip channels of one, two and three jump hosts, given as -J text,
// as each hop's options, or by ssh_config (flat and nested ProxyJump). Every hop's host key is
// checked against known_hosts ([127.0.0.1]:PORT) — an unknown one stops the chain — and closing
// the destination's client closes the hops.
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectOptions,
  generatePrivateKey,
  KnownHosts,
  type PrivateKey,
  parseSSHConfig,
  SSHClient,
} from '../src/node/index.js';
import { tempDir } from './client-helpers.js';

const openssh = await peerAvailability('openssh');

/** Waits for `check` to hold (sshd writes its log as it goes). */
async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe.skipIf(!openssh.available)('ProxyJump × OpenSSH sshd on loopback TCP', () => {
  let key: PrivateKey;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const peers: Peer[] = [];
  let knownHosts: string;
  /** Where each peer listens. */
  const ports: number[] = [];

  const client = (known = knownHosts) => new SSHClient({ knownHosts: KnownHosts.parse(known) });
  const common = (): Partial<ConnectOptions> => ({
    privateKey: key,
    agent: false,
    lookForKeys: false,
    timeout: 30_000,
  });
  /** The direct-tcpip targets a peer logged ("host:port"), since log offset `from`. */
  const tcpipTargets = (peer: Peer, from = 0) =>
    [
      ...peer
        .log()
        .slice(from)
        .matchAll(/server_request_direct_tcpip: originator [^ ]+ port \d+, target ([^ ]+) port (\d+)/g),
    ].map((m) => `${m[1]}:${m[2]}`);

  beforeAll(async () => {
    tmp = await tempDir('proxy-jump');
    key = await generatePrivateKey('ed25519');
    for (let i = 0; i < 3; i++) {
      const peer = await startPeer('openssh', {
        authorizedKeys: [key.publicKey.toString()],
        hostKeyTypes: ['ed25519'],
        listen: true,
      });
      if (peer.port === undefined) throw new Error('test-peers did not start a listener');
      peers.push(peer);
      ports.push(peer.port);
    }
    knownHosts = peers
      .map((p) => p.hostKeys.map((k) => `[127.0.0.1]:${p.port} ${k.publicKey}\n`).join(''))
      .join('');
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(peers.map((p) => p.close()));
    await tmp?.remove();
  });

  /** Where each peer's log ends now. */
  const marks = () => peers.map((p) => p.log().length);
  const disconnectedSince = (i: number, mark: number[]) =>
    eventually(() => /Received disconnect from 127\.0\.0\.1/.test(peers[i]!.log().slice(mark[i])));

  it('two hops in -J syntax: the destination sees the last hop as the connection source', async () => {
    const [p1, p2, p3] = ports;
    const user = peers[0]!.user;
    const mark = marks();
    const c = client();
    await c.connect({
      host: '127.0.0.1',
      port: p3,
      username: user,
      proxyJump: `${user}@127.0.0.1:${p1},127.0.0.1:${p2}`,
      ...common(),
    });
    const r = await c.exec('echo "$SSH_CONNECTION"');
    // "client-ip client-port server-ip server-port": sshd of hop 2 connected from loopback.
    expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${p3}\\n$`));
    expect(tcpipTargets(peers[0]!, mark[0])).toEqual([`127.0.0.1:${p2}`]);
    expect(tcpipTargets(peers[1]!, mark[1])).toEqual([`127.0.0.1:${p3}`]);
    await c.close();
    // Closing the destination's client closed both jump connections.
    expect(await disconnectedSince(0, mark)).toBe(true);
    expect(await disconnectedSince(1, mark)).toBe(true);
  });

  it('hops as ConnectOptions, three deep (any depth), reusing a server as the destination', async () => {
    const [p1, p2, p3] = ports;
    const mark = marks();
    const c = client();
    await c.connect({
      host: '127.0.0.1',
      port: p1,
      username: peers[0]!.user,
      proxyJump: [
        { host: '127.0.0.1', port: p1 },
        { host: '127.0.0.1', port: p2 },
        { host: '127.0.0.1', port: p3, username: peers[2]!.user },
      ],
      ...common(),
    });
    const r = await c.exec('echo "$SSH_CONNECTION"; echo done');
    expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${p1}\\ndone\\n$`));
    expect(tcpipTargets(peers[0]!, mark[0])).toEqual([`127.0.0.1:${p2}`]);
    expect(tcpipTargets(peers[1]!, mark[1])).toEqual([`127.0.0.1:${p3}`]);
    expect(tcpipTargets(peers[2]!, mark[2])).toEqual([`127.0.0.1:${p1}`]);
    await c.close();
  });

  it('an unknown jump host key stops the chain with the host-key error, naming [127.0.0.1]:PORT', async () => {
    const [p1, p2, p3] = ports;
    // known_hosts without hop 2.
    const known = knownHosts
      .split('\n')
      .filter((l) => !l.startsWith(`[127.0.0.1]:${p2} `))
      .join('\n');
    const mark = marks();
    const c = client(known);
    const error = await c
      .connect({
        host: '127.0.0.1',
        port: p3,
        username: peers[0]!.user,
        proxyJump: `127.0.0.1:${p1},127.0.0.1:${p2}`,
        ...common(),
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_UNKNOWN_HOST_KEY' });
    expect((error as Error).message).toContain(`[127.0.0.1]:${p2}`);
    // The first hop's connection was closed too.
    expect(await disconnectedSince(0, mark)).toBe(true);
  });

  it('ssh_config ProxyJump, flat and nested (a hop whose own Host block jumps)', async () => {
    const [p1, p2, p3] = ports;
    const user = peers[0]!.user;
    const config = parseSSHConfig(
      [
        'Host hop1',
        '  HostName 127.0.0.1',
        `  Port ${p1}`,
        'Host hop2',
        '  HostName 127.0.0.1',
        `  Port ${p2}`,
        'Host flat',
        '  HostName 127.0.0.1',
        `  Port ${p3}`,
        '  ProxyJump hop1,hop2',
        'Host nested',
        '  HostName 127.0.0.1',
        `  Port ${p3}`,
        '  ProxyJump hop2',
        // Used when hop2 is the first (or only) hop; as the second hop of "flat" it is told -J hop1.
        'Host hop2',
        '  ProxyJump hop1',
        'Host loop',
        '  HostName 127.0.0.1',
        '  ProxyJump loop',
        '',
      ].join('\n'),
      { local: { userName: user, homeDir: tmp.dir } },
    );
    for (const host of ['flat', 'nested']) {
      const mark = marks();
      const c = client();
      await c.connect({ host, config, ...common() });
      const r = await c.exec('echo "$SSH_CONNECTION"');
      expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${p3}\\n$`));
      expect(tcpipTargets(peers[0]!, mark[0])).toEqual([`127.0.0.1:${p2}`]);
      expect(tcpipTargets(peers[1]!, mark[1])).toEqual([`127.0.0.1:${p3}`]);
      await c.close();
    }
    // A host that jumps through itself is refused before any connection (ssh.c "jumphost loop").
    await expect(client().connect({ host: 'loop', config, ...common() })).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringContaining('jump host loop'),
    });
    // An explicit "none" turns the file's ProxyJump off (and the host is then dialled directly).
    const mark = marks();
    const direct = client();
    await direct.connect({ host: 'flat', config, proxyJump: 'none', ...common() });
    expect((await direct.exec('echo "$SSH_CONNECTION"')).stdout).toMatch(/^127\.0\.0\.1 /);
    await direct.close();
    expect(tcpipTargets(peers[0]!, mark[0])).toEqual([]);
    expect(tcpipTargets(peers[1]!, mark[1])).toEqual([]);
  });

  it('a malformed -J value is a typed error', async () => {
    await expect(
      client().connect({ host: '127.0.0.1', username: 'u', proxyJump: 'a,,b', ...common() }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG' });
  });
});
