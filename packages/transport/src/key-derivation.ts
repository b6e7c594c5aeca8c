// Key derivation, RFC 4253 §7.2: six values from K, H and the session id, each extended as
// OpenSSH kex.c derive_key does when the hash is shorter than the key.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CipherAlgorithm } from './cipher.js';
import type { HashName } from './crypto-primitives.js';
import type { MacAlgorithm } from './mac.js';
import type { DirectionKeys } from './packet-protection.js';

const hashes = { sha1, sha256, sha384, sha512 } as const;

/** Creates a hash function by name (the kex method's HASH). */
export function hashFunction(name: HashName): (data: Uint8Array) => Uint8Array {
  return (data) => hashes[name](data);
}

/**
 * HASH(K || H || letter || session_id), extended with K2 = HASH(K || H || K1), K3 = HASH(K || H ||
 * K1 || K2)… until `length` bytes. `sharedSecret` is K in its wire encoding (mpint or string).
 */
export function deriveKey(
  hash: HashName,
  sharedSecret: Uint8Array,
  exchangeHash: Uint8Array,
  letter: string,
  sessionId: Uint8Array,
  length: number,
): Uint8Array {
  if (!/^[A-F]$/.test(letter))
    throw new RangeError(`key letter must be one of A..F, got ${JSON.stringify(letter)}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad key length ${length}`);
  const h = hashes[hash];
  const out = new Uint8Array(length);
  if (length === 0) return out;
  const letterByte = new Uint8Array([letter.charCodeAt(0)]);
  const first = h
    .create()
    .update(sharedSecret)
    .update(exchangeHash)
    .update(letterByte)
    .update(sessionId)
    .digest();
  out.set(first.subarray(0, length));
  // OpenSSH kex.c derive_key: each further block hashes K, H and everything produced so far.
  for (let filled = first.length; filled < length; ) {
    const next = h
      .create()
      .update(sharedSecret)
      .update(exchangeHash)
      .update(out.subarray(0, filled))
      .digest();
    out.set(next.subarray(0, length - filled), filled);
    filled += next.length;
  }
  return out;
}

export interface SessionKeys {
  clientToServer: DirectionKeys;
  serverToClient: DirectionKeys;
}

/** Derives both directions' keys for the negotiated algorithms (letters A–F, RFC 4253 §7.2). */
export function deriveSessionKeys(
  hash: HashName,
  sharedSecret: Uint8Array,
  exchangeHash: Uint8Array,
  sessionId: Uint8Array,
  algorithms: {
    cipher: [CipherAlgorithm, CipherAlgorithm];
    mac: [MacAlgorithm, MacAlgorithm];
  },
): SessionKeys {
  const derive = (letter: string, length: number) =>
    deriveKey(hash, sharedSecret, exchangeHash, letter, sessionId, length);
  const [cipherCs, cipherSc] = algorithms.cipher;
  const [macCs, macSc] = algorithms.mac;
  // AEAD ciphers take no MAC key (their MAC is ignored).
  const macKeyLength = (cipher: CipherAlgorithm, mac: MacAlgorithm) =>
    cipher.kind === 'aead' ? 0 : mac.keyLength;
  return {
    clientToServer: {
      cipher: cipherCs,
      mac: macCs,
      iv: derive('A', cipherCs.ivLength),
      encKey: derive('C', cipherCs.keyLength),
      macKey: derive('E', macKeyLength(cipherCs, macCs)),
    },
    serverToClient: {
      cipher: cipherSc,
      mac: macSc,
      iv: derive('B', cipherSc.ivLength),
      encKey: derive('D', cipherSc.keyLength),
      macKey: derive('F', macKeyLength(cipherSc, macSc)),
    },
  };
}
