// The typed failure of Certificate.check (ARCHITECTURE.md principle 6: errors branch on class or
// stable code). `reason` says which rule failed, mirroring the reasons OpenSSH logs in
// sshkey_cert_check_authority and auth-options.c cert_option_list.
import { SSHError } from '@sshts/wire';

export type CertificateErrorReason =
  /** The CA signature does not verify. */
  | 'signature'
  /** The CA signed with an algorithm not in the allowed list (CASignatureAlgorithms). */
  | 'signature-algorithm'
  /** A user certificate where a host one was needed, or the reverse. */
  | 'type'
  /** now < valid_after. */
  | 'not-yet-valid'
  /** now ≥ valid_before. */
  | 'expired'
  /** The principal is not listed, or the list is empty where one is required. */
  | 'principal'
  /** A critical option is unknown, malformed or repeated (all critical options are critical). */
  | 'critical-option'
  /** The client address is not in the source-address list, or no address was given to check. */
  | 'source-address'
  /** An extension sshd acts on (permit-pty, …) carries data where it must be empty. */
  | 'extension';

export class CertificateError extends SSHError {
  readonly reason: CertificateErrorReason;
  constructor(reason: CertificateErrorReason, message: string) {
    super('ERR_CERTIFICATE', `certificate invalid: ${message}`);
    this.reason = reason;
  }
}
