// X25519 key agreement for curve25519-sha256 (RFC 8731 §3): 32-byte public values, and K is the
// X25519 output read as an unsigned big-endian integer, encoded as an mpint. The hybrid methods
// use the same ephemeral keys (x25519Ephemeral) with the raw 32-byte output.
import { x25519 } from '@noble/curves/ed25519.js';
import type { KexContext, X25519KeyPair } from '@sshts/transport';
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
function nobleKeyPair(randomBytes: RandomBytes): X25519KeyPair {
  const secret = randomBytes(KEY_BYTES).slice();
  if (secret.length !== KEY_BYTES) throw new RangeError('randomBytes returned the wrong length');
  return {
    publicKey: x25519.getPublicKey(secret),
    // noble rejects the known low-order u-coordinates before the ladder, and an all-zero result.
    sharedSecret: (peer) => x25519.getSharedSecret(secret, peer),
  };
}

/**
 * Our ephemeral X25519 key for one exchange: from the provider's primitive when it has one
 * (node:crypto, which makes its own secret), otherwise noble's on `randomBytes`. `agree` checks
 * the peer value's length, turns any rejection into KEY_EXCHANGE_FAILED and refuses an all-zero
 * result (RFC 8731 §3), whichever implementation ran.
 */
export function x25519Ephemeral(context: Pick<KexContext, 'randomBytes' | 'x25519KeyPair'>): {
  publicKey: Uint8Array;
  agree(peer: Uint8Array): Uint8Array;
} {
  const pair = context.x25519KeyPair ? context.x25519KeyPair() : nobleKeyPair((n) => context.randomBytes(n));
  if (pair.publicKey.length !== KEY_BYTES) throw new RangeError('X25519 public key of the wrong length');
  return {
    publicKey: pair.publicKey,
    agree(peer) {
      if (peer.length !== KEY_BYTES) {
        throw kexFailed(`X25519 public value must be ${KEY_BYTES} bytes, got ${peer.length}`);
      }
      let shared: Uint8Array;
      try {
        shared = pair.sharedSecret(peer);
      } catch (cause) {
        throw kexFailed('X25519 public value is a low-order point', cause);
      }
      assertNonZeroSecret(shared);
      return shared;
    },
  };
}

/** curve25519-sha256's agreement for one exchange of `context`. */
export function x25519Agreement(context: Pick<KexContext, 'randomBytes' | 'x25519KeyPair'>): KeyAgreement {
  return {
    generate(randomBytes: RandomBytes): EphemeralKey {
      const key = x25519Ephemeral({ randomBytes, x25519KeyPair: context.x25519KeyPair });
      return {
        publicValue: key.publicKey,
        agree: (peerValue) => ({ peerValue, sharedSecret: unsignedToMpint(key.agree(peerValue)) }),
      };
    },
  };
}
