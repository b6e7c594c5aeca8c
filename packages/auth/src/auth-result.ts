// What one authentication attempt ends with, and the typed error a caller throws for a failure.
import { AuthenticationError } from '@sshts/wire';

/**
 * The outcome of one method: success, or the server's USERAUTH_FAILURE (RFC 4252 §5.1) with the
 * methods that can continue and whether this request was a partial success (more methods needed).
 */
export type AuthResult =
  | { success: true }
  | { success: false; allowedMethods: string[]; partialSuccess: boolean };

export type AuthFailure = Extract<AuthResult, { success: false }>;

/** An AuthenticationError for a failed result: the message names the method and what the server allows. */
export function authenticationError(result: AuthFailure, method?: string): AuthenticationError {
  const what = method ? `${method} authentication` : 'authentication';
  const allowed = result.allowedMethods.length > 0 ? result.allowedMethods.join(',') : 'none';
  const message = result.partialSuccess
    ? `${what} succeeded partially; the server requires more: ${allowed}`
    : `${what} failed; the server allows: ${allowed}`;
  return new AuthenticationError(message, result.allowedMethods, result.partialSuccess);
}

/** Throws authenticationError(result, method) unless the result is a success. */
export function assertAuthenticated(
  result: AuthResult,
  method?: string,
): asserts result is { success: true } {
  if (!result.success) throw authenticationError(result, method);
}
