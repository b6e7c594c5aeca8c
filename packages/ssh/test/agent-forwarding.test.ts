// Agent forwarding (auth-agent-req@openssh.com) against OpenSSH sshd with a real ssh-agent: the
// remote `ssh-add -l` lists our agent's key only on sessions that asked, ConnectOptions.forwardAgent
// sets the default, each forwarded client gets its own agent connection bound with
// session-bind@openssh.com as forwarding (the agent's debug log says so), and an
// auth-agent@openssh.com open the client did not ask for is refused (mux level, fake link).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChannelMux } from '@sshts/channel';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { ChannelOpenFailureReason, MessageType } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentForwarding, AUTH_AGENT_CHANNEL, AUTH_AGENT_REQUEST } from '../src/agent-forwarding.js';
import { type ConnectOptions, KnownHosts, parseSSHConfig, type SSHClient } from '../src/node/index.js';
import { clientWithHome, knownHostsFor, peerStream, run, sshKeygen, tempDir } from './client-helpers.js';
import { bytePipe, FakeLink, openFromPeer, openSession, sent } from './mux-fakes.js';

const openssh = await peerAvailability('openssh');
const tools = await Promise.all(
  (['ssh-agent', 'ssh-add', 'ssh-keygen'] as const).map((t) => toolAvailability(t)),
);
const [agentTool, addTool, keygenTool] = tools;
const ready = openssh.available && tools.every((t) => t.available);

