// ServerAuth against OpenSSH's own keys and signatures: keys made by ssh-keygen (every type) log in
// through ClientAuth and an authorized_keys file made of their .pub lines; a user certificate
// issued by `ssh-keygen -s` is accepted under trustedUserCAKeys by principal and validity; and
// signatures made by OpenSSH's ssh-agent (its own sshkey_sign, RSA with the SHA-2 flags) over our
// USERAUTH_REQUEST verify in the server.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  certifiedSigner,
  type PrivateKey,
  type PublicKey,
  parsePrivateKey,
  parsePublicKey,
} from '@sshts/keys';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../src/node/agent-socket.js';
import type { ServerAuthOptions } from '../src/server-auth-types.js';
import { authorizedKeysHandler } from '../src/server-authorized-keys.js';
import { pair } from './server-helpers.js';

const run = promisify(execFile);
const keygen = await toolAvailability('ssh-keygen');
const agentTool = await toolAvailability('ssh-agent');
const addTool = await toolAvailability('ssh-add');

const TYPES = [
  ['ed25519', ['-t', 'ed25519']],
  ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
  ['ecdsa384', ['-t', 'ecdsa', '-b', '384']],
  ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
  ['rsa', ['-t', 'rsa', '-b', '2048']],
] as const;

interface MadeKey {
  path: string;
  privateKey: PrivateKey;
  line: string;
}

