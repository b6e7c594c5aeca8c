// ssh-rsa keys (RFC 4253 §6.6: `string "ssh-rsa", mpint e, mpint n`) and their signature
// algorithms: rsa-sha2-256 and rsa-sha2-512 (RFC 8332 §3) and the legacy SHA-1 ssh-rsa (RFC 4253
// §6.6). Signature blob: `string algorithm, string S`, verified with RSASSA-PKCS1-v1_5.
import { bitLength, MalformedMessageError, type SSHReader } from '@sshts/wire';
import type { KeyType, VerifyingKey } from './key-type.js';
import { MAX_RSA_EXPONENT_BITS, MAX_RSA_MODULUS_BITS, MIN_RSA_MODULUS_BITS } from './limits.js';
import { PKCS1_SHA1, PKCS1_SHA256, PKCS1_SHA512, type Pkcs1Hash, rsassaPkcs1v15Verify } from './rsa-pkcs1.js';

const NAME = 'ssh-rsa';

/** The RSA signature algorithms and their hash, in our order of preference (RFC 8332 §3). */
const RSA_SIGNATURE_HASHES: ReadonlyMap<string, Pkcs1Hash> = new Map([
  ['rsa-sha2-512', PKCS1_SHA512],
  ['rsa-sha2-256', PKCS1_SHA256],
  ['ssh-rsa', PKCS1_SHA1], // legacy: SHA-1 (protocol-checklist §3.8, P2)
]);

class RsaKey implements VerifyingKey {
  readonly bits: number;
  readonly #n: bigint;
  readonly #e: bigint;
  readonly #k: number;
  constructor(e: bigint, n: bigint) {
    this.#e = e;
    this.#n = n;
    this.bits = bitLength(n);
    this.#k = Math.ceil(this.bits / 8);
  }

  verify(algorithm: string, signature: Uint8Array, data: Uint8Array): boolean {
    const h = RSA_SIGNATURE_HASHES.get(algorithm);
    if (h === undefined) return false;
    // RFC 8332 §3 says S is exactly the modulus length, but OpenSSH (ssh_rsa_verify) left-pads a
    // shorter S with zeros; a longer S fails RSASSA-PKCS1-V1_5-VERIFY step 1 (length ≠ k).
    let s = signature;
    if (s.length < this.#k) {
      s = new Uint8Array(this.#k);
      s.set(signature, this.#k - signature.length);
    }
    return rsassaPkcs1v15Verify({ n: this.#n, e: this.#e, k: this.#k }, data, s, h);
  }
}

export const rsaKeyType: KeyType = {
  name: NAME,
  signatureAlgorithms: Object.freeze([...RSA_SIGNATURE_HASHES.keys()]),
  decodePublicKey(reader: SSHReader): VerifyingKey {
    // mpint reads check the length against the bit limit before slicing (principle 7).
    const e = reader.mpint(`${NAME} e`, MAX_RSA_EXPONENT_BITS);
    const n = reader.mpint(`${NAME} n`, MAX_RSA_MODULUS_BITS);
    // A valid public exponent is odd (coprime to the even λ(n)) and e = 1 makes s = m: anyone could
    // "sign". RFC 8017 §3.1 requires 3 ≤ e ≤ n - 1.
    if (e < 3n || (e & 1n) === 0n)
      throw new MalformedMessageError(`${NAME} e`, 'exponent must be odd and ≥ 3');
    const bits = bitLength(n);
    if (bits < MIN_RSA_MODULUS_BITS) {
      throw new MalformedMessageError(
        `${NAME} n`,
        `modulus of ${bits} bits is below ${MIN_RSA_MODULUS_BITS}`,
      );
    }
    return new RsaKey(e, n);
  },
};
