// Typed errors of the authentication layer (ARCHITECTURE.md principle 6), in the @sshts/wire
// SSHError family.
import { AuthenticationError, SSHError, type SSHErrorOptions } from '@sshts/wire';

/**
 * The server asked for a password change (RFC 4252 §8, SSH_MSG_USERAUTH_PASSWD_CHANGEREQ) and no
 * `onChangeRequest` handler supplied a new password. The server is waiting for a new request, so
 * another method (or password() again with a handler) may follow.
 */
export class PasswordChangeRequiredError extends AuthenticationError {
  /** The server's prompt, e.g. "Your password has expired". */
  readonly prompt: string;
  readonly language: string;
  constructor(prompt: string, language = '') {
    super(`the server requires a password change: ${prompt}`, ['password'], false);
    this.prompt = prompt;
    this.language = language;
  }
}

/** An SSH agent refused a request, broke the agent protocol, or its connection ended. */
export class AgentError extends SSHError {
  /**
   * `ERR_AGENT_FAILURE` (the agent answered SSH_AGENT_FAILURE), `ERR_AGENT_PROTOCOL` (bad or
   * oversized frame, unexpected reply), `ERR_AGENT_CLOSED` (the connection ended),
   * `ERR_AGENT_TOO_LARGE` (a request over MAX_AGENT_MESSAGE_BYTES, not sent) or
   * `ERR_AGENT_NO_SOCKET` (no agent to connect to).
   */
  constructor(code: string, message: string, options?: SSHErrorOptions) {
    super(code, message, options);
  }
}
