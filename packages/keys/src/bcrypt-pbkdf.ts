// bcrypt_pbkdf, the KDF of openssh-key-v1 files (OpenSSH openbsd-compat/bcrypt_pbkdf.c, Ted Unangst
// 2013; PROTOCOL.key "kdfname bcrypt"). PBKDF2's structure with bcrypt as the PRF: each 32-byte
// block is bcrypt_hash(SHA-512(password), SHA-512(salt ‖ counter)), iterated `rounds` times with
// SHA-512 of the previous output as the next salt and all outputs XORed; the blocks' bytes are then
// interleaved ("output the key material non-linearly") so every output byte depends on every block.
import { sha512 } from '@noble/hashes/sha2.js';
import {
  type BlowfishState,
  blowfishEncipher,
  blowfishExpand,
  blowfishInitState,
  DATA_WORDS,
  KEY_WORDS,
  streamWords,
} from './blowfish.js';

/** bcrypt_hash's output: 8 words = 32 bytes (BCRYPT_HASHSIZE). */
const HASH_BYTES = 32;
/** Largest key bcrypt_pbkdf derives: 32 blocks of 32 bytes (its `keylen > sizeof(out) * sizeof(out)` check). */
export const BCRYPT_PBKDF_MAX_KEY_BYTES = HASH_BYTES * HASH_BYTES;
/** Largest salt bcrypt_pbkdf accepts (`saltlen > 1<<20`). */
export const BCRYPT_PBKDF_MAX_SALT_BYTES = 1 << 20;
/** "OxychromaticBlowfishSwatDynamite": the 32-byte plaintext bcrypt_hash encrypts 64 times. */
const MAGIC = Int32Array.from(
  streamWords(new TextEncoder().encode('OxychromaticBlowfishSwatDynamite'), HASH_BYTES / 4),
);
/** eksblowfish cost of bcrypt_hash: 64 alternating re-keyings and 64 encryptions of MAGIC. */
const BCRYPT_ROUNDS = 64;

/**
 * bcrypt_hash(sha2pass, sha2salt): eksblowfish keyed with the 64-byte password hash and salted
 * with the 64-byte salt hash, then MAGIC encrypted 64 times in ECB mode; the 8 words are written
 * out little-endian (the copy-out loop of bcrypt_pbkdf.c).
 */
function bcryptHash(passWords: Int32Array, saltWords: Int32Array, saltData: Int32Array): Uint8Array {
  const state: BlowfishState = blowfishInitState();
  blowfishExpand(state, passWords, saltData);
  for (let i = 0; i < BCRYPT_ROUNDS; i++) {
    blowfishExpand(state, saltWords);
    blowfishExpand(state, passWords);
  }
  const cdata = MAGIC.slice();
  for (let i = 0; i < BCRYPT_ROUNDS; i++) {
    for (let b = 0; b < cdata.length; b += 2) blowfishEncipher(state, cdata, b);
  }
  const out = new Uint8Array(HASH_BYTES);
  for (let i = 0; i < cdata.length; i++) {
    const w = cdata[i]!;
    out[4 * i] = w & 0xff;
    out[4 * i + 1] = (w >>> 8) & 0xff;
    out[4 * i + 2] = (w >>> 16) & 0xff;
    out[4 * i + 3] = w >>> 24;
  }
  return out;
}

/** bcrypt_hash with SHA-512 digests as key and salt, turned into the key-schedule word streams. */
function bcryptHashOf(passWords: Int32Array, sha2salt: Uint8Array): Uint8Array {
  return bcryptHash(passWords, streamWords(sha2salt, KEY_WORDS), streamWords(sha2salt, DATA_WORDS));
}

/**
 * Derives `keyLength` bytes from `password` and `salt` with `rounds` iterations, exactly as
 * OpenSSH's bcrypt_pbkdf. Throws RangeError where bcrypt_pbkdf returns -1: empty password, salt
 * or key, rounds < 1, key over 1024 bytes, salt over 2^20 bytes. Callers bound `rounds`: the
 * cost is linear in it (see MAX_BCRYPT_ROUNDS).
 */
export function bcryptPbkdf(
  password: Uint8Array,
  salt: Uint8Array,
  rounds: number,
  keyLength: number,
): Uint8Array {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('bcrypt_pbkdf: rounds must be ≥ 1');
  if (password.length === 0) throw new RangeError('bcrypt_pbkdf: empty password');
  if (salt.length === 0 || salt.length > BCRYPT_PBKDF_MAX_SALT_BYTES) {
    throw new RangeError('bcrypt_pbkdf: salt must be 1 to 2^20 bytes');
  }
  if (!Number.isInteger(keyLength) || keyLength < 1 || keyLength > BCRYPT_PBKDF_MAX_KEY_BYTES) {
    throw new RangeError(`bcrypt_pbkdf: key length must be 1 to ${BCRYPT_PBKDF_MAX_KEY_BYTES}`);
  }
  const stride = Math.ceil(keyLength / HASH_BYTES);
  const amount = Math.ceil(keyLength / stride);
  const sha2pass = sha512(password);
  const passWords = streamWords(sha2pass, KEY_WORDS);
  const countSalt = new Uint8Array(salt.length + 4);
  countSalt.set(salt);
  const key = new Uint8Array(keyLength);
  // `stride` blocks exactly fill the key (OpenSSH's `keylen -= i` loop ends after the same count).
  for (let count = 1; count <= stride; count++) {
    // Block `count` (big-endian, from 1) of PBKDF2's F, with bcrypt_hash for the PRF.
    new DataView(countSalt.buffer).setUint32(salt.length, count);
    let tmp = bcryptHashOf(passWords, sha512(countSalt));
    const out = tmp.slice();
    for (let i = 1; i < rounds; i++) {
      tmp = bcryptHashOf(passWords, sha512(tmp));
      for (let j = 0; j < HASH_BYTES; j++) out[j] = out[j]! ^ tmp[j]!;
    }
    // Byte i of block `count` goes to key[i·stride + count − 1].
    for (let i = 0; i < amount; i++) {
      const dest = i * stride + (count - 1);
      if (dest >= keyLength) break;
      key[dest] = out[i]!;
    }
  }
  return key;
}
