import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand } from '../commands.js';
import { ALL_HOST_KEY_TYPES, sshKeygen, usableHostKeyAlgorithm } from '../keys.js';
import { logTail, type PeerContext, readStdoutLines, type StartedPeer, tcpConnection } from '../peer.js';
import type { PeerOptions, SupportedAlgorithms } from '../types.js';

const SCRIPTS = {
  paramiko: fileURLToPath(new URL('../../python/paramiko_server.py', import.meta.url)),
  asyncssh: fileURLToPath(new URL('../../python/asyncssh_server.py', import.meta.url)),
};

/** OpenSSH RekeyLimit data part ('1M', '500K', '1G', '123') in bytes; undefined for 'default'/none. */
export function parseRekeyBytes(limit: string | undefined): number | undefined {
  if (!limit) return undefined;
  const first = limit.trim().split(/\s+/)[0] ?? '';
  if (first === 'default' || first === 'none') return undefined;
  const m = /^(\d+)([KMG]?)$/i.exec(first);
  if (!m) throw new Error(`cannot parse RekeyLimit ${JSON.stringify(limit)}`);
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * scale;
}

/**
 * paramiko / AsyncSSH: `/usr/bin/python3 -u python/<lib>_server.py CONFIG.json` listens on
 * 127.0.0.1:0 and prints the port (line 1) and a JSON line with the library's algorithm lists
 * (line 2). Host keys from ssh-keygen.
 */
export async function startPython(
  ctx: PeerContext,
  lib: 'paramiko' | 'asyncssh',
  options: PeerOptions,
): Promise<StartedPeer> {
  const python = requireCommand('python3');
  const types = options.hostKeyTypes ?? [...ALL_HOST_KEY_TYPES];
  const keys = await Promise.all(types.map((t) => sshKeygen(ctx.dir, t)));
  const config = {
    user: ctx.user,
    hostKeys: keys.map((k) => k.privatePath),
    algorithms: options.algorithms ?? {},
    rekeyBytes: parseRekeyBytes(options.rekeyLimit) ?? null,
    authorizedKeys: options.authorizedKeys ?? [],
    password: options.password ?? null,
  };
  const configPath = join(ctx.dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));

  // exec'd commands and AsyncSSH's SFTP start in a throwaway dir of their own: AsyncSSH's
  // SFTPServer without `chroot` maps SFTP paths to local ones as they are, so relative paths
  // resolve against the process's cwd, and realpath(".") answers it (os.path.realpath).
  const home = join(ctx.dir, 'home');
  await mkdir(home, { mode: 0o755 });
  const remoteHome = await realpath(home);
  const server = ctx.spawn(python, ['-u', SCRIPTS[lib], configPath], {
    dieWithParent: true,
    cwd: home,
    env: { PYTHONWARNINGS: 'ignore', PYTHONDONTWRITEBYTECODE: '1' },
  });
  const [portLine, infoLine] = await readStdoutLines(server, 2, () => logTail(ctx.log.toString()));
  const port = Number(portLine);
  if (!Number.isInteger(port) || port <= 0)
    throw new Error(`${lib} server printed ${JSON.stringify(portLine)}, not a port`);
  const info = JSON.parse(infoLine!) as { supported: SupportedAlgorithms };
  const supported: SupportedAlgorithms = {
    kex: info.supported.kex.filter((k) => !k.startsWith('gss-')),
    hostKey: info.supported.hostKey.filter(usableHostKeyAlgorithm),
    cipher: info.supported.cipher,
    mac: info.supported.mac,
  };
  return {
    // paramiko_server.py serves no SFTP; asyncssh_server.py passes sftp_factory=True.
    ...(lib === 'asyncssh'
      ? { sftp: { remotePath: remoteHome, localPath: home, server: 'asyncssh' as const } }
      : {}),
    hostKeys: keys.map(({ type, publicKey, fingerprint }) => ({ type, publicKey, fingerprint })),
    supported,
    connect: () => tcpConnection(port),
  };
}
