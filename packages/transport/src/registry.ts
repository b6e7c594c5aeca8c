// Looking algorithms up by their negotiated name (ARCHITECTURE.md principle 4).
import type { CipherAlgorithm } from './cipher.js';
import { noneCipher } from './ciphers/none.js';
import type { CryptoProvider } from './crypto-provider.js';
import type { MacAlgorithm } from './mac.js';
import { noneMac } from './macs/none.js';

export function findCipher(provider: CryptoProvider, name: string): CipherAlgorithm | undefined {
  if (name === noneCipher.name) return noneCipher;
  return provider.ciphers.find((c) => c.name === name);
}

export function findMac(provider: CryptoProvider, name: string): MacAlgorithm | undefined {
  if (name === noneMac.name) return noneMac;
  return provider.macs.find((m) => m.name === name);
}
