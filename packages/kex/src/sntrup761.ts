// Streamlined NTRU Prime sntrup761 (the NTRU Prime round-3 specification, §2–§3; RFC 9941 and
// draft-josefsson-ntruprime-streamlined): KEM key generation, encapsulation and decapsulation with
// p = 761, q = 4591, w = 286. Byte formats, hashes and the order in which randomness is drawn
// follow the specification's reference KEM, so the NIST KAT (kat_kem) reproduces exactly.
//
// Constant time as far as JavaScript allows: no branch and no array index depends on a secret; the
// selections are arithmetic masks. The one branch on secret-derived data is key generation's
// retry when g is not invertible in R/3, which reveals only that a discarded g was not invertible.
// Randomness is injected (the caller's randomBytes), so the KAT's DRBG can drive it.
import { sha512 } from '@noble/hashes/sha2.js';
import { decodeVector, encodeVector } from './sntrup761-encoding.js';
import { f3Freeze, fqFreeze, P, Q, r3Mul, r3Recip, rqMulSmall, rqRecip3 } from './sntrup761-poly.js';

const W = 286;
const Q12 = (Q - 1) / 2; // 2295
/** Rounded coefficients are multiples of 3 in [-Q12, Q12]; encoded as (c + Q12) / 3 < 1531. */
const ROUNDED_MODULUS = (Q + 2) / 3;

const SMALL_BYTES = Math.ceil(P / 4); // 191
const HASH_BYTES = 32;

export const SNTRUP761_PUBLIC_KEY_BYTES = 1158;
export const SNTRUP761_SECRET_KEY_BYTES =
  2 * SMALL_BYTES + SNTRUP761_PUBLIC_KEY_BYTES + SMALL_BYTES + HASH_BYTES; // 1763
export const SNTRUP761_CIPHERTEXT_BYTES = 1007 + HASH_BYTES; // 1039
export const SNTRUP761_SHARED_SECRET_BYTES = HASH_BYTES;

/** Random bytes: exactly `length` of them. */
export type RandomSource = (length: number) => Uint8Array;

// ----- arithmetic mod q and mod 3 and in the rings R/q and R/3: see sntrup761-poly.ts

/** -1 when x ≠ 0, else 0 (x a 32-bit integer). */
function nonzeroMask(x: number): number {
  return (x | -x) >> 31;
}

// ----- randomness (the order and sizes of the draws are the reference KEM's)

function uint32s(bytes: Uint8Array, count: number): Float64Array {
  if (bytes.length !== 4 * count) throw new RangeError('randomBytes returned the wrong length');
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = 4 * i;
    out[i] = (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
  }
  return out;
}

/** A uniformly random small polynomial (coefficients in {-1, 0, 1}). */
function smallRandom(randomBytes: RandomSource): Int8Array {
  const L = uint32s(randomBytes(4 * P), P);
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = Math.floor(((L[i]! & 0x3fffffff) * 3) / 2 ** 30) - 1;
  return out;
}

/** A random short polynomial: exactly w nonzero coefficients, by sorting tagged random words. */
function shortRandom(randomBytes: RandomSource): Int8Array {
  const L = uint32s(randomBytes(4 * P), P);
  // Low two bits 00 or 10 (±1) for the first w words, 01 (0) for the rest; the sort shuffles them.
  const words = new Int32Array(1024);
  for (let i = 0; i < P; i++) {
    const x = i < W ? L[i]! & ~1 : (L[i]! & ~2) | 1;
    words[i] = x ^ 0x80000000; // signed order of x ^ 2^31 is the unsigned order of x
  }
  words.fill(0x7fffffff, P); // 0xffffffff: padding sorts last
  sortInt32(words);
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = (words[i]! & 3) - 1;
  return out;
}

/**
 * Sorts (ascending) an Int32Array whose length is a power of two with Batcher's bitonic network:
 * the sequence of compare-exchanges depends only on the length, each one is branch-free.
 */
