// Shared test helpers: the providers under test and key material for a cipher/MAC pair.
import type { CipherAlgorithm } from '../src/cipher.js';
import { cipherAlgorithms } from '../src/ciphers/index.js';
import type { CryptoProvider } from '../src/crypto-provider.js';
import type { AlgorithmLists } from '../src/kexinit.js';
import type { MacAlgorithm } from '../src/mac.js';
import { macAlgorithms } from '../src/macs/index.js';
import { nobleProvider } from '../src/noble-provider.js';
import { nodeProvider } from '../src/node/node-provider.js';
import type { DirectionKeys } from '../src/packet-protection.js';

export const providers: readonly CryptoProvider[] = [nobleProvider, nodeProvider];

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic bytes (not random: reproducible across runs). */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Every cipher/MAC combination the registry offers: AEAD ciphers once, stream ciphers × MACs. */
export function allSuites(): { cipher: CipherAlgorithm; mac: MacAlgorithm; label: string }[] {
  const suites: { cipher: CipherAlgorithm; mac: MacAlgorithm; label: string }[] = [];
  for (const cipher of cipherAlgorithms) {
    if (cipher.kind === 'aead') suites.push({ cipher, mac: macAlgorithms[0]!, label: cipher.name });
    else for (const mac of macAlgorithms) suites.push({ cipher, mac, label: `${cipher.name} + ${mac.name}` });
  }
  return suites;
}

export function keysFor(cipher: CipherAlgorithm, mac: MacAlgorithm, seed = 7): DirectionKeys {
  return {
    cipher,
    mac,
    encKey: patternBytes(cipher.keyLength, seed),
    iv: patternBytes(cipher.ivLength, seed + 1),
    macKey: patternBytes(mac.keyLength, seed + 2),
  };
}

/** KEXINIT lists with one algorithm per slot unless overridden (ours: aes128-ctr, hmac-sha2-256). */
export function algorithmLists(
  overrides: Partial<Record<'kex' | 'hostKey' | 'cipher' | 'mac', string[]>> = {},
): AlgorithmLists {
  const cipher = overrides.cipher ?? ['aes128-ctr'];
  const mac = overrides.mac ?? ['hmac-sha2-256'];
  return {
    kex: overrides.kex ?? ['curve25519-sha256'],
    hostKey: overrides.hostKey ?? ['ssh-ed25519'],
    cipherClientToServer: cipher,
    cipherServerToClient: cipher,
    macClientToServer: mac,
    macServerToClient: mac,
    compressionClientToServer: ['none'],
    compressionServerToClient: ['none'],
    languageClientToServer: [],
    languageServerToClient: [],
  };
}
