// Issue 6: the SFTP conformance suite (packages/sftp/test/conformance-suite.ts) through SSHClient.
// openSftp() against every SSH server that serves SFTP: sshd's internal-sftp, Dropbear (which
// execs OpenSSH's sftp-server) and AsyncSSH's own SFTP server — every operation compared with the
// filesystem, every extension each offers exercised.
import { generatePrivateKey } from '@sshts/keys';
import { type Peer, type PeerName, peerAvailability, startPeer } from '@sshts/test-peers';
import { describe } from 'vitest';
import { defineSftpConformance, type ExpectedExtensions } from '../../sftp/test/conformance-suite.js';
import { connectTo } from './channel-data-helpers.js';

const OPENSSH_EXTENSIONS: ExpectedExtensions = [
  'posix-rename@openssh.com',
  'statvfs@openssh.com',
  'fstatvfs@openssh.com',
  'hardlink@openssh.com',
  'fsync@openssh.com',
  'lsetstat@openssh.com',
  'limits@openssh.com',
  'expand-path@openssh.com',
  'copy-data',
  'home-directory',
  'users-groups-by-id@openssh.com',
];

const SERVERS: [PeerName, ExpectedExtensions][] = [
  ['openssh', OPENSSH_EXTENSIONS],
  ['dropbear', OPENSSH_EXTENSIONS],
  // AsyncSSH 2.10.1 (asyncssh/sftp.py SFTPServerHandler._extensions).
  [
    'asyncssh',
    [
      'posix-rename@openssh.com',
      'hardlink@openssh.com',
      'fsync@openssh.com',
      'statvfs@openssh.com',
      'fstatvfs@openssh.com',
    ],
  ],
];

for (const [name, extensions] of SERVERS) {
  const availability = await peerAvailability(name);
  // Only when the peer is missing outside CI (under CI=true peerAvailability throws instead).
  describe.skipIf(!availability.available)(`SFTP × ${name}`, () => {
    defineSftpConformance(
      name,
      async () => {
        const key = await generatePrivateKey('ed25519');
        const peer: Peer = await startPeer(name, { authorizedKeys: [key.publicKey.toString()] });
        if (!peer.sftp) throw new Error(`${name}: the harness reports no SFTP start directory`);
        const connected = await connectTo(peer, key);
        const client = await connected.client.openSftp();
        return {
          client,
          remote: peer.sftp.remotePath,
          local: peer.sftp.localPath,
          user: peer.user,
          close: async () => {
            await client.close();
            await connected.close();
            await peer.close();
          },
        };
      },
      { extensions },
    );
  });
}
