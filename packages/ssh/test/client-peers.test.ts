// Issue 4, "Against Dropbear, paramiko and AsyncSSH servers: publickey and password log in" —
// through SSHClient.connect, with the key as ssh-keygen writes it — and the wrong ones fail with
// the server's method list.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Peer, type PeerName, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { AuthenticationError } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectOptions } from '../src/node/index.js';
import { loginTo, run, tempDir } from './client-helpers.js';

const keygen = await toolAvailability('ssh-keygen');
const PASSWORD = 'peer-pw-123';
const PEERS: PeerName[] = ['dropbear', 'paramiko', 'asyncssh'];
const availability = Object.fromEntries(
  await Promise.all(PEERS.map(async (p) => [p, await peerAvailability(p)] as const)),
);

for (const name of PEERS) {
  // Only when the peer is missing outside CI (CI=true throws instead); the title says why.
  describe.skipIf(!availability[name]?.available || !keygen.available)(`SSHClient against ${name}`, () => {
    let peer: Peer;
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    const keys: { label: string; text: string }[] = [];

    beforeAll(async () => {
      tmp = await tempDir(`client-${name}`);
      const lines: string[] = [];
      for (const [label, args] of [
        ['ed25519', ['-t', 'ed25519']],
        ['ecdsa', ['-t', 'ecdsa', '-b', '256']],
        ['rsa', ['-t', 'rsa', '-b', '2048']],
      ] as const) {
        const path = join(tmp.dir, label);
        await run(keygen.available ? keygen.path : '', ['-q', ...args, '-N', '', '-f', path]);
        lines.push((await readFile(`${path}.pub`, 'utf8')).trim());
        keys.push({ label, text: await readFile(path, 'utf8') });
      }
      peer = await startPeer(name, { password: PASSWORD, authorizedKeys: lines });
    }, 120_000);
    afterAll(async () => {
      await peer?.close();
      await tmp?.remove();
    });

    const connect = (options: Partial<ConnectOptions>) => loginTo(peer, options);

    it('logs in with a password', async () => {
      await connect({ password: PASSWORD });
    });

    it('logs in with ed25519, ecdsa and rsa keys', async () => {
      for (const key of keys) await connect({ privateKey: key.text });
    });

    it('a wrong password fails with the method list', async () => {
      const error = await connect({ password: 'nope' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).allowedMethods).toEqual(
        expect.arrayContaining(['password', 'publickey']),
      );
    });
  });
}
