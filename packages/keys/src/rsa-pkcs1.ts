// RSASSA-PKCS1-v1_5 signature verification (RFC 8017 §8.2.2) with EMSA-PKCS1-v1_5 encoding
// (§9.2), on BigInt. @noble has no RSA (protocol-checklist §13), so this is ours. Verification
// rebuilds the whole expected encoded message and compares it byte for byte with the recovered
// one — it never parses the recovered message (the safe way, RFC 8017 §8.2.2 note).
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { i2osp, modPow, os2ip } from './bigint.js';

/** A hash function for EMSA-PKCS1-v1_5 and the DER prefix of its DigestInfo (RFC 8017 §9.2 note 1). */
export interface Pkcs1Hash {
  readonly name: string;
  readonly hash: (data: Uint8Array) => Uint8Array;
  readonly digestInfoPrefix: Uint8Array;
}

/** The DigestInfo DER prefixes exactly as RFC 8017 §9.2 note 1 prints them. */
function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
}

export const PKCS1_SHA1: Pkcs1Hash = {
  name: 'SHA-1',
  hash: sha1,
  digestInfoPrefix: fromHex('3021300906052b0e03021a05000414'),
};

export const PKCS1_SHA256: Pkcs1Hash = {
  name: 'SHA-256',
  hash: sha256,
  digestInfoPrefix: fromHex('3031300d060960864801650304020105000420'),
};

export const PKCS1_SHA512: Pkcs1Hash = {
  name: 'SHA-512',
  hash: sha512,
  digestInfoPrefix: fromHex('3051300d060960864801650304020305000440'),
};

/** An RSA public key (RFC 8017 §3.1); `k` is the length of n in octets. */
export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  readonly k: number;
}

/**
 * EMSA-PKCS1-v1_5-ENCODE (RFC 8017 §9.2): EM = 0x00 ‖ 0x01 ‖ PS ‖ 0x00 ‖ T, where T is the DER
 * DigestInfo of H(M) and PS is emLen - tLen - 3 ≥ 8 bytes of 0xFF. Returns undefined when emLen is
 * too short ("intended encoded message length too short").
 */
export function emsaPkcs1v15Encode(message: Uint8Array, h: Pkcs1Hash, emLen: number): Uint8Array | undefined {
  const digest = h.hash(message);
  const tLen = h.digestInfoPrefix.length + digest.length;
  if (emLen < tLen + 11) return undefined;
  const em = new Uint8Array(emLen);
  em[1] = 0x01;
  em.fill(0xff, 2, emLen - tLen - 1);
  // em[emLen - tLen - 1] stays 0x00: the separator.
  em.set(h.digestInfoPrefix, emLen - tLen);
  em.set(digest, emLen - digest.length);
  return em;
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 §8.2.2). `signature` must be exactly k octets (step 1; the
 * SSH layer left-pads shorter ones first). Returns false for every kind of invalid signature.
 */
export function rsassaPkcs1v15Verify(
  key: RsaPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
  h: Pkcs1Hash,
): boolean {
  if (signature.length !== key.k) return false; // step 1
  const s = os2ip(signature); // step 2a
  // RSAVP1 (§5.2.2) step 1: "If the signature representative s is not between 0 and n - 1, output
  // 'signature representative out of range'". Without it, s + n would verify too.
  if (s >= key.n) return false;
  const m = modPow(s, key.e, key.n); // step 2b: RSAVP1
  const em = i2osp(m, key.k); // step 2c
  const expected = emsaPkcs1v15Encode(message, h, key.k); // step 3
  if (expected === undefined) return false;
  // Step 4. Public data on both sides, but compare without an early exit anyway.
  let diff = 0;
  for (let i = 0; i < em.length; i++) diff |= em[i]! ^ expected[i]!;
  return diff === 0;
}
