// MAC algorithms (RFC 4253 §6.4, RFC 6668, OpenSSH PROTOCOL §1.5 for the -etm forms).
import type { CryptoPrimitives, MacFunction } from './crypto-primitives.js';

export interface MacAlgorithm {
  readonly name: string;
  readonly keyLength: number;
  readonly digestLength: number;
  /** Encrypt-then-MAC: the MAC covers the ciphertext and the length is sent in the clear. */
  readonly etm: boolean;
  /** Implemented but not offered unless asked for (ARCHITECTURE.md principle 8). */
  readonly legacy?: boolean;
  create(p: CryptoPrimitives, key: Uint8Array): MacFunction;
}
