import { peerAvailability } from '../src/index.js';
import { peerSuite } from './suite.js';

peerSuite(
  {
    name: 'openssh',
    software: /^OpenSSH_9\.2/,
    hostKeyTypes: [
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'ssh-rsa',
    ],
    password: true,
    userShell: true,
    restricted: {
      options: {
        hostKeyTypes: ['ed25519', 'ecdsa256'],
        rekeyLimit: '1M',
        algorithms: {
          kex: ['curve25519-sha256', 'ecdh-sha2-nistp256'],
          hostKey: ['ecdsa-sha2-nistp256'],
          cipher: ['aes128-ctr', 'aes256-gcm@openssh.com'],
          mac: ['hmac-sha2-256'],
        },
      },
      expect: {
        kex: ['curve25519-sha256', 'ecdh-sha2-nistp256'],
        hostKey: ['ecdsa-sha2-nistp256'],
        cipher: ['aes128-ctr', 'aes256-gcm@openssh.com'],
        mac: ['hmac-sha2-256'],
      },
    },
  },
  await peerAvailability('openssh'),
);
