// TransportCore: the low-level connection object of API.md (paramiko's Transport), binding the
// sans-I/O TransportConnectionCore to a ByteStream. It names no algorithm: the key exchanges, host-key
// types and crypto provider come from the options or from the class's static defaults, which
// Transport (transport.ts) fills with everything we implement. A bundle built on TransportCore
// with explicit algorithms carries only those (SSHClientCore, client-core.ts).
import { ClientAuth, type KeyboardInteractiveHandler } from '@sshts/auth';
import { type Channel, ChannelMux, type ChannelOptions } from '@sshts/channel';
import type { KeyType, PublicKey, Signer } from '@sshts/keys';
import {
  type ByteStream,
  type CloseInfo,
  type CompressionAlgorithm,
  type CryptoProvider,
  driveOverStream,
  type HostKeySupport,
  hostKeySupport,
  type KexMethod,
  type RekeyLimits,
  TransportConnectionCore,
  type TransportLogEvent,
} from '@sshts/transport';
import { AuthenticationError, SSHError, TimeoutError } from '@sshts/wire';
import { asyncDispose } from './dispose.js';

export type AlgorithmOverrides = Partial<
  Record<'kex' | 'hostKey' | 'cipher' | 'mac' | 'compression', string[]>
>;

export interface TransportOptions {
  /** Algorithm preference lists; each replaces our default list for its slot. */
  algorithms?: AlgorithmOverrides;
  /** 'auto': node:crypto bulk ciphers in Node, noble elsewhere. */
  crypto?: 'auto' | 'noble' | 'node' | CryptoProvider;
  /**
   * The key-exchange methods this connection can run (e.g. `[curve25519Sha256]`); default: all of
   * @sshts/kex (Transport). Offered in this order unless `algorithms.kex` says otherwise.
   */
  kexMethods?: readonly KexMethod[];
  /**
   * The host-key types accepted from the server (e.g. `[ed25519KeyType]`), plain keys only; their
   * algorithms are offered in this order unless `algorithms.hostKey` says otherwise. Default: every
   * key type of @sshts/keys and their certificates (Transport).
   */
  hostKeyTypes?: readonly KeyType[];
  /**
   * Compression to offer (off by default), e.g. `[zlibOpenSSH]` from `sshts/zlib`: our KEXINIT
   * then offers `zlib@openssh.com,none` (or `algorithms.compression`), and the negotiated one runs.
   */
  compression?: readonly CompressionAlgorithm[];
  /** Milliseconds for the TCP connect and the handshake. */
  timeout?: number;
  rekeyLimits?: RekeyLimits;
  /** Milliseconds of silence before a keepalive probe (OpenSSH ServerAliveInterval); 0 = off. */
  keepaliveInterval?: number;
  /** Unanswered probes before the server is declared dead (OpenSSH ServerAliveCountMax, default 3). */
  keepaliveCountMax?: number;
  signal?: AbortSignal;
  /** Our receive window per channel (default 2 MiB) and largest packet we accept (default 32 KiB). */
  window?: number;
  maxPacket?: number;
  /** Protocol trace: message names, sizes, negotiated algorithms; never key material. */
  logger?: (event: TransportLogEvent) => void;
}

export interface StartClientOptions {
  /** Trust decision for the server's host key, called after its signature has verified. */
  verifyHostKey?: (key: PublicKey) => boolean | Promise<boolean>;
}

export interface Negotiation {
  kex: string;
  hostKey: string;
  cipher: [cs: string, sc: string];
  mac: [cs: string, sc: string];
  compression: [cs: string, sc: string];
}

export class TransportCore {
  /** The provider `crypto: 'auto'` means here: noble in Transport; the Node entry point sets node:crypto. */
  static defaultProvider: CryptoProvider | undefined;
  /** What `crypto: 'noble'` means (Transport: nobleProvider). */
  static nobleProvider: CryptoProvider | undefined;
  /** What `crypto: 'node'` means (the Node entry point: nodeProvider). */
  static nodeProvider: CryptoProvider | undefined;
  /** The key exchanges of a connection whose options give none (Transport: all of @sshts/kex). */
  static defaultKexMethods: readonly KexMethod[] | undefined;
  /** The host-key support of a connection whose options give no hostKeyTypes (Transport: every key type). */
  static defaultHostKeySupport: HostKeySupport | undefined;

  /**
   * The crypto provider, key exchanges and host-key support a connection made with `options` uses.
   * Throws SSHError ERR_NO_ALGORITHMS for a kind that the options leave out and this class has no
   * default for (TransportCore has none), before anything is sent.
   */
  static algorithmsFor(
    options: Pick<TransportOptions, 'crypto' | 'kexMethods' | 'hostKeyTypes'>,
  ): TransportAlgorithms {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass whose defaults apply
    return algorithmsOf(this, options);
  }

