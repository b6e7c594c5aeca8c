// PrivateKey from its mathematical components: the one place every private-key file format
// (openssh-key-v1, PEM PKCS#1/SEC1/PKCS#8, PuTTY PPK) and key generation go through, so each key is
// validated the same way and its public half is a real PublicKey from the public-key parser.
import { MalformedMessageError, SSHWriter } from '@sshts/wire';
import { base64Encode } from './base64.js';
import { KeyFormatError, UnsupportedKeyTypeError } from './errors.js';
import type { PrivateKey, PrivateKeyComponents } from './private-key.js';
import { ecdsaMaterial } from './private-key-ecdsa.js';
import { ed25519Material } from './private-key-ed25519.js';
import { copyComponents, type PrivateKeyMaterial } from './private-key-material.js';
import { rsaMaterial } from './private-key-rsa.js';
import { type PublicKey, parsePublicKey, parsePublicKeyBlob } from './public-key.js';

class InMemoryPrivateKey implements PrivateKey {
  readonly type: string;
  readonly bits: number;
  readonly comment: string;
  readonly signatureAlgorithms: readonly string[];
  readonly publicKey: PublicKey;
  readonly #material: PrivateKeyMaterial;

  constructor(material: PrivateKeyMaterial, publicKey: PublicKey, comment: string) {
    this.#material = material;
    this.publicKey = publicKey;
    this.type = publicKey.type;
    this.bits = publicKey.bits;
    this.comment = comment;
    this.signatureAlgorithms = publicKey.signatureAlgorithms;
  }

  sign(data: Uint8Array, algorithm?: string): Uint8Array {
    if (!(data instanceof Uint8Array)) throw new TypeError('sign expects Uint8Array data');
    const alg = algorithm ?? this.signatureAlgorithms[0]!;
    if (!this.signatureAlgorithms.includes(alg)) {
      throw new TypeError(`${this.type} key cannot sign with ${alg}`);
    }
    // RFC 4253 §6.6: string signature-format-identifier, string signature blob.
    return new SSHWriter().string(alg).string(this.#material.signRaw(alg, data)).finish().slice();
  }

  components(): PrivateKeyComponents {
    return copyComponents(this.#material.components);
  }

  withComment(comment: string): PrivateKey {
    return new InMemoryPrivateKey(
      this.#material,
      publicKeyWithComment(this.publicKey.blob, comment),
      comment,
    );
  }

  toString(): string {
    return `[PrivateKey ${this.type} ${this.publicKey.fingerprint()}]`;
  }
}

function materialOf(components: PrivateKeyComponents): PrivateKeyMaterial {
  switch (components.type) {
    case 'ssh-ed25519':
      return ed25519Material(components);
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return ecdsaMaterial(components);
    case 'ssh-rsa':
      return rsaMaterial(components);
    default:
      throw new UnsupportedKeyTypeError(String((components as { type: unknown }).type));
  }
}

/**
 * The PublicKey of `blob`, carrying `comment` when it fits on an OpenSSH public key line (so
 * `publicKey.toString()` reproduces the .pub file); otherwise with an empty comment.
 */
function publicKeyWithComment(blob: Uint8Array, comment: string): PublicKey {
  const key = parsePublicKeyBlob(blob);
  if (comment === '' || comment !== comment.trim() || /[\r\n]/.test(comment)) return key;
  return parsePublicKey(`${key.type} ${base64Encode(blob)} ${comment}`);
}

/**
 * Builds a PrivateKey from its components, after checking them: Ed25519 seed of 32 bytes; ECDSA
 * 1 ≤ d < n; RSA n = p·q of at least MIN_RSA_MODULUS_BITS, e odd ≥ 3, e·d ≡ 1 mod λ(n), iqmp =
 * q⁻¹ mod p (computed when absent). Throws KeyFormatError for inconsistent components and
 * UnsupportedKeyTypeError for a type we do not implement.
 */
export function privateKeyFromComponents(components: PrivateKeyComponents, comment = ''): PrivateKey {
  if (typeof components !== 'object' || components === null)
    throw new TypeError('components must be an object');
  if (typeof comment !== 'string') throw new TypeError('comment must be a string');
  const material = materialOf(components);
  let publicKey: PublicKey;
  try {
    publicKey = publicKeyWithComment(material.publicKeyBlob, comment);
  } catch (e) {
    // E.g. an ECDSA point that fails OpenSSH's extra range checks (sshkey_ec_validate_public).
    if (e instanceof MalformedMessageError) throw new KeyFormatError(components.type, e.message);
    throw e;
  }
  return new InMemoryPrivateKey(material, publicKey, comment);
}
