import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { requireCommand, runOk } from '../commands.js';
import { describeKey } from '../keys.js';
import { namespaceSftpHome, prepareNamespace, throwawayHomeKeys } from '../namespace.js';
import {
  freePort,
  logTail,
  type PeerContext,
  type StartedPeer,
  tcpConnection,
  waitForPort,
} from '../peer.js';
import type { HostKeyType, PeerOptions, SupportedAlgorithms } from '../types.js';

/**
 * Dropbear 2022.83 as built by Debian (checklist §1; matches its KEXINIT). It has no run-time
 * algorithm switches, so options.algorithms and options.rekeyLimit are ignored.
 */
export const DROPBEAR_SUPPORTED: SupportedAlgorithms = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp521',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp256',
    'diffie-hellman-group14-sha256',
    'diffie-hellman-group14-sha1',
  ],
  hostKey: [
    'ssh-ed25519',
    'ecdsa-sha2-nistp521',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp256',
    'rsa-sha2-256',
    'ssh-rsa',
  ],
  cipher: ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'],
  mac: ['hmac-sha1', 'hmac-sha2-256'],
};

/**
 * The program Dropbear runs for the `sftp` subsystem: SFTPSERVER_PATH, compiled in
 * (svr-chansession.c replaces the command "sftp" with it; upstream's default is
 * /usr/libexec/sftp-server, Debian 12's 2022.83 build has /usr/lib/sftp-server, seen with
 * `strings /usr/sbin/dropbear`). Debian's openssh-sftp-server ships it as a symlink to
 * openssh/sftp-server, so it is the same server as startSftpServer's.
 */
export const DROPBEAR_SFTP_SERVER = '/usr/lib/sftp-server';

const DROPBEARKEY_ARGS: Record<HostKeyType, string[]> = {
  ed25519: ['-t', 'ed25519'],
  ecdsa256: ['-t', 'ecdsa', '-s', '256'],
  ecdsa384: ['-t', 'ecdsa', '-s', '384'],
  ecdsa521: ['-t', 'ecdsa', '-s', '521'],
  rsa: ['-t', 'rsa', '-s', '2048'],
};

/**
 * Dropbear loads at most 4 host keys ("Too many hostkeys", MAX_HOSTKEYS), so the default leaves
 * out ecdsa384; start another instance with hostKeyTypes: ['ecdsa384'] to cover it.
 */
export const DROPBEAR_DEFAULT_HOST_KEYS: HostKeyType[] = ['ed25519', 'ecdsa256', 'ecdsa521', 'rsa'];
const MAX_HOST_KEYS = 4;

/**
 * `dropbear -F -E -e -p 127.0.0.1:PORT -P PIDFILE -r KEY… [-s]` (foreground, log to stderr). Without
 * options.password, `-s` disables password logins, so `none` auth reports just `publickey`.
 * authorizedKeys/password go through a private mount namespace (see namespace.ts), which also
 * gives the sessions a throwaway home (Peer.sftp) whenever it is available.
 */
export async function startDropbear(ctx: PeerContext, options: PeerOptions): Promise<StartedPeer> {
  const dropbear = requireCommand('dropbear');
  const dropbearkey = requireCommand('dropbearkey');
  const types = options.hostKeyTypes ?? DROPBEAR_DEFAULT_HOST_KEYS;
  if (types.length > MAX_HOST_KEYS) {
    throw new Error(`dropbear loads at most ${MAX_HOST_KEYS} host keys (asked for ${types.join(', ')})`);
  }
  const keys = await Promise.all(
    types.map(async (t) => {
      const path = join(ctx.dir, `dropbear_${t}_host_key`);
      await runOk(dropbearkey, [...DROPBEARKEY_ARGS[t], '-f', path]);
      const out = await runOk(dropbearkey, ['-y', '-f', path]);
      const line = out.split('\n').find((l) => /^(ssh-|ecdsa-)/.test(l));
      if (!line) throw new Error(`dropbearkey -y printed no public key: ${out}`);
      return { path, ...(await describeKey(line, `${path}.pub`)) };
    }),
  );
  // Sessions, and so SFTP, start in the user's home (svr-chansession.c chdir(pw_dir)): give it a
  // throwaway one whenever a namespace can, even with no keys to put in it (password logins).
  const homeKeys = await throwawayHomeKeys(options.authorizedKeys);
  const wrap = await prepareNamespace('dropbear', ctx.dir, {
    authorizedKeys: homeKeys,
    password: options.password,
  });

  let port = 0;
  let server: ChildProcess | undefined;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    // -e: sessions inherit dropbear's environment, marker included, so close() finds their leftovers.
    const args = ['-F', '-E', '-e', '-p', `127.0.0.1:${port}`, '-P', join(ctx.dir, 'dropbear.pid')];
    for (const k of keys) args.push('-r', k.path);
    if (options.password === undefined) args.push('-s');
    const [cmd, argv] = wrap(dropbear, args);
    server = ctx.spawn(cmd, argv, { dieWithParent: true });
    server.stdout?.resume();
    try {
      await waitForPort(port, server, () => logTail(ctx.log.toString()));
      break;
    } catch (e) {
      // Lost a race for the port to another process: try another one.
      if (attempt < 4 && /in use/i.test(ctx.log.toString())) continue;
      throw e;
    }
  }

  return {
    ...(homeKeys === undefined ? {} : { sftp: await namespaceSftpHome(ctx.dir) }),
    hostKeys: keys.map(({ type, publicKey, fingerprint }) => ({ type, publicKey, fingerprint })),
    supported: DROPBEAR_SUPPORTED,
    connect: () => tcpConnection(port),
  };
}
