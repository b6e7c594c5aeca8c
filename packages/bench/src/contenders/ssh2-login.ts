/**
 * npm ssh2 as every benchmark sets it up (TARGETS.md: the peer runs with TCP_NODELAY on): its
 * version and crypto build for the notes, and a login over a socket we dial ourselves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { type Algorithms, Client } from 'ssh2';

const require = createRequire(import.meta.url);

/** ssh2's version, and whether its optional native crypto binding was built (pnpm does not build it). */
export function ssh2Build(): { version: string; binding: boolean } {
  const main = require.resolve('ssh2');
  const root = join(dirname(main), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  // Where ssh2's lib/protocol/crypto.js looks for it.
  const binding = existsSync(join(root, 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'));
  return { version, binding };
}

/** The crypto half of a note: which implementation ssh2 runs its ciphers on. */
export function ssh2CryptoNote(build: { binding: boolean }): string {
  return build.binding
    ? 'its native crypto binding'
    : 'no native binding (not built): node:crypto AES-GCM, node:crypto chacha20 + its wasm poly1305';
}

export interface Ssh2Login {
  host: string;
  port: number;
  user: string;
  /** The key file's bytes: ssh2 1.17's connect() takes only a string or Buffer and parses it itself. */
  privateKey: Buffer;
  /** Raw host key blobs the server may show. */
  hostKeys: Buffer[];
}

/** Raw host key blobs from OpenSSH public key lines (`type base64`). */
export function hostKeyBlobs(lines: readonly string[]): Buffer[] {
  return lines.map((line) => Buffer.from(line.split(' ')[1] ?? '', 'base64'));
}

/**
 * Dials with TCP_NODELAY (ssh2 leaves Nagle on for sockets it opens), logs in with `algorithms`
 * (ssh2's defaults where absent), and resolves once authenticated with what was negotiated.
 */
export async function ssh2Login(
  target: Ssh2Login,
  algorithms: Algorithms = {},
): Promise<{ client: Client; kex: string; cipher: string }> {
  const sock = await new Promise<Socket>((resolve, reject) => {
    const s = netConnect({ host: target.host, port: target.port });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      s.setNoDelay(true);
      resolve(s);
    });
  });
  const client = new Client();
  let kex = '';
  let cipher = '';
  client.on('handshake', (n) => {
    kex = n.kex;
    cipher = n.cs.cipher;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
      client.connect({
        sock,
        username: target.user,
        privateKey: target.privateKey,
        algorithms,
        // Without hostHash, ssh2 passes the raw host key blob.
        hostVerifier: (key: Buffer) => target.hostKeys.some((k) => k.equals(key)),
        readyTimeout: 30_000,
      });
    });
  } catch (error) {
    sock.destroy();
    throw error;
  }
  // A connection-level error after login (e.g. the server dying) must not crash the run; the
  // pending operation fails with it.
  client.on('error', () => {});
  return { client, kex, cipher };
}

/** Ends the connection and resolves when ssh2 reports the socket closed. */
export function ssh2End(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    client.once('close', () => resolve());
    client.end();
  });
}