function sortInt32(x: Int32Array): void {
  const n = x.length;
  for (let k = 2; k <= n; k <<= 1) {
    for (let j = k >> 1; j > 0; j >>= 1) {
      for (let i = 0; i < n; i++) {
        const l = i ^ j;
        if (l <= i) continue; // index arithmetic only: public
        // ascending within blocks where (i & k) == 0, descending elsewhere
        const descending = -((i & k) !== 0 ? 1 : 0);
        const a = x[i]!;
        const b = x[l]!;
        const bLess = Math.floor((b - a) * 2 ** -32) | 0; // -1 when b < a (exact: |b - a| < 2^32)
        const t = (bLess ^ descending) & (a ^ b);
        x[i] = a ^ t;
        x[l] = b ^ t;
      }
    }
  }
}

// ----- encodings

/** Small polynomial → 191 bytes: four coefficients (each + 1, in {0, 1, 2}) per byte, low first. */
function smallEncode(s: Int8Array): Uint8Array {
  const out = new Uint8Array(SMALL_BYTES);
  for (let i = 0; i < P; i++) out[i >> 2]! |= (s[i]! + 1) << (2 * (i & 3));
  return out;
}

function smallDecode(bytes: Uint8Array): Int8Array {
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = ((bytes[i >> 2]! >> (2 * (i & 3))) & 3) - 1;
  return out;
}

function rqEncode(h: Int16Array): Uint8Array {
  return encodeVector(
    Array.from(h, (c) => c + Q12),
    Q,
  );
}

function rqDecode(bytes: Uint8Array): Int16Array {
  return Int16Array.from(decodeVector(bytes, P, Q), (c) => c - Q12);
}

/** Round(a): each coefficient to the nearest multiple of 3, then encoded as (c + Q12) / 3. */
function roundedEncode(a: Int16Array): Uint8Array {
  return encodeVector(
    Array.from(a, (c) => (c - f3Freeze(c) + Q12) / 3),
    ROUNDED_MODULUS,
  );
}

function roundedDecode(bytes: Uint8Array): Int16Array {
  return Int16Array.from(decodeVector(bytes, P, ROUNDED_MODULUS), (c) => 3 * c - Q12);
}

// ----- hashes: Hash_b(x) = the first 32 bytes of SHA-512(b || x)

function hashPrefix(b: number, ...parts: Uint8Array[]): Uint8Array {
  const h = sha512.create();
  h.update(Uint8Array.of(b));
  for (const part of parts) h.update(part);
  return h.digest().subarray(0, HASH_BYTES);
}

/** Hide: the ciphertext (Rounded(h·r) ‖ HashConfirm) and r's encoding, for r short. */
function hide(r: Int8Array, publicKey: Uint8Array, cache: Uint8Array) {
  const rEnc = smallEncode(r);
  const c = new Uint8Array(SNTRUP761_CIPHERTEXT_BYTES);
  c.set(roundedEncode(rqMulSmall(rqDecode(publicKey), r)));
  const rHash = hashPrefix(3, rEnc);
  c.set(hashPrefix(2, rHash, cache), SNTRUP761_CIPHERTEXT_BYTES - HASH_BYTES);
  return { c, rEnc };
}

// ----- the KEM

export interface Sntrup761KeyPair {
  readonly publicKey: Uint8Array;
  /** f ‖ 1/g in R/3 ‖ the public key ‖ rho ‖ Hash_4(public key), as the reference lays it out. */
  readonly secretKey: Uint8Array;
}

