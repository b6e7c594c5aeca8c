// The decision sshd makes for a public key offered by a client, against parsed authorized_keys
// entries (OpenSSH auth2-pubkeyfile.c auth_check_authkey_line, auth-options.c sshauthopt_merge and
// auth_authorise_keyopts): a plain key must equal a line without cert-authority; a user
// certificate needs a cert-authority line holding its CA, a principal (the `principals=` list, or
// the user name), a valid certificate, and the options of both combined, most restrictive wins.
import { matchHostAndAddress } from './address-match.js';
import type { AuthorizedKeyOptions } from './authorized-key-options.js';
import type { AuthorizedKey } from './authorized-keys.js';
import { bytesEqual } from './bytes-equal.js';
import type { Certificate } from './certificate.js';
import { CertificateError } from './certificate-error.js';
import type { PublicKey } from './public-key.js';

export interface AuthorizeKeyContext {
  /** The account being logged into (the principal a certificate must list without `principals=`). */
  readonly user: string;
  /** The client's IP address; needed by `from=` and certificate `source-address`. */
  readonly address?: string;
  /** The client's canonical host name for `from=` host patterns (sshd UseDNS); default: the address. */
  readonly host?: string;
  /** Seconds since the epoch; default now. */
  readonly now?: number;
  /** CA signature algorithms accepted (CASignatureAlgorithms); default excludes SHA-1 ssh-rsa. */
  readonly caSignatureAlgorithms?: readonly string[];
}

export type AuthorizeKeyResult =
  | {
      readonly authorized: true;
      /** The authorized_keys line that let the key in. */
      readonly entry: AuthorizedKey;
      /** The line's options, combined with a certificate's (sshauthopt_merge). */
      readonly options: AuthorizedKeyOptions;
      readonly certificate?: Certificate;
    }
  | {
      readonly authorized: false;
      /** Why each line that held the key (or its CA) refused it; empty when none did. */
      readonly reasons: readonly string[];
    };

/**
 * A certificate's options merged with the line's (sshauthopt_merge): a permission needs both; a
 * forced command from both must be identical. Undefined with `reason` when they conflict.
 */
function mergeCertificateOptions(
  line: AuthorizedKeyOptions,
  cert: Certificate,
): { options: AuthorizedKeyOptions } | { reason: string } {
  const ext = (name: string): boolean => cert.extensions.has(name);
  const command = cert.forceCommand;
  if (line.command !== undefined && command !== undefined && line.command !== command) {
    return { reason: 'forced command options do not match' };
  }
  return {
    options: Object.freeze({
      ...line,
      certAuthority: false,
      principals: undefined,
      agentForwarding: line.agentForwarding && ext('permit-agent-forwarding'),
      portForwarding: line.portForwarding && ext('permit-port-forwarding'),
      x11Forwarding: line.x11Forwarding && ext('permit-X11-forwarding'),
      pty: line.pty && ext('permit-pty'),
      userRc: line.userRc && ext('permit-user-rc'),
      touchRequired: line.touchRequired || !ext('no-touch-required'),
      verifyRequired: line.verifyRequired || cert.criticalOptions.has('verify-required'),
      command: line.command ?? command,
    }),
  };
}

/** auth_authorise_keyopts: expiry-time and from= of the (merged) options. */
function refusedByOptions(
  options: AuthorizedKeyOptions,
  context: AuthorizeKeyContext,
  now: number,
): string | undefined {
  if (options.expiryTime !== undefined && options.expiryTime < now) return 'key expired (expiry-time)';
  if (options.from !== undefined) {
    if (context.address === undefined) return 'from= restricts the client address and none was given';
    if (!matchHostAndAddress(context.host, context.address, options.from)) {
      return `client ${context.host ?? context.address} is not permitted by from="${options.from}"`;
    }
  }
  return undefined;
}

/**
 * Finds the first authorized_keys entry that lets `key` log in as `context.user`, as sshd does. For a
 * certificate the CA signature, validity, principals and critical options are checked
 * (Certificate.check with certType 'user'; an empty principal list is accepted here, as on
 * cert-authority lines in sshd).
 */
export function authorizeKey(
  entries: readonly AuthorizedKey[],
  key: PublicKey,
  context: AuthorizeKeyContext,
): AuthorizeKeyResult {
  const now = context.now ?? Math.floor(Date.now() / 1000);
  const reasons: string[] = [];
  const cert = key.certificate;
  for (const entry of entries) {
    let options: AuthorizedKeyOptions = entry.options;
    if (cert === undefined) {
      if (entry.options.certAuthority || !bytesEqual(entry.key.blob, key.blob)) continue;
    } else {
      if (!entry.options.certAuthority || entry.key.certificate !== undefined) continue;
      if (!bytesEqual(entry.key.blob, cert.signatureKey.blob)) continue;
      const listed = entry.options.principals;
      // auth2-pubkeyfile.c match_principals_option: some certificate principal is in the list.
      if (listed !== undefined && !cert.principals.some((p) => listed.includes(p))) {
        reasons.push(`line ${entry.line}: certificate does not contain an authorized principal`);
        continue;
      }
      try {
        cert.check({
          certType: 'user',
          requirePrincipal: false,
          now,
          ...(listed === undefined ? { principal: context.user } : {}),
          ...(context.address === undefined ? {} : { sourceAddress: context.address }),
          ...(context.caSignatureAlgorithms === undefined
            ? {}
            : { allowedAlgorithms: context.caSignatureAlgorithms }),
        });
      } catch (e) {
        if (!(e instanceof CertificateError)) throw e;
        reasons.push(`line ${entry.line}: ${e.message}`);
        continue;
      }
      const merged = mergeCertificateOptions(entry.options, cert);
      if ('reason' in merged) {
        reasons.push(`line ${entry.line}: ${merged.reason}`);
        continue;
      }
      options = merged.options;
    }
    const refused = refusedByOptions(options, context, now);
    if (refused !== undefined) {
      reasons.push(`line ${entry.line}: ${refused}`);
      continue;
    }
    return cert === undefined
      ? { authorized: true, entry, options }
      : { authorized: true, entry, options, certificate: cert };
  }
  return { authorized: false, reasons };
}
