import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { SSHClient } from 'sshts';
import type { CatContender, CatTarget, ConnectContender } from '../exec-contender.js';
import { fileSink } from '../files.js';
import type { SshdLogin } from '../sshd.js';
import { type SshtsCredentials, type SshtsProvider, sshtsCredentials, sshtsLogin } from './sshts-login.js';

/** Read-ahead of the local source, as for ssh2: large reads, so the file is not the limit. */
const SOURCE_CHUNK = 1024 * 1024;

/**
 * sshts `SSHClient.execCommand('cat')` on one connection per cipher opened in setup(), with the
 * node:crypto provider or pure noble. cat() times only the exec: stdin written chunk by chunk,
 * each write awaited (it resolves once the bytes fit the peer's window: the backpressure), while
 * stdout is read into the destination file, honouring the file's own drain.
 */
export class SshtsCat implements CatContender {
  readonly name: string;
  private readonly clients = new Map<string, SSHClient>();

  constructor(private readonly provider: SshtsProvider) {
    this.name = `sshts exec cat (${provider})`;
  }

  note(): string {
    return `${this.name}: SSHClient.execCommand('cat'), crypto "${this.provider}", TCP_NODELAY, source read in ${SOURCE_CHUNK / 1024} KiB chunks; the time is the exec on an open connection`;
  }

  async setup(target: CatTarget): Promise<void> {
    const credentials = sshtsCredentials(target);
    for (const cipher of target.ciphers) {
      this.clients.set(cipher, await sshtsLogin(credentials, this.provider, { cipher }));
    }
  }

  async teardown(): Promise<void> {
    for (const client of this.clients.values()) await client.close().catch(() => {});
    this.clients.clear();
  }

  async cat(source: string, dest: string, cipher: string): Promise<void> {
    const client = this.clients.get(cipher);
    if (!client) throw new Error(`${this.name}: no connection for ${cipher} (setup() first)`);
    const proc = await client.execCommand('cat');
    const writing = (async () => {
      for await (const chunk of createReadStream(source, { highWaterMark: SOURCE_CHUNK })) {
        await proc.stdin.write(chunk as Buffer);
      }
      await proc.stdin.end();
    })();
    const reading = (async () => {
      const output = fileSink(dest);
      for await (const chunk of proc.stdout) {
        if (!output.write(chunk)) await once(output, 'drain');
      }
      output.end();
      await finished(output);
    })();
    // Nothing is expected on stderr; left unread it would hold the window.
    const stderr = proc.stderr.text();
    await Promise.all([writing, reading, stderr]);
    const { exitCode, signal } = await proc.wait();
    if (exitCode !== 0) throw new Error(`sshts: cat ended with ${exitCode ?? signal}: ${await stderr}`);
    await proc.channel.close();
  }
}

/**
 * sshts with its default key exchanges (mlkem768x25519-sha256 first) or one named kex: a new
 * connection per once(), node:crypto provider, TCP_NODELAY.
 */
export class SshtsConnect implements ConnectContender {
  readonly name: string;
  private credentials: SshtsCredentials | undefined;
  private negotiatedKex: string | undefined;

  constructor(private readonly onlyKex?: string) {
    this.name = `sshts (${onlyKex ?? 'default kex'})`;
  }

  note(): string {
    const offer = this.onlyKex
      ? `only ${this.onlyKex} offered`
      : 'its default kex list (mlkem768x25519-sha256 first)';
    return `${this.name}: SSHClient, ${offer}, crypto "node", TCP_NODELAY; each time is connect + auth + exec('true') + exit status + close`;
  }

  async setup(target: SshdLogin): Promise<void> {
    this.credentials = sshtsCredentials(target);
  }

  async teardown(): Promise<void> {
    this.credentials = undefined;
  }

  async once(): Promise<void> {
    if (!this.credentials) throw new Error(`${this.name}: setup() first`);
    const client = await sshtsLogin(this.credentials, 'node', this.onlyKex ? { kex: this.onlyKex } : {});
    try {
      this.negotiatedKex = client.transport.negotiated.kex;
      // exec() waits for stdout and stderr to end, the exit status, and the channel's CLOSE.
      const result = await client.exec('true');
      if (result.exitCode !== 0)
        throw new Error(`sshts: true ended with ${result.exitCode ?? result.signal}`);
    } finally {
      await client.close();
    }
  }

  kex(): string | undefined {
    return this.negotiatedKex;
  }
}
