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
