// Finite-field Diffie-Hellman (RFC 4253 §8, RFC 4419): the private exponent, the checks on public
// values, and the key agreement over a group (p, g).
import { bitLength, encodeMpint } from '@sshts/wire';
import { bigIntToMpint, bytesToBigInt } from './bytes.js';
import { kexFailed } from './errors.js';
import type { EphemeralKey, KeyAgreement, RandomBytes } from './key-agreement.js';
import { modPow } from './modexp.js';
import type { DhGroup } from './modp-groups.js';

/**
 * Length of the private exponent in bytes: 512 bits, twice 256 — at least twice the security strength
 * (NIST SP 800-57 Part 1, Table 2) of every group SSH uses up to 15360 bits, and of the strongest
 * cipher. OpenSSH's dh_gen_key picks 2 × (needed key bits), 512 for a 256-bit cipher.
 */
export const DH_EXPONENT_BYTES = 64;

function popcount(v: bigint): number {
  let n = 0;
  for (const c of v.toString(2)) if (c === '1') n++;
  return n;
}

/**
 * Whether `y` is an acceptable public value for modulus `p`: 1 < y < p − 1 (RFC 4253 §8 asks for
 * [1, p−1]; the ends give a trivial K) and at least 4 bits set, as OpenSSH's dh.c dh_pub_is_valid
 * demands (with g = 2, a value with one bit set has an obvious discrete log).
 */
export function isValidDhPublicValue(y: bigint, p: bigint): boolean {
  return y > 1n && y < p - 1n && popcount(y) >= 4;
}

/**
 * The private exponent x: DH_EXPONENT_BYTES random bytes read big-endian, redrawn (fresh bytes)
 * while x < 2, x ≥ p − 1 or g^x mod p fails isValidDhPublicValue. Returns x and g^x mod p.
 */
export function generateDhKey(group: DhGroup, randomBytes: RandomBytes): { x: bigint; y: bigint } {
  for (let attempt = 0; attempt < 64; attempt++) {
    const bytes = randomBytes(DH_EXPONENT_BYTES);
    if (bytes.length !== DH_EXPONENT_BYTES) throw new RangeError('randomBytes returned the wrong length');
    const x = bytesToBigInt(bytes);
    if (x < 2n || x >= group.p - 1n) continue;
    const y = modPow(group.g, x, group.p);
    if (isValidDhPublicValue(y, group.p)) return { x, y };
  }
  throw kexFailed('could not generate a Diffie-Hellman key: the random source or the group is broken');
}

/**
 * The peer's public value from the content of its `mpint` field: rejects a negative or oversized
 * encoding before any arithmetic, then the value itself by isValidDhPublicValue.
 */
export function readDhPublicValue(content: Uint8Array, p: bigint, name: string): bigint {
  if (content.length > Math.ceil(bitLength(p) / 8) + 1)
    throw kexFailed(`Diffie-Hellman ${name} is out of range`);
  if (content.length > 0 && (content[0]! & 0x80) !== 0) throw kexFailed(`Diffie-Hellman ${name} is negative`);
  const y = bytesToBigInt(content);
  if (!isValidDhPublicValue(y, p)) throw kexFailed(`Diffie-Hellman ${name} is out of range or too weak`);
  return y;
}

/** Key agreement over a finite-field group; `peerName` names the peer's value in errors (e or f). */
export function dhAgreement(group: DhGroup, peerName: 'e' | 'f'): KeyAgreement {
  return {
    generate(randomBytes: RandomBytes): EphemeralKey {
      const { x, y } = generateDhKey(group, randomBytes);
      return {
        publicValue: encodeMpint(y),
        agree(peerValue: Uint8Array) {
          const peer = readDhPublicValue(peerValue, group.p, peerName);
          const k = modPow(peer, x, group.p);
          // Cannot happen for a safe prime once the checks above pass; a bad GEX group could do it.
          if (k <= 1n) throw kexFailed('Diffie-Hellman shared secret is degenerate');
          return { peerValue: encodeMpint(peer), sharedSecret: bigIntToMpint(k) };
        },
      };
    },
  };
}
