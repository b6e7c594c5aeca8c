// SSHClientCore: SSHClient's connection, host-key check, authentication and sessions, naming no
// algorithm and no optional feature. The key exchanges, host-key types and crypto provider come
// from ConnectOptions (or a TransportCore subclass's defaults); there is no ssh_config, ProxyJump,
// ProxyCommand, key-file parsing, SFTP, port forwarding or agent/X11 forwarding here. SSHClient
// (client.ts) is this class with all of those. A bundle that uses only SSHClientCore with explicit
// algorithms carries only those algorithms (the minimal browser client of TARGETS.md item 6).
import type { KeyboardInteractiveHandler } from '@sshts/auth';
import type { Channel } from '@sshts/channel';
import { encodeTcpipChannel } from '@sshts/channel';
import type { KeyType, KnownHosts, PrivateKey, PublicKey, Signer } from '@sshts/keys';
import type {
  ByteStream,
  CompressionAlgorithm,
  CryptoProvider,
  KexMethod,
  TransportLogEvent,
} from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { authenticate } from './auth-sequence.js';
import type { ConfiguredConnection } from './config-connect.js';
import { Deadline } from './deadline.js';
import { asyncDispose } from './dispose.js';
import { checkHostKey, hostKeyAlgorithmsFor } from './host-key-verifier.js';
import type { AgentConnection, ClientPlatform } from './platform.js';
import { type HostKeyStore, type MissingHostKeyPolicy, RejectPolicy } from './policies.js';
import {
  collect,
  type ExecOptions,
  type ExecResult,
  type RemoteProcess,
  remoteProcess,
  type SessionHook,
  type SessionOptions,
  type ShellOptions,
  startSession,
  withLimits,
} from './session.js';
import { type AlgorithmOverrides, TransportCore } from './transport-core.js';

/** What SSHClientCore.connect takes; SSHClient's ConnectOptions add ssh_config, key files and forwarding. */
export interface CoreConnectOptions {
  host: string;
  /** Default 22. */
  port?: number;
  /** Required (SSHClient can take it from ssh_config). */
  username?: string;
  password?: string;
  /** A parsed key or a signer (SSHClient also reads key text). */
  privateKey?: PrivateKey | Signer;
  /** Agent socket path; Node default: $SSH_AUTH_SOCK; false: no agent. Needs the platform's connectAgent. */
  agent?: string | false;
  keyboardInteractive?: KeyboardInteractiveHandler;
  /**
   * Fail with AuthenticationError when the server lets us in without any credential proven:
   * SUCCESS to `none`, to a publickey query before the signature, or to keyboard-interactive with
   * no prompt answered (PuTTY's -no-trivial-auth, CVE-2021-36367). Default false, as PuTTY.
   */
  refuseTrivialAuth?: boolean;
  /** Algorithm names, each list replacing the default order for its slot. */
  algorithms?: AlgorithmOverrides;
  /** The crypto provider (ciphers and MACs), e.g. nobleChaChaProvider; SSHClient defaults to 'auto'. */
  crypto?: 'auto' | 'noble' | 'node' | CryptoProvider;
  /** The key exchanges to offer, e.g. `[curve25519Sha256]`; SSHClient defaults to all of @sshts/kex. */
  kexMethods?: readonly KexMethod[];
  /**
   * The host-key types accepted, e.g. `[ed25519KeyType]`, plain keys only; SSHClient defaults to every
   * key type and their certificates.
   */
  hostKeyTypes?: readonly KeyType[];
  /**
   * Compression to offer (off by default): `[zlibOpenSSH]` from `sshts/zlib` offers
   * `zlib@openssh.com,none`; the server decides (OpenSSH sshd: `Compression yes`, its default).
   */
  compression?: readonly CompressionAlgorithm[];
  /** Milliseconds for TCP connect + handshake + authentication together. */
  timeout?: number;
  keepaliveInterval?: number;
  keepaliveCountMax?: number;
  /** Run over this instead of TCP: a WebSocket, a ProxyCommand, a channel. */
  stream?: ByteStream;
  signal?: AbortSignal;
  logger?: (event: TransportLogEvent) => void;
  /** Called with each USERAUTH_BANNER (RFC 4252 §5.4) the server sends before authentication ends. */
  onBanner?: (message: string) => void;
}

