// The contract between ServerAuth and its transport, and the handlers and options a server gives it.
import type { AuthorizedKeyOptions, Certificate, PublicKey } from '@sshts/keys';
import type { SSHError } from '@sshts/wire';
import type { AuthTimer } from './server-auth-timer.js';

/**
 * What ServerAuth needs from the server's transport (TransportConnection in the server role is
 * meant to fit it). The transport answers SERVICE_REQUEST "ssh-userauth" itself (RFC 4253 §10);
 * ServerAuth starts with the first USERAUTH_REQUEST.
 */
export interface ServerAuthConnection {
  /** Queues one message (number ≥ 50) for the client. May throw once the connection is closed. */
  send(payload: Uint8Array): void;
  /**
   * Set by the ServerAuth constructor: receives every message numbered 50 or more. Returns false
   * when the transport should answer UNIMPLEMENTED (RFC 4253 §11.4). For a message that breaks
   * the authentication protocol it has already called disconnect() and then throws the
   * ProtocolError; a transport that disconnects on a throw finds the connection closed.
   */
  onMessage: (payload: Uint8Array) => boolean;
  /**
   * The session identifier (the exchange hash H of the first key exchange, RFC 4253 §7.2), which
   * every publickey signature covers (RFC 4252 §7). Undefined: no signature can verify.
   */
  readonly sessionId: Uint8Array | undefined;
  /**
   * The host key this server proved in the first key exchange. When present (and the
   * `hostbound` option is not false), `publickey-hostbound-v00@openssh.com` is accepted and
   * its host key field must equal it (PROTOCOL §3.1); the transport should then advertise EXT_INFO
   * `publickey-hostbound@openssh.com` = "0". Optional: without it the method is unknown.
   */
  readonly hostKey?: PublicKey | undefined;
  /**
   * Called once, right after USERAUTH_SUCCESS is queued (RFC 4252 §5.1): from now on messages ≥ 80
   * are the connection protocol's (delayed compression, keepalive and the like start here).
   */
  setAuthenticated(): void;
  /**
   * Sends SSH_MSG_DISCONNECT (RFC 4253 §11.1) with this reason code and description, then
   * closes. Must be safe to call on a closed connection (a no-op).
   */
  disconnect(reason: number, description: string): void;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<{ reason: string; code?: number; error?: SSHError }>;
}

/** Who the client is, for handlers that decide by address (authorized_keys `from=`, certificate source-address). */
export interface ServerAuthContext {
  /** The client's IP address, as given in ServerAuthOptions.clientAddress. */
  readonly address: string | undefined;
  /** The client's host name for `from=` host patterns (sshd UseDNS), as given in clientHost. */
  readonly host: string | undefined;
  /** Methods this user has already completed (partial success), in order. */
  readonly completed: readonly string[];
}

/**
 * The answer to a password: true / false, or a change request (RFC 4252 §8 PASSWD_CHANGEREQ,
 * e.g. the password has expired): `{ changePrompt }` is sent as the prompt, and the client's
 * change request goes to `changePassword`.
 */
export type PasswordVerdict = boolean | { readonly changePrompt: string; readonly language?: string };

export type PasswordHandler = (
  user: string,
  password: string,
  context: ServerAuthContext,
) => PasswordVerdict | Promise<PasswordVerdict>;

/**
 * RFC 4252 §8: the client sent `boolean TRUE, old, new`. true: changed and accepted (SUCCESS, or
 * partial success when more methods are required); false: not changed (FAILURE); a change prompt:
 * the new password is not acceptable, ask again.
 */
export type PasswordChangeHandler = (
  user: string,
  oldPassword: string,
  newPassword: string,
  context: ServerAuthContext,
) => PasswordVerdict | Promise<PasswordVerdict>;

/** A key accepted, with what the session layer must enforce for it. */
export interface PublicKeyAcceptance {
  /** authorized_keys options of the line that matched (no-pty, command=, environment=, permitopen=, …). */
  readonly options?: AuthorizedKeyOptions;
  /** The certificate, when a certificate authority vouched for the key. */
  readonly certificate?: Certificate;
}

/** true / an acceptance (with options): the key may log in as the user; false: it may not. */
export type PublicKeyVerdict = boolean | PublicKeyAcceptance;

/**
 * Decides whether `key` (a plain key or a certificate, its CA signature NOT yet checked unless the
 * handler checks it) may log in as `user`. Called for the RFC 4252 §7 query and again for the
 * signed request, always with the key that is being used (never a remembered one).
 */
export type PublicKeyHandler = (
  user: string,
  key: PublicKey,
  context: ServerAuthContext,
) => PublicKeyVerdict | Promise<PublicKeyVerdict>;

/** One keyboard-interactive prompt (RFC 4256 §3.2); `echo` defaults to false (a secret). */
export interface KeyboardInteractivePrompt {
  readonly prompt: string;
  readonly echo?: boolean;
}

/**
 * Sends one INFO_REQUEST (RFC 4256 §3.2) and resolves with the client's responses, one per
 * prompt. Rejects with an SSHError when the client abandons the method (a new USERAUTH_REQUEST),
 * the connection closes, or the attempt is over.
 */
export type AskFn = (
  prompts: readonly KeyboardInteractivePrompt[],
  info?: { readonly name?: string; readonly instructions?: string },
) => Promise<string[]>;

/** Runs any number of `ask` rounds and decides (RFC 4256 §3.4: SUCCESS or FAILURE ends the method). */
export type ServerKeyboardInteractiveHandler = (
  user: string,
  ask: AskFn,
  context: ServerAuthContext & { readonly submethods: string },
) => boolean | Promise<boolean>;

