// ConnectOptions.config: an ssh_config alias resolved as `ssh -G` would (HostName, User, Port,
// IdentityFile, IdentitiesOnly, ProxyCommand, algorithm lists narrowed to ours) and applied by
// SSHClient.connect against OpenSSH — the connection runs through a ProxyCommand that starts sshd.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts, loadSSHConfig, SSHClient, SSHError } from '../src/node/index.js';
import { run, tempDir } from './client-helpers.js';

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');

// Only when a peer or tool is missing outside CI (CI=true throws instead); the title says why.
describe.skipIf(!openssh.available || !keygen.available)('SSHClient.connect with ssh_config', () => {
  let peer: Peer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let configPath: string;

  beforeAll(async () => {
    tmp = await tempDir('client-config');
    const key = join(tmp.dir, 'id_config');
    await run(keygen.available ? keygen.path : '', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    peer = await startPeer('openssh', { authorizedKeys: [(await readFile(`${key}.pub`, 'utf8')).trim()] });
    configPath = join(tmp.dir, 'config');
    await writeFile(
      configPath,
      [
        'Host myalias',
        '  HostName 127.0.0.1',
        `  User ${peer.user}`,
        '  Port 2222',
        `  IdentityFile ${key}`,
        '  IdentitiesOnly yes',
        // sshd in inetd mode on the other end of the pipe: a real ProxyCommand.
        `  ProxyCommand /usr/sbin/sshd -i -f ${join(peer.dir, 'sshd_config')} -E ${join(tmp.dir, 'proxy.log')}`,
        // Names OpenSSH knows and we do not are dropped; the rest keep their order.
        '  KexAlgorithms diffie-hellman-group1-sha1,ecdh-sha2-nistp384,curve25519-sha256',
        '  Ciphers aes128-cbc,aes256-gcm@openssh.com',
        '  MACs umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com',
        'Host jumpy',
        // Nothing listens on port 1: the jump host is dialled first, and that fails.
        '  ProxyJump 127.0.0.1:1',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  }, 120_000);
  afterAll(async () => {
    await peer?.close();
    await tmp?.remove();
  });

  it('resolves the alias and connects through the ProxyCommand with the IdentityFile', async () => {
    const config = await loadSSHConfig({
      userConfig: configPath,
      systemConfig: false,
      checkPermissions: false,
    });
    const known = peer.hostKeys.map((k) => `[127.0.0.1]:2222 ${k.publicKey}\n`).join('');
    const client = new SSHClient({ knownHosts: KnownHosts.parse(known) });
    await client.connect({ host: 'myalias', config, timeout: 30_000 });
    expect(client.transport.authenticated).toBe(true);
    expect(client.transport.negotiated.kex).toBe('ecdh-sha2-nistp384');
    expect(client.transport.negotiated.cipher).toEqual(['aes256-gcm@openssh.com', 'aes256-gcm@openssh.com']);
    await client.close();
    expect(await readFile(join(tmp.dir, 'proxy.log'), 'utf8')).toMatch(/Accepted publickey for/);
  });

  it('explicit options win over the file', async () => {
    const config = await loadSSHConfig({
      userConfig: configPath,
      systemConfig: false,
      checkPermissions: false,
    });
    const client = new SSHClient({ knownHosts: KnownHosts.parse('') });
    // Port 22 makes the known_hosts name plain "127.0.0.1", which is not recorded: RejectPolicy says so.
    const error = await client
      .connect({ host: 'myalias', config, port: 22, timeout: 30_000 })
      .catch((e: unknown) => e);
    expect((error as SSHError).code).toBe('ERR_UNKNOWN_HOST_KEY');
    expect((error as SSHError).message).toContain('127.0.0.1 ');
  });

  it('ProxyJump is followed: the jump host is dialled first (proxy-jump.test.ts connects through one)', async () => {
    const config = await loadSSHConfig({
      userConfig: configPath,
      systemConfig: false,
      checkPermissions: false,
    });
    const error = await new SSHClient()
      .connect({ host: 'jumpy', config, timeout: 10_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SSHError);
    expect((error as SSHError).message).toMatch(/127\.0\.0\.1:1\b|ECONNREFUSED/);
  });
});
