// Cryptographic randomness for key generation, RSA blinding, salts and check integers: the Web
// Crypto API's getRandomValues (globalThis.crypto, present in Node ≥ 19 and every browser), so the
// package stays free of node:* imports.

/** getRandomValues fills at most 65536 bytes per call (Web Crypto API, QuotaExceededError). */
const MAX_CHUNK = 65536;

/** `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  const crypto = globalThis.crypto;
  if (crypto === undefined || typeof crypto.getRandomValues !== 'function') {
    throw new Error('no CSPRNG: globalThis.crypto.getRandomValues is unavailable');
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += MAX_CHUNK) crypto.getRandomValues(out.subarray(i, i + MAX_CHUNK));
  return out;
}

/** A uniformly random uint32. */
export function randomUint32(): number {
  const b = randomBytes(4);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}
