// sshts: the package users import (API.md). Browser-safe; Node adds TCP, files and the agent in
// ./node/index.ts.

export {
  AgentClient,
  AgentError,
  AgentKey,
  type AuthResult,
  authorizedKeysHandler,
  ClientAuth,
  type KeyboardInteractiveChallenge,
  type KeyboardInteractiveHandler,
  PasswordChangeRequiredError,
  type PublicKeyVerdict,
  type ServerAuthContext,
} from '@sshts/auth';
export {
  type ByteChannel,
  Channel,
  ChannelClosedError,
  type ChannelReader,
  ChannelRequestError,
  type ChannelWriter,
  channelStream,
  type ExitStatus,
  TerminalMode,
  type TerminalModes,
} from '@sshts/channel';
export {
  curve25519Sha256,
  curve25519Sha256Libssh,
  dhGexSha256,
  dhGroup14Sha256,
  dhGroup16Sha512,
  dhGroup18Sha512,
  ecdhSha2Nistp256,
  ecdhSha2Nistp384,
  ecdhSha2Nistp521,
} from '@sshts/kex';
export {
  type AuthorizedKey,
  type Certificate,
  CertificateError,
  certifiedSigner,
  decodePublicKeyBlob,
  ecdsaNistp256KeyType,
  ecdsaNistp384KeyType,
  ecdsaNistp521KeyType,
  ed25519KeyType,
  generatePrivateKey,
  KeyFormatError,
  type KeyType,
  KnownHosts,
  knownHostsName,
  PassphraseRequiredError,
  type PrivateKey,
  type PublicKey,
  parseAuthorizedKeys,
  parsePrivateKey,
  parsePublicKey,
  parsePublicKeyBlob,
  rsaKeyType,
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
export {
  type AttributeChanges,
  type Attributes,
  type DirEntry,
  type DirectoryTransferOptions,
  FileAttributes,
  type PutOptions,
  SFTPClient,
  type SFTPClientOptions,
  SFTPFile,
  type StatVfs,
  type TransferOptions,
} from '@sshts/sftp';
export {
  type ByteStream,
  type CompressionAlgorithm,
  type CryptoProvider,
  type KexMethod,
  nobleChaChaProvider,
  nobleProvider,
  type TransportLogEvent,
} from '@sshts/transport';
export * from '@sshts/wire';
export { type ConnectOptions, SSHClient } from './client.js';
export { type CoreConnectOptions, SSHClientCore } from './client-core.js';
export {
  type DynamicForwardOptions,
  type Forward,
  type ForwardErrorOptions,
  type LocalEndpoint,
  type LocalPortForwardOptions,
  type LocalStreamLocalForwardOptions,
  type RemotePortForwardOptions,
  type RemoteStreamLocalForwardOptions,
  Socks4Reply,
  Socks5Reply,
  SocksError,
} from './forwarding/index.js';
export type { AgentConnection, ClientPlatform } from './platform.js';
export {
  AutoAddPolicy,
  type HostKeyStore,
  type MissingHostKeyPolicy,
  RejectPolicy,
  WarningPolicy,
} from './policies.js';
export type { ProxyJump } from './proxy-jump.js';
export { SSHServer } from './server/server.js';
export type { ServerForwardingPolicy } from './server/server-forwarding.js';
export type { AskFn, ServerAuthOptions, ServerLimits, SSHServerOptions } from './server/server-options.js';
export type { PtyInfo, ServerSession } from './server/server-session.js';
export type {
  ExecOptions,
  ExecResult,
  PtyOptions,
  RemoteProcess,
  SessionOptions,
  ShellOptions,
} from './session.js';
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
export { TransportCore } from './transport-core.js';
export type { X11Auth, X11Options, X11Origin } from './x11-forwarding.js';
