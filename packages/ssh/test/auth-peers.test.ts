// @sshts/auth's ClientAuth against Dropbear, paramiko and AsyncSSH servers: publickey (ssh-keygen
// Ed25519, ECDSA and RSA keys; RSA picks an algorithm the server's server-sig-algs offers) and
// password log in, wrong ones fail with the server's method list, and the session works after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Peer, type PeerName, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectForAuth,
  expectSessionWorks,
  type KeygenKey,
  type KeygenType,
  keygen,
} from './auth-helpers.js';

const PASSWORD = 'peer password 42';
const PEERS: PeerName[] = ['dropbear', 'paramiko', 'asyncssh'];
const TYPES: KeygenType[] = ['ed25519', 'ecdsa', 'rsa'];
const keygenTool = await toolAvailability('ssh-keygen');

let dir: string | undefined;
const keys: Partial<Record<KeygenType | 'stranger', KeygenKey>> = {};
const keysReady = (async () => {
  if (!keygenTool.available) return;
  dir = await mkdtemp(join(tmpdir(), 'sshts-auth-peers-'));
  for (const type of TYPES) keys[type] = await keygen(keygenTool.path, dir, type);
  keys.stranger = await keygen(keygenTool.path, dir, 'ed25519', 'stranger');
})();

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

for (const name of PEERS) {
  describe(`ClientAuth × ${name}`, async () => {
    const availability = await peerAvailability(name);
    if (!availability.available || !keygenTool.available) {
      // Only when the peer is missing outside CI (under CI=true the availability checks throw).
      it.skip(`${name}: ${availability.available ? 'no ssh-keygen' : availability.reason}`, () => {});
      return;
    }
    let peer: Peer;
    beforeAll(async () => {
      await keysReady;
      peer = await startPeer(name, {
        password: PASSWORD,
        authorizedKeys: TYPES.map((t) => keys[t]!.publicLine),
      });
    }, 120_000);
    afterAll(async () => {
      await peer?.close();
    });

    it('password logs in and the session works', async () => {
      const s = await connectForAuth(peer);
      expect(await s.auth.password(peer.user, PASSWORD)).toEqual({ success: true });
      await expectSessionWorks(s.transport);
      await s.close();
    });

    it('a wrong password fails with the method list', async () => {
      const s = await connectForAuth(peer);
      const result = await s.auth.password(peer.user, 'not the password');
      expect(result).toMatchObject({
        success: false,
        allowedMethods: expect.arrayContaining(['publickey', 'password']),
        partialSuccess: false,
      });
      await s.close();
    });

    it.each(TYPES)('publickey with an ssh-keygen %s key logs in', async (type) => {
      const s = await connectForAuth(peer);
      expect(await s.auth.publicKey(peer.user, keys[type]!.privateKey)).toEqual({ success: true });
      await expectSessionWorks(s.transport);
      await s.close();
    });

    it('an unknown key fails with the method list', async () => {
      const s = await connectForAuth(peer);
      const result = await s.auth.publicKey(peer.user, keys.stranger!.privateKey);
      expect(result).toMatchObject({ success: false, allowedMethods: expect.arrayContaining(['publickey']) });
      // The connection goes on: the right password still works.
      expect((await s.auth.password(peer.user, PASSWORD)).success).toBe(true);
      await s.close();
    });
  });
}
