// The private half of ssh-rsa: n, e, d, p, q and iqmp = q⁻¹ mod p (RFC 8017 §3.2; OpenSSH's order
// in sshkey.c). The components are checked for consistency before any use — a key with a wrong d
// or iqmp would otherwise make signatures that fail, or (with CRT) leak a factor of n — and
// signatures are RSASSA-PKCS1-v1_5 (rsa-sign.ts) with SHA-512, SHA-256 (RFC 8332 §3) or SHA-1.
import { bitLength, SSHWriter } from '@sshts/wire';
import { lcm, modInverse } from './bigint-modular.js';
import { KeyFormatError } from './errors.js';
import { MAX_RSA_EXPONENT_BITS, MAX_RSA_MODULUS_BITS, MIN_RSA_MODULUS_BITS } from './limits.js';
import type { PrivateKeyComponents } from './private-key.js';
import type { PrivateKeyMaterial } from './private-key-material.js';
import { PKCS1_SHA1, PKCS1_SHA256, PKCS1_SHA512, type Pkcs1Hash } from './rsa-pkcs1.js';
import { type RsaSigningKey, rsassaPkcs1v15Sign } from './rsa-sign.js';

const NAME = 'ssh-rsa';

/** Signature algorithm → hash, as verification uses them (rsa.ts, RFC 8332 §3). */
const HASHES: ReadonlyMap<string, Pkcs1Hash> = new Map([
  ['rsa-sha2-512', PKCS1_SHA512],
  ['rsa-sha2-256', PKCS1_SHA256],
  ['ssh-rsa', PKCS1_SHA1],
]);

type RsaComponents = Extract<PrivateKeyComponents, { type: 'ssh-rsa' }>;

function fail(message: string): never {
  throw new KeyFormatError(NAME, message);
}

/**
 * Checks the RFC 8017 §3.2 relations: n = p·q, e odd with 3 ≤ e < n, e·d ≡ 1 (mod λ(n)) where
 * λ(n) = lcm(p − 1, q − 1) (a d computed mod φ(n), as OpenSSH does, satisfies this too), and
 * q·iqmp ≡ 1 (mod p). Sizes are bounded first so a hostile file cannot make us compute on huge
 * numbers. Returns the CRT signing key.
 */
export function validateRsaComponents(c: RsaComponents): { key: RsaSigningKey; iqmp: bigint } {
  const { n, e, d, p, q } = c;
  for (const [name, v] of [
    ['n', n],
    ['e', e],
    ['d', d],
    ['p', p],
    ['q', q],
  ] as const) {
    if (typeof v !== 'bigint') throw new TypeError(`RSA ${name} must be a bigint`);
    if (v < 1n || bitLength(v) > MAX_RSA_MODULUS_BITS) fail(`${name} is out of range`);
  }
  const bits = bitLength(n);
  if (bits < MIN_RSA_MODULUS_BITS) fail(`modulus of ${bits} bits is below ${MIN_RSA_MODULUS_BITS}`);
  if (bitLength(e) > MAX_RSA_EXPONENT_BITS) fail(`public exponent over ${MAX_RSA_EXPONENT_BITS} bits`);
  if (e < 3n || (e & 1n) === 0n || e >= n) fail('public exponent must be odd, ≥ 3 and < n');
  if (p < 3n || q < 3n || p * q !== n) fail('n ≠ p·q');
  if (d >= n) fail('private exponent d ≥ n');
  const lambda = lcm(p - 1n, q - 1n);
  if ((e * d) % lambda !== 1n) fail('e·d ≢ 1 (mod λ(n)): d does not match e, p and q');
  const expected = modInverse(q, p);
  if (expected === undefined) fail('p and q are not coprime');
  if (c.iqmp !== undefined) {
    if (typeof c.iqmp !== 'bigint') throw new TypeError('RSA iqmp must be a bigint');
    if (c.iqmp !== expected) fail('iqmp ≠ q⁻¹ mod p');
  }
  const key: RsaSigningKey = {
    n,
    e,
    d,
    p,
    q,
    dP: d % (p - 1n),
    dQ: d % (q - 1n),
    qInv: expected,
    k: Math.ceil(bits / 8),
  };
  return { key, iqmp: expected };
}

export function rsaMaterial(components: RsaComponents): PrivateKeyMaterial {
  const { key, iqmp } = validateRsaComponents(components);
  const { n, e, d, p, q } = key;
  return {
    components: { type: NAME, n, e, d, p, q, iqmp },
    // RFC 4253 §6.6: string "ssh-rsa", mpint e, mpint n.
    publicKeyBlob: new SSHWriter().string(NAME).mpint(e).mpint(n).finish().slice(),
    signRaw(algorithm, data) {
      const h = HASHES.get(algorithm);
      if (h === undefined) throw new TypeError(`not an RSA signature algorithm: ${algorithm}`);
      return rsassaPkcs1v15Sign(key, data, h);
    },
  };
}
