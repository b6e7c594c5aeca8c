// SSHClient: the high-level client of API.md, as paramiko's SSHClient — connect (TCP or any byte
// stream), verify the host key against known_hosts and a MissingHostKeyPolicy, authenticate in
// paramiko's order. Browser-safe: files, sockets and the agent come from SSHClient.platform, which
// the Node entry fills in.
import type { KeyboardInteractiveHandler } from '@sshts/auth';
import { KnownHosts, type PrivateKey, type PublicKey, publicKeyAlgorithms, type Signer } from '@sshts/keys';
import type { ByteStream, CryptoProvider, TransportLogEvent } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { authenticate } from './auth-sequence.js';
import { applyHostConfig, type ConfiguredConnection } from './config-connect.js';
import { Deadline } from './deadline.js';
import { asyncDispose } from './dispose.js';
import { checkHostKey, hostKeyAlgorithmsFor } from './host-key-verifier.js';
import { DEFAULT_IDENTITY_FILES, loadSigner, lookForKeys } from './key-sources.js';
import type { ClientPlatform } from './platform.js';
import { expandHome } from './platform.js';
import { type HostKeyStore, type MissingHostKeyPolicy, RejectPolicy } from './policies.js';
import type { SSHConfig } from './ssh-config/index.js';
import { type AlgorithmOverrides, Transport } from './transport.js';

export interface ConnectOptions {
  /** Host name or address; with `config`, an ssh_config alias. */
  host: string;
  /** Default 22 (or the config's Port). */
  port?: number;
  /** Required unless `config` supplies User (which then defaults to the local user, as ssh). */
  username?: string;
  /**
   * Apply ssh_config as `ssh host` would: `true` reads ~/.ssh/config and /etc/ssh/ssh_config (Node),
   * or pass a parsed SSHConfig. HostName, Port, User, IdentityFile/CertificateFile, IdentitiesOnly,
   * IdentityAgent, HostKeyAlias, ProxyCommand, ConnectTimeout, ServerAlive*, and the algorithm
   * lists (narrowed to what sshts implements) are applied; explicit options win.
   */
  config?: boolean | SSHConfig;
  password?: string;
  /** A key file's text or bytes (any format parsePrivateKey reads), or a parsed key / signer. */
  privateKey?: string | Uint8Array | PrivateKey | Signer;
  /** Decrypts `privateKey` and the keys found on disk. */
  passphrase?: string;
  /** Agent socket path; Node default: $SSH_AUTH_SOCK; false: no agent. */
  agent?: string | false;
  /** Node: try ~/.ssh/id_ed25519, id_ecdsa, id_rsa (and their -cert.pub); default true. */
  lookForKeys?: boolean;
  keyboardInteractive?: KeyboardInteractiveHandler;
  algorithms?: AlgorithmOverrides;
  crypto?: 'auto' | 'noble' | 'node' | CryptoProvider;
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

export class SSHClient implements HostKeyStore {
  /** Runtime services (TCP, files, agent); empty in the browser, filled by the Node entry. */
  static platform: ClientPlatform = {};

  #policy: MissingHostKeyPolicy;
  readonly #systemHostKeys: KnownHosts[] = [];
  #hostKeys: KnownHosts;
  #hostKeysPath: string | undefined;
  #transport: Transport | undefined;

  constructor(options: { knownHosts?: KnownHosts; policy?: MissingHostKeyPolicy } = {}) {
    this.#hostKeys = options.knownHosts ?? KnownHosts.parse('');
    this.#policy = options.policy ?? new RejectPolicy();
  }

  protected get platform(): ClientPlatform {
    return (this.constructor as typeof SSHClient).platform;
  }

  setMissingHostKeyPolicy(policy: MissingHostKeyPolicy): void {
    this.#policy = policy;
  }

  /** Reads a known_hosts file that is consulted but never written (default ~/.ssh/known_hosts). */
  async loadSystemHostKeys(path?: string): Promise<void> {
    const file = expandHome(this.platform, path ?? '~/.ssh/known_hosts');
    const text = await this.#read(file);
    if (text !== undefined) this.#systemHostKeys.push(KnownHosts.parse(text));
  }

  /** Reads the known_hosts file that AutoAddPolicy and saveHostKeys() write; a missing file is empty. */
  async loadHostKeys(path: string): Promise<void> {
    const file = expandHome(this.platform, path);
    const text = await this.#read(file);
    this.#hostKeys = KnownHosts.parse(text ?? '');
    this.#hostKeysPath = file;
  }