/** `ssh-agent -d -a SOCKET`: foreground, debug log on stderr (kept for the session-bind check). */
async function startDebugAgent(agentPath: string, dir: string) {
  const socket = join(dir, 'agent.sock');
  const child: ChildProcess = spawn(agentPath, ['-d', '-a', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(socket)) {
    child.kill();
    throw new Error(`ssh-agent did not create its socket: ${log}`);
  }
  return { socket, log: () => log, stop: () => child.kill() };
}

describe.skipIf(!ready)('agent forwarding × OpenSSH sshd and ssh-agent', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let agent: Awaited<ReturnType<typeof startDebugAgent>>;
  let peer: Peer;
  let fingerprint: string;
  let key: Awaited<ReturnType<typeof sshKeygen>>;
  /** Fingerprints of the destination-restricted keys. */
  const restricted = { hostOnly: '', onward: '' };
  /** A client whose $SSH_AUTH_SOCK is `authSock` (none by default) and whose ~ is the temp dir. */
  let Client: (authSock?: string) => SSHClient;
  const clients: SSHClient[] = [];

  const connect = async (options: Partial<ConnectOptions> = {}, authSock?: string): Promise<SSHClient> => {
    const client = Client(authSock);
    clients.push(client);
    await client.connect({
      host: '127.0.0.1',
      username: peer.user,
      stream: await peerStream(peer),
      privateKey: key.privateText,
      agent: false,
      lookForKeys: false,
      timeout: 30_000,
      ...options,
    });
    return client;
  };

  beforeAll(async () => {
    if (!agentTool?.available || !addTool?.available || !keygenTool?.available) return;
    tmp = await tempDir('agent-forwarding');
    agent = await startDebugAgent(agentTool.path, tmp.dir);
    key = await sshKeygen(keygenTool.path, tmp.dir, 'id_forwarded', ['-t', 'ed25519']);
    await run(addTool.path, ['-q', key.path], { env: { ...process.env, SSH_AUTH_SOCK: agent.socket } });
    // The fingerprint as ssh-keygen prints it (ssh-add -l uses the same format).
    fingerprint = (await run(keygenTool.path, ['-l', '-f', `${key.path}.pub`])).stdout.split(' ')[1]!;
    expect(fingerprint).toMatch(/^SHA256:/);
    peer = await startPeer('openssh', { authorizedKeys: [key.publicLine], hostKeyTypes: ['ed25519'] });
    // Destination-restricted keys (ssh-add -h): one usable only to log in to the peer, one also
    // onward from it.
    const knownHosts = join(tmp.dir, 'restrict_known_hosts');
    const [type, blob] = key.publicLine.split(' ');
    await writeFile(
      knownHosts,
      `sshts-test-host ${peer.hostKeys[0]!.publicKey}\nelsewhere ${type} ${blob}\n`,
    );
    const env = { ...process.env, SSH_AUTH_SOCK: agent.socket };
    for (const [name, hops] of [
      ['hostOnly', ['-h', 'sshts-test-host']],
      ['onward', ['-h', 'sshts-test-host', '-h', 'sshts-test-host>elsewhere']],
    ] as const) {
      const k = await sshKeygen(keygenTool.path, tmp.dir, `id_${name}`, ['-t', 'ed25519']);
      await run(addTool.path, ['-q', '-H', knownHosts, ...hops, k.path], { env });
      restricted[name] = (await run(keygenTool.path, ['-l', '-f', `${k.path}.pub`])).stdout.split(' ')[1]!;
    }
    Client = (authSock) => {
      const C = clientWithHome(tmp.dir, authSock === undefined ? {} : { SSH_AUTH_SOCK: authSock });
      return new C({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) });
    };
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await peer?.close();
    agent?.stop();
    await tmp?.remove();
  });

  it('the remote ssh-add -l lists our agent key on a session with agentForwarding, not before', async () => {
    const client = await connect({ agent: agent.socket });
    const without = await client.exec('ssh-add -l');
    expect(without.exitCode).toBe(2);
    expect(without.stderr).toMatch(/Could not open a connection to your authentication agent/);
    const listed = await client.exec('ssh-add -l', { agentForwarding: true });
    expect(listed.stderr).toBe('');
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain(fingerprint);
    expect(listed.stdout).toContain('sshts-id_forwarded');
    expect(peer.log()).toMatch(/auth-agent-req@openssh\.com/);
  });

  it('forwardAgent: true forwards $SSH_AUTH_SOCK by default; agentForwarding: false opts out', async () => {
    const client = await connect({ forwardAgent: true }, agent.socket);
    // First: sshd keeps one agent socket per connection (session.c auth_sock_name), so once any
    // session asked, later sessions of the connection see it too — as with ssh(1).
    expect((await client.exec('ssh-add -l', { agentForwarding: false })).exitCode).toBe(2);
    const listed = await client.exec('ssh-add -l');
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain(fingerprint);
  });

  it('forwardAgent: <socket path> forwards that agent; every remote client gets its own connection', async () => {
    const client = await connect({ forwardAgent: agent.socket });
    // Three agent clients at once on the remote side: three channels, three agent connections.
    const r = await client.exec('for i in 1 2 3; do ssh-add -l & done; wait');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split(fingerprint).length - 1).toBe(3);
    // The shell gets it too.
    const shell = await client.invokeShell({ agentForwarding: true });
    await shell.write('ssh-add -l; exit\n');
    expect(await shell.stdout.text()).toContain(fingerprint);
  });

  it('ssh_config ForwardAgent: a socket path, or $NAME naming the variable that holds it', async () => {
    const config = parseSSHConfig(
      `Host by-path\n  HostName 127.0.0.1\n  ForwardAgent ${agent.socket}\nHost by-env\n  HostName 127.0.0.1\n  ForwardAgent $MY_AGENT\n`,
      { local: { userName: peer.user, homeDir: tmp.dir } },
    );
    for (const host of ['by-path', 'by-env']) {
      const C = clientWithHome(tmp.dir, { MY_AGENT: agent.socket });
      const client = new C({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) });
      clients.push(client);
      await client.connect({
        host,
        config,
        stream: await peerStream(peer),
        privateKey: key.privateText,
        agent: false,
        lookForKeys: false,
      });
      const listed = await client.exec('ssh-add -l');
      expect(listed.exitCode).toBe(0);
      expect(listed.stdout).toContain(fingerprint);
    }
  });

  it('binds each forwarded agent connection as a forwarding hop (session-bind@openssh.com)', async () => {
    const client = await connect({ forwardAgent: agent.socket });
    const r = await client.exec('ssh-add -l');
    expect(r.exitCode).toBe(0);
    // ssh-agent.c identity_permitted: past a hop bound as forwarding, a destination-restricted key
    // is listed only when a constraint lets it be used beyond that host. Unbound, or bound as an
    // authentication (fwd 0), both would be listed.
    expect(r.stdout).toContain(restricted.onward);
    expect(r.stdout).not.toContain(restricted.hostOnly);
    expect(r.stdout).toContain(fingerprint);
    expect(agent.log()).toMatch(/entry 0 FORWARD, from hostkey \(ORIGIN\)/);
    expect(agent.log()).not.toMatch(/entry 0 AUTH/);
  });

  it('asking for forwarding with no agent anywhere is a typed error; a default with none is dropped', async () => {
    const client = await connect();
    await expect(client.exec('true', { agentForwarding: true })).rejects.toMatchObject({
      code: 'ERR_NO_AGENT',
    });
    const quiet = await connect({ forwardAgent: true });
    expect((await quiet.exec('ssh-add -l')).exitCode).toBe(2);
  });

  it('a dead agent socket: the remote client is refused, the session goes on', async () => {
    const client = await connect({ forwardAgent: join(tmp.dir, 'no-such-agent.sock') });
    const r = await client.exec('ssh-add -l; echo after');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('after');
    expect(r.stdout).not.toContain(fingerprint);
  });
});

