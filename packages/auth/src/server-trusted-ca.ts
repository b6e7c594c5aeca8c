// sshd's TrustedUserCAKeys (OpenSSH auth2-pubkey.c user_cert_trusted_ca): a user certificate is
// accepted without an authorized_keys line when a trusted CA signed it, it is a valid user
// certificate with only critical options sshd understands (satisfied: source-address against the
// client's address), and it lists the user as a principal — or, with AuthorizedPrincipalsFile,
// one of the names allowed for the user. A principal list is required either way.
import { type Certificate, CertificateError, type PublicKey } from '@sshts/keys';
import type { PublicKeyAcceptance } from './server-auth-types.js';
import { certificateKeyOptions } from './server-key-options.js';

export interface TrustedCaCheck {
  readonly cas: readonly PublicKey[];
  /** The names allowed for the user (AuthorizedPrincipalsFile); undefined: the user name itself. */
  readonly principals: readonly string[] | undefined;
  /** Seconds since the epoch. */
  readonly now: number;
  readonly address: string | undefined;
  readonly caSignatureAlgorithms: readonly string[] | undefined;
}

/**
 * Undefined when `cert` is not from one of `check.cas` (someone else may still accept it);
 * otherwise the acceptance or why the certificate is refused.
 */
export function checkTrustedCertificate(
  cert: Certificate,
  user: string,
  check: TrustedCaCheck,
): { accepted: PublicKeyAcceptance } | { reason: string } | undefined {
  if (!check.cas.some((ca) => ca.certificate === undefined && ca.equals(cert.signatureKey))) return undefined;
  const listed = check.principals;
  if (listed !== undefined && !cert.principals.some((p) => listed.includes(p))) {
    return { reason: 'certificate does not contain an authorized principal' };
  }
  try {
    cert.check({
      certType: 'user',
      requirePrincipal: true,
      now: check.now,
      ...(listed === undefined ? { principal: user } : {}),
      ...(check.address === undefined ? {} : { sourceAddress: check.address }),
      ...(check.caSignatureAlgorithms === undefined
        ? {}
        : { allowedAlgorithms: check.caSignatureAlgorithms }),
    });
  } catch (e) {
    if (e instanceof CertificateError) return { reason: `certificate refused: ${e.message}` };
    throw e;
  }
  return { accepted: { options: certificateKeyOptions(cert), certificate: cert } };
}
