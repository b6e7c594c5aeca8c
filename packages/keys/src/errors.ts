// Errors specific to key handling. They extend the wire package's SSHError so callers can branch on
// `instanceof` or on the stable `code` (ARCHITECTURE.md principle 6).
import { SSHError } from '@sshts/wire';

/** A key blob or key line names a key type that this package does not implement. */
export class UnsupportedKeyTypeError extends SSHError {
  /** The type name as received, with non-printable bytes escaped. */
  readonly keyType: string;
  constructor(keyType: string) {
    super('ERR_UNSUPPORTED_KEY_TYPE', `unsupported key type: ${keyType}`);
    this.keyType = keyType;
  }
}