/** Key generation: g small invertible in R/3, f short, h = g / (3f) in R/q. */
export function sntrup761KeyPair(randomBytes: RandomSource): Sntrup761KeyPair {
  let g: Int8Array;
  let gInverse: Int8Array;
  for (;;) {
    g = smallRandom(randomBytes);
    const { value, invertible } = r3Recip(g);
    if (invertible) {
      gInverse = value;
      break;
    }
  }
  const f = shortRandom(randomBytes);
  const publicKey = rqEncode(rqMulSmall(rqRecip3(f), g));
  const secretKey = new Uint8Array(SNTRUP761_SECRET_KEY_BYTES);
  let at = 0;
  for (const part of [smallEncode(f), smallEncode(gInverse), publicKey]) {
    secretKey.set(part, at);
    at += part.length;
  }
  const rho = randomBytes(SMALL_BYTES);
  if (rho.length !== SMALL_BYTES) throw new RangeError('randomBytes returned the wrong length');
  secretKey.set(rho, at);
  secretKey.set(hashPrefix(4, publicKey), at + SMALL_BYTES);
  return { publicKey, secretKey };
}

/** Encapsulation to `publicKey` (1158 bytes): the ciphertext (1039 bytes) and the 32-byte key. */
export function sntrup761Encapsulate(
  publicKey: Uint8Array,
  randomBytes: RandomSource,
): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  if (publicKey.length !== SNTRUP761_PUBLIC_KEY_BYTES)
    throw new RangeError('sntrup761 public key must be 1158 bytes');
  const r = shortRandom(randomBytes);
  const { c, rEnc } = hide(r, publicKey, hashPrefix(4, publicKey));
  return { cipherText: c, sharedSecret: hashPrefix(1, hashPrefix(3, rEnc), c) };
}

/**
 * Decapsulation. A ciphertext that does not re-encrypt to itself yields Hash_0(Hash_3(rho) ‖ c),
 * chosen by mask (implicit rejection), never an error.
 */
export function sntrup761Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (cipherText.length !== SNTRUP761_CIPHERTEXT_BYTES)
    throw new RangeError('sntrup761 ciphertext must be 1039 bytes');
  if (secretKey.length !== SNTRUP761_SECRET_KEY_BYTES)
    throw new RangeError('sntrup761 secret key must be 1763 bytes');
  const f = smallDecode(secretKey.subarray(0, SMALL_BYTES));
  const gInverse = smallDecode(secretKey.subarray(SMALL_BYTES, 2 * SMALL_BYTES));
  const pkStart = 2 * SMALL_BYTES;
  const publicKey = secretKey.subarray(pkStart, pkStart + SNTRUP761_PUBLIC_KEY_BYTES);
  const rho = secretKey.subarray(
    pkStart + SNTRUP761_PUBLIC_KEY_BYTES,
    pkStart + SNTRUP761_PUBLIC_KEY_BYTES + SMALL_BYTES,
  );
  const cache = secretKey.subarray(SNTRUP761_SECRET_KEY_BYTES - HASH_BYTES);

  // e = 3f·c in R/q, taken mod 3; r = e / g in R/3.
  const cf = rqMulSmall(roundedDecode(cipherText.subarray(0, SNTRUP761_CIPHERTEXT_BYTES - HASH_BYTES)), f);
  const e = new Int8Array(P);
  for (let i = 0; i < P; i++) e[i] = f3Freeze(fqFreeze(3 * cf[i]!));
  const r = r3Mul(e, gInverse);
  // Weight w or else the fixed short vector 1^w 0^(p-w), by mask.
  let weight = 0;
  for (let i = 0; i < P; i++) weight += r[i]! & 1;
  const bad = nonzeroMask(weight - W);
  for (let i = 0; i < P; i++) r[i] = (r[i]! & ~bad) | ((i < W ? 1 : 0) & bad);

  const { c, rEnc } = hide(r, publicKey, cache);
  let diff = 0;
  for (let i = 0; i < SNTRUP761_CIPHERTEXT_BYTES; i++) diff |= c[i]! ^ cipherText[i]!;
  const fail = nonzeroMask(diff); // -1 when the ciphertext is not ours
  for (let i = 0; i < SMALL_BYTES; i++) rEnc[i]! ^= fail & (rEnc[i]! ^ rho[i]!);
  return hashPrefix(1 + fail, hashPrefix(3, rEnc), cipherText);
}
