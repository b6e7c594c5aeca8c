import { peerAvailability } from '../src/index.js';
import { peerSuite } from './suite.js';

peerSuite(
  {
    name: 'tinysshd',
    // The package is tinysshd; its identification line says tinyssh_20230101-1.
    software: /^tinyssh_20230101/,
    hostKeyTypes: ['ssh-ed25519'],
    password: false,
    userShell: true,
    restricted: {
      options: { algorithms: { kex: ['curve25519-sha256'] } },
      expect: { kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org'], hostKey: ['ssh-ed25519'] },
    },
  },
  await peerAvailability('tinysshd'),
);
