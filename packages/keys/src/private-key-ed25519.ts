// The private half of ssh-ed25519 (RFC 8709): the RFC 8032 §5.1.5 32-byte seed. The public key is
// derived from it (§5.1.5 steps 1–4), signatures are RFC 8032 §5.1.6 (RFC 8709 §6) via @noble/curves.
import { ed25519 } from '@noble/curves/ed25519.js';
import { SSHWriter } from '@sshts/wire';
import { KeyFormatError } from './errors.js';
import type { PrivateKeyComponents } from './private-key.js';
import type { PrivateKeyMaterial } from './private-key-material.js';

/** RFC 8032 §5.1.5: the secret key is 32 octets. */
export const ED25519_SEED_LENGTH = 32;

export function ed25519Material(
  components: Extract<PrivateKeyComponents, { type: 'ssh-ed25519' }>,
): PrivateKeyMaterial {
  const { seed } = components;
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_LENGTH) {
    throw new KeyFormatError('ssh-ed25519', `seed must be ${ED25519_SEED_LENGTH} bytes`);
  }
  const secret = seed.slice();
  const publicKey = ed25519.getPublicKey(secret);
  return {
    components: { type: 'ssh-ed25519', seed: secret },
    publicKeyBlob: new SSHWriter().string('ssh-ed25519').string(publicKey).finish().slice(),
    signRaw: (_algorithm, data) => ed25519.sign(data, secret),
  };
}
