// Test-only user authentication (the real AuthHandler is issue 4): publickey with an Ed25519 key
// made by node:crypto, signing exactly what RFC 4252 §7 says.
import { generateKeyPairSync, sign } from 'node:crypto';
import { MessageType, SSHReader, SSHWriter } from '@sshts/wire';
import type { Transport } from '../src/node/index.js';

export interface TestUserKey {
  /** The OpenSSH authorized_keys line. */
  authorizedKey: string;
  blob: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

export function testUserKey(): TestUserKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = new SSHWriter().string('ssh-ed25519').string(new Uint8Array(raw)).finish().slice();
  return {
    authorizedKey: `ssh-ed25519 ${Buffer.from(blob).toString('base64')} sshts-test`,
    blob,
    sign: (data) => new Uint8Array(sign(null, data, privateKey)),
  };
}

/** Publickey authentication (RFC 4252 §7); the ssh-userauth service must already be accepted. */
export function authPublicKey(transport: Transport, user: string, key: TestUserKey): Promise<void> {
  const conn = transport.connection;
  const signed = new SSHWriter()
    .string(transport.sessionId)
    .byte(MessageType.USERAUTH_REQUEST)
    .string(user)
    .string('ssh-connection')
    .string('publickey')
    .boolean(true)
    .string('ssh-ed25519')
    .string(key.blob)
    .finish();
  const signature = new SSHWriter().string('ssh-ed25519').string(key.sign(signed)).finish();
  return new Promise((resolve, reject) => {
    conn.onMessage = (payload) => {
      const type = payload[0];
      if (type === MessageType.USERAUTH_BANNER || type === MessageType.EXT_INFO) return true;
      if (type === MessageType.USERAUTH_SUCCESS) {
        conn.setAuthenticated();
        resolve();
      } else if (type === MessageType.USERAUTH_FAILURE) {
        reject(new Error(`publickey refused; methods: ${new SSHReader(payload, 1).nameList().join(',')}`));
      } else reject(new Error(`unexpected message ${type} during publickey auth`));
      return true;
    };
    conn.send(
      new SSHWriter()
        .byte(MessageType.USERAUTH_REQUEST)
        .string(user)
        .string('ssh-connection')
        .string('publickey')
        .boolean(true)
        .string('ssh-ed25519')
        .string(key.blob)
        .string(signature)
        .finish(),
    );
  });
}
