// Our algorithm preference lists for KEXINIT. Legacy algorithms are implemented but only offered
// when asked for (ARCHITECTURE.md principle 8).
import { publicKeyAlgorithms } from '@sshts/keys';
import type { CryptoProvider } from './crypto-provider.js';
import type { KexMethod } from './kex-method.js';

export interface AlgorithmPreferences {
  kex: readonly string[];
  hostKey: readonly string[];
  cipher: readonly string[];
  mac: readonly string[];
  compression: readonly string[];
}

export function defaultAlgorithmPreferences(
  provider: CryptoProvider,
  kexMethods: readonly KexMethod[],
  hostKeyAlgorithms: readonly string[] = publicKeyAlgorithms,
): AlgorithmPreferences {
  return {
    kex: kexMethods.filter((m) => !m.legacy).map((m) => m.name),
    hostKey: [...hostKeyAlgorithms],
    cipher: provider.ciphers.filter((c) => !c.legacy).map((c) => c.name),
    mac: provider.macs.filter((m) => !m.legacy).map((m) => m.name),
    compression: ['none'],
  };
}