describe('auth-agent@openssh.com opens at the mux (RFC 4254 §5.1, wolfSSH PR #1244)', () => {
  it('an unrequested open is refused as administratively prohibited; after the request it is accepted and piped', async () => {
    const link = new FakeLink();
    const mux = new ChannelMux(link);
    const session = await openSession(mux, link);
    const connects: string[] = [];
    const agentSide = bytePipe();
    const forwarding = new AgentForwarding(
      mux,
      '/agent.sock',
      async (path) => {
        connects.push(path);
        return agentSide.near;
      },
      { hostKey: undefined, sessionId: undefined, hostKeySignature: undefined },
    );

    openFromPeer(mux, AUTH_AGENT_CHANNEL, 7);
    const refused = sent(link).find((m) => m.type === MessageType.CHANNEL_OPEN_FAILURE);
    expect(refused).toMatchObject({
      recipient: 7,
      reason: ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED,
    });
    expect(connects).toEqual([]);

    await forwarding.request(session);
    const request = sent(link).find((m) => m.type === MessageType.CHANNEL_REQUEST);
    expect(request).toMatchObject({ name: AUTH_AGENT_REQUEST, wantReply: false });

    openFromPeer(mux, AUTH_AGENT_CHANNEL, 8);
    await new Promise((r) => setTimeout(r, 10));
    expect(connects).toEqual(['/agent.sock']);
    const confirmed = sent(link).find((m) => m.type === MessageType.CHANNEL_OPEN_CONFIRMATION);
    expect(confirmed).toMatchObject({ recipient: 8 });
    // Bytes the agent writes go out as CHANNEL_DATA to the peer's channel 8.
    const writer = agentSide.far.writable.getWriter();
    await writer.write(Uint8Array.of(0, 0, 0, 1, 12));
    await new Promise((r) => setTimeout(r, 10));
    const data = sent(link).find((m) => m.type === MessageType.CHANNEL_DATA);
    expect(data).toMatchObject({ recipient: 8, data: Uint8Array.of(0, 0, 0, 1, 12) });
  });

  it('another channel type is still unknown', () => {
    const link = new FakeLink();
    const mux = new ChannelMux(link);
    openFromPeer(mux, 'auth-agent', 3);
    expect(sent(link)[0]).toMatchObject({ reason: ChannelOpenFailureReason.UNKNOWN_CHANNEL_TYPE });
  });
});