// Only when ssh-keygen is missing outside CI (under CI=true toolAvailability throws instead).
describe.skipIf(!keygen.available)('ServerAuth × keys and certificates made by ssh-keygen', () => {
  let dir: string;
  const keys = new Map<string, MadeKey>();
  let ca: PublicKey;
  let authorizedKeys: string;

  async function sshKeygen(args: string[]): Promise<void> {
    if (!keygen.available) throw new Error('no ssh-keygen');
    await run(keygen.path, ['-q', ...args]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sshts-server-auth-'));
    await Promise.all(
      TYPES.map(async ([name, args]) => {
        const path = join(dir, `id_${name}`);
        await sshKeygen([...args, '-N', '', '-C', `${name}@openssh`, '-f', path]);
        const privateKey = parsePrivateKey(await readFile(path, 'utf8'));
        keys.set(name, { path, privateKey, line: (await readFile(`${path}.pub`, 'utf8')).trim() });
      }),
    );
    authorizedKeys = [...keys.values()].map((k) => `no-port-forwarding ${k.line}`).join('\n');
    const caPath = join(dir, 'user_ca');
    await sshKeygen(['-t', 'ed25519', '-N', '', '-C', 'ca', '-f', caPath]);
    ca = parsePublicKey(await readFile(`${caPath}.pub`, 'utf8'));
    // A user certificate for the ecdsa256 key, as an administrator would issue it.
    await sshKeygen([
      '-s',
      caPath,
      '-I',
      'alice@example',
      '-n',
      'alice,ops',
      '-V',
      '-5m:+1h',
      '-O',
      'clear',
      '-O',
      'permit-pty',
      '-O',
      'force-command=/bin/true',
      keys.get('ecdsa256')!.path,
    ]);
    // An expired one for the ed25519 key, kept apart from it (ssh-add would load id_ed25519-cert.pub).
    await writeFile(join(dir, 'old.pub'), `${keys.get('ed25519')!.line}\n`);
    await sshKeygen([
      '-s',
      caPath,
      '-I',
      'old',
      '-n',
      'alice',
      '-V',
      '20200101:20200102',
      join(dir, 'old.pub'),
    ]);
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every key type ssh-keygen makes logs in through authorized_keys, with its options', async () => {
    for (const [name] of TYPES) {
      const { privateKey, line } = keys.get(name)!;
      const { clientAuth, serverAuth } = pair({ publicKey: authorizedKeysHandler(authorizedKeys) });
      expect(await clientAuth.publicKey('me', privateKey), name).toEqual({ success: true });
      expect(serverAuth.result?.publicKey?.toString()).toBe(line.split(' ').slice(0, 2).join(' '));
      expect(serverAuth.result?.keyOptions?.portForwarding).toBe(false);
    }
  });

  it('RSA from ssh-keygen: rsa-sha2-512 and rsa-sha2-256 by default, ssh-rsa only by policy', async () => {
    const { privateKey } = keys.get('rsa')!;
    const options: ServerAuthOptions = { publicKey: authorizedKeysHandler(authorizedKeys) };
    for (const algorithm of ['rsa-sha2-512', 'rsa-sha2-256']) {
      expect(await pair(options).clientAuth.publicKey('me', privateKey, { algorithm }), algorithm).toEqual({
        success: true,
      });
    }
    expect(
      (await pair(options).clientAuth.publicKey('me', privateKey, { algorithm: 'ssh-rsa' })).success,
    ).toBe(false);
    const legacy = pair({ ...options, publicKeyAlgorithms: ['ssh-rsa'] });
    expect(await legacy.clientAuth.publicKey('me', privateKey, { algorithm: 'ssh-rsa' })).toEqual({
      success: true,
    });
  });

  it('a certificate from ssh-keygen -s: accepted for its principals within its validity, refused otherwise', async () => {
    const { path, privateKey } = keys.get('ecdsa256')!;
    const cert = parsePublicKey(await readFile(`${path}-cert.pub`, 'utf8'));
    const signer = certifiedSigner(privateKey, cert);
    const options: ServerAuthOptions = { trustedUserCAKeys: [ca] };
    for (const user of ['alice', 'ops']) {
      const { clientAuth, serverAuth } = pair(options);
      expect(await clientAuth.publicKey(user, signer), user).toEqual({ success: true });
      expect(serverAuth.result?.certificate?.keyId).toBe('alice@example');
      expect(serverAuth.result?.keyOptions).toMatchObject({
        pty: true,
        portForwarding: false,
        command: '/bin/true',
      });
    }
    expect((await pair(options).clientAuth.publicKey('root', signer)).success).toBe(false);
    // Two hours from now the certificate has expired.
    const later = pair({ ...options, now: () => Date.now() + 2 * 3600_000 });
    expect((await later.clientAuth.publicKey('alice', signer)).success).toBe(false);
    // An authorized_keys cert-authority line accepts it too.
    const line = `cert-authority,principals="ops" ${ca.toString()}`;
    expect(
      await pair({ publicKey: authorizedKeysHandler(line) }).clientAuth.publicKey('deploy', signer),
    ).toEqual({
      success: true,
    });

    const ed = keys.get('ed25519')!;
    const old = parsePublicKey(await readFile(join(dir, 'old-cert.pub'), 'utf8'));
    expect(
      (await pair(options).clientAuth.publicKey('alice', certifiedSigner(ed.privateKey, old))).success,
    ).toBe(false);
  });

  describe.skipIf(!agentTool.available || !addTool.available)('signatures made by OpenSSH ssh-agent', () => {
    let agent: ChildProcess | undefined;
    let socket: string;

    beforeAll(async () => {
      if (!agentTool.available || !addTool.available) return;
      socket = join(dir, 'agent.sock');
      agent = spawn(agentTool.path, ['-D', '-a', socket], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      for (const { path } of keys.values()) {
        await run(addTool.path, [path], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      }
    }, 60_000);

    afterAll(() => {
      agent?.kill();
    });

    it('every agent key (and the certificate ssh-add loaded with its key) logs in; RSA with both SHA-2 flags', async () => {
      const client = await connectAgent(socket);
      try {
        const agentKeys = await client.listKeys();
        expect(agentKeys.length).toBe(TYPES.length + 1);
        const options: ServerAuthOptions = {
          publicKey: authorizedKeysHandler(authorizedKeys),
          trustedUserCAKeys: [ca],
        };
        const tried: string[] = [];
        for (const key of agentKeys) {
          const algorithms =
            key.publicKey.type === 'ssh-rsa'
              ? ['rsa-sha2-512', 'rsa-sha2-256']
              : [key.publicKey.signatureAlgorithms[0]!];
          for (const algorithm of algorithms) {
            const { clientAuth, serverAuth } = pair(options);
            expect(await clientAuth.publicKey('alice', key, { algorithm }), algorithm).toEqual({
              success: true,
            });
            expect(serverAuth.result?.publicKey?.equals(key.publicKey)).toBe(true);
            tried.push(algorithm);
          }
        }
        expect(tried).toContain('ecdsa-sha2-nistp256-cert-v01@openssh.com');
        expect(tried).toContain('rsa-sha2-256');
      } finally {
        await client.close();
      }
    });
  });
});
