import { peerAvailability } from '../src/index.js';
import { peerSuite } from './suite.js';

// Dropbear has no run-time algorithm switches: no `restricted` case.
peerSuite(
  {
    name: 'dropbear',
    software: /^dropbear_2022\.83/,
    hostKeyTypes: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp521', 'ssh-rsa'],
    password: true,
    userShell: true,
  },
  await peerAvailability('dropbear'),
);
