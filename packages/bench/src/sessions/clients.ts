import { Client, type ClientChannel } from 'ssh2';
import { KnownHosts, parsePrivateKey, SSHClient } from 'sshts';

export type ClientKind = 'ssh2' | 'sshts';

/** One connection held by the driver: logged in, its exec answered "ok", its session still open. */
export interface HeldSession {
  /** EOF to the command; resolves with its exit status once the connection is closed. */
  finish(): Promise<number | null>;
  /** Drops the connection (after a failure elsewhere). */
  abort(): void;
}

export interface SessionTarget {
  port: number;
  user: string;
  /** openssh-key-v1 text of the user's ed25519 key. */
  userKey: string;
  /** The server's host key as an OpenSSH line (`ssh-ed25519 base64`). */
  hostKey: string;
  cipher: string;
}

/** Both clients offer exactly these, so that both servers run the same algorithms. */
const KEX = 'curve25519-sha256';
const HOST_KEY = 'ssh-ed25519';
const COMMAND = 'answer';
const TIMEOUT_MS = 120_000;

/**
 * A function opening one held session with the given client library. The driver uses the same
 * library against both servers, so that the comparison is about the servers.
 */
export function sessionOpener(kind: ClientKind, target: SessionTarget): () => Promise<HeldSession> {
  return kind === 'ssh2' ? ssh2Opener(target) : sshtsOpener(target);
}

function ssh2Opener(target: SessionTarget): () => Promise<HeldSession> {
  const hostBlob = Buffer.from(target.hostKey.split(' ')[1] ?? '', 'base64');
  return async () => {
    const client = new Client();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        client.once('error', reject);
        client.connect({
          host: '127.0.0.1',
          port: target.port,
          username: target.user,
          privateKey: target.userKey,
          algorithms: { kex: [KEX], serverHostKey: [HOST_KEY], cipher: [target.cipher as never] },
          // Without hostHash, ssh2 passes the raw host key blob.
          hostVerifier: (key: Buffer) => key.equals(hostBlob),
          readyTimeout: TIMEOUT_MS,
        });
      });
      client.on('error', () => {});
      const stream = await new Promise<ClientChannel>((resolve, reject) =>
        client.exec(COMMAND, (e, s) => (e ? reject(e) : resolve(s))),
      );
      const exit = new Promise<number | null>((resolve) => {
        stream.once('exit', (code: number | null) => resolve(typeof code === 'number' ? code : null));
        stream.once('close', () => resolve(null));
      });
      stream.stderr.resume();
      await firstLine(stream);
      return {
        finish: async () => {
          stream.end();
          const code = await exit;
          client.end();
          await closed;
          return code;
        },
        abort: () => client.end(),
      };
    } catch (error) {
      client.end();
      throw error;
    }
  };
}

/** Resolves once the stream's output holds a line, which must be "ok". */
function firstLine(stream: ClientChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      if (!text.includes('\n')) return;
      stream.off('data', onData);
      // Keep the stream flowing, so that the exit status and close get through later.
      stream.resume();
      if (text === 'ok\n') resolve();
      else reject(new Error(`exec answered ${JSON.stringify(text)}`));
    };
    stream.on('data', onData);
    stream.once('close', () => reject(new Error(`channel closed after ${JSON.stringify(text)}`)));
  });
}

function sshtsOpener(target: SessionTarget): () => Promise<HeldSession> {
  const privateKey = parsePrivateKey(target.userKey);
  const knownHosts = KnownHosts.parse(`[127.0.0.1]:${target.port} ${target.hostKey}\n`);
  return async () => {
    const client = new SSHClient({ knownHosts });
    try {
      await client.connect({
        host: '127.0.0.1',
        port: target.port,
        username: target.user,
        privateKey,
        agent: false,
        lookForKeys: false,
        algorithms: { kex: [KEX], hostKey: [HOST_KEY], cipher: [target.cipher] },
        timeout: TIMEOUT_MS,
      });
      const remote = await client.execCommand(COMMAND);
      void remote.stderr.bytes().catch(() => {});
      const stdout = remote.stdout[Symbol.asyncIterator]();
      let text = '';
      while (!text.includes('\n')) {
        const { value, done } = await stdout.next();
        if (done) throw new Error(`channel closed after ${JSON.stringify(text)}`);
        text += new TextDecoder().decode(value);
      }
      if (text !== 'ok\n') throw new Error(`exec answered ${JSON.stringify(text)}`);
      return {
        finish: async () => {
          await remote.stdin.end();
          while (!(await stdout.next()).done) {}
          const { exitCode } = await remote.wait();
          await client.close();
          return exitCode;
        },
        abort: () => void client.close().catch(() => {}),
      };
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
  };
}
