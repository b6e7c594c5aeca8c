// Logging in with keys held by OpenSSH's ssh-agent (ssh-keygen keys loaded with ssh-add), through
// @sshts/auth's AgentClient and ClientAuth: every key type against sshd, RSA with the SHA-2 sign
// flags (and the rsa-sha2-256 fallback), and a destination-restricted key (`ssh-add -h`), which the
// agent signs for only after session-bind@openssh.com and only inside a hostbound request.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentClient, AgentKey } from '@sshts/auth';
import { connectAgent } from '@sshts/auth/node';
import { parsePublicKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectForAuth,
  expectSessionWorks,
  type KeygenKey,
  keygen,
  run,
  startSshAgent,
} from './auth-helpers.js';

const openssh = await peerAvailability('openssh');
const tools = await Promise.all(
  (['ssh-agent', 'ssh-add', 'ssh-keygen'] as const).map((t) => toolAvailability(t)),
);
const [agentTool, addTool, keygenTool] = tools;
const ready = openssh.available && tools.every((t) => t.available);

// Only when a peer or tool is missing outside CI (under CI=true the availability checks throw).
describe.skipIf(!ready)('ClientAuth with ssh-agent keys × OpenSSH sshd', () => {
  let dir: string;
  let agent: { socket: string; stop(): void };
  let client: AgentClient;
  const keys: Record<string, KeygenKey> = {};
  let peer: Peer;
  let rsa256Peer: Peer;

  /** The key as `agent` lists it. */
  const agentKey = async (agentClient: AgentClient, key: KeygenKey): Promise<AgentKey> => {
    const expected = parsePublicKey(key.publicLine);
    const found = (await agentClient.listKeys()).find((k) => k.publicKey.equals(expected));
    if (!found) throw new Error(`the agent does not list ${key.path}`);
    return found;
  };
  /**
   * One agent connection per SSH connection, as ssh(1) does: ssh-agent refuses a second
   * session-bind for authentication on a socket connection (ssh-agent.c process_ext_session_bind).
   */
  const withAgent = async <T>(fn: (agentClient: AgentClient) => Promise<T>): Promise<T> => {
    const agentClient = await connectAgent(agent.socket);
    try {
      return await fn(agentClient);
    } finally {
      await agentClient.close();
    }
  };

  beforeAll(async () => {
    if (!agentTool?.available || !addTool?.available || !keygenTool?.available) return;
    dir = await mkdtemp(join(tmpdir(), 'sshts-auth-agent-'));
    agent = await startSshAgent(agentTool.path, dir);
    const env = { ...process.env, SSH_AUTH_SOCK: agent.socket };
    for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
      keys[type] = await keygen(keygenTool.path, dir, type);
      await run(addTool.path, ['-q', keys[type].path], { env });
    }
    keys.restricted = await keygen(keygenTool.path, dir, 'ed25519', 'restricted');
    peer = await startPeer('openssh', {
      authorizedKeys: Object.values(keys).map((k) => k.publicLine),
    });
    // Destination constraint (ssh-add -h): usable only towards a host whose keys known_hosts lists.
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, peer.hostKeys.map((k) => `sshts-test-host ${k.publicKey}\n`).join(''));
    await run(addTool.path, ['-q', '-H', knownHosts, '-h', 'sshts-test-host', keys.restricted.path], { env });
    rsa256Peer = await startPeer('openssh', {
      authorizedKeys: [keys.rsa!.publicLine],
      sshdConfig: ['PubkeyAcceptedAlgorithms rsa-sha2-256'],
    });
    client = await connectAgent(agent.socket);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    agent?.stop();
    await peer?.close();
    await rsa256Peer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the keys ssh-add loaded', async () => {
    const listed = await client.listKeys();
    for (const key of Object.values(keys)) {
      expect(listed.some((k) => k.publicKey.equals(parsePublicKey(key.publicLine)))).toBe(true);
    }
    expect(listed.find((k) => k.publicKey.type === 'ssh-rsa')?.comment).toBe('sshts-id_rsa');
  });

  it.each(['ed25519', 'ecdsa', 'rsa'])('logs in with the agent %s key (after session-bind)', async (type) => {
    const s = await connectForAuth(peer);
    const key = await withAgent(async (agentClient) => {
      const key = await agentKey(agentClient, keys[type]!);
      expect(await agentClient.bindSession(s.transport.connection)).toBe(true);
      expect(await s.auth.publicKey(peer.user, key)).toEqual({ success: true });
      return key;
    });
    await expectSessionWorks(s.transport);
    await s.close();
    const fingerprint = key.publicKey.fingerprint().replace(/[+/]/g, '\\$&');
    const signature = new RegExp(
      `publickey-hostbound-v00@openssh.com have (\\S+) signature for \\S+ ${fingerprint}`,
    );
    // RSA keys sign with SHA-512 through the agent's SSH_AGENT_RSA_SHA2_512 flag.
    expect(signature.exec(peer.log())?.[1]).toBe(type === 'rsa' ? 'rsa-sha2-512' : key.publicKey.type);
  });

  it('the agent RSA key falls back to rsa-sha2-256 (flag 2) when the server accepts only that', async () => {
    const s = await connectForAuth(rsa256Peer);
    await withAgent(async (agentClient) => {
      const key = await agentKey(agentClient, keys.rsa!);
      expect(await s.auth.publicKey(rsa256Peer.user, key)).toEqual({ success: true });
    });
    await expectSessionWorks(s.transport);
    await s.close();
    expect(rsa256Peer.log()).toContain('publickey RSA signature using rsa-sha2-256 verified');
  });

  it('a destination-restricted key signs only on a bound connection, then logs in', async () => {
    const first = await connectForAuth(peer);
    await withAgent(async (unbound) => {
      const key = await agentKey(unbound, keys.restricted!);
      await expect(first.auth.publicKey(peer.user, key)).rejects.toMatchObject({ code: 'ERR_AGENT_FAILURE' });
    });
    await first.close();

    const s = await connectForAuth(peer);
    await withAgent(async (bound) => {
      expect(await bound.bindSession(s.transport.connection)).toBe(true);
      const key = await agentKey(bound, keys.restricted!);
      expect(await s.auth.publicKey(peer.user, key)).toEqual({ success: true });
    });
    await expectSessionWorks(s.transport);
    await s.close();
  });
});
