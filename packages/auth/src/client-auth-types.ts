// The contract between ClientAuth and its transport, and the options of each authentication method.
import type { PublicKey } from '@sshts/keys';
import type { SSHError } from '@sshts/wire';

/**
 * What ClientAuth needs from the transport: TransportConnection from @sshts/transport has this
 * shape. `onMessage` receives every message numbered 50 or more; returning false has the transport
 * answer UNIMPLEMENTED, and throwing an SSHError has it disconnect with that error (reason
 * PROTOCOL_ERROR for a ProtocolError) and close.
 */
export interface AuthConnection {
  requestService(name: string): Promise<void>;
  send(payload: Uint8Array): void;
  onMessage: (payload: Uint8Array) => boolean;
  readonly sessionId: Uint8Array | undefined;
  /** The host key of the initial key exchange. */
  readonly hostKey: PublicKey | undefined;
  /** The server's `server-sig-algs` (RFC 8308 §3.1), when it sent EXT_INFO. */
  readonly serverSigAlgs: readonly string[] | undefined;
  /** The server's EXT_INFO extensions. */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
  /** Called on USERAUTH_SUCCESS (the transport then starts keepalives and post-auth behaviour). */
  setAuthenticated(): void;
  readonly closed: Promise<{ reason: string; code?: number; error?: SSHError }>;
}

export interface ClientAuthOptions {
  /** The service to authenticate for (RFC 4252 §5); default `ssh-connection`. */
  service?: string;
  /**
   * Called for each USERAUTH_BANNER (RFC 4252 §5.4). The text is the server's, unfiltered: escape
   * control characters before writing it to a terminal. Must not throw (that ends the connection).
   */
  onBanner?: (message: string, language: string) => void;
}

export interface PasswordOptions {
  /**
   * The server wants a new password (RFC 4252 §8 PASSWD_CHANGEREQ): return it, or undefined to give
   * up (password() then rejects with PasswordChangeRequiredError).
   */
  onChangeRequest?(prompt: string, language: string): string | undefined | Promise<string | undefined>;
}

export interface PublicKeyOptions {
  /**
   * Sign with exactly this algorithm (e.g. `ssh-rsa` for an old server; a certificate's
   * `…-cert-v01@openssh.com` name or its plain name). Default: see publicKeyAlgorithms.
   */
  algorithm?: string;
}

export interface KeyboardInteractiveChallenge {
  name: string;
  instructions: string;
  /** Deprecated by RFC 4256 §3.2; usually empty. */
  language: string;
  prompts: { prompt: string; echo: boolean }[];
}

/**
 * Answers one INFO_REQUEST round (RFC 4256 §3.3): one response per prompt, in order. Rounds
 * without prompts are shown too (name and instructions) and answered with no responses whatever
 * the handler returns.
 */
export type KeyboardInteractiveHandler = (
  challenge: KeyboardInteractiveChallenge,
) => string[] | Promise<string[]>;

export interface KeyboardInteractiveOptions {
  /** RFC 4256 §3.1 submethods hint, comma-separated; default empty (the server chooses). */
  submethods?: string;
}