  readonly connection: TransportConnectionCore;
  /** The connection protocol (RFC 4254): channels and global requests, usable once authenticated. */
  readonly channels: ChannelMux;
  readonly closed: Promise<{ reason: string; code?: number }>;
  private readonly stream: ByteStream;
  private readonly options: TransportOptions;
  private started = false;

  constructor(stream: ByteStream, options: TransportOptions = {}) {
    this.stream = stream;
    this.options = options;
    const { provider, kexMethods, hostKeys } = (this.constructor as typeof TransportCore).algorithmsFor(
      options,
    );
    this.connection = new TransportConnectionCore({
      role: 'client',
      provider,
      kexMethods,
      hostKeySupport: hostKeys,
      algorithms: options.algorithms,
      compression: options.compression,
      rekeyLimits: options.rekeyLimits,
      keepalive: options.keepaliveInterval
        ? { interval: options.keepaliveInterval, countMax: options.keepaliveCountMax }
        : undefined,
      logger: options.logger,
      verifyHostKey: (key) => this.verify(key),
    });
    this.channels = new ChannelMux(this.connection, { window: options.window, maxPacket: options.maxPacket });
    this.closed = this.connection.closed.then((info: CloseInfo) => ({
      reason: info.reason,
      code: info.code,
    }));
  }

  private verifyHostKeyHook: StartClientOptions['verifyHostKey'];

  private verify(key: PublicKey): boolean | Promise<boolean> {
    return this.verifyHostKeyHook ? this.verifyHostKeyHook(key) : false;
  }

