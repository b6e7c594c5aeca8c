// Checklist §12 C, PuTTY CVE-2021-36367 / Dropbear CVE-2021-36369: a server that lets the user in
// without any credential proven. SSHClient accepts it by default (as OpenSSH and PuTTY do) and
// refuses it with `refuseTrivialAuth` (PuTTY's -no-trivial-auth); our server over an in-memory
// stream plays the malicious side with `none` and with a keyboard-interactive round of no prompts.
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { AuthenticationError } from '@sshts/wire';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts, SSHClient, SSHServer, type SSHServerOptions } from '../src/node/index.js';
import { bytePipe } from './mux-fakes.js';

let hostKey: PrivateKey;
beforeAll(async () => {
  hostKey = await generatePrivateKey('ed25519');
});
const servers: SSHServer[] = [];
const clients: SSHClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Connects a fresh client to a server with `auth`; resolves with the client or rejects. */
async function login(
  auth: SSHServerOptions['auth'],
  options: { refuseTrivialAuth?: boolean; password?: string } = {},
): Promise<SSHClient> {
  const server = new SSHServer({
    hostKeys: [hostKey],
    auth,
    exec: async (_command, session) => session.exit(0),
  });
  servers.push(server);
  const { near: ours, far: theirs } = bytePipe();
  void server.accept(theirs).catch(() => {});
  const client = new SSHClient({ knownHosts: KnownHosts.parse(`* ${hostKey.publicKey}\n`) });
  clients.push(client);
  await client.connect({
    host: 'memory',
    username: 'u',
    stream: ours,
    agent: false,
    lookForKeys: false,
    ...options,
  });
  return client;
}

describe('trivial authentication (PuTTY CVE-2021-36367)', () => {
  it('a server accepting `none`: logged in by default, refused with refuseTrivialAuth', async () => {
    const client = await login({ none: true });
    expect((await client.exec('x')).exitCode).toBe(0);
    const refused = login({ none: true }, { refuseTrivialAuth: true });
    await expect(refused).rejects.toBeInstanceOf(AuthenticationError);
    await expect(refused).rejects.toThrow(/without any credential/);
  });

  it('keyboard-interactive that asks nothing and says SUCCESS is refused; one answered prompt is not', async () => {
    const askNothing = { keyboardInteractive: async () => true };
    await expect(login(askNothing, { refuseTrivialAuth: true, password: 'pw' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const askPassword = {
      keyboardInteractive: async (
        _user: string,
        ask: (c: { prompts: { prompt: string; echo: boolean }[] }) => Promise<string[]>,
      ) => (await ask({ prompts: [{ prompt: 'Password: ', echo: false }] }))[0] === 'pw',
    };
    const client = await login(askPassword, { refuseTrivialAuth: true, password: 'pw' });
    expect((await client.exec('x')).exitCode).toBe(0);
  });

  it('a password login is not trivial', async () => {
    const client = await login(
      { password: (_u, p) => p === 'pw' },
      { refuseTrivialAuth: true, password: 'pw' },
    );
    expect((await client.exec('x')).exitCode).toBe(0);
  });
});
