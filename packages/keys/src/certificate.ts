// OpenSSH certificates (PROTOCOL.certkeys): the decoded fields of a `*-cert-v01@openssh.com` key
// blob and the checks a verifier applies to them (sshkey.c cert_parse, sshkey_cert_check_authority,
// auth-options.c cert_option_list). A certificate PublicKey carries one as `publicKey.certificate`.
import type { PublicKey } from './public-key.js';

/** PROTOCOL.certkeys SSH_CERT_TYPE_USER (1) and SSH_CERT_TYPE_HOST (2). */
export type CertificateType = 'user' | 'host';

/** valid_before of a certificate that never expires (`ssh-keygen -V forever`): 2^64 − 1. */
export const CERTIFICATE_VALID_FOREVER = 0xffffffffffffffffn;

/** Most principals in one certificate: OpenSSH's SSHKEY_CERT_MAX_PRINCIPALS (sshkey.c). */
export const MAX_CERTIFICATE_PRINCIPALS = 256;

/**
 * OpenSSH 9.2's default CASignatureAlgorithms (ssh_config(5), sshd_config(5)) for the key types we
 * implement: SHA-1 `ssh-rsa` CA signatures are refused unless explicitly allowed.
 */
export const DEFAULT_CA_SIGNATURE_ALGORITHMS: readonly string[] = Object.freeze([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
]);

/** Critical options OpenSSH 9.2 understands in user certificates (auth-options.c cert_option_list). */
export const KNOWN_USER_CRITICAL_OPTIONS: readonly string[] = Object.freeze([
  'force-command',
  'source-address',
  'verify-required',
]);

export interface CertificateVerifyOptions {
  /**
   * Signature algorithms accepted for the CA's signature (OpenSSH CASignatureAlgorithms). Default:
   * DEFAULT_CA_SIGNATURE_ALGORITHMS, which excludes SHA-1 `ssh-rsa`.
   */
  readonly allowedAlgorithms?: readonly string[];
}

export interface CertificateCheckOptions extends CertificateVerifyOptions {
  /** The use: 'host' when authenticating a server, 'user' when authenticating a client. */
  readonly certType: CertificateType;
  /**
   * The name that must be a listed principal: the user name (user certificates) or the host name
   * as the user gave it, without port (host certificates, as ssh's check_host_cert). Compared
   * exactly, as OpenSSH does. Omit to skip the principal match (e.g. when an authorized_keys
   * `principals=` list is matched separately).
   */
  readonly principal?: string;
  /**
   * Whether a certificate with an empty principal list is refused. OpenSSH: true for
   * TrustedUserCAKeys (auth2-pubkey.c), false for authorized_keys `cert-authority` lines and for
   * host certificates. Default: true for 'user', false for 'host'.
   */
  readonly requirePrincipal?: boolean;
  /** The time to check against, in seconds since the epoch. Default: now. */
  readonly now?: number | bigint;
  /**
   * The client's IP address, checked against a user certificate's `source-address` option. A
   * certificate with that option is refused when this is not given.
   */
  readonly sourceAddress?: string;
}

export interface Certificate {
  /** CA-chosen random bytes that make the signed data unpredictable. */
  readonly nonce: Uint8Array;
  /** The certified (plain) key: the key that signs when the certificate is used. */
  readonly key: PublicKey;
  /** The CA's serial number; 0 when the CA does not number its certificates. */
  readonly serial: bigint;
  readonly certType: CertificateType;
  /** Free-form identity the CA put in the certificate (`ssh-keygen -I`), for logs. */
  readonly keyId: string;
  /** User names (user certificates) or host names (host certificates); empty means any. */
  readonly principals: readonly string[];
  /** Valid from this time (seconds since the epoch, inclusive). */
  readonly validAfter: bigint;
  /** Valid until this time (seconds since the epoch, exclusive); CERTIFICATE_VALID_FOREVER for no end. */
  readonly validBefore: bigint;
  /** Critical options by name: the raw `data` field (e.g. force-command's data is `string command`). */
  readonly criticalOptions: ReadonlyMap<string, Uint8Array>;
  /** Extensions by name: the raw `data` field (empty for the permit-* flags). */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
  /** The reserved field (ignored by this version of the protocol). */
  readonly reserved: Uint8Array;
  /** The CA's public key (never a certificate: chained certificates are not supported). */
  readonly signatureKey: PublicKey;
  /** The CA's signature blob (`string algorithm, string signature`, RFC 4253 §6.6). */
  readonly signature: Uint8Array;
  /** Everything the CA signed: the certificate blob up to and including the signature key. */
  readonly signedData: Uint8Array;
  /** The `force-command` critical option's command, when present and well formed. */
  readonly forceCommand: string | undefined;
  /** The `source-address` critical option's CIDR list, when present and well formed. */
  readonly sourceAddresses: readonly string[] | undefined;
  /**
   * True when the CA's signature over `signedData` verifies with `signatureKey` and uses an allowed
   * algorithm. Never throws for a bad or malformed signature.
   */
  verifySignature(options?: CertificateVerifyOptions): boolean;
  /**
   * Throws CertificateError unless the certificate may be used as `options` says: the CA signature
   * verifies (with an allowed algorithm), the type matches, valid_after ≤ now < valid_before, the
   * principal is listed, and every critical option is understood and satisfied (sshkey.c
   * sshkey_cert_check_authority / sshkey_cert_check_host; auth-options.c cert_option_list). It does
   * not decide whether the CA is trusted: that is the caller's (known_hosts, authorized_keys).
   */
  check(options: CertificateCheckOptions): void;
}
