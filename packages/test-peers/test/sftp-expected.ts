// The extensions each server's SSH_FXP_VERSION carries (name, data as latin1), as the Debian 12
// packages send them, in their order.
import type { SftpHome } from '../src/index.js';

/**
 * OpenSSH 9.2p1 sftp-server.c, process_init: the same list from internal-sftp (sshd), the
 * sftp-server program over stdio, Dropbear (/usr/lib/sftp-server) and tinysshd (`-x sftp=`).
 */
export const OPENSSH_9_2_EXTENSIONS: [string, string][] = [
  ['posix-rename@openssh.com', '1'],
  ['statvfs@openssh.com', '2'],
  ['fstatvfs@openssh.com', '2'],
  ['hardlink@openssh.com', '1'],
  ['fsync@openssh.com', '1'],
  ['lsetstat@openssh.com', '1'],
  ['limits@openssh.com', '1'],
  ['expand-path@openssh.com', '1'],
  ['copy-data', '1'],
  ['home-directory', '1'],
  ['users-groups-by-id@openssh.com', '1'],
];

const sshString = (s: string) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(s));
  return Buffer.concat([len, Buffer.from(s)]).toString('latin1');
};

/**
 * AsyncSSH 2.10.1 sftp.py, SFTPServerHandler._extensions: `newline` (os.linesep), `vendor-id`
 * (draft-ietf-secsh-filexfer-13's layout: string vendor, string product, string version, uint64
 * build, here 0), then the OpenSSH ones it implements. It speaks up to version 6; INIT 3 gets 3.
 */
export const ASYNCSSH_2_10_EXTENSIONS: [string, string][] = [
  ['newline', '\n'],
  [
    'vendor-id',
    `${sshString('Ron Frederick')}${sshString('AsyncSSH')}${sshString('2.10.1')}${'\0'.repeat(8)}`,
  ],
  ['posix-rename@openssh.com', '1'],
  ['hardlink@openssh.com', '1'],
  ['fsync@openssh.com', '1'],
  ['statvfs@openssh.com', '2'],
  ['fstatvfs@openssh.com', '2'],
];

export const EXPECTED_EXTENSIONS: Record<SftpHome['server'], [string, string][]> = {
  'internal-sftp': OPENSSH_9_2_EXTENSIONS,
  'sftp-server': OPENSSH_9_2_EXTENSIONS,
  asyncssh: ASYNCSSH_2_10_EXTENSIONS,
};
