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

/**
 * A key file (private key, certificate, known_hosts or authorized_keys text) is malformed, truncated,
 * or uses a format, cipher or KDF we do not implement. `format` names the format being read.
 */
export class KeyFormatError extends SSHError {
  readonly format: string;
  constructor(format: string, message: string) {
    super('ERR_KEY_FORMAT', `${format}: ${message}`);
    this.format = format;
  }
}

/** A private key file is encrypted and no passphrase was given. */
export class PassphraseRequiredError extends SSHError {
  constructor(format: string) {
    super('ERR_PASSPHRASE_REQUIRED', `${format}: the key is encrypted and needs a passphrase`);
  }
}

/**
 * The passphrase does not decrypt the key: the check integers of openssh-key-v1 differ, the padding of
 * a CBC-encrypted PEM/PKCS#8 key is wrong, or a PPK MAC fails. Distinct from KeyFormatError so a
 * caller can ask again.
 */
export class WrongPassphraseError extends SSHError {
  constructor(format: string) {
    super('ERR_WRONG_PASSPHRASE', `${format}: wrong passphrase`);
  }
}