  /**
   * Runs the handshake as a client: identification, key exchange, host-key verification. Rejects
   * with the typed error that ended the connection (HostKeyError, NegotiationError, …).
   */
  async startClient(options: StartClientOptions = {}): Promise<void> {
    if (this.started) throw new SSHError('ERR_STARTED', 'startClient() was already called');
    this.started = true;
    this.verifyHostKeyHook = options.verifyHostKey;
    driveOverStream(this.connection, this.stream);
    // The sans-I/O core has no clock: tick it for time-based rekeys and keepalives.
    const periods = [this.options.rekeyLimits?.seconds ? this.options.rekeyLimits.seconds * 250 : 0];
    if (this.options.keepaliveInterval) periods.push(this.options.keepaliveInterval / 4);
    const period = Math.min(1000, ...periods.filter((p) => p > 0));
    if (Number.isFinite(period)) {
      const interval = setInterval(() => this.connection.tick(Date.now()), Math.max(10, period));
      void this.connection.closed.then(() => clearInterval(interval));
    }
    const handshake = this.connection.handshake();
    const { timeout, signal } = this.options;
    const guards: Promise<never>[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeout) {
      guards.push(
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new TimeoutError(`handshake timed out after ${timeout} ms`)),
            timeout,
          );
        }),
      );
    }
    if (signal) {
      guards.push(
        new Promise((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
      );
    }
    try {
      await Promise.race([handshake, ...guards]);
    } catch (error) {
      this.connection.disconnect();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  get remoteVersion(): string {
    return this.connection.remoteIdentification;
  }

  get sessionId(): Uint8Array {
    const id = this.connection.sessionId;
    if (!id) throw new SSHError('ERR_NOT_CONNECTED', 'no key exchange has completed');
    return id;
  }

  get negotiated(): Negotiation {
    const n = this.connection.negotiated;
    if (!n) throw new SSHError('ERR_NOT_CONNECTED', 'no key exchange has completed');
    return { kex: n.kex, hostKey: n.hostKey, cipher: n.cipher, mac: n.mac, compression: n.compression };
  }

  getRemoteServerKey(): PublicKey {
    const key = this.connection.hostKey;
    if (!key) throw new SSHError('ERR_NOT_CONNECTED', 'no key exchange has completed');
    return key;
  }

  rekey(): Promise<void> {
    return this.connection.rekey();
  }

  #auth: ClientAuth | undefined;

  /** The user-authentication client (RFC 4252) of this connection, created on first use. */
  get auth(): ClientAuth {
    if (!this.connection.sessionId) throw new SSHError('ERR_NOT_CONNECTED', 'no key exchange has completed');
    if (!this.#auth) {
      this.#auth = new ClientAuth(this.connection);
      // After USERAUTH_SUCCESS, the auth layer passes connection-protocol messages (≥ 80) on.
      this.#auth.onConnectionMessage = (payload) => this.channels.handleMessage(payload);
    }
    return this.#auth;
  }

  /** True once the server has accepted an authentication (USERAUTH_SUCCESS). */
  get authenticated(): boolean {
    return this.#auth?.authenticated ?? false;
  }

  /**
   * RFC 4252 §5.2 `none`: succeeds only on servers that need no authentication; otherwise throws
   * AuthenticationError listing the methods the server allows (which is how callers learn them).
   */
  async authNone(user: string): Promise<void> {
    expectSuccess(await this.auth.none(user), 'none');
  }

  /** RFC 4252 §8 password authentication. Throws AuthenticationError (with the allowed methods) on failure. */
  async authPassword(user: string, password: string): Promise<void> {
    expectSuccess(await this.auth.password(user, password), 'password');
  }

  /**
   * RFC 4252 §7 publickey authentication with a private key, an agent key or a certificate-carrying
   * signer. Throws AuthenticationError on failure, and with `partialSuccess` true when the server
   * accepted the key but requires another method too.
   */
  async authPublicKey(user: string, key: Signer): Promise<void> {
    expectSuccess(await this.auth.publicKey(user, key), 'publickey');
  }

  /** RFC 4256 keyboard-interactive: `handler` answers each round of prompts. */
  async authKeyboardInteractive(user: string, handler: KeyboardInteractiveHandler): Promise<void> {
    expectSuccess(await this.auth.keyboardInteractive(user, handler), 'keyboard-interactive');
  }

  /**
   * Opens a session channel (RFC 4254 §6.1), on which to request a pty, environment variables,
   * and then exec, shell or a subsystem.
   */
  openSession(options?: ChannelOptions): Promise<Channel> {
    return this.openChannel('session', undefined, options);
  }

  /** Opens a channel of any type with its type-specific data (RFC 4254 §5.1). */
  openChannel(type: string, data?: Uint8Array, options?: ChannelOptions): Promise<Channel> {
    if (!this.authenticated) {
      return Promise.reject(
        new SSHError('ERR_NOT_AUTHENTICATED', 'channels need an authenticated connection'),
      );
    }
    return this.channels.open(type, data, options);
  }

  async close(): Promise<void> {
    this.connection.disconnect();
    await this.closed;
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }
}

function expectSuccess(
  result: { success: true } | { success: false; allowedMethods: string[]; partialSuccess: boolean },
  method: string,
): void {
  if (result.success) return;
  const message = result.partialSuccess
    ? `${method} accepted, but the server requires more: ${result.allowedMethods.join(', ')}`
    : `${method} authentication failed; the server allows: ${result.allowedMethods.join(', ') || '(nothing)'}`;
  throw new AuthenticationError(message, result.allowedMethods, result.partialSuccess);
}

/** What TransportCore.algorithmsFor resolves. */
export interface TransportAlgorithms {
  provider: CryptoProvider;
  kexMethods: readonly KexMethod[];
  hostKeys: HostKeySupport;
}

function algorithmsOf(
  ctor: typeof TransportCore,
  options: Pick<TransportOptions, 'crypto' | 'kexMethods' | 'hostKeyTypes'>,
): TransportAlgorithms {
  const provider = resolveProvider(options.crypto ?? 'auto', ctor);
  const kexMethods = options.kexMethods ?? ctor.defaultKexMethods;
  if (!kexMethods) {
    throw new SSHError('ERR_NO_ALGORITHMS', 'TransportCore has no default key exchanges: pass kexMethods');
  }
  const hostKeys = options.hostKeyTypes ? hostKeySupport(options.hostKeyTypes) : ctor.defaultHostKeySupport;
  if (!hostKeys) {
    throw new SSHError('ERR_NO_ALGORITHMS', 'TransportCore has no default host-key types: pass hostKeyTypes');
  }
  return { provider, kexMethods, hostKeys };
}

function resolveProvider(
  crypto: NonNullable<TransportOptions['crypto']>,
  ctor: typeof TransportCore,
): CryptoProvider {
  if (typeof crypto === 'object') return crypto;
  if (crypto === 'noble') {
    if (!ctor.nobleProvider) {
      throw new SSHError(
        'ERR_NO_ALGORITHMS',
        "TransportCore has no provider for crypto: 'noble': pass a CryptoProvider",
      );
    }
    return ctor.nobleProvider;
  }
  if (crypto === 'node') {
    if (!ctor.nodeProvider) throw new SSHError('ERR_NO_NODE_CRYPTO', "crypto: 'node' needs Node.js");
    return ctor.nodeProvider;
  }
  if (!ctor.defaultProvider) {
    throw new SSHError('ERR_NO_ALGORITHMS', 'TransportCore has no default crypto provider: pass crypto');
  }
  return ctor.defaultProvider;
}
