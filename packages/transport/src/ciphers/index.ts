// The cipher registry: every algorithm is a value with a name; adding one means adding one file.
import type { CipherAlgorithm } from '../cipher.js';
import { aes128Ctr, aes192Ctr, aes256Ctr } from './aes-ctr.js';
import { aes128Gcm, aes256Gcm } from './aes-gcm.js';
import { chacha20Poly1305 } from './chacha20-poly1305.js';

export { aes128Ctr, aes192Ctr, aes256Ctr } from './aes-ctr.js';
export { aes128Gcm, aes256Gcm } from './aes-gcm.js';
export { chacha20Poly1305 } from './chacha20-poly1305.js';
export { noneCipher } from './none.js';

/** Every cipher with keys, in our order of preference (OpenSSH 10's order, checklist §9). */
export const cipherAlgorithms: readonly CipherAlgorithm[] = [
  chacha20Poly1305,
  aes128Gcm,
  aes256Gcm,
  aes128Ctr,
  aes192Ctr,
  aes256Ctr,
];
