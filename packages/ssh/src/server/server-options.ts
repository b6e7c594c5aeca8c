// SSHServer's options (API.md), and turning the host keys given in any accepted form into signers.
import type { KeyboardInteractiveChallenge, PublicKeyVerdict, ServerAuthContext } from '@sshts/auth';
import { type PrivateKey, type PublicKey, parsePrivateKey, type Signer } from '@sshts/keys';
import type { SFTPFileSystem } from '@sshts/sftp';
import type { CompressionAlgorithm, CryptoProvider, TransportLogEvent } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import type { AlgorithmOverrides } from '../transport.js';
import type { ServerForwardingPolicy } from './server-forwarding.js';
import type { ServerSession } from './server-session.js';

/** Asks the client one round of keyboard-interactive prompts (RFC 4256 §3.2); resolves with its answers. */
export type AskFn = (challenge: {
  name?: string;
  instructions?: string;
  prompts: KeyboardInteractiveChallenge['prompts'];
}) => Promise<string[]>;

export interface ServerAuthOptions {
  password?(user: string, password: string): boolean | Promise<boolean>;
  /**
   * true / false, or an acceptance carrying the authorized_keys options the session enforces
   * (no-pty, command=, no-port-forwarding…): authorizedKeysHandler(text) makes one from a file.
   */
  publicKey?(
    user: string,
    key: PublicKey,
    context: ServerAuthContext,
  ): PublicKeyVerdict | Promise<PublicKeyVerdict>;
  keyboardInteractive?(user: string, ask: AskFn): boolean | Promise<boolean>;
  /**
   * The `none` method logs the user in (RFC 4252 §5.2): true for everyone, or a function deciding
   * per user — for test servers and anonymous services. Default: none only lists the methods.
   */
  none?: boolean | ((user: string) => boolean | Promise<boolean>);
}

export interface ServerLimits {
  /** Connections served at once; more are closed at once (default 1024). */
  maxConnections?: number;
  /** Milliseconds to authenticate (OpenSSH LoginGraceTime, default 120 000). */
  authTimeout?: number;
  /** Failed attempts before the connection is dropped (OpenSSH MaxAuthTries, default 6). */
  maxAuthTries?: number;
  /** Milliseconds without traffic either way before a connection is closed (default: none). */
  idleTimeout?: number;
  /**
   * OpenSSH ClientAliveInterval, in milliseconds (default: off): after this long with nothing from
   * an authenticated client, send keepalive@openssh.com wanting a reply; after
   * `keepaliveCountMax` unanswered probes the client is declared dead (TimeoutError) and dropped.
   */
  keepaliveInterval?: number;
  /** OpenSSH ClientAliveCountMax (default 3). */
  keepaliveCountMax?: number;
}

export interface SSHServerOptions {
  /** Host keys: PEM / openssh-key-v1 / PPK text or bytes, or parsed keys and signers (certificates too). */
  hostKeys: (string | Uint8Array | PrivateKey | Signer)[];
  /** USERAUTH_BANNER text sent before authentication (RFC 4252 §5.4). */
  banner?: string;
  auth: ServerAuthOptions;
  exec?(command: string, session: ServerSession): void | Promise<void>;
  shell?(session: ServerSession): void | Promise<void>;
  /** SFTP: a directory (Node: confined under it), your own filesystem, or false / absent: off. */
  sftp?: false | { root: string } | SFTPFileSystem;
  forwarding?: ServerForwardingPolicy;
  algorithms?: AlgorithmOverrides;
  /**
   * Compression to offer (off by default), e.g. `[zlibOpenSSH]` from `sshts/zlib`: the compression
   * lists then offer `zlib@openssh.com,none` (or `algorithms.compression`); clients that ask get it.
   */
  compression?: readonly CompressionAlgorithm[];
  limits?: ServerLimits;
  /** 'auto' (node:crypto in Node), 'noble', 'node', or a provider. */
  crypto?: 'auto' | 'noble' | 'node' | CryptoProvider;
  /** Protocol trace per connection; never key material. */
  logger?: (event: TransportLogEvent & { connection: number }) => void;
}

/** The host keys as signers; a key file that needs a passphrase is an error here. */
export function hostKeySigners(keys: SSHServerOptions['hostKeys']): Signer[] {
  if (keys.length === 0) throw new SSHError('ERR_NO_HOST_KEY', 'an SSH server needs at least one host key');
  return keys.map((key) =>
    typeof key === 'string' || key instanceof Uint8Array ? parsePrivateKey(key) : (key as Signer),
  );
}
