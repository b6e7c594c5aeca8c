// aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344 §4): the IV is a 128-bit big-endian counter that
// increments per block and carries across packets for the life of the keys.
import type { StreamCipherAlgorithm } from '../cipher.js';

function aesCtr(name: string, keyLength: number): StreamCipherAlgorithm {
  return {
    name,
    kind: 'stream',
    keyLength,
    ivLength: 16,
    blockSize: 16,
    createStream: (p, key, iv) => p.aesCtr(key.slice(0, keyLength), iv.slice(0, 16)),
  };
}

export const aes128Ctr = aesCtr('aes128-ctr', 16);
export const aes192Ctr = aesCtr('aes192-ctr', 24);
export const aes256Ctr = aesCtr('aes256-ctr', 32);
