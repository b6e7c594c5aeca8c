// The server's checks of a publickey request (RFC 4252 §7; OpenSSH auth2-pubkey.c userauth_pubkey):
// the algorithm must be one the server accepts (sshd PubkeyAcceptedAlgorithms) and belong to the
// key's type (`rsa-sha2-256` with an ssh-rsa blob, `rsa-sha2-512-cert-v01@openssh.com` with an
// ssh-rsa certificate, never `rsa-sha2-256` with an Ed25519 blob); the signature must name that
// algorithm and verify over exactly what §7 lists, rebuilt from the fields received (and the host
// key for publickey-hostbound-v00@openssh.com, PROTOCOL §3.1).
import {
  certificateSignatureAlgorithm,
  publicKeyAlgorithms as keyAlgorithms,
  type PublicKey,
  parsePublicKeyBlob,
  plainSignatureAlgorithm,
} from '@sshts/keys';
import { SSHError } from '@sshts/wire';
import { type PublicKeyFields, publicKeySignedData } from './userauth-messages.js';

/**
 * sshd 9.2's PubkeyAcceptedAlgorithms for the key types we implement: certificates and plain keys,
 * RSA with SHA-2 only (SHA-1 `ssh-rsa` is refused since OpenSSH 8.8 unless configured).
 */
export const DEFAULT_SERVER_PUBLIC_KEY_ALGORITHMS: readonly string[] = Object.freeze([
  ...keyAlgorithms.map((a) => certificateSignatureAlgorithm(a)).filter((a): a is string => a !== undefined),
  ...keyAlgorithms,
]);

/**
 * The plain signature algorithms among `algorithms`, for the EXT_INFO `server-sig-algs` extension
 * the transport sends (RFC 8308 §3.1), which names plain algorithms only.
 */
export function serverSigAlgs(
  algorithms: readonly string[] = DEFAULT_SERVER_PUBLIC_KEY_ALGORITHMS,
): string[] {
  const plain = algorithms.map((a) => plainSignatureAlgorithm(a)).filter((a): a is string => a !== undefined);
  return [...new Set(plain)];
}

/** The key of a request, or why it cannot be used (each a FAILURE, not a disconnect, as in sshd). */
export function offeredKey(
  algorithm: string,
  blob: Uint8Array,
  accepted: readonly string[],
): { key: PublicKey } | { reason: string } {
  if (!accepted.includes(algorithm)) return { reason: `algorithm ${algorithm} is not accepted` };
  let key: PublicKey;
  try {
    key = parsePublicKeyBlob(blob);
  } catch (e) {
    if (!(e instanceof SSHError)) throw e;
    return { reason: `could not parse the key: ${e.message}` };
  }
  // A key lists exactly the algorithms that go with its blob type (a certificate: the -cert ones).
  if (!key.signatureAlgorithms.includes(algorithm)) {
    return { reason: `algorithm ${algorithm} does not match a ${key.type} key` };
  }
  return { key };
}

/**
 * Verifies the signature of a signed request: `string session_id, byte 50, string user, string
 * service, string method, boolean TRUE, string algorithm, string blob[, string host key]`. The
 * signature blob must name `fields.algorithm` (its plain form for a certificate); PublicKey.verify
 * returns false for anything malformed.
 */
export function verifyRequestSignature(
  key: PublicKey,
  sessionId: Uint8Array,
  fields: PublicKeyFields,
  signature: Uint8Array,
): boolean {
  return key.verify(publicKeySignedData(sessionId, fields), signature, fields.algorithm);
}

/** The key material a key (or a certificate, its certified key) stands for. */
export function underlyingKeyBlob(key: PublicKey): Uint8Array {
  return key.certificate?.key.blob ?? key.blob;
}
