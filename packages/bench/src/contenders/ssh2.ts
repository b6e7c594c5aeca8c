import { readFileSync } from 'node:fs';
import type { Client, SFTPWrapper } from 'ssh2';
import type { Contender, SftpBenchTarget } from '../contender.js';
import { hostKeyBlobs, ssh2Build, ssh2CryptoNote, ssh2End, ssh2Login } from './ssh2-login.js';

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
    const crypto = ssh2CryptoNote(this.build);
    return `${this.name}: ssh2 ${this.build.version}, TCP_NODELAY, defaults concurrency 64 × chunkSize 32768, ${crypto}; get/put time the transfer on an open session`;
  }

  async setup(target: SftpBenchTarget): Promise<void> {
    const login = {
      ...target,
      privateKey: readFileSync(target.privateKeyPath),
      hostKeys: hostKeyBlobs(target.hostKeys),
    };
    for (const cipher of target.ciphers) {
      const { client, cipher: negotiated } = await ssh2Login(login, { cipher: [cipher as never] });
      if (negotiated !== cipher) throw new Error(`ssh2 negotiated ${negotiated}, not ${cipher}`);
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((e, s) => (e ? reject(e) : resolve(s))),
      );
      this.sessions.set(cipher, { client, sftp });
    }
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map(({ client }) => ssh2End(client)));
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
