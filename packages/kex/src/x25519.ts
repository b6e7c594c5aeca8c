// X25519 key agreement for curve25519-sha256 (RFC 8731 §3): 32-byte public values, and K is the
// X25519 output read as an unsigned big-endian integer, encoded as an mpint.
import { x25519 } from '@noble/curves/ed25519.js';
import { unsignedToMpint } from './bytes.js';
import { kexFailed } from './errors.js';
import type { EphemeralKey, KeyAgreement, RandomBytes } from './key-agreement.js';

const KEY_BYTES = 32;

/**
 * RFC 8731 §3: both sides MUST abort when the X25519 shared secret is all zeros (the peer sent a
 * low-order point). Looks at every byte, whatever the content.
 */
export function assertNonZeroSecret(secret: Uint8Array): void {
  let acc = 0;
  for (const b of secret) acc |= b;
  if (acc === 0) throw kexFailed('X25519 shared secret is all zeros (low-order public value)');
}

/** The private key is the first 32 random bytes, as given (X25519 clamps it, RFC 7748 §5). */
export const x25519Agreement: KeyAgreement = {
  generate(randomBytes: RandomBytes): EphemeralKey {
    const secret = randomBytes(KEY_BYTES).slice();
    if (secret.length !== KEY_BYTES) throw new RangeError('randomBytes returned the wrong length');
    return {
      publicValue: x25519.getPublicKey(secret),
      agree(peerValue: Uint8Array) {
        if (peerValue.length !== KEY_BYTES) {
          throw kexFailed(`X25519 public value must be ${KEY_BYTES} bytes, got ${peerValue.length}`);
        }
        let shared: Uint8Array;
        try {
          // noble rejects the known low-order u-coordinates before the ladder.
          shared = x25519.getSharedSecret(secret, peerValue);
        } catch (cause) {
          throw kexFailed('X25519 public value is a low-order point', cause);
        }
        assertNonZeroSecret(shared);
        return { peerValue, sharedSecret: unsignedToMpint(shared) };
      },
    };
  },
};
