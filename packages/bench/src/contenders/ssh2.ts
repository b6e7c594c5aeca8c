import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import type { Contender, SftpBenchTarget } from '../contender.js';

const require = createRequire(import.meta.url);

/** ssh2's version, and whether its optional native crypto binding was built (pnpm does not build it). */
function ssh2Build(): { version: string; binding: boolean } {
  const main = require.resolve('ssh2');
  const root = join(dirname(main), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  // Where ssh2's lib/protocol/crypto.js looks for it.
  const binding = existsSync(join(root, 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'));
  return { version, binding };
}

interface Session {
  client: Client;
  sftp: SFTPWrapper;
}

/**
 * npm `ssh2` fastGet / fastPut (TARGETS.md: the benchmark peer, TCP_NODELAY on). One connection
 * per cipher, opened in setup() over a socket we dial with setNoDelay(true) and hand over as
 * `sock`; get/put time only the transfer. fastGet/fastPut run with ssh2's defaults, which are
 * concurrency 64 and chunkSize 32768 (lib/protocol/SFTP.js, fastXfer).
 */
export class Ssh2Fast implements Contender {
  readonly name = 'ssh2 fastGet/fastPut';
  private readonly sessions = new Map<string, Session>();
  private readonly build = ssh2Build();

  note(): string {
    const crypto = this.build.binding
      ? 'its native crypto binding'
      : 'no native binding (not built): node:crypto AES-GCM, node:crypto chacha20 + its wasm poly1305';
    return `${this.name}: ssh2 ${this.build.version}, TCP_NODELAY, defaults concurrency 64 × chunkSize 32768, ${crypto}; get/put time the transfer on an open session`;
  }

  async setup(target: SftpBenchTarget): Promise<void> {
    const privateKey = readFileSync(target.privateKeyPath);
    const hostKeys = target.hostKeys.map((line) => Buffer.from(line.split(' ')[1] ?? '', 'base64'));
    for (const cipher of target.ciphers) {
      this.sessions.set(cipher, await openSession(target, privateKey, hostKeys, cipher));
    }
  }

  async teardown(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map(
        ({ client }) =>
          new Promise<void>((resolve) => {
            client.once('close', () => resolve());
            client.end();
          }),
      ),
    );
    this.sessions.clear();
  }

  get(remote: string, local: string, cipher: string): Promise<void> {
    const { sftp } = this.session(cipher);
    return new Promise((resolve, reject) => sftp.fastGet(remote, local, (e) => (e ? reject(e) : resolve())));
  }

  put(local: string, remote: string, cipher: string): Promise<void> {
    const { sftp } = this.session(cipher);
    return new Promise((resolve, reject) => sftp.fastPut(local, remote, (e) => (e ? reject(e) : resolve())));
  }

  private session(cipher: string): Session {
    const s = this.sessions.get(cipher);
    if (!s) throw new Error(`${this.name}: no session for ${cipher} (setup() first)`);
    return s;
  }
}

/** Dials with TCP_NODELAY, logs in with only `cipher` offered, checks it was chosen, opens SFTP. */
async function openSession(
  target: SftpBenchTarget,
  privateKey: Buffer,
  hostKeys: Buffer[],
  cipher: string,
): Promise<Session> {
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
  let negotiated = '';
  client.on('handshake', (n) => {
    negotiated = n.cs.cipher;
  });
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
    client.connect({
      sock,
      username: target.user,
      privateKey,
      algorithms: { cipher: [cipher as never] },
      // Without hostHash, ssh2 passes the raw host key blob.
      hostVerifier: (key: Buffer) => hostKeys.some((k) => k.equals(key)),
      readyTimeout: 30_000,
    });
  });
  // A connection-level error after login (e.g. the server dying) must not crash the run; the
  // pending fastGet/fastPut fails with it.
  client.on('error', () => {});
  if (negotiated !== cipher) throw new Error(`ssh2 negotiated ${negotiated}, not ${cipher}`);
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
    client.sftp((e, s) => (e ? reject(e) : resolve(s))),
  );
  return { client, sftp };
}
