// A private key: the secret half of one of our key types, able to sign with every signature
// algorithm of its type. File formats (openssh-key-v1, PEM PKCS#1/SEC1/PKCS#8, PuTTY PPK) decode to
// PrivateKeyComponents and build the key with privateKeyFromComponents; writers read components().
import type { PublicKey } from './public-key.js';

/** The mathematical content of a private key, independent of any file format. */
export type PrivateKeyComponents =
  | {
      readonly type: 'ssh-ed25519';
      /** RFC 8032 §5.1.5 32-byte secret seed. */
      readonly seed: Uint8Array;
    }
  | {
      readonly type: 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521';
      /** The private scalar, 1 ≤ d < n. */
      readonly d: bigint;
    }
  | {
      readonly type: 'ssh-rsa';
      readonly n: bigint;
      readonly e: bigint;
      readonly d: bigint;
      readonly p: bigint;
      readonly q: bigint;
      /** q⁻¹ mod p (RFC 8017 §3.2 qInv; OpenSSH's iqmp). Computed when absent. */
      readonly iqmp?: bigint;
    };

/**
 * Anything that can make SSH signatures for a public key: a PrivateKey in memory, or a key held by
 * an SSH agent (whose sign is asynchronous).
 */
export interface Signer {
  readonly publicKey: PublicKey;
  /**
   * Signs `data` and returns the SSH signature blob (`string algorithm, string signature`, RFC 4253
   * §6.6). `algorithm` is one of `publicKey.signatureAlgorithms`; default: the first (strongest).
   */
  sign(data: Uint8Array, algorithm?: string): Uint8Array | Promise<Uint8Array>;
}

export interface PrivateKey extends Signer {
  /** The key blob type: 'ssh-ed25519', 'ecdsa-sha2-nistp256' …, 'ssh-rsa'. */
  readonly type: string;
  readonly bits: number;
  /** The comment stored with the key ('' when none). */
  readonly comment: string;
  /** Signature algorithms this key can make, strongest first (as publicKey.signatureAlgorithms). */
  readonly signatureAlgorithms: readonly string[];
  /** Synchronous signing: the SSH signature blob. Throws TypeError for an algorithm not of this type. */
  sign(data: Uint8Array, algorithm?: string): Uint8Array;
  /** The secret values, for writing the key in a file format. */
  components(): PrivateKeyComponents;
  /** The same key with another comment. */
  withComment(comment: string): PrivateKey;
}
