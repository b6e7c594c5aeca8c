// New private keys from the platform CSPRNG (random.ts): Ed25519 seeds (RFC 8032 §5.1.5), ECDSA
// scalars (FIPS 186-5 A.2.1, "extra random bits") and RSA keys (FIPS 186-5 A.1.3 primes, e =
// 65537), each built through privateKeyFromComponents so it passes the same checks as a parsed key.
import { bitLength } from '@sshts/wire';
import { os2ip } from './bigint.js';
import { gcd, lcm, modInverse } from './bigint-modular.js';
import { MAX_RSA_MODULUS_BITS } from './limits.js';
import { randomPrime } from './prime.js';
import type { PrivateKey } from './private-key.js';
import { ECDSA_CURVES, type EcdsaKeyTypeName } from './private-key-ecdsa.js';
import { ED25519_SEED_LENGTH } from './private-key-ed25519.js';
import { privateKeyFromComponents } from './private-key-from-components.js';
import { randomBytes } from './random.js';

export type GeneratedKeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface GenerateKeyOptions {
  /** ECDSA: 256 (default), 384 or 521. RSA: 2048 to 16384, even (default 3072, as ssh-keygen). */
  readonly bits?: number;
  readonly comment?: string;
}

/** Smallest RSA key we generate: NIST SP 800-131A / ssh-keygen's minimum for new keys. */
export const MIN_GENERATED_RSA_BITS = 2048;
export const DEFAULT_RSA_BITS = 3072;
/** FIPS 186-5 A.1.1: e = 65537 (odd, 2^16 < e < 2^256), OpenSSH's and everyone's choice. */
const RSA_E = 65537n;

const ECDSA_BY_BITS: ReadonlyMap<number, EcdsaKeyTypeName> = new Map([
  [256, 'ecdsa-sha2-nistp256'],
  [384, 'ecdsa-sha2-nistp384'],
  [521, 'ecdsa-sha2-nistp521'],
]);

/**
 * d = (c mod (n − 1)) + 1 for c of bits(n) + 64 random bits (FIPS 186-5 A.2.1), so d is uniform
 * in [1, n − 1] up to a 2^-64 bias. Values that OpenSSH's sshkey_ec_validate_private rejects
 * (bits(d) ≤ bits(n)/2 or d ≥ n − 1; probability ~2^-128) are drawn again.
 */
function randomEcdsaScalar(type: EcdsaKeyTypeName): bigint {
  const n = ECDSA_CURVES[type].curve.Point.Fn.ORDER;
  const nBits = bitLength(n);
  for (;;) {
    const c = os2ip(randomBytes(Math.ceil((nBits + 64) / 8)));
    const d = (c % (n - 1n)) + 1n;
    if (bitLength(d) > Math.floor(nBits / 2) && d < n - 1n) return d;
  }
}

/**
 * An RSA key of exactly `bits` bits (FIPS 186-5 A.1.3): two primes of bits/2 bits, |p − q| >
 * 2^(bits/2 − 100) (step 5.4, so n cannot be factored by Fermat's method), d = e⁻¹ mod λ(n).
 */
async function generateRsa(bits: number, comment: string): Promise<PrivateKey> {
  const half = bits / 2;
  const minDistance = 1n << BigInt(half - 100);
  const p = await randomPrime(half, RSA_E);
  let q: bigint;
  do q = await randomPrime(half, RSA_E);
  while ((p > q ? p - q : q - p) <= minDistance);
  // randomPrime excludes p ≡ 1 (mod e); for the prime e = 65537 that is gcd(p − 1, e) = 1.
  if (gcd(p - 1n, RSA_E) !== 1n || gcd(q - 1n, RSA_E) !== 1n) throw new Error('unreachable: e divides p − 1');
  // OpenSSH and PKCS#1 order the primes with p > q; iqmp is q⁻¹ mod p.
  const [big, small] = p > q ? [p, q] : [q, p];
  const d = modInverse(RSA_E, lcm(big - 1n, small - 1n));
  if (d === undefined) throw new Error('unreachable: e not invertible mod λ(n)');
  return privateKeyFromComponents(
    { type: 'ssh-rsa', n: big * small, e: RSA_E, d, p: big, q: small },
    comment,
  );
}

/**
 * Generates a new key. ECDSA bits: 256 (default), 384, 521. RSA bits: even, 2048 to 16384
 * (default 3072); RSA-4096 takes a few seconds, and the work yields to the event loop between
 * prime candidates.
 */
export async function generatePrivateKey(
  type: GeneratedKeyType,
  options: GenerateKeyOptions = {},
): Promise<PrivateKey> {
  const comment = options.comment ?? '';
  switch (type) {
    case 'ed25519': {
      if (options.bits !== undefined && options.bits !== 256)
        throw new RangeError('Ed25519 keys have 256 bits');
      return privateKeyFromComponents(
        { type: 'ssh-ed25519', seed: randomBytes(ED25519_SEED_LENGTH) },
        comment,
      );
    }
    case 'ecdsa': {
      const keyType = ECDSA_BY_BITS.get(options.bits ?? 256);
      if (keyType === undefined) throw new RangeError('ECDSA bits must be 256, 384 or 521');
      return privateKeyFromComponents({ type: keyType, d: randomEcdsaScalar(keyType) }, comment);
    }
    case 'rsa': {
      const bits = options.bits ?? DEFAULT_RSA_BITS;
      if (
        !Number.isInteger(bits) ||
        bits % 2 !== 0 ||
        bits < MIN_GENERATED_RSA_BITS ||
        bits > MAX_RSA_MODULUS_BITS
      ) {
        throw new RangeError(`RSA bits must be even, ${MIN_GENERATED_RSA_BITS} to ${MAX_RSA_MODULUS_BITS}`);
      }
      return generateRsa(bits, comment);
    }
    default:
      throw new TypeError(`unknown key type ${String(type)}`);
  }
}
