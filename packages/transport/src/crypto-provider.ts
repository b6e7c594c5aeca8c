// The one object through which the protocol reaches crypto (ARCHITECTURE.md principle 2, modelled on
// rustls's CryptoProvider). The SSH constructions (OpenSSH's chacha20-poly1305 key split, the GCM
// invocation counter, MAC-then-encrypt vs encrypt-then-MAC) are written once in ciphers/ and macs/;
// a provider only supplies the primitives under them, so every provider runs the same protocol code.
import type { CipherAlgorithm } from './cipher.js';
import type { CryptoPrimitives } from './crypto-primitives.js';
import type { MacAlgorithm } from './mac.js';

export type {
  AesGcm,
  CryptoPrimitives,
  HashName,
  MacFunction,
  StreamCipher,
  X25519KeyPair,
} from './crypto-primitives.js';

export interface CryptoProvider {
  /** A short name for logs: "noble", "node". */
  readonly name: string;
  readonly primitives: CryptoPrimitives;
  /** Every cipher this provider can run, in our default order of preference. */
  readonly ciphers: readonly CipherAlgorithm[];
  /** Every MAC this provider can run, in our default order of preference. */
  readonly macs: readonly MacAlgorithm[];
}
