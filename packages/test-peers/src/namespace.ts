import { statSync } from 'node:fs';
import { chmod, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { findCommand, oneLine, run, runOk } from './commands.js';
import type { SftpHome } from './types.js';

/**
 * Dropbear and tinysshd read `~/.ssh/authorized_keys` and sshd/Dropbear check passwords against
 * /etc/shadow, with no way to point them elsewhere. To give them throwaway credentials without
 * touching the machine, their processes run in a private mount namespace (`unshare --mount`, root
 * only) where a temp dir is bind-mounted over the user's home and a copy of /etc/shadow with a
 * throwaway password hash over /etc/shadow.
 */
export type Wrapper = (command: string, args: string[]) => [string, string[]];

export const identity: Wrapper = (command, args) => [command, args];

let unshareWorks: Promise<string | undefined> | undefined;

/** undefined when private mount namespaces work here, else why not. */
export function namespaceBlocker(): Promise<string | undefined> {
  unshareWorks ??= (async () => {
    if (process.platform !== 'linux') return 'needs Linux';
    if (process.getuid?.() !== 0) return 'needs root';
    const unshare = findCommand('unshare');
    if (!unshare) return 'needs unshare (util-linux)';
    if (!findCommand('mount')) return 'needs mount';
    const r = await run(unshare, ['--mount', '--propagation', 'private', '--', 'true']).catch(
      (e: unknown) => ({
        code: 1,
        stderr: String(e),
        stdout: '',
      }),
    );
    return r.code === 0 ? undefined : `unshare --mount failed: ${oneLine(r.stderr)}`;
  })();
  return unshareWorks;
}

async function hashPassword(password: string): Promise<string> {
  const openssl = findCommand('openssl');
  if (openssl) return (await runOk(openssl, ['passwd', '-6', '-stdin'], { input: `${password}\n` })).trim();
  const python = findCommand('python3');
  if (python) {
    const code =
      'import crypt,sys; print(crypt.crypt(sys.stdin.readline().rstrip("\\n"), crypt.mksalt(crypt.METHOD_SHA512)))';
    return (await runOk(python, ['-W', 'ignore', '-c', code], { input: `${password}\n` })).trim();
  }
  throw new Error('hashing a password needs openssl or python3');
}

/**
 * The temp dir bind-mounted over the user's home when NamespaceOptions.authorizedKeys is given:
 * inside the namespace it is `userInfo().homedir`, outside it is this path.
 */
export function namespaceHome(dir: string): string {
  return join(dir, 'home');
}

/**
 * A throwaway home for a server whose sessions (SFTP included) start in the user's home: the
 * given authorizedKeys, or none (an empty authorized_keys) where a namespace can give a home at
 * all, else undefined (the server then runs without one, in the real home).
 */
export async function throwawayHomeKeys(authorizedKeys: string[] | undefined): Promise<string[] | undefined> {
  if (authorizedKeys !== undefined) return authorizedKeys;
  return (await namespaceBlocker()) === undefined ? [] : undefined;
}

/**
 * Peer.sftp for a server whose SFTP starts in the user's home, when that home is the throwaway
 * namespaceHome(dir): inside the namespace it has the real home's path (realpath(3)'d, as
 * sftp-server answers realpath(".")).
 */
export async function namespaceSftpHome(dir: string): Promise<SftpHome> {
  return {
    remotePath: await realpath(userInfo().homedir),
    localPath: namespaceHome(dir),
    server: 'sftp-server',
  };
}

export interface NamespaceOptions {
  /** Lines for ~/.ssh/authorized_keys (bind-mounts a temp home, namespaceHome). */
  authorizedKeys?: string[] | undefined;
  /** Password for the user (bind-mounts a patched /etc/shadow). */
  password?: string | undefined;
  /** Contents for /etc/pam.d/sshd (bind-mounted over it). */
  pamSshd?: string | undefined;
}

/** Prepares the files and returns a wrapper that runs a command inside the private namespace. */
export async function prepareNamespace(
  peer: string,
  dir: string,
  options: NamespaceOptions,
): Promise<Wrapper> {
  const wantHome = options.authorizedKeys !== undefined;
  const wantShadow = options.password !== undefined;
  const wantPam = options.pamSshd !== undefined;
  if (!wantHome && !wantShadow && !wantPam) return identity;
  const what = [wantHome && 'authorizedKeys', wantShadow && 'password', wantPam && 'PAM config']
    .filter(Boolean)
    .join(' and ');
  const blocker = await namespaceBlocker();
  if (blocker) throw new Error(`${peer}: ${what} needs a private mount namespace, which ${blocker}`);

  const user = userInfo();
  const mounts: [string, string][] = [];
  if (wantHome) {
    if (!statSync(user.homedir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`${peer}: home directory ${user.homedir} of ${user.username} does not exist`);
    }
    const home = namespaceHome(dir);
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    await chmod(home, 0o700);
    const keys = join(home, '.ssh', 'authorized_keys');
    await writeFile(keys, options.authorizedKeys!.map((l) => `${l.trim()}\n`).join(''), { mode: 0o600 });
    mounts.push([home, user.homedir]);
  }
  if (wantShadow) {
    const shadow = await readFile('/etc/shadow', 'utf8');
    const hash = await hashPassword(options.password!);
    let found = false;
    const patched = shadow
      .split('\n')
      .map((line) => {
        const fields = line.split(':');
        if (fields[0] !== user.username) return line;
        found = true;
        fields[1] = hash;
        return fields.join(':');
      })
      .join('\n');
    if (!found) throw new Error(`${peer}: ${user.username} has no /etc/shadow entry to patch`);
    const copy = join(dir, 'shadow');
    await writeFile(copy, patched, { mode: 0o640 });
    mounts.push([copy, '/etc/shadow']);
  }
  if (wantPam) {
    const pam = join(dir, 'pam-sshd');
    await writeFile(pam, options.pamSshd!, { mode: 0o644 });
    mounts.push([pam, '/etc/pam.d/sshd']);
  }

  const unshare = findCommand('unshare')!;
  const script = [
    'set -e',
    ...mounts.map((_, i) => `mount --bind "$${2 * i + 1}" "$${2 * i + 2}"`),
    `shift ${2 * mounts.length}`,
    'exec "$@"',
  ].join('; ');
  const mountArgs = mounts.flat();
  return (command, args) => [
    unshare,
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      script,
      'sh',
      ...mountArgs,
      command,
      ...args,
    ],
  ];
}
