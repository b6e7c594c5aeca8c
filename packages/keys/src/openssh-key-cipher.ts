// The ciphers an openssh-key-v1 file's private section may be encrypted with (OpenSSH cipher.c
// table; PROTOCOL.key): name → key, IV, block and tag sizes, used as sshkey_private_to_blob2 and
// private2_decrypt use them — a single cipher_crypt call with sequence number 0 and no AAD, the
// AEAD tag stored after the encrypted string. 3des-cbc (also in cipher.c) is not implemented.

import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { cbc, ctr, gcm } from '@noble/ciphers/aes.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';

export interface KeyFileCipher {
  readonly name: string;
  readonly keyLength: number;
  readonly ivLength: number;
  /** The private section is padded to a multiple of this (cipher_blocksize). */
  readonly blockSize: number;
  /** Bytes of authentication tag after the encrypted string (cipher_authlen). */
  readonly tagLength: number;
  /** ciphertext ‖ tag of `plaintext` (length a multiple of blockSize). */
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The plaintext, or undefined when the tag does not verify. */
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | undefined;
}

const NONE: KeyFileCipher = {
  name: 'none',
  keyLength: 0,
  ivLength: 0,
  blockSize: 8, // cipher.c: { "none", 8, 0, 0, 0, CFLAG_NONE }
  tagLength: 0,
  encrypt: (_key, _iv, plaintext) => plaintext.slice(),
  decrypt: (_key, _iv, ciphertext) => ciphertext.slice(),
};

function aesCtr(bits: number): KeyFileCipher {
  return {
    name: `aes${bits}-ctr`,
    keyLength: bits / 8,
    ivLength: 16,
    blockSize: 16,
    tagLength: 0,
    encrypt: (key, iv, plaintext) => ctr(key, iv).encrypt(plaintext),
    decrypt: (key, iv, ciphertext) => ctr(key, iv).decrypt(ciphertext),
  };
}

function aesCbc(bits: number): KeyFileCipher {
  // No PKCS#7 layer: the section is already padded to the block size (1, 2, 3, … bytes).
  const opts = { disablePadding: true } as const;
  return {
    name: `aes${bits}-cbc`,
    keyLength: bits / 8,
    ivLength: 16,
    blockSize: 16,
    tagLength: 0,
    encrypt: (key, iv, plaintext) => cbc(key, iv, opts).encrypt(plaintext),
    decrypt: (key, iv, ciphertext) => cbc(key, iv, opts).decrypt(ciphertext),
  };
}

/**
 * aes*-gcm@openssh.com (PROTOCOL §1.6, RFC 5647 framing): a 12-byte IV from the KDF used as the
 * GCM nonce of the first (and only) invocation, no AAD, 16-byte tag.
 */
function aesGcm(bits: number): KeyFileCipher {
  return {
    name: `aes${bits}-gcm@openssh.com`,
    keyLength: bits / 8,
    ivLength: 12,
    blockSize: 16,
    tagLength: 16,
    encrypt: (key, iv, plaintext) => gcm(key, iv).encrypt(plaintext),
    decrypt(key, iv, ciphertext, tag) {
      const sealed = new Uint8Array(ciphertext.length + tag.length);
      sealed.set(ciphertext);
      sealed.set(tag, ciphertext.length);
      try {
        return gcm(key, iv).decrypt(sealed);
      } catch {
        return undefined; // tag mismatch
      }
    },
  };
}

/** The 8-byte ChaCha20 nonce: the sequence number, 0 for key files, big-endian (chachapoly_crypt). */
const SEQNR_ZERO = new Uint8Array(8);

/**
 * chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) as cipher-chachapoly.c runs it for
 * a key file: 64 key bytes of which the first 32 are K_2 (main key; K_1, the length key, is unused
 * with no AAD), nonce = seqnr 0; Poly1305 key = the first 32 bytes of keystream block 0, payload
 * encrypted from block 1 on, tag = Poly1305 of the ciphertext.
 */
const CHACHA20_POLY1305: KeyFileCipher = {
  name: 'chacha20-poly1305@openssh.com',
  keyLength: 64,
  ivLength: 0,
  blockSize: 8,
  tagLength: 16,
  encrypt(key, _iv, plaintext) {
    const main = key.subarray(0, 32);
    const polyKey = chacha20orig(main, SEQNR_ZERO, new Uint8Array(32), undefined, 0);
    const ciphertext = chacha20orig(main, SEQNR_ZERO, plaintext, undefined, 1);
    const out = new Uint8Array(ciphertext.length + 16);
    out.set(ciphertext);
    out.set(poly1305(ciphertext, polyKey), ciphertext.length);
    return out;
  },
  decrypt(key, _iv, ciphertext, tag) {
    const main = key.subarray(0, 32);
    const polyKey = chacha20orig(main, SEQNR_ZERO, new Uint8Array(32), undefined, 0);
    const expected = poly1305(ciphertext, polyKey);
    let diff = expected.length ^ tag.length;
    for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ (tag[i] ?? 0);
    if (diff !== 0) return undefined;
    return chacha20orig(main, SEQNR_ZERO, ciphertext, undefined, 1);
  },
};

export const KEY_FILE_CIPHERS: ReadonlyMap<string, KeyFileCipher> = new Map(
  [
    NONE,
    aesCtr(128),
    aesCtr(192),
    aesCtr(256),
    aesCbc(128),
    aesCbc(192),
    aesCbc(256),
    aesGcm(128),
    aesGcm(256),
    CHACHA20_POLY1305,
  ].map((c) => [c.name, c]),
);

/** Cipher names accepted by writeOpenSSHPrivateKey and read by parseOpenSSHPrivateKey. */
export type KeyFileCipherName =
  | 'none'
  | 'aes128-ctr'
  | 'aes192-ctr'
  | 'aes256-ctr'
  | 'aes128-cbc'
  | 'aes192-cbc'
  | 'aes256-cbc'
  | 'aes128-gcm@openssh.com'
  | 'aes256-gcm@openssh.com'
  | 'chacha20-poly1305@openssh.com';
