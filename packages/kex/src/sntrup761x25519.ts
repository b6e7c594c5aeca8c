// sntrup761x25519-sha512 (RFC 9941) and sntrup761x25519-sha512@openssh.com, the name OpenSSH
// shipped it under from 8.5 (protocol-checklist §3.4): Streamlined NTRU Prime 761 with X25519.
import type { KexMethod } from '@sshts/transport';
import { hybridKemMethod, type Kem } from './hybrid-kem-method.js';
import {
  SNTRUP761_CIPHERTEXT_BYTES,
  SNTRUP761_PUBLIC_KEY_BYTES,
  sntrup761Decapsulate,
  sntrup761Encapsulate,
  sntrup761KeyPair,
} from './sntrup761.js';

export const sntrup761Kem: Kem = {
  name: 'sntrup761',
  publicKeyBytes: SNTRUP761_PUBLIC_KEY_BYTES,
  cipherTextBytes: SNTRUP761_CIPHERTEXT_BYTES,
  keyPair: sntrup761KeyPair,
  encapsulate: sntrup761Encapsulate,
  decapsulate: sntrup761Decapsulate,
};

function sntrupMethod(name: string): KexMethod {
  return hybridKemMethod({ name, hash: 'sha512', kem: sntrup761Kem });
}

export const sntrup761x25519Sha512 = sntrupMethod('sntrup761x25519-sha512');
export const sntrup761x25519Sha512OpenSSH = sntrupMethod('sntrup761x25519-sha512@openssh.com');
