// The host-key algorithms a connection implements (RFC 4253 §6.6, §8): which ones it offers by
// default, and how a client reads the server's K_S for the negotiated one. A value rather than a
// lookup in @sshts/keys' registry, so a connection built with `hostKeySupport([ed25519KeyType])`
// names no other key type and a bundle of it carries no RSA or ECDSA code; the default, with every
// key type and OpenSSH certificates, is in default-host-keys.ts.
import { decodePublicKeyBlob, type KeyType, legacyPublicKeyAlgorithms, type PublicKey } from '@sshts/keys';

export interface HostKeySupport {
  /** Offered in KEXINIT, in this order, unless `algorithms.hostKey` replaces the list. */
  readonly algorithms: readonly string[];
  /**
   * Client: decodes the server's host key blob (K_S). Throws (MalformedMessageError,
   * UnsupportedKeyTypeError) for a blob it cannot read.
   */
  parse(blob: Uint8Array): PublicKey;
  /** The key blob type that host-key algorithm `algorithm` sends (`rsa-sha2-256` → `ssh-rsa`), or undefined. */
  blobType(algorithm: string): string | undefined;
}

/**
 * The host-key algorithms of `keyTypes` (e.g. `[ed25519KeyType]`), plain keys only, offered in the
 * order given (each type's signature algorithms in its own order, legacy SHA-1 `ssh-rsa` left out:
 * ARCHITECTURE.md principle 8).
 */
export function hostKeySupport(keyTypes: readonly KeyType[]): HostKeySupport {
  const types = [...keyTypes];
  return {
    algorithms: types.flatMap((t) =>
      t.signatureAlgorithms.filter((a) => !legacyPublicKeyAlgorithms.includes(a)),
    ),
    parse: (blob) => decodePublicKeyBlob(blob, types),
    blobType: (algorithm) => types.find((t) => t.signatureAlgorithms.includes(algorithm))?.name,
  };
}