/** Closes both directions of a stream nobody will use. */
function closeStream(stream: ByteStream): void {
  void stream.writable.abort().catch(() => {});
  void stream.readable.cancel().catch(() => {});
}

export function isSigner(value: unknown): value is Signer {
  return typeof value === 'object' && value !== null && 'publicKey' in value && 'sign' in value;
}

export class SSHClientCore implements HostKeyStore {
  /** Runtime services (TCP, files, agent); empty in the browser, filled by the Node entry. */
  static platform: ClientPlatform = {};

  #policy: MissingHostKeyPolicy;
  #hostKeys: KnownHosts | undefined;
  #transport: TransportCore | undefined;

  /**
   * `knownHosts`: the host keys to trust and the store AutoAddPolicy adds to (none by default here:
   * every host then goes to the policy). `policy`: what to do with an unknown host (RejectPolicy).
   */
  constructor(options: { knownHosts?: KnownHosts; policy?: MissingHostKeyPolicy } = {}) {
    this.#hostKeys = options.knownHosts;
    this.#policy = options.policy ?? new RejectPolicy();
  }

  protected get platform(): ClientPlatform {
    return (this.constructor as typeof SSHClientCore).platform;
  }

  protected get policy(): MissingHostKeyPolicy {
    return this.#policy;
  }

  setMissingHostKeyPolicy(policy: MissingHostKeyPolicy): void {
    this.#policy = policy;
  }

  /** The host keys AutoAddPolicy adds to; throws when this client was made without knownHosts. */
  getHostKeys(): KnownHosts {
    if (!this.#hostKeys) {
      throw new SSHError(
        'ERR_NO_HOST_KEYS',
        'this client has no known hosts: pass knownHosts to its constructor',
      );
    }
    return this.#hostKeys;
  }

  protected setHostKeys(knownHosts: KnownHosts): void {
    this.#hostKeys = knownHosts;
  }

  /** Writes the host keys back to where they came from; SSHClientCore keeps them in memory only. */
  async saveHostKeys(_path?: string): Promise<void> {}

  /** known_hosts consulted for a host key, system ones first; the last is the one a policy adds to. */
  protected hostKeyStores(): KnownHosts[] {
    return this.#hostKeys ? [this.#hostKeys] : [];
  }