/** One attempt, as reported to ServerAuthOptions.onAttempt (for logs; never contains secrets). */
export interface ServerAuthAttempt {
  readonly user: string;
  readonly method: string;
  readonly outcome: 'success' | 'partial' | 'failure' | 'pk-ok' | 'change-request' | 'abandoned';
  /** Why it failed, when known (e.g. "key not authorized", "signature does not verify"). */
  readonly reason?: string;
  readonly key?: PublicKey;
}

export interface ServerAuthOptions {
  /** The `password` method (RFC 4252 §8). */
  password?: PasswordHandler;
  /** Password changes after PASSWD_CHANGEREQ (RFC 4252 §8); without it a change request fails. */
  changePassword?: PasswordChangeHandler;
  /** The `publickey` method (RFC 4252 §7): see authorizedKeysHandler for authorized_keys files. */
  publicKey?: PublicKeyHandler;
  /** The `keyboard-interactive` method (RFC 4256). */
  keyboardInteractive?: ServerKeyboardInteractiveHandler;
  /**
   * The `none` method succeeds (RFC 4252 §5.2; for a user, with a function). Default false: none
   * only asks for the list of methods.
   */
  none?: boolean | ((user: string, context: ServerAuthContext) => boolean | Promise<boolean>);
  /**
   * sshd TrustedUserCAKeys: user certificates signed by one of these keys are accepted when valid,
   * of type user, listing the user (or an authorizedPrincipals name) as a principal, and with
   * only critical options sshd understands (satisfied). Other keys go to `publicKey`.
   */
  trustedUserCAKeys?: readonly PublicKey[];
  /** sshd AuthorizedPrincipalsFile for trustedUserCAKeys: the names a certificate may list for `user`. */
  authorizedPrincipals?: (
    user: string,
  ) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /** sshd CASignatureAlgorithms; default DEFAULT_CA_SIGNATURE_ALGORITHMS (no SHA-1 ssh-rsa). */
  caSignatureAlgorithms?: readonly string[];
  /**
   * sshd PubkeyAcceptedAlgorithms: the request's algorithm must be one of these. Default
   * DEFAULT_SERVER_PUBLIC_KEY_ALGORITHMS, without SHA-1 `ssh-rsa` (OpenSSH 8.8+); add
   * 'ssh-rsa' (and 'ssh-rsa-cert-v01@openssh.com') to accept old clients.
   */
  publicKeyAlgorithms?: readonly string[];
  /** Accept publickey-hostbound-v00@openssh.com when the connection has a hostKey; default true. */
  hostbound?: boolean;
  /**
   * sshd AuthenticationMethods: each inner list is a sequence of methods that together
   * authenticate, completed in order (e.g. [['publickey', 'password']] requires both). Default:
   * any one enabled method.
   */
  methods?: readonly (readonly string[])[];
  /** Sent as USERAUTH_BANNER (RFC 4252 §5.4) before the answer to the first request. */
  banner?: string;
  /** The service clients must ask for (RFC 4252 §5); default `ssh-connection`. */
  service?: string;
  /**
   * A request for another user or service than the first (RFC 4252 §5): 'disconnect' as OpenSSH
   * does (default, "Change of username or service not allowed"), or 'reset' to start over for the
   * new user, dropping completed methods (failures still count).
   */
  userChange?: 'disconnect' | 'reset';
  /** sshd MaxAuthTries; default 6. The failure that reaches it disconnects. */
  maxAuthTries?: number;
  /** sshd LoginGraceTime in milliseconds, counted from construction; default 120 000; 0 = none. */
  authTimeout?: number;
  /**
   * The least time, in milliseconds, between a non-`none` request (or the INFO_RESPONSE that ends
   * one) and its SUCCESS or FAILURE (auth2.c ensure_minimum_time_since). Default
   * openSshFailureDelay() with a random secret: 5 ms plus a per-user jitter below 4.3 ms.
   */
  failureDelay?: number | ((user: string) => number);
  /** Time for the timeout and the delay; default systemAuthTimer (setTimeout and performance.now). */
  timer?: AuthTimer;
  /** Wall-clock time in milliseconds since the epoch, for certificate validity; default Date.now. */
  now?: () => number;
  /** The client's IP address (authorized_keys from=, certificate source-address). */
  clientAddress?: string;
  /** The client's host name for from= host patterns. */
  clientHost?: string;
  /** Told about every attempt (OpenSSH's "Accepted/Failed … for … from …" log lines). */
  onAttempt?: (attempt: ServerAuthAttempt) => void;
}

/** A key that authenticated, with its acceptance. */
export interface AcceptedKey {
  readonly key: PublicKey;
  readonly options: AuthorizedKeyOptions | undefined;
  readonly certificate: Certificate | undefined;
}

/** What the session layer learns on success. */
export interface ServerAuthResult {
  readonly user: string;
  readonly service: string;
  /** Methods completed, in order (`publickey`, `password`, `keyboard-interactive`, `none`). */
  readonly methods: readonly string[];
  /** Every key that completed a publickey step, in order. */
  readonly keys: readonly AcceptedKey[];
  /** The last of `keys`, if any. */
  readonly publicKey: PublicKey | undefined;
  /**
   * The options to enforce: of every accepted key merged, most restrictive wins (OpenSSH
   * auth.c auth_activate_options / sshauthopt_merge). Undefined when no key carried options.
   */
  readonly keyOptions: AuthorizedKeyOptions | undefined;
  /** The certificate of the last key, when it was one. */
  readonly certificate: Certificate | undefined;
}
