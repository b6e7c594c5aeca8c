// A provider with chacha20-poly1305@openssh.com as its only cipher and no MACs (the AEAD needs
// none): for a client that offers just that cipher and should carry no AES, HMAC or SHA-1 code.
// It imports only noble's ChaCha20 and Poly1305, so a bundle that uses it instead of nobleProvider
// leaves the rest out.
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { SSHError } from '@sshts/wire';
import { chacha20Poly1305 } from './ciphers/chacha20-poly1305.js';
import type { CryptoPrimitives, CryptoProvider } from './crypto-provider.js';

const MAX_RANDOM_PER_CALL = 65536; // Web Crypto's getRandomValues limit

/** noble's original ChaCha20 (64-bit nonce and counter), in place. */
export function nobleChaCha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): void {
  chacha20orig(key, nonce, data, data, counter);
}

export function noblePoly1305(key: Uint8Array, data: Uint8Array, out: Uint8Array): void {
  out.set(poly1305(data, key));
}

/** Web Crypto's getRandomValues (globalThis.crypto: browsers, Node ≥ 19, Deno, workers). */
export function nobleRandomFill(out: Uint8Array): void {
  for (let i = 0; i < out.length; i += MAX_RANDOM_PER_CALL) {
    globalThis.crypto.getRandomValues(out.subarray(i, i + MAX_RANDOM_PER_CALL));
  }
}

function unavailable(primitive: string): never {
  throw new SSHError('ERR_UNSUPPORTED', `${primitive} is not in nobleChaChaProvider`);
}

const chachaPrimitives: CryptoPrimitives = {
  alignedBuffers: true,
  aesCtr: () => unavailable('AES-CTR'),
  aesGcm: () => unavailable('AES-GCM'),
  chacha20: nobleChaCha20,
  poly1305: noblePoly1305,
  hmac: () => unavailable('HMAC'),
  randomFill: nobleRandomFill,
};

/** Pure noble, chacha20-poly1305@openssh.com only (no AES, no MACs). */
export const nobleChaChaProvider: CryptoProvider = {
  name: 'noble-chacha',
  primitives: chachaPrimitives,
  ciphers: [chacha20Poly1305],
  macs: [],
};
