import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import type { SFTPClient, SSHClient } from 'sshts';
import { fileSink } from '../files.js';
import { type SshtsProvider, sshtsCredentials, sshtsLogin } from './sshts-login.js';

interface Session {
  client: SSHClient;
  sftp: SFTPClient;
}

export type SshtsMode = 'get/put' | 'streams';

/**
 * sshts's SFTPClient: get/put (pipelined, positional writes to the local file) or the Web
 * streams (createReadStream piped into a Node file stream, a Node file stream into
 * createWriteStream), with the node:crypto provider or pure noble. One connection per cipher,
 * opened in setup(); get/put time only the transfer, as for ssh2.
 */
export class SshtsSftp {
  readonly name: string;
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly provider: SshtsProvider,
    private readonly mode: SshtsMode,
  ) {
    this.name = `sshts ${mode === 'get/put' ? 'get/put' : 'streams'} (${provider})`;
  }

  note(): string {
    const sizes = [...this.sessions.values()][0]?.sftp.transferSizes;
    const how =
      this.mode === 'get/put'
        ? 'SFTPClient.get/put'
        : 'createReadStream → fs.createWriteStream, fs.createReadStream → createWriteStream';
    return `${this.name}: ${how}, crypto "${this.provider}", TCP_NODELAY, requests ${sizes?.readChunk ?? '?'} B × ${sizes?.concurrency ?? '?'} in flight; get/put time the transfer on an open session`;
  }

  async setup(target: {
    host: string;
    port: number;
    user: string;
    privateKeyPath: string;
    hostKeys: string[];
    ciphers: string[];
  }): Promise<void> {
    const credentials = sshtsCredentials(target);
    for (const cipher of target.ciphers) {
      const client = await sshtsLogin(credentials, this.provider, { cipher });
      this.sessions.set(cipher, { client, sftp: await client.openSftp() });
    }
  }

  async teardown(): Promise<void> {
    for (const { client, sftp } of this.sessions.values()) {
      await sftp.close().catch(() => {});
      await client.close().catch(() => {});
    }
    this.sessions.clear();
  }

  async get(remote: string, local: string, cipher: string): Promise<void> {
    const { sftp } = this.session(cipher);
    if (this.mode === 'get/put') return sftp.get(remote, local);
    await sftp.createReadStream(remote).pipeTo(Writable.toWeb(fileSink(local)) as WritableStream<Uint8Array>);
  }

  async put(local: string, remote: string, cipher: string): Promise<void> {
    const { sftp } = this.session(cipher);
    if (this.mode === 'get/put') {
      await sftp.put(local, remote);
      return;
    }
    const source = Readable.toWeb(
      createReadStream(local, { highWaterMark: 1024 * 1024 }),
    ) as ReadableStream<Uint8Array>;
    await source.pipeTo(sftp.createWriteStream(remote));
  }

  private session(cipher: string): Session {
    const s = this.sessions.get(cipher);
    if (!s) throw new Error(`${this.name}: no session for ${cipher} (setup() first)`);
    return s;
  }
}
