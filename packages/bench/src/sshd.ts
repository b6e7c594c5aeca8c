/**
 * The sshd every benchmark runs against: OpenSSH from @sshts/test-peers listening on loopback,
 * an ed25519 host key, and a throwaway ed25519 client key it accepts, with a known_hosts file so
 * that OpenSSH's own clients verify the host as strictly as ours do.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Peer, startPeer, toolAvailability } from '@sshts/test-peers';

/** Where the server is and how to log in to it; what every contender's setup() is given. */
export interface SshdLogin {
  host: string;
  port: number;
  user: string;
  /** An unencrypted OpenSSH ed25519 private key file the server accepts. */
  privateKeyPath: string;
  /** A known_hosts file with the server's host keys under `[host]:port`. */
  knownHostsPath: string;
  /** The server's host keys as OpenSSH public key lines (`type base64`). */
  hostKeys: string[];
}

export interface BenchSshd {
  peer: Peer;
  login: SshdLogin;
  /** internal-sftp's start directory (a local path: the server runs on this machine). */
  sftpHome: string;
}

/** Starts the server; the key and known_hosts go in `scratch`. Close with `peer.close()`. */
export async function startBenchSshd(scratch: string): Promise<BenchSshd> {
  const keygen = await toolAvailability('ssh-keygen');
  if (!keygen.available) throw new Error(keygen.reason);
  const key = join(scratch, 'id_ed25519');
  execFileSync(keygen.path, ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', key]);
  const peer = await startPeer('openssh', {
    listen: true,
    hostKeyTypes: ['ed25519'],
    // sshd as deployed: at the test default (DEBUG3) it logs every packet, CPU taken from everyone.
    logLevel: 'INFO',
    authorizedKeys: [(await readFile(`${key}.pub`, 'utf8')).trim()],
  });
  try {
    const port = peer.port;
    const sftpHome = peer.sftp?.localPath;
    if (port === undefined || sftpHome === undefined)
      throw new Error('openssh peer without port or sftp home');
    const knownHosts = join(scratch, 'known_hosts');
    await writeFile(knownHosts, peer.hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey}\n`).join(''));
    const login: SshdLogin = {
      host: '127.0.0.1',
      port,
      user: peer.user,
      privateKeyPath: key,
      knownHostsPath: knownHosts,
      hostKeys: peer.hostKeys.map((k) => k.publicKey),
    };
    return { peer, login, sftpHome };
  } catch (error) {
    await peer.close();
    throw error;
  }
}
