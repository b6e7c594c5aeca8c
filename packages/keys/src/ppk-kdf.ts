// Key material for PuTTY .ppk files (PuTTY manual, appendix C "PPK file format", §C.4 "Key
// derivation" and §C.5.1 "Version 2"): the AES-256-CBC key and IV for the private blob and the
// MAC key. Version 3 runs Argon2 (RFC 9106) with the file's parameters; version 2 uses SHA-1.
import { argon2d, argon2i, argon2id } from '@noble/hashes/argon2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { KeyFormatError } from './errors.js';

export type PpkArgon2Flavour = 'Argon2id' | 'Argon2i' | 'Argon2d';

export interface PpkArgon2Params {
  readonly flavour: PpkArgon2Flavour;
  /** Argon2-Memory, in KiB. */
  readonly memory: number;
  readonly passes: number;
  readonly parallelism: number;
  readonly salt: Uint8Array;
}

export interface PpkKeys {
  readonly cipherKey: Uint8Array;
  readonly iv: Uint8Array;
  readonly macKey: Uint8Array;
}

const ARGON2 = { Argon2id: argon2id, Argon2i: argon2i, Argon2d: argon2d } as const;

/**
 * Most Argon2 memory a file may ask for, in KiB (256 MiB; PuTTYgen writes 8192 = 8 MiB). Argon2
 * allocates it all, so a hostile file could otherwise exhaust memory before the MAC check fails.
 */
export const MAX_PPK_ARGON2_MEMORY_KIB = 256 * 1024;
/**
 * Most Argon2 work a file may ask for: Argon2-Memory (KiB) × Argon2-Passes. Pure-JS Argon2 does
 * about 8 MiB per pass in 40 ms here, so 2^21 KiB·passes (256 passes of PuTTYgen's 8 MiB) is about
 * 10 s. PuTTYgen calibrates passes to 100 ms of native code: typically 10–30 passes of 8 MiB.
 */
export const MAX_PPK_ARGON2_COST = 2 ** 21;
/** Most Argon2 lanes (PuTTYgen writes 1); noble computes lanes one after the other. */
export const MAX_PPK_ARGON2_PARALLELISM = 16;
/** Longest Argon2-Salt, in bytes (PuTTYgen writes 16). */
export const MAX_PPK_ARGON2_SALT_BYTES = 64;

const FORMAT = 'PPK';

/** Refuses parameters outside RFC 9106 §3.1 or our bounds, before any work is done. */
export function checkArgon2Params(p: PpkArgon2Params): void {
  if (p.parallelism < 1 || p.parallelism > MAX_PPK_ARGON2_PARALLELISM) {
    throw new KeyFormatError(
      FORMAT,
      `Argon2-Parallelism ${p.parallelism} outside 1..${MAX_PPK_ARGON2_PARALLELISM}`,
    );
  }
  // RFC 9106 §3.1: m ≥ 8·p KiB; t ≥ 1.
  if (p.memory < 8 * p.parallelism || p.memory > MAX_PPK_ARGON2_MEMORY_KIB) {
    throw new KeyFormatError(
      FORMAT,
      `Argon2-Memory ${p.memory} KiB outside ${8 * p.parallelism}..${MAX_PPK_ARGON2_MEMORY_KIB}`,
    );
  }
  if (p.passes < 1 || p.memory * p.passes > MAX_PPK_ARGON2_COST) {
    throw new KeyFormatError(
      FORMAT,
      `Argon2 cost ${p.memory} KiB × ${p.passes} passes exceeds the limit of ${MAX_PPK_ARGON2_COST}`,
    );
  }
  if (p.salt.length > MAX_PPK_ARGON2_SALT_BYTES) throw new KeyFormatError(FORMAT, 'Argon2-Salt too long');
}

/**
 * §C.4: Argon2 (empty secret key and associated data) with tag length 32 + 16 + 32, split into
 * the AES-256 key, the CBC IV and the HMAC-SHA-256 key, in that order.
 */
export function ppkV3Keys(passphrase: Uint8Array, p: PpkArgon2Params): PpkKeys {
  checkArgon2Params(p);
  let out: Uint8Array;
  try {
    out = ARGON2[p.flavour](passphrase, p.salt, { m: p.memory, t: p.passes, p: p.parallelism, dkLen: 80 });
  } catch (cause) {
    // noble refuses e.g. a salt under 8 bytes (RFC 9106 §3.1).
    throw new KeyFormatError(FORMAT, `Argon2 parameters rejected: ${(cause as Error).message}`);
  }
  return { cipherKey: out.subarray(0, 32), iv: out.subarray(32, 48), macKey: out.subarray(48, 80) };
}

const MAC_KEY_PREFIX = new TextEncoder().encode('putty-private-key-file-mac-key');

function sha1Of(...parts: Uint8Array[]): Uint8Array {
  const h = sha1.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * §C.5.1: cipher key = first 32 bytes of SHA-1(uint32 0 ‖ P) ‖ SHA-1(uint32 1 ‖ P), IV all zero,
 * MAC key = SHA-1("putty-private-key-file-mac-key" ‖ P). For an unencrypted v2 file only the MAC
 * key is used, with P empty.
 */
export function ppkV2Keys(passphrase: Uint8Array): PpkKeys {
  const h0 = sha1Of(Uint8Array.of(0, 0, 0, 0), passphrase);
  const h1 = sha1Of(Uint8Array.of(0, 0, 0, 1), passphrase);
  const cipherKey = new Uint8Array(32);
  cipherKey.set(h0, 0);
  cipherKey.set(h1.subarray(0, 12), 20);
  return { cipherKey, iv: new Uint8Array(16), macKey: sha1Of(MAC_KEY_PREFIX, passphrase) };
}
