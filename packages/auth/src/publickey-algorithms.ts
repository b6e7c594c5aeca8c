// Which signature algorithm a publickey request names (RFC 4252 §7, RFC 8332 §3.2, RFC 8308 §3.1,
// PROTOCOL.certkeys). The key's own list gives our order (RSA: rsa-sha2-512, rsa-sha2-256); the
// server's `server-sig-algs` filters it when sent. Legacy ssh-rsa (SHA-1) is used only when asked
// for by name. For a certificate the request names the certificate algorithm
// (`rsa-sha2-512-cert-v01@openssh.com`), while server-sig-algs lists plain names, so it is matched
// through plainSignatureAlgorithm.
import {
  certificateSignatureAlgorithm,
  isCertificateAlgorithm,
  type PublicKey,
  plainSignatureAlgorithm,
} from '@sshts/keys';
import { SSHError } from '@sshts/wire';

export interface PublicKeyAlgorithm {
  /** The algorithm name in USERAUTH_REQUEST (and PK_OK). */
  request: string;
  /** The algorithm passed to Signer.sign: one of the key's signatureAlgorithms. */
  sign: string;
  /** The plain signature algorithm, as server-sig-algs lists it and as the signature blob names it. */
  plain: string;
}

/** The SHA-1 RSA signature algorithm (RFC 8332 §1: deprecated; OpenSSH 8.8+ refuses it by default). */
const LEGACY_RSA = 'ssh-rsa';

function describe(key: PublicKey, algorithm: string): PublicKeyAlgorithm | undefined {
  if (!isCertificateAlgorithm(key.type)) return { request: algorithm, sign: algorithm, plain: algorithm };
  if (isCertificateAlgorithm(algorithm)) {
    const plain = plainSignatureAlgorithm(algorithm);
    return plain === undefined ? undefined : { request: algorithm, sign: algorithm, plain };
  }
  const request = certificateSignatureAlgorithm(algorithm);
  return request === undefined ? undefined : { request, sign: algorithm, plain: algorithm };
}

/**
 * The algorithms to try for `key`, in order. With `requested`, exactly that one (matched by
 * request, signer or plain name; even ssh-rsa); otherwise the key's algorithms minus ssh-rsa,
 * filtered by server-sig-algs when the server sent it and the filter leaves any (OpenSSH 9.2's list
 * is not filtered by its configuration, so a listed algorithm may still be refused, and a server
 * may omit some it accepts: with nothing left, every algorithm is tried).
 */
export function publicKeyAlgorithms(
  key: PublicKey,
  serverSigAlgs: readonly string[] | undefined,
  requested?: string,
): PublicKeyAlgorithm[] {
  const all = key.signatureAlgorithms
    .map((a) => describe(key, a))
    .filter((a): a is PublicKeyAlgorithm => a !== undefined);
  if (requested !== undefined) {
    const match = all.find((a) => a.request === requested || a.sign === requested || a.plain === requested);
    if (!match) {
      throw new SSHError(
        'ERR_AUTH_ALGORITHM',
        `a ${key.type} key cannot sign with ${requested} (it can: ${all.map((a) => a.request).join(', ')})`,
      );
    }
    return [match];
  }
  const modern = all.filter((a) => a.plain !== LEGACY_RSA);
  if (serverSigAlgs === undefined) return modern;
  const accepted = modern.filter((a) => serverSigAlgs.includes(a.plain) || serverSigAlgs.includes(a.request));
  return accepted.length > 0 ? accepted : modern;
}
