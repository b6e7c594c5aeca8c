import { peerAvailability } from '../src/index.js';
import { peerSuite } from './suite.js';

peerSuite(
  {
    name: 'asyncssh',
    software: /^AsyncSSH_2\.10/,
    hostKeyTypes: [
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'ssh-rsa',
    ],
    password: true,
    restricted: {
      options: {
        hostKeyTypes: ['ed25519', 'ecdsa256'],
        rekeyLimit: '1M',
        algorithms: {
          kex: ['curve25519-sha256'],
          hostKey: ['ecdsa-sha2-nistp256'],
          cipher: ['aes128-gcm@openssh.com', 'aes128-ctr'],
          mac: ['hmac-sha2-256-etm@openssh.com'],
        },
      },
      expect: {
        kex: ['curve25519-sha256'],
        hostKey: ['ecdsa-sha2-nistp256'],
        cipher: ['aes128-gcm@openssh.com', 'aes128-ctr'],
        mac: ['hmac-sha2-256-etm@openssh.com'],
      },
    },
  },
  await peerAvailability('asyncssh'),
);
