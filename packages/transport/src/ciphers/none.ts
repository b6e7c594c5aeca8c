// The `none` cipher (RFC 4253 §6.3): only for the first key exchange, before keys exist.
import type { StreamCipherAlgorithm } from '../cipher.js';

export const noneCipher: StreamCipherAlgorithm = {
  name: 'none',
  kind: 'stream',
  keyLength: 0,
  ivLength: 0,
  blockSize: 8,
  legacy: true,
  createStream: () => ({ crypt() {} }),
};
