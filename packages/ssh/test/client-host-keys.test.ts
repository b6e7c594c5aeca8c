// Issue 4, host keys: RejectPolicy refuses an unknown host, AutoAddPolicy records it in a file that
// OpenSSH's `ssh-keygen -F` reads, a changed key is BadHostKeyError whatever the policy, a host
// certificate is accepted through @cert-authority, and a @revoked key is refused — against sshd.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { BadHostKeyError, HostKeyError } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoAddPolicy, KnownHosts, RejectPolicy, SSHClient, WarningPolicy } from '../src/node/index.js';
import { clientWithHome, knownHostsFor, peerStream, run, tempDir } from './client-helpers.js';

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');
const PASSWORD = 'host-key-test-pw';

// Only when a peer or tool is missing outside CI (CI=true throws instead); the title says why.
describe.skipIf(!openssh.available || !keygen.available)(
  'SSHClient host-key checking against OpenSSH',
  () => {
    let peer: Peer;
    let certPeer: Peer;
    let tmp: Awaited<ReturnType<typeof tempDir>>;

    beforeAll(async () => {
      tmp = await tempDir('host-keys');
      [peer, certPeer] = await Promise.all([
        startPeer('openssh', { password: PASSWORD }),
        startPeer('openssh', { password: PASSWORD, hostCertificates: { principals: ['127.0.0.1'] } }),
      ]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([peer?.close(), certPeer?.close()]);
      await tmp?.remove();
    });

    async function connect(client: SSHClient, target = peer, host = '127.0.0.1') {
      const stream = await peerStream(target);
      try {
        await client.connect({
          host,
          username: target.user,
          password: PASSWORD,
          stream,
          lookForKeys: false,
          agent: false,
          timeout: 30_000,
        });
      } finally {
        await client.close();
        await stream.close();
      }
      return client;
    }

    it('RejectPolicy (the default) refuses an unknown host with a typed error', async () => {
      const error = await connect(new SSHClient()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyError);
      expect((error as HostKeyError).code).toBe('ERR_UNKNOWN_HOST_KEY');
      expect((error as HostKeyError).message).toMatch(/SHA256:/);
      const explicit = new SSHClient();
      explicit.setMissingHostKeyPolicy(new RejectPolicy());
      await expect(connect(explicit)).rejects.toBeInstanceOf(HostKeyError);
    });

    it('a host in known_hosts is accepted, whichever of its keys known_hosts holds', async () => {
      for (const key of peer.hostKeys) {
        const client = new SSHClient({ knownHosts: KnownHosts.parse(`127.0.0.1 ${key.publicKey}\n`) });
        const stream = await peerStream(peer);
        await client.connect({
          host: '127.0.0.1',
          username: peer.user,
          password: PASSWORD,
          stream,
          agent: false,
          lookForKeys: false,
        });
        // The recorded key's algorithm was put first (OpenSSH order_hostkeyalgs), so it was the one used.
        expect(client.transport.getRemoteServerKey().fingerprint()).toBe(key.fingerprint);
        await client.close();
        await stream.close();
      }
    });

    it('AutoAddPolicy records the key in a file ssh-keygen -F finds, hashed on request', async () => {
      for (const hashed of [false, true]) {
        const file = join(tmp.dir, `known_hosts_auto_${hashed}`);
        const client = new SSHClient();
        await client.loadHostKeys(file);
        client.setMissingHostKeyPolicy(new AutoAddPolicy({ hashed }));
        await connect(client);
        const text = await readFile(file, 'utf8');
        if (hashed) expect(text).toMatch(/^\|1\|/);
        const found = await run(keygen.available ? keygen.path : '', ['-F', '127.0.0.1', '-f', file]);
        expect(found.stdout).toContain('found: line 1');
        // The second connection needs no policy.
        const again = new SSHClient();
        await again.loadHostKeys(file);
        await connect(again);
      }
    });

    it('non-standard ports are recorded as [host]:port', async () => {
      const file = join(tmp.dir, 'known_hosts_port');
      const client = new SSHClient();
      await client.loadHostKeys(file);
      client.setMissingHostKeyPolicy(new AutoAddPolicy());
      const stream = await peerStream(peer);
      await client.connect({
        host: '127.0.0.1',
        port: 2222,
        username: peer.user,
        password: PASSWORD,
        stream,
        agent: false,
        lookForKeys: false,
      });
      await client.close();
      await stream.close();
      expect(await readFile(file, 'utf8')).toMatch(/^\[127\.0\.0\.1\]:2222 /);
      const found = await run(keygen.available ? keygen.path : '', ['-F', '[127.0.0.1]:2222', '-f', file]);
      expect(found.stdout).toContain('found: line 1');
    });

    it('a changed key is BadHostKeyError with both fingerprints, even under AutoAddPolicy', async () => {
      const other = join(tmp.dir, 'other');
      await run(keygen.available ? keygen.path : '', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const wrong = (await readFile(`${other}.pub`, 'utf8')).trim();
      for (const policy of [new AutoAddPolicy(), new WarningPolicy(() => {}), new RejectPolicy()]) {
        const client = new SSHClient({ knownHosts: KnownHosts.parse(`127.0.0.1 ${wrong}\n`), policy });
        const error = await connect(client).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadHostKeyError);
        const bad = error as BadHostKeyError;
        expect(peer.hostKeys.map((k) => k.fingerprint)).toContain(bad.got);
        const fp = await run(keygen.available ? keygen.path : '', [
          '-l',
          '-E',
          'sha256',
          '-f',
          `${other}.pub`,
        ]);
        expect(fp.stdout.split(' ')[1]).toBe(bad.expected);
      }
    });

    it('a @revoked key is refused even when also listed as known', async () => {
      const key = peer.hostKeys[0]!;
      const text = `127.0.0.1 ${key.publicKey}\n@revoked * ${key.publicKey}\n`;
      const client = new SSHClient({ knownHosts: KnownHosts.parse(text), policy: new AutoAddPolicy() });
      const error = await connect(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyError);
      expect((error as HostKeyError).code).toBe('ERR_REVOKED_HOST_KEY');
    });

    it('a host certificate is accepted through @cert-authority, with no plain key recorded', async () => {
      const ca = certPeer.hostCertificateAuthority!;
      const client = new SSHClient({ knownHosts: KnownHosts.parse(`@cert-authority 127.0.0.1 ${ca}\n`) });
      const stream = await peerStream(certPeer);
      await client.connect({
        host: '127.0.0.1',
        username: certPeer.user,
        password: PASSWORD,
        stream,
        agent: false,
        lookForKeys: false,
      });
      expect(client.transport.negotiated.hostKey).toMatch(/-cert-v01@openssh\.com$/);
      expect(client.transport.getRemoteServerKey().certificate?.certType).toBe('host');
      await client.close();
      await stream.close();
    });

    it('a certificate for other principals, or from another CA, is not accepted through the CA', async () => {
      const ca = certPeer.hostCertificateAuthority!;
      // Principals are 127.0.0.1 only: as "localhost" the certificate does not apply.
      const wrongHost = new SSHClient({ knownHosts: KnownHosts.parse(`@cert-authority localhost ${ca}\n`) });
      await expect(connect(wrongHost, certPeer, 'localhost')).rejects.toBeInstanceOf(HostKeyError);
      const otherCa = join(tmp.dir, 'other_ca');
      await run(keygen.available ? keygen.path : '', ['-q', '-t', 'ed25519', '-N', '', '-f', otherCa]);
      const line = (await readFile(`${otherCa}.pub`, 'utf8')).trim();
      const wrongCa = new SSHClient({ knownHosts: KnownHosts.parse(`@cert-authority 127.0.0.1 ${line}\n`) });
      await expect(connect(wrongCa, certPeer)).rejects.toBeInstanceOf(HostKeyError);
    });

    it('a @revoked CA revokes the certificates it signed', async () => {
      const ca = certPeer.hostCertificateAuthority!;
      const text = `@cert-authority 127.0.0.1 ${ca}\n@revoked * ${ca}\n`;
      const client = new SSHClient({ knownHosts: KnownHosts.parse(text) });
      const error = await connect(client, certPeer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyError);
    });

    it('loadSystemHostKeys reads ~/.ssh/known_hosts and never writes it', async () => {
      const home = join(tmp.dir, 'home');
      await run('mkdir', ['-p', join(home, '.ssh')]);
      const system = join(home, '.ssh', 'known_hosts');
      await writeFile(system, knownHostsFor(peer));
      const Client = clientWithHome(home);
      const client = new Client({ policy: new AutoAddPolicy() });
      await client.loadSystemHostKeys();
      await connect(client);
      expect(await readFile(system, 'utf8')).toBe(knownHostsFor(peer));
    });
  },
);
