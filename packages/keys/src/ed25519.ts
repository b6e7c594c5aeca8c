// ssh-ed25519 (RFC 8709). Key blob: `string "ssh-ed25519", string key` with a 32-byte key (§4);
// signature blob: `string "ssh-ed25519", string signature` with a 64-byte signature (§6),
// verified per RFC 8032 §5.1.7 (§7).
import { ed25519 } from '@noble/curves/ed25519.js';
import { MalformedMessageError, type SSHReader } from '@sshts/wire';
import type { KeyType, VerifyingKey } from './key-type.js';

const NAME = 'ssh-ed25519';
/** RFC 8032 §5.1.5: the public key is 32 octets. */
export const ED25519_PUBLIC_KEY_LENGTH = 32;
/** RFC 8032 §5.1.6: the signature is 64 octets (R ‖ S). */
export const ED25519_SIGNATURE_LENGTH = 64;

/**
 * Strict RFC 8032 verification. noble 2.x's `ed25519.verify` defaults to ZIP-215 rules (it accepts
 * non-canonical point encodings and small-order keys); `zip215: false` gives RFC 8032 / FIPS 186-5
 * behaviour: canonical encodings only, S < L, small-order public keys rejected.
 */
const STRICT = { zip215: false } as const;

class Ed25519Key implements VerifyingKey {
  readonly bits = 256;
  readonly #key: Uint8Array;
  constructor(key: Uint8Array) {
    this.#key = key;
  }

  verify(_algorithm: string, signature: Uint8Array, data: Uint8Array): boolean {
    // Exact length first (Go CVE-2020-9283 panicked on short keys/signatures).
    if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
    return ed25519.verify(signature, data, this.#key, STRICT);
  }
}

export const ed25519KeyType: KeyType = {
  name: NAME,
  signatureAlgorithms: Object.freeze([NAME]),
  decodePublicKey(reader: SSHReader): VerifyingKey {
    const key = reader.string(`${NAME} key`, ED25519_PUBLIC_KEY_LENGTH);
    if (key.length !== ED25519_PUBLIC_KEY_LENGTH) {
      throw new MalformedMessageError(
        `${NAME} key`,
        `length ${key.length}, expected ${ED25519_PUBLIC_KEY_LENGTH}`,
      );
    }
    return new Ed25519Key(key.slice());
  },
};
