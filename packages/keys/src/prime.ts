// Random probable primes for RSA key generation (FIPS 186-5 Appendix A.1.3 "Generation of Random
// Primes that are Probably Prime", with the Miller–Rabin test of Appendix B.3 / C.1). Candidates
// are sieved by small primes before any Miller–Rabin round, which is what keeps 4096-bit keygen
// to seconds: about 1 in 710 random 2048-bit odd numbers is prime, and the sieve discards ~90 %
// of the rest for the cost of a few additions each.
import { bitLength } from '@sshts/wire';
import { os2ip } from './bigint.js';
import { modPowFixedWindow, randomBigIntInRange } from './bigint-modular.js';
import { randomBytes } from './random.js';

/** Odd primes below this bound sieve the candidates (the first ~1900 primes). */
const SIEVE_BOUND = 16384;

const SMALL_PRIMES: readonly number[] = (() => {
  const composite = new Uint8Array(SIEVE_BOUND);
  const primes: number[] = [];
  for (let i = 3; i < SIEVE_BOUND; i += 2) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < SIEVE_BOUND; j += 2 * i) composite[j] = 1;
  }
  return primes;
})();

/**
 * Miller–Rabin rounds for a prime factor of `primeBits` bits of an RSA modulus, from FIPS 186-5
 * Table B.1 (error probability 2^-112 for 1024-bit primes, 2^-128 for 1536, 2^-144 for 2048).
 * Larger primes need fewer rounds for the same bound, so the 2048-bit count serves above it.
 */
export function millerRabinRounds(primeBits: number): number {
  if (primeBits < 1536) return 5;
  return 4;
}

/**
 * Miller–Rabin probabilistic primality test (FIPS 186-5 B.3.1) of odd w > 3 with `rounds` random
 * bases b ∈ [2, w − 2]. False means w is certainly composite.
 */
export function millerRabin(w: bigint, rounds: number): boolean {
  if (w < 5n || (w & 1n) === 0n) return w === 2n || w === 3n;
  const wMinus1 = w - 1n;
  let a = 0;
  while (((wMinus1 >> BigInt(a)) & 1n) === 0n) a++;
  const m = wMinus1 >> BigInt(a);
  for (let i = 0; i < rounds; i++) {
    const b = randomBigIntInRange(2n, w - 2n);
    let z = modPowFixedWindow(b, m, w);
    if (z === 1n || z === wMinus1) continue;
    let probablyPrime = false;
    for (let j = 1; j < a; j++) {
      z = (z * z) % w;
      if (z === wMinus1) {
        probablyPrime = true;
        break;
      }
      if (z === 1n) break;
    }
    if (!probablyPrime) return false;
  }
  return true;
}

/** Longest stretch of candidate testing between yields to the event loop, in milliseconds. */
const YIELD_INTERVAL_MS = 25;

/** Yields to the event loop so a long generation does not freeze a browser tab or a server. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A random probable prime p of exactly `bits` bits with its two top bits set — so p ≥ 1.5·2^(bits−1)
 * > √2·2^(bits−1) (FIPS 186-5 A.1.3 step 4.4) and the product of two such primes has exactly
 * 2·bits bits — and gcd(p − 1, e) = 1 (step 4.5) for a prime e. The search starts at a random odd
 * number and steps by 2, skipping candidates a small prime divides, as OpenSSL's probable_prime
 * does; survivors get the Table B.1 Miller–Rabin rounds.
 */
export async function randomPrime(bits: number, e: bigint): Promise<bigint> {
  if (!Number.isInteger(bits) || bits < 64) throw new RangeError('prime size too small');
  const rounds = millerRabinRounds(bits);
  const eSmall = e < BigInt(Number.MAX_SAFE_INTEGER) ? Number(e) : undefined;
  let lastYield = performance.now();
  for (;;) {
    const bytes = randomBytes(Math.ceil(bits / 8));
    let start = os2ip(bytes) >> BigInt(bytes.length * 8 - bits);
    start |= (3n << BigInt(bits - 2)) | 1n;
    const residues = SMALL_PRIMES.map((p) => Number(start % BigInt(p)));
    const eResidue = eSmall === undefined ? undefined : Number(start % e);
    // Step through start, start + 2, … while the top bits stay set.
    const limit = 1 << 20;
    for (let delta = 0; delta < limit; delta += 2) {
      if (!notDivisibleBySmallPrime(residues, delta)) continue;
      // p ≡ 1 (mod e) would make gcd(p − 1, e) = e for a prime e.
      if (eSmall !== undefined && eResidue !== undefined && (eResidue + delta) % eSmall === 1) continue;
      const candidate = start + BigInt(delta);
      if (bitLength(candidate) !== bits) break;
      if (millerRabin(candidate, rounds)) return candidate;
      if (performance.now() - lastYield > YIELD_INTERVAL_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
  }
}

function notDivisibleBySmallPrime(residues: readonly number[], delta: number): boolean {
  for (let i = 0; i < residues.length; i++) {
    if ((residues[i]! + delta) % SMALL_PRIMES[i]! === 0) return false;
  }
  return true;
}
