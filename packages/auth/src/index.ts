// @sshts/auth: the client side of SSH user authentication (RFC 4252, RFC 4256, OpenSSH
// publickey-hostbound) and the SSH agent protocol client (RFC 9987, OpenSSH PROTOCOL.agent).
export { AgentClient, type AgentClientOptions, type BindableConnection } from './agent/agent-client.js';
export { AgentKey, type AgentSignService, agentSignFlags } from './agent/agent-key.js';
export {
  type AgentIdentity,
  AgentMessageType,
  AgentSignFlags,
  decodeIdentitiesAnswer,
  decodeSignResponse,
  encodeExtension,
  encodeRequestIdentities,
  encodeSessionBind,
  encodeSignRequest,
  frameAgentMessage,
  MAX_AGENT_IDENTITIES,
  MAX_AGENT_MESSAGE_BYTES,
  type SessionBind,
} from './agent/agent-messages.js';
export {
  type AuthFailure,
  type AuthResult,
  assertAuthenticated,
  authenticationError,
} from './auth-result.js';
export { ClientAuth, HOSTBOUND_METHOD } from './client-auth.js';
export type {
  AuthConnection,
  ClientAuthOptions,
  KeyboardInteractiveChallenge,
  KeyboardInteractiveHandler,
  KeyboardInteractiveOptions,
  PasswordOptions,
  PublicKeyOptions,
} from './client-auth-types.js';
export { AgentError, PasswordChangeRequiredError } from './errors.js';
export * from './limits.js';
export { type PublicKeyAlgorithm, publicKeyAlgorithms } from './publickey-algorithms.js';
// The server side (RFC 4252, RFC 4256).
export { ServerAuth } from './server-auth.js';
export {
  DEFAULT_AUTH_TIMEOUT_MS,
  DEFAULT_MAX_AUTH_TRIES,
  MAX_AUTH_REQUESTS,
  MAX_FAILURE_JITTER_MS,
  MAX_NAME_BYTES,
  MAX_QUEUED_REQUESTS,
  MAX_SECRET_BYTES,
  MAX_USER_NAME_BYTES,
  MIN_FAILURE_DELAY_MS,
} from './server-auth-limits.js';
export { type AuthTimer, systemAuthTimer } from './server-auth-timer.js';
export type {
  AcceptedKey,
  AskFn,
  KeyboardInteractivePrompt,
  PasswordChangeHandler,
  PasswordHandler,
  PasswordVerdict,
  PublicKeyAcceptance,
  PublicKeyHandler,
  PublicKeyVerdict,
  ServerAuthAttempt,
  ServerAuthConnection,
  ServerAuthContext,
  ServerAuthOptions,
  ServerAuthResult,
  ServerKeyboardInteractiveHandler,
} from './server-auth-types.js';
export {
  type AuthorizedKeysHandlerOptions,
  type AuthorizedKeysSource,
  authorizedKeysHandler,
} from './server-authorized-keys.js';
export { openSshFailureDelay, remainingDelay } from './server-failure-delay.js';
export { certificateKeyOptions, mergeKeyOptions, UNRESTRICTED_KEY_OPTIONS } from './server-key-options.js';
export {
  DEFAULT_SERVER_PUBLIC_KEY_ALGORITHMS,
  serverSigAlgs,
} from './server-publickey.js';
export {
  decodeInfoResponse,
  decodeUserauthRequest,
  encodeBanner,
  encodeFailure,
  encodeInfoRequest,
  encodePasswordChangeRequest,
  encodePkOk,
  encodeSuccess,
  type UserauthRequest,
} from './server-userauth-messages.js';
export {
  CONNECTION_SERVICE,
  decodeInfoRequest,
  encodePublicKeyQuery,
  encodePublicKeyRequest,
  type InfoRequest,
  type PublicKeyFields,
  publicKeySignedData,
  type UserauthFailure,
} from './userauth-messages.js';
