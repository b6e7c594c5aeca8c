// What each key type's private half provides to the generic PrivateKey (private-key-from-components.ts):
// the validated components, the public key blob they imply, and the raw signature operation.
import type { PrivateKeyComponents } from './private-key.js';

export interface PrivateKeyMaterial {
  /** The components, validated and completed (RSA iqmp filled in). Never handed out uncopied. */
  readonly components: PrivateKeyComponents;
  /** The RFC 4253 §6.6 public key blob of the key. */
  readonly publicKeyBlob: Uint8Array;
  /**
   * The `string signature` content of an RFC 4253 §6.6 signature blob over `data`, for `algorithm`
   * (already checked to be one of the key type's signature algorithms).
   */
  signRaw(algorithm: string, data: Uint8Array): Uint8Array;
}

/** A copy of `components` whose byte arrays are fresh copies (BigInts are immutable). */
export function copyComponents(components: PrivateKeyComponents): PrivateKeyComponents {
  return components.type === 'ssh-ed25519'
    ? { type: components.type, seed: components.seed.slice() }
    : { ...components };
}
