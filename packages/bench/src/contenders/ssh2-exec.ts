import { createReadStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Client, ClientChannel } from 'ssh2';
import type { CatContender, CatTarget, ConnectContender } from '../exec-contender.js';
import { fileSink } from '../files.js';
import type { SshdLogin } from '../sshd.js';
import { hostKeyBlobs, type Ssh2Login, ssh2Build, ssh2CryptoNote, ssh2End, ssh2Login } from './ssh2-login.js';

/** Read-ahead of the local source: large reads, so the file is not what limits the channel. */
const SOURCE_CHUNK = 1024 * 1024;

function loginOf(target: SshdLogin): Ssh2Login {
  return {
    ...target,
    privateKey: readFileSync(target.privateKeyPath),
    hostKeys: hostKeyBlobs(target.hostKeys),
  };
}

/** Runs `command`; resolves with the channel once the server has accepted the exec request. */
function exec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.exec(command, (e, ch) => (e ? reject(e) : resolve(ch))));
}

/**
 * Resolves when the channel has closed after an exit status of 0. ssh2 emits 'exit' on the
 * exit-status request and 'close' once both CLOSEs are exchanged; a channel closed without an
 * exit status, or with another one, rejects.
 */
function exitedZero(channel: ClientChannel, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let status: unknown;
    channel.once('exit', (code: unknown, signal: unknown) => {
      status = code ?? signal;
    });
    channel.once('error', reject);
    channel.once('close', () =>
      status === 0 ? resolve() : reject(new Error(`ssh2: ${command} ended with ${String(status)}`)),
    );
  });
}

/**
 * npm ssh2 `client.exec('cat')` on one connection per cipher opened in setup() (TCP_NODELAY);
 * cat() times only the exec: the source file piped into the channel (pipe() honours the channel's
 * write() backpressure), the channel piped to the destination file at the same time.
 */
export class Ssh2Cat implements CatContender {
  readonly name = 'ssh2 exec cat';
  private readonly clients = new Map<string, Client>();
  private readonly build = ssh2Build();

  note(): string {
    return `${this.name}: ssh2 ${this.build.version}, TCP_NODELAY, client.exec('cat') with ssh2's default window and packet size, source read in ${SOURCE_CHUNK / 1024} KiB chunks, ${ssh2CryptoNote(this.build)}; the time is the exec on an open connection`;
  }

  async setup(target: CatTarget): Promise<void> {
    const login = loginOf(target);
    for (const cipher of target.ciphers) {
      const { client, cipher: negotiated } = await ssh2Login(login, { cipher: [cipher as never] });
      this.clients.set(cipher, client);
      if (negotiated !== cipher) throw new Error(`ssh2 negotiated ${negotiated}, not ${cipher}`);
    }
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.clients.values()].map(ssh2End));
    this.clients.clear();
  }

  async cat(source: string, dest: string, cipher: string): Promise<void> {
    const client = this.clients.get(cipher);
    if (!client) throw new Error(`${this.name}: no connection for ${cipher} (setup() first)`);
    const channel = await exec(client, 'cat');
    const done = exitedZero(channel, 'cat');
    const input = createReadStream(source, { highWaterMark: SOURCE_CHUNK });
    const output = fileSink(dest);
    // Nothing is expected on stderr; left unread it would hold the window.
    channel.stderr.resume();
    channel.pipe(output);
    input.pipe(channel); // ends the channel (EOF) after the last byte
    await Promise.all([done, finished(input), finished(output)]);
  }
}

/** npm ssh2 with its default algorithms: a new connection per once(), TCP_NODELAY as everywhere. */
export class Ssh2Connect implements ConnectContender {
  readonly name = 'ssh2';
  private readonly build = ssh2Build();
  private login: Ssh2Login | undefined;
  private negotiatedKex: string | undefined;

  note(): string {
    return `${this.name}: ssh2 ${this.build.version}, its default algorithms, TCP_NODELAY, ${ssh2CryptoNote(this.build)}; each time is connect + auth + exec \`true\` + exit status + end`;
  }

  async setup(target: SshdLogin): Promise<void> {
    this.login = loginOf(target);
  }

  async teardown(): Promise<void> {
    this.login = undefined;
  }

  async once(): Promise<void> {
    if (!this.login) throw new Error(`${this.name}: setup() first`);
    const { client, kex } = await ssh2Login(this.login);
    this.negotiatedKex = kex;
    try {
      const channel = await exec(client, 'true');
      const done = exitedZero(channel, 'true');
      channel.resume();
      channel.stderr.resume();
      await done;
    } finally {
      await ssh2End(client);
    }
  }

  kex(): string | undefined {
    return this.negotiatedKex;
  }
}
