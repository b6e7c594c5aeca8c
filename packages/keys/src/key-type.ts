// What a public-key algorithm provides (ARCHITECTURE.md principle 4: algorithms are registries of
// values, not switch statements). One KeyType per key blob type name (RFC 4253 §6.6); adding a key
// type means adding one file and one registry entry.
import type { SSHReader } from '@sshts/wire';

/** A decoded public key that can check signatures. */
export interface VerifyingKey {
  /** Key size in bits: 256 for Ed25519, the curve size for ECDSA, the modulus size for RSA. */
  readonly bits: number;
  /**
   * Checks `signature` — the content of the `string signature` field of an RFC 4253 §6.6 signature
   * blob — made with `algorithm` (one of the key type's `signatureAlgorithms`) over `data`. Returns
   * false for any invalid or malformed signature; never throws for peer input.
   */
  verify(algorithm: string, signature: Uint8Array, data: Uint8Array): boolean;
}

export interface KeyType {
  /** The key blob's type name, e.g. `ssh-ed25519`, `ssh-rsa`. */
  readonly name: string;
  /** Signature algorithm names usable with this key type, in our order of preference. */
  readonly signatureAlgorithms: readonly string[];
  /**
   * Decodes the fields that follow the type name in a public key blob. The reader is left after the
   * last field (the caller checks for trailing data). Throws MalformedMessageError for a bad field,
   * before any allocation a length field asks for.
   */
  decodePublicKey(reader: SSHReader): VerifyingKey;
}
