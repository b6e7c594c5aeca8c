// connectAgent and AgentClient against OpenSSH's own ssh-agent, holding keys made by ssh-keygen and
// loaded with ssh-add: listing, signing (each signature checked with @sshts/keys verification, an
// independent path), the RSA SHA-2 flags, session-bind@openssh.com, and the socket errors.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parsePublicKey, parseSignatureBlob } from '@sshts/keys';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../src/agent/agent-client.js';
import { connectAgent } from '../src/node/agent-socket.js';
import { nodeSigner } from './helpers.js';

const run = promisify(execFile);
const agentTool = await toolAvailability('ssh-agent');
const addTool = await toolAvailability('ssh-add');
const keygenTool = await toolAvailability('ssh-keygen');
const ready = agentTool.available && addTool.available && keygenTool.available;

// Only when a tool is missing outside CI (under CI=true toolAvailability throws instead).
describe.skipIf(!ready)('AgentClient × OpenSSH ssh-agent', () => {
  let dir: string;
  let socket: string;
  let agent: ChildProcess;
  const publicKeys = new Map<string, string>();

  beforeAll(async () => {
    if (!agentTool.available || !addTool.available || !keygenTool.available) return;
    dir = await mkdtemp(join(tmpdir(), 'sshts-agent-'));
    socket = join(dir, 'agent.sock');
    agent = spawn(agentTool.path, ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
    for (const [type, bits] of [
      ['ed25519', '256'],
      ['ecdsa', '384'],
      ['rsa', '2048'],
    ] as const) {
      const path = join(dir, `id_${type}`);
      await run(keygenTool.path, ['-q', '-t', type, '-b', bits, '-N', '', '-C', `sshts ${type}`, '-f', path]);
      await run(addTool.path, [path], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      publicKeys.set(type, await readFile(`${path}.pub`, 'utf8'));
    }
  }, 60_000);

  afterAll(async () => {
    agent?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function withClient<T>(fn: (client: AgentClient) => Promise<T>): Promise<T> {
    const client = await connectAgent(socket);
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  it('lists the keys ssh-add loaded, with their comments', async () => {
    const keys = await withClient((c) => c.listKeys());
    expect(keys).toHaveLength(3);
    for (const [type, line] of publicKeys) {
      const expected = parsePublicKey(line);
      const key = keys.find((k) => k.publicKey.equals(expected));
      expect(key, type).toBeDefined();
      expect(key?.comment).toBe(`sshts ${type}`);
      expect(key?.publicKey.fingerprint()).toBe(expected.fingerprint());
    }
  });

  it('signs with every algorithm of every key; RSA honours the SHA-2 flags', async () => {
    await withClient(async (client) => {
      const data = new TextEncoder().encode('data to sign');
      for (const key of await client.listKeys()) {
        for (const algorithm of key.publicKey.signatureAlgorithms) {
          const signature = await key.sign(data, algorithm);
          expect(parseSignatureBlob(signature).algorithm).toBe(algorithm);
          expect(key.publicKey.verify(data, signature, algorithm), algorithm).toBe(true);
        }
      }
    });
  });

  it('takes concurrent sign requests on one connection', async () => {
    await withClient(async (client) => {
      const keys = await client.listKeys();
      const datas = keys.flatMap((k, i) => [0, 1, 2].map((j) => ({ key: k, data: Uint8Array.of(i, j) })));
      const sigs = await Promise.all(datas.map(({ key, data }) => key.sign(data)));
      for (const [i, { key, data }] of datas.entries())
        expect(key.publicKey.verify(data, sigs[i]!)).toBe(true);
    });
  });

  it('a key the agent does not hold is refused (ERR_AGENT_FAILURE)', async () => {
    const other = nodeSigner('ed25519');
    await withClient(async (client) => {
      await expect(client.sign(other.publicKey.blob, new Uint8Array(4))).rejects.toMatchObject({
        code: 'ERR_AGENT_FAILURE',
      });
      expect(await client.listKeys()).toHaveLength(3); // still usable
    });
  });

  it('session-bind@openssh.com: the agent accepts a valid host signature and refuses a forged one', async () => {
    const host = nodeSigner('ed25519');
    const sessionId = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const signature = host.sign(sessionId);
    const forged = host.sign(Uint8Array.of(1, 2, 3));
    expect(
      await withClient((c) => c.bindSession({ hostKey: host.publicKey.blob, sessionId, signature })),
    ).toBe(true);
    expect(
      await withClient((c) => c.bindSession({ hostKey: host.publicKey.blob, sessionId, signature: forged })),
    ).toBe(false);
  });

  it('connectAgent defaults to SSH_AUTH_SOCK and reports a missing socket as ERR_AGENT_NO_SOCKET', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      process.env.SSH_AUTH_SOCK = socket;
      const client = await connectAgent();
      expect(await client.listKeys()).toHaveLength(3);
      await client.close();
      delete process.env.SSH_AUTH_SOCK;
      await expect(connectAgent()).rejects.toMatchObject({ code: 'ERR_AGENT_NO_SOCKET' });
      await expect(connectAgent(join(dir, 'missing.sock'))).rejects.toMatchObject({
        code: 'ERR_AGENT_NO_SOCKET',
      });
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });
});
