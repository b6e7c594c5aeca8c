// RSASSA-PKCS1-v1_5 signature generation (RFC 8017 §8.2.1) on BigInt, with the Chinese Remainder
// Theorem form of RSASP1 (§5.2.1 step 2b), base blinding against timing attacks and a check of
// every signature before it leaves (RFC 8017 §5.2.1 note; the Boneh–DeMillo–Lipton CRT fault
// attack recovers p from one faulty signature). EMSA-PKCS1-v1_5 encoding is shared with
// verification (rsa-pkcs1.ts).
import { i2osp, modPow, os2ip } from './bigint.js';
import { modInverse, modPowFixedWindow, randomBigIntInRange } from './bigint-modular.js';
import { KeyFormatError } from './errors.js';
import { emsaPkcs1v15Encode, type Pkcs1Hash } from './rsa-pkcs1.js';

/** An RSA private key in the RFC 8017 §3.2 second (CRT) representation, plus n, e, d. */
export interface RsaSigningKey {
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  /** d mod (p − 1). */
  readonly dP: bigint;
  /** d mod (q − 1). */
  readonly dQ: bigint;
  /** q⁻¹ mod p. */
  readonly qInv: bigint;
  /** Length of n in octets. */
  readonly k: number;
}

/**
 * RSASP1 (RFC 8017 §5.2.1) with blinding: for a random r coprime to n, sign m·r^e instead of m and
 * multiply the result by r⁻¹ (Kocher 1996; OpenSSL's RSA_blinding_on). The exponentiations then see
 * a base unrelated to the message, so their data-dependent timing reveals nothing about p, q or d.
 */
function rsasp1Blinded(key: RsaSigningKey, m: bigint): bigint {
  const { n, e, p, q, dP, dQ, qInv } = key;
  let r: bigint;
  let rInv: bigint | undefined;
  do {
    r = randomBigIntInRange(2n, n - 1n);
    rInv = modInverse(r, n);
  } while (rInv === undefined); // gcd(r, n) ≠ 1 would reveal a factor; probability ~2^-1000.
  const blinded = (m * modPow(r, e, n)) % n;
  // §5.2.1 step 2b (ii)–(v): s1 = c^dP mod p, s2 = c^dQ mod q, h = (s1 − s2)·qInv mod p, s = s2 + q·h.
  const s1 = modPowFixedWindow(blinded % p, dP, p);
  const s2 = modPowFixedWindow(blinded % q, dQ, q);
  const h = (((s1 - s2) % p) + p) % p;
  const sBlinded = s2 + q * ((h * qInv) % p);
  return (sBlinded * rInv) % n;
}

/**
 * RSASSA-PKCS1-V1_5-SIGN (RFC 8017 §8.2.1): the k-octet signature of `message`. Throws
 * KeyFormatError if the computed signature does not verify (an inconsistent key or a computation
 * fault) rather than release it.
 */
export function rsassaPkcs1v15Sign(key: RsaSigningKey, message: Uint8Array, h: Pkcs1Hash): Uint8Array {
  const em = emsaPkcs1v15Encode(message, h, key.k); // step 1
  if (em === undefined) throw new RangeError(`RSA modulus too short for ${h.name}`);
  const m = os2ip(em); // step 2a
  const s = rsasp1Blinded(key, m); // step 2b
  // Verify before release: s^e must give back m exactly (public exponent, so plain modPow is fine).
  if (s >= key.n || modPow(s, key.e, key.n) !== m) {
    throw new KeyFormatError('ssh-rsa', 'signature self-check failed: inconsistent key or computation fault');
  }
  return i2osp(s, key.k); // step 2c: exactly k octets (RFC 8332 §3)
}
