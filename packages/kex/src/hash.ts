// The hash functions a method names (RFC 4253 §7.2 "HASH"), from @noble/hashes.

import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashName } from '@sshts/transport';

const hashes = { sha1, sha256, sha384, sha512 } as const;

/** HASH(data) for the named hash. */
export function digest(name: HashName, data: Uint8Array): Uint8Array {
  return hashes[name](data);
}

/** An incremental hash, for hashing several parts without concatenating them. */
export function createHash(name: HashName): { update(data: Uint8Array): unknown; digest(): Uint8Array } {
  return hashes[name].create();
}
