// The SSH encoding of a private key — `string type` then the type's public and secret fields —
// shared by openssh-key-v1 files (PROTOCOL.key; sshkey.c sshkey_private_serialize) and the agent
// protocol's SSH_AGENTC_ADD_IDENTITY (RFC 9987): ssh-ed25519 `string A, string k ‖ A`;
// ecdsa-sha2-* `string curve, string Q, mpint d`; ssh-rsa `mpint n, e, d, iqmp, p, q`.
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import { UnsupportedKeyTypeError } from './errors.js';
import { MAX_ALGORITHM_NAME_BYTES, MAX_RSA_MODULUS_BITS } from './limits.js';
import type { PrivateKeyComponents } from './private-key.js';
import { ECDSA_CURVES, type EcdsaKeyTypeName } from './private-key-ecdsa.js';
import { ED25519_SEED_LENGTH } from './private-key-ed25519.js';

const ED25519_PUBLIC_LENGTH = 32;

export interface DecodedPrivateKey {
  readonly components: PrivateKeyComponents;
  /**
   * The public key blob that the encoding's own public fields state (Ed25519 A, ECDSA curve and Q,
   * RSA e and n). The caller checks it equals the blob derived from the secret: a file whose stored
   * public half differs from its secret is corrupt or forged.
   */
  readonly statedPublicKeyBlob: Uint8Array;
}

function isEcdsaType(type: string): type is EcdsaKeyTypeName {
  return Object.hasOwn(ECDSA_CURVES, type);
}

/** Reads one encoded private key. MalformedMessageError for a bad field; UnsupportedKeyTypeError. */
export function readPrivateKey(reader: SSHReader): DecodedPrivateKey {
  const type = reader.utf8('private key type', MAX_ALGORITHM_NAME_BYTES);
  const blob = new SSHWriter().string(type);
  if (type === 'ssh-ed25519') {
    const a = reader.string('ssh-ed25519 public key', ED25519_PUBLIC_LENGTH);
    const sk = reader.string('ssh-ed25519 secret key', ED25519_SEED_LENGTH + ED25519_PUBLIC_LENGTH);
    if (a.length !== ED25519_PUBLIC_LENGTH || sk.length !== ED25519_SEED_LENGTH + ED25519_PUBLIC_LENGTH) {
      throw new MalformedMessageError('ssh-ed25519 private key', 'wrong key lengths');
    }
    // The 64-byte secret is seed ‖ A (RFC 9987; the ref10/libsodium layout); both copies of A
    // must agree.
    if (!bytesEqual(sk.subarray(ED25519_SEED_LENGTH), a)) {
      throw new MalformedMessageError(
        'ssh-ed25519 secret key',
        'its public half differs from the public key',
      );
    }
    return {
      components: { type, seed: sk.slice(0, ED25519_SEED_LENGTH) },
      statedPublicKeyBlob: blob.string(a).finish().slice(),
    };
  }
  if (isEcdsaType(type)) {
    const { curve } = ECDSA_CURVES[type];
    const curveId = reader.string(`${type} curve`, 16);
    const q = reader.string(`${type} Q`, 1 + 2 * curve.Point.Fp.BYTES);
    const d = reader.mpint(`${type} d`, curve.Point.Fn.BITS);
    return { components: { type, d }, statedPublicKeyBlob: blob.string(curveId).string(q).finish().slice() };
  }
  if (type === 'ssh-rsa') {
    const field = (name: string) => reader.mpint(`ssh-rsa ${name}`, MAX_RSA_MODULUS_BITS);
    const n = field('n');
    const e = field('e');
    const d = field('d');
    const iqmp = field('iqmp');
    const p = field('p');
    const q = field('q');
    return {
      components: { type, n, e, d, p, q, iqmp },
      statedPublicKeyBlob: blob.mpint(e).mpint(n).finish().slice(),
    };
  }
  throw new UnsupportedKeyTypeError(type);
}

/**
 * Appends the encoding of a key given its components (RSA iqmp present, as PrivateKey.components()
 * returns them) and its public key blob, from which the public fields are copied.
 */
export function writePrivateKey(
  writer: SSHWriter,
  components: PrivateKeyComponents,
  publicKeyBlob: Uint8Array,
): void {
  const pub = new SSHReader(publicKeyBlob);
  pub.string('public key type');
  writer.string(components.type);
  switch (components.type) {
    case 'ssh-ed25519': {
      const a = pub.string('ssh-ed25519 public key');
      const sk = new Uint8Array(ED25519_SEED_LENGTH + a.length);
      sk.set(components.seed);
      sk.set(a, ED25519_SEED_LENGTH);
      writer.string(a).string(sk);
      return;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      writer.string(pub.string('curve')).string(pub.string('Q')).mpint(components.d);
      return;
    case 'ssh-rsa': {
      const { n, e, d, p, q, iqmp } = components;
      if (iqmp === undefined) throw new TypeError('RSA components need iqmp');
      writer.mpint(n).mpint(e).mpint(d).mpint(iqmp).mpint(p).mpint(q);
      return;
    }
  }
}

/** Equality of byte strings without an early exit (the inputs may be secret). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