  /** Writes the host keys (OpenSSH known_hosts syntax) to `path` or the file loadHostKeys() read. */
  async saveHostKeys(path?: string): Promise<void> {
    const file = path === undefined ? this.#hostKeysPath : expandHome(this.platform, path);
    if (file === undefined) return;
    const write = this.platform.writeTextFile;
    if (!write) throw new SSHError('ERR_NO_FILESYSTEM', 'saving host keys needs a filesystem (Node.js)');
    await write(file, this.#hostKeys.toString(), 0o600);
  }

  getHostKeys(): KnownHosts {
    return this.#hostKeys;
  }

  get transport(): Transport {
    if (!this.#transport) throw new SSHError('ERR_NOT_CONNECTED', 'connect() has not been called');
    return this.#transport;
  }

  /**
   * Connects, verifies the server's host key and authenticates. Rejects with HostKeyError,
   * BadHostKeyError, AuthenticationError (listing the allowed methods), TimeoutError or the
   * transport's error; the connection is closed on failure.
   */
  async connect(options: ConnectOptions): Promise<void> {
    if (this.#transport) throw new SSHError('ERR_ALREADY_CONNECTED', 'this client is already connected');
    const target = await this.#resolveTarget(options);
    const { host, port } = target;
    // A key that cannot be read (wrong passphrase, corrupt file) fails before any network traffic.
    const explicitKeys: Signer[] =
      options.privateKey === undefined ? [] : [loadSigner(options.privateKey, options.passphrase)];
    const deadline = new Deadline(`connecting to ${host}:${port}`, target.timeout, options.signal);
    let transport: Transport | undefined;
    try {
      let stream = options.stream;
      if (stream === undefined) {
        const dialing = target.proxyCommand
          ? this.#proxyCommand(target.proxyCommand)
          : this.#dial(host, port, deadline.signal);
        try {
          stream = await deadline.race(dialing);
        } catch (error) {
          // A connection that completes after the deadline must not be left open.
          void dialing.then(closeStream, () => {});
          throw error;
        }
      }
      const stores = [...this.#systemHostKeys, this.#hostKeys];
      const hostKeyName = target.hostKeyName;
      const hostKey = hostKeyAlgorithmsFor(
        target.algorithms.hostKey ?? publicKeyAlgorithms,
        stores,
        hostKeyName,
        port,
      );
      const TransportClass = this.transportClass();
      transport = new TransportClass(stream, {
        algorithms: { ...target.algorithms, hostKey },
        crypto: options.crypto,
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
    } catch (error) {
      this.#transport = undefined;
      await transport?.close().catch(() => {});
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** Host, port, user and the rest, from the options and (when asked) ssh_config. */
  async #resolveTarget(options: ConnectOptions): Promise<ConfiguredConnection> {
    if (options.config !== undefined && options.config !== false) {
      let config: SSHConfig;
      if (options.config === true) {
        const load = this.platform.loadSSHConfig;
        if (!load)
          throw new SSHError('ERR_NO_FILESYSTEM', 'config: true needs Node.js; pass a parsed SSHConfig');
        config = await load();
      } else config = options.config;
      const hc = config.lookup(options.host, {
        ...(options.username === undefined ? {} : { user: options.username }),
        ...(options.port === undefined ? {} : { port: options.port }),
      });
      return applyHostConfig(hc, options);
    }
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
      identityFiles: DEFAULT_IDENTITY_FILES,
      identitiesOnly: false,
      agent: options.agent,
      timeout: options.timeout,
      keepaliveInterval: options.keepaliveInterval,
      keepaliveCountMax: options.keepaliveCountMax,
      algorithms: { ...options.algorithms },
      proxyCommand: undefined,
    };
  }

  /** The Transport class to instantiate (the Node entry's adds node:crypto as the default provider). */
  protected transportClass(): typeof Transport {
    return Transport;
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

  async #proxyCommand(command: string): Promise<ByteStream> {
    const spawn = this.platform.spawnProxyCommand;
    if (!spawn) throw new SSHError('ERR_NO_PROCESS', 'ProxyCommand needs Node.js');
    return spawn(command);
  }

  async #read(path: string): Promise<string | undefined> {
    const read = this.platform.readTextFile;
    if (!read) throw new SSHError('ERR_NO_FILESYSTEM', `reading ${path} needs a filesystem (Node.js)`);
    return read(path);
  }

  async #authenticate(
    transport: Transport,
    options: ConnectOptions,
    target: ConfiguredConnection,
    keys: Signer[],
  ): Promise<void> {
    const platform = this.platform;
    const agentPath =
      target.agent === false || target.identitiesOnly
        ? undefined
        : (target.agent ?? platform.env?.('SSH_AUTH_SOCK'));
    const agent = agentPath && platform.connectAgent ? platform.connectAgent.bind(platform) : undefined;
    let agentConnection: Awaited<ReturnType<NonNullable<ClientPlatform['connectAgent']>>> | undefined;
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
        diskKeys:
          options.lookForKeys !== false && platform.readTextFile
            ? () => lookForKeys(platform, options.passphrase, target.identityFiles)
            : undefined,
        password: options.password,
        keyboardInteractive: options.keyboardInteractive,
      });
    } finally {
      await agentConnection?.close().catch(() => {});
    }
  }
}
