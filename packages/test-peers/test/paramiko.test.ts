import { peerAvailability } from '../src/index.js';
import { peerSuite } from './suite.js';

peerSuite(
  {
    name: 'paramiko',
    software: /^paramiko_2\.12/,
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
          kex: ['ecdh-sha2-nistp256'],
          hostKey: ['ecdsa-sha2-nistp256'],
          cipher: ['aes256-ctr'],
          mac: ['hmac-sha2-512'],
        },
      },
      expect: {
        kex: ['ecdh-sha2-nistp256'],
        hostKey: ['ecdsa-sha2-nistp256'],
        cipher: ['aes256-ctr'],
        mac: ['hmac-sha2-512'],
      },
    },
  },
  await peerAvailability('paramiko'),
);