  get transport(): TransportCore {
    if (!this.#transport) throw new SSHError('ERR_NOT_CONNECTED', 'connect() has not been called');
    return this.#transport;
  }

  /**
   * Connects, verifies the server's host key and authenticates. Rejects with HostKeyError,
   * BadHostKeyError, AuthenticationError (listing the allowed methods), TimeoutError or the
   * transport's error; the connection is closed on failure.
   */
  async connect(options: CoreConnectOptions): Promise<void> {
    if (this.#transport) throw new SSHError('ERR_ALREADY_CONNECTED', 'this client is already connected');
    const target = await this.resolveTarget(options);
    const { host, port } = target;
    // A key that cannot be read (wrong passphrase, corrupt file) fails before any network traffic.
    const explicitKeys: Signer[] =
      options.privateKey === undefined ? [] : [this.loadSigner(options.privateKey, options)];
    // So are missing algorithms (SSHClientCore has no defaults).
    const TransportClass = this.transportClass();
    const { hostKeys: support } = TransportClass.algorithmsFor(options);
    const deadline = new Deadline(`connecting to ${host}:${port}`, target.timeout, options.signal);
    let transport: TransportCore | undefined;
    try {
      let stream = options.stream;
      if (stream === undefined) {
        const dialing = this.openStream(options, target, deadline.signal);
        try {
          stream = await deadline.race(dialing);
        } catch (error) {
          // A connection that completes after the deadline must not be left open.
          void dialing.then(closeStream, () => {});
          throw error;
        }
      }
      const stores = this.hostKeyStores();
      const hostKeyName = target.hostKeyName;
      const hostKey = hostKeyAlgorithmsFor(
        target.algorithms.hostKey ?? support.algorithms,
        stores,
        hostKeyName,
        port,
        support.blobType,
      );
      transport = new TransportClass(stream, {
        algorithms: { ...target.algorithms, hostKey },
        crypto: options.crypto,
        kexMethods: options.kexMethods,
        hostKeyTypes: options.hostKeyTypes,
        compression: options.compression,
        keepaliveInterval: target.keepaliveInterval,
        keepaliveCountMax: target.keepaliveCountMax,
        signal: deadline.signal,
        logger: options.logger,
      });
      this.#transport = transport;
      const check = { host: hostKeyName, port, stores, policy: this.#policy, client: this };
      await deadline.race(
        transport.startClient({
          verifyHostKey: async (key: PublicKey) => {
            await checkHostKey(check, key);
            return true;
          },
        }),
      );
      if (options.onBanner) transport.auth.onBanner = options.onBanner;
      await deadline.race(this.#authenticate(transport, options, target, explicitKeys));
      this.sessionHook = this.connected(transport, options, target);
    } catch (error) {
      this.#transport = undefined;
      await transport?.close().catch(() => {});
      await this.connectFailed();
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** Host, port, user and the rest, from the options (SSHClient: and ssh_config when asked). */
  protected async resolveTarget(options: CoreConnectOptions): Promise<ConfiguredConnection> {
    if (options.username === undefined) {
      throw new SSHError(
        'ERR_NO_USERNAME',
        'ConnectOptions.username is required (or config: true with a User)',
      );
    }
    return {
      host: options.host,
      port: options.port ?? 22,
      username: options.username,
      hostKeyName: options.host,
      identityFiles: [],
      identitiesOnly: false,
      agent: options.agent,
      timeout: options.timeout,
      keepaliveInterval: options.keepaliveInterval,
      keepaliveCountMax: options.keepaliveCountMax,
      algorithms: { ...options.algorithms },
      proxyCommand: undefined,
    };
  }

  /** ConnectOptions.privateKey as a Signer; SSHClientCore takes parsed keys only. */
  protected loadSigner(key: unknown, _options: CoreConnectOptions): Signer {
    if (isSigner(key)) return key;
    throw new SSHError(
      'ERR_KEY_FORMAT',
      'SSHClientCore takes privateKey as a parsed key or a signer (parsePrivateKey reads key files)',
    );
  }

  /** The byte stream to the server when ConnectOptions.stream is not given: TCP from the platform. */
  protected openStream(
    _options: CoreConnectOptions,
    target: ConfiguredConnection,
    signal: AbortSignal,
  ): Promise<ByteStream> {
    return this.#dial(target.host, target.port, signal);
  }

  /** Keys found on disk to try after the agent's (SSHClient: lookForKeys); none here. */
  protected diskKeys(
    _options: CoreConnectOptions,
    _target: ConfiguredConnection,
  ): (() => Promise<readonly Signer[]>) | undefined {
    return undefined;
  }

  /** Called once authenticated; returns the set-up each session needs (SSHClient: agent, X11). */
  protected connected(
    _transport: TransportCore,
    _options: CoreConnectOptions,
    _target: ConfiguredConnection,
  ): SessionHook | undefined {
    return undefined;
  }

  /** Called when connect() fails, after the transport is closed (SSHClient: closes jump hosts). */
  protected async connectFailed(): Promise<void> {}

  /** The Transport class to instantiate; SSHClient's has every algorithm as its default. */
  protected transportClass(): typeof TransportCore {
    return TransportCore;
  }

  /**
   * Runs `command` and waits for it: stdout and stderr as text, the exit code or signal (RFC 4254
   * §6.5, §6.10). `stdin` is written then EOF sent; `timeout` / `signal` close the channel and reject.
   */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return withLimits(options, async (track) =>
      collect(track(await this.#startSession(options, 'exec', command)), options.stdin),
    );
  }

  /**
   * Starts `command` and returns its streams at once: write stdin (window-aware), read stdout and
   * stderr (read both, or the unread one stalls the window), then `wait()`. `timeout` / `signal`
   * bound the whole command: they close the channel and make wait() reject.
   */
  async execCommand(command: string, options: ExecOptions = {}): Promise<RemoteProcess> {
    let started!: (channel: Channel) => void;
    const channelReady = new Promise<Channel>((resolve) => {
      started = resolve;
    });
    const exit = withLimits(options, async (track) => {
      const channel = track(await this.#startSession(options, 'exec', command));
      started(channel);
      return remoteProcess(channel).wait();
    });
    exit.catch(() => {});
    const channel = await Promise.race([channelReady, exit.then(() => channelReady)]);
    return { ...remoteProcess(channel), wait: () => exit };
  }

  /** A shell on a pty (default xterm-256color, 80×24); resize it with `channel.resizePty()`. */
  async invokeShell(options: ShellOptions = {}): Promise<Channel> {
    const { env, agentForwarding, x11, ...pty } = options;
    return this.#startSession({ pty, env, agentForwarding, x11 }, 'shell');
  }

  /** Opens a session channel and starts `subsystem` (e.g. "sftp") on it (RFC 4254 §6.5). */
  async invokeSubsystem(subsystem: string): Promise<Channel> {
    // As sftp(1) and scp(1) run ssh with ForwardAgent=no: a file transfer never needs the agent.
    return this.#startSession({ agentForwarding: false }, 'subsystem', subsystem);
  }

  /**
   * A direct-tcpip channel (RFC 4254 §7.2): the server connects to host:port and the channel
   * carries the bytes. `origin` is reported to the server as the connection's source.
   */
  forwardOut(host: string, port: number, origin = { host: '127.0.0.1', port: 0 }): Promise<Channel> {
    return this.transport.openChannel('direct-tcpip', encodeTcpipChannel({ host, port }, origin));
  }

  /** Set-up a session needs before its exec/shell (agent forwarding, X11); see session-forwarding.ts. */
  protected sessionHook: SessionHook | undefined;

  #startSession(
    options: SessionOptions,
    request: 'exec' | 'shell' | 'subsystem',
    value?: string,
  ): Promise<Channel> {
    if (!this.sessionHook && (options.x11 || options.agentForwarding)) {
      return Promise.reject(
        new SSHError(
          'ERR_UNSUPPORTED',
          'X11 and agent forwarding need SSHClient (SSHClientCore has neither)',
        ),
      );
    }
    return startSession(this.transport, options, { request, value }, this.sessionHook);
  }

  async close(): Promise<void> {
    const t = this.#transport;
    if (t) await t.close();
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  async #dial(host: string, port: number, signal: AbortSignal): Promise<ByteStream> {
    const connectTcp = this.platform.connectTcp;
    if (!connectTcp) {
      throw new SSHError(
        'ERR_NO_TCP',
        'no TCP here: pass ConnectOptions.stream (e.g. a WebSocket ByteStream)',
      );
    }
    return connectTcp(host, port, { signal });
  }

  async #authenticate(
    transport: TransportCore,
    options: CoreConnectOptions,
    target: ConfiguredConnection,
    keys: Signer[],
  ): Promise<void> {
    const platform = this.platform;
    const agentPath =
      target.agent === false || target.identitiesOnly
        ? undefined
        : (target.agent ?? platform.env?.('SSH_AUTH_SOCK'));
    const agent = agentPath && platform.connectAgent ? platform.connectAgent.bind(platform) : undefined;
    let agentConnection: AgentConnection | undefined;
    try {
      await authenticate(transport.auth, {
        user: target.username,
        keys,
        agentKeys:
          agent && agentPath
            ? async () => {
                try {
                  agentConnection = await agent(agentPath, transport.connection);
                  return await agentConnection.signers();
                } catch {
                  return []; // an unreachable agent is skipped, as OpenSSH and paramiko do
                }
              }
            : undefined,
        diskKeys: this.diskKeys(options, target),
        password: options.password,
        keyboardInteractive: options.keyboardInteractive,
        refuseTrivialAuth: options.refuseTrivialAuth,
      });
    } finally {
      await agentConnection?.close().catch(() => {});
    }
  }
}
