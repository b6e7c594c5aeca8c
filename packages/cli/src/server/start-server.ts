// What `sshts serve` and the demo share: a host key kept on disk (made on first use), password and
// authorized_keys logins, SFTP rooted at a folder, optional system-shell exec, and the lines that
// tell a user how to connect.
import { timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  authorizedKeysHandler,
  generatePrivateKey,
  type PrivateKey,
  parsePrivateKey,
  SSHServer,
  type SSHServerOptions,
  systemShell,
  writeOpenSSHPrivateKey,
} from 'sshts';
import { CliError, ExitCode } from '../errors.js';
import type { CliIo } from '../io.js';

export interface StartServerOptions {
  port: number;
  host: string;
  root: string;
  /** Default ~/.config/sshts/ssh_host_ed25519_key. */
  hostKeyPath?: string;
  password?: string;
  /** Default ~/.ssh/authorized_keys, used when it exists. */
  authorizedKeysPath?: string;
  exec: boolean;
  /** Given host key (the demo makes a throwaway one); skips the file. */
  hostKey?: PrivateKey;
}

export interface StartedServer {
  readonly server: SSHServer;
  readonly host: string;
  readonly port: number;
  readonly hostKey: PrivateKey;
  /** Lines telling how to connect. */
  banner(): string[];
  close(): Promise<void>;
}

/** Reads the host key, or makes and keeps an ed25519 one (private 0600, .pub beside it). */
export async function loadOrCreateHostKey(path: string): Promise<PrivateKey> {
  try {
    return parsePrivateKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CliError(`host key ${path}: ${(error as Error).message}`, ExitCode.FAILURE, { cause: error });
    }
  }
  const key = await generatePrivateKey('ed25519', { comment: 'sshts serve host key' });
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, writeOpenSSHPrivateKey(key), { mode: 0o600, flag: 'wx' });
  await writeFile(`${path}.pub`, `${key.publicKey.toString()} sshts serve host key\n`, { flag: 'wx' });
  return key;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function startServer(io: CliIo, o: StartServerOptions): Promise<StartedServer> {
  const hostKey =
    o.hostKey ??
    (await loadOrCreateHostKey(
      o.hostKeyPath ?? join(io.homeDir, '.config', 'sshts', 'ssh_host_ed25519_key'),
    ));
  const keysPath = o.authorizedKeysPath ?? join(io.homeDir, '.ssh', 'authorized_keys');
  const keysText = await readIfExists(keysPath);
  if (o.authorizedKeysPath !== undefined && keysText === undefined) {
    throw new CliError(`${keysPath}: no such file`, ExitCode.FAILURE);
  }
  if (o.password === undefined && keysText === undefined) {
    throw new CliError(
      'nobody could log in: give --password (or $SSHTS_PASSWORD) or an authorized_keys file',
      ExitCode.USAGE,
    );
  }
  const auth: SSHServerOptions['auth'] = {};
  if (o.password !== undefined) {
    const expected = new TextEncoder().encode(o.password);
    auth.password = (_user, password) => {
      const given = new TextEncoder().encode(password);
      // Compared in constant time, so a wrong guess learns nothing from how long it took.
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
  }
  if (keysText !== undefined) auth.publicKey = authorizedKeysHandler(keysText);
  const shell = o.exec ? systemShell({ cwd: o.root }) : undefined;
  const server = new SSHServer({
    hostKeys: [hostKey],
    auth,
    sftp: { root: o.root },
    ...(shell ? { exec: shell.exec, shell: shell.shell } : {}),
  });
  const address = await server.listen(o.port, o.host);
  const user = io.env.USER ?? 'user';
  const target = `${user}@${address.host}`;
  return {
    server,
    host: address.host,
    port: address.port,
    hostKey,
    banner: () => [
      `sshts serve: listening on ${address.host}:${address.port}; SFTP root ${o.root}${o.exec ? '; commands through the system shell' : ''}`,
      `host key ${hostKey.publicKey.fingerprint()} (${hostKey.type})`,
      'connect with:',
      `  sftp -P ${address.port} ${target}`,
      ...(o.exec ? [`  ssh -p ${address.port} ${target}`] : []),
      `  sshts ls -l -P ${address.port} -o StrictHostKeyChecking=accept-new ${target}:/`,
    ],
    close: () => server.close(),
  };
}
