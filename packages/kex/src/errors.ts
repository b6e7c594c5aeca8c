// The error a key exchange throws when the peer's values are well-formed but unacceptable: a bad
// public value, an all-zero shared secret, a group out of range (RFC 4253 §11.1 reason 3).
import { DisconnectReason, ProtocolError } from '@sshts/wire';

/** ProtocolError with reason KEY_EXCHANGE_FAILED and code `ERR_KEY_EXCHANGE`. */
export function kexFailed(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError(message, {
    code: 'ERR_KEY_EXCHANGE',
    reason: DisconnectReason.KEY_EXCHANGE_FAILED,
    ...(cause === undefined ? {} : { cause }),
  });
}
