import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findCommand, requireCommand, runOk } from '../commands.js';
import { describeKey, sshString } from '../keys.js';
import { namespaceSftpHome, prepareNamespace, throwawayHomeKeys } from '../namespace.js';
import { type PeerContext, type StartedPeer, stdioConnection } from '../peer.js';
import type { PeerOptions, SupportedAlgorithms } from '../types.js';

/** tinysshd 20230101 (checklist §1; matches its KEXINIT). */
export const TINYSSHD_SUPPORTED: SupportedAlgorithms = {
  kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'sntrup761x25519-sha512@openssh.com'],
  hostKey: ['ssh-ed25519'],
  cipher: ['chacha20-poly1305@openssh.com'],
  mac: ['hmac-sha2-256'],
};

const PQ_KEX = 'sntrup761x25519-sha512@openssh.com';

/**
 * tinysshd is inetd-style: every connect() spawns `tinysshd -v [-P] [-x sftp=…] KEYDIR` with
 * stdio pipes. Keys from `tinysshd-makekey KEYDIR` (ed25519 only). Only publickey auth exists; the
 * keys go to ~/.ssh/authorized_keys inside a private mount namespace (see namespace.ts).
 * options.algorithms.kex without sntrup761 adds `-P`; a kex list without curve25519 is NOT honoured
 * (`-S` also removes ssh-ed25519 from the host-key list); the other kinds have a single algorithm
 * and are ignored, as are rekeyLimit and password.
 */
export async function startTinysshd(ctx: PeerContext, options: PeerOptions): Promise<StartedPeer> {
  const tinysshd = requireCommand('tinysshd');
  if (options.hostKeyTypes && !(options.hostKeyTypes.length === 1 && options.hostKeyTypes[0] === 'ed25519')) {
    throw new Error(`tinysshd only has ed25519 host keys (asked for ${options.hostKeyTypes.join(', ')})`);
  }
  const keyDir = join(ctx.dir, 'keys');
  await runOk(requireCommand('tinysshd-makekey'), [keyDir]);
  const raw = await readFile(join(keyDir, 'ed25519.pk'));
  if (raw.length !== 32) throw new Error(`unexpected tinysshd ed25519.pk length ${raw.length}`);
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(raw)]);
  const hostKey = await describeKey(`ssh-ed25519 ${blob.toString('base64')}`, join(ctx.dir, 'ed25519.pub'));

  const flags = ['-v'];
  const kex = options.algorithms?.kex;
  if (kex) {
    if (!kex.includes(PQ_KEX) && !kex.some((k) => k.startsWith('curve25519-sha256'))) {
      throw new Error(`tinysshd supports none of kex ${kex.join(',')}`);
    }
    // -P drops sntrup761. A list without curve25519 is not honoured: -S would also drop the only
    // host-key algorithm (its KEXINIT then offers no host key at all).
    if (!kex.includes(PQ_KEX)) flags.push('-P');
  }
  const sftpServer = findCommand('sftp-server');
  if (sftpServer) flags.push('-x', `sftp=${sftpServer}`);
  // Sessions, SFTP included, start in the user's home: a throwaway one whenever a namespace can.
  const homeKeys = await throwawayHomeKeys(options.authorizedKeys);
  const wrap = await prepareNamespace('tinysshd', ctx.dir, { authorizedKeys: homeKeys });

  return {
    ...(sftpServer && homeKeys !== undefined ? { sftp: await namespaceSftpHome(ctx.dir) } : {}),
    hostKeys: [hostKey],
    supported: TINYSSHD_SUPPORTED,
    connect: async () => {
      const id = ctx.nextConnectionId();
      const [cmd, args] = wrap(tinysshd, [...flags, keyDir]);
      const child = ctx.spawn(cmd, args, {}, `[tinysshd conn ${id}] `);
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      return stdioConnection(child);
    },
  };
}
