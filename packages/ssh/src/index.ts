// sshts: the package users import (API.md). Browser-safe; Node adds TCP, files and the agent in
// ./node/index.ts.

export {
  AgentClient,
  AgentError,
  AgentKey,
  type AuthResult,
  ClientAuth,
  type KeyboardInteractiveChallenge,
  type KeyboardInteractiveHandler,
  PasswordChangeRequiredError,
} from '@sshts/auth';
export {
  type AuthorizedKey,
  type Certificate,
  CertificateError,
  certifiedSigner,
  generatePrivateKey,
  KeyFormatError,
  KnownHosts,
  knownHostsName,
  PassphraseRequiredError,
  type PrivateKey,
  type PublicKey,
  parseAuthorizedKeys,
  parsePrivateKey,
  parsePublicKey,
  parsePublicKeyBlob,
  type Signer,
  signCertificate,
  sshsigSign,
  sshsigVerify,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
  writeOpenSSHPrivateKey,
  writePemPrivateKey,
  writePpk,
} from '@sshts/keys';
export type { ByteStream, CryptoProvider, TransportLogEvent } from '@sshts/transport';
export * from '@sshts/wire';
export { type ConnectOptions, SSHClient } from './client.js';
export type { AgentConnection, ClientPlatform } from './platform.js';
export {
  AutoAddPolicy,
  type HostKeyStore,
  type MissingHostKeyPolicy,
  RejectPolicy,
  WarningPolicy,
} from './policies.js';
export {
  type ConfigForward,
  type HostConfig,
  type ParseSSHConfigOptions,
  type ProxyJumpHost,
  parseSSHConfig,
  SSHConfig,
  type SSHConfigContext,
  SSHConfigError,
  type SSHConfigErrorCode,
  type SSHConfigLookupOptions,
  type StrictHostKeyChecking,
  toAlgorithmOverrides,
} from './ssh-config/index.js';
export {
  type AlgorithmOverrides,
  type Negotiation,
  type StartClientOptions,
  Transport,
  type TransportOptions,
} from './transport.js';
