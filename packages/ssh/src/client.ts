// SSHClient: the high-level client of API.md, as paramiko's SSHClient — connect (TCP or any byte
// stream), verify the host key against known_hosts and a MissingHostKeyPolicy, authenticate in
// paramiko's order. SSHClientCore (client-core.ts) with every algorithm as its default and the
// features it leaves out: ssh_config, ProxyJump/ProxyCommand, key files, known_hosts files, SFTP,
// port forwarding, agent and X11 forwarding. Browser-safe: files, sockets and the agent come from
// SSHClient.platform, which the Node entry fills in.
import type { KeyboardInteractiveHandler } from '@sshts/auth';
import type { Channel } from '@sshts/channel';
import { KnownHosts, type PrivateKey, type Signer } from '@sshts/keys';
import { SFTPClient, type SFTPClientOptions } from '@sshts/sftp';
import type { ByteStream, CryptoProvider, TransportLogEvent } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { type CoreConnectOptions, SSHClientCore } from './client-core.js';
import { applyHostConfig, type ConfiguredConnection } from './config-connect.js';
import {
  type DynamicForwardOptions,
  directStreamLocal,
  type Forward,
  type ForwardContext,
  forwardDynamic,
  forwardLocalPort,
  forwardLocalStreamLocal,
  forwardRemotePort,
  forwardRemoteStreamLocal,
  type LocalPortForwardOptions,
  type LocalStreamLocalForwardOptions,
  type RemotePortForwardOptions,
  type RemoteStreamLocalForwardOptions,
} from './forwarding/index.js';
import { DEFAULT_IDENTITY_FILES, loadSigner, lookForKeys } from './key-sources.js';
import { expandHome } from './platform.js';
import type { MissingHostKeyPolicy } from './policies.js';
import { connectThroughJumps, type JumpConnection, jumpHosts, type ProxyJump } from './proxy-jump.js';
import type { SessionHook } from './session.js';
import { sessionForwarding } from './session-forwarding.js';
import type { SSHConfig } from './ssh-config/index.js';
import { type AlgorithmOverrides, Transport } from './transport.js';
import type { TransportCore } from './transport-core.js';

/**
 * What SSHClient.connect takes (API.md): SSHClientCore's options (the host, credentials, algorithm
 * lists and values, stream, timeouts) and ssh_config, key files, the agent and forwarding.
 */
export interface ConnectOptions extends Omit<CoreConnectOptions, 'privateKey'> {
  /** Host name or address; with `config`, an ssh_config alias. */
  host: string;
  /** Default 22 (or the config's Port). */
  port?: number;
  /** Required unless `config` supplies User (which then defaults to the local user, as ssh). */
  username?: string;
  /**
   * Apply ssh_config as `ssh host` would: `true` reads ~/.ssh/config and /etc/ssh/ssh_config (Node),
   * or pass a parsed SSHConfig. HostName, Port, User, IdentityFile/CertificateFile, IdentitiesOnly,
   * IdentityAgent, HostKeyAlias, ProxyCommand, ProxyJump, ForwardAgent, ConnectTimeout,
   * ServerAlive*, and the algorithm lists (narrowed to what sshts implements) are applied;
   * explicit options win.
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
  /**
   * Agent forwarding for this connection's sessions (ExecOptions.agentForwarding overrides it):
   * true forwards the agent the client uses (`agent`, IdentityAgent, $SSH_AUTH_SOCK), a string
   * that socket. Default: ssh_config's ForwardAgent with `config`, else off.
   */
  forwardAgent?: boolean | string;
  /**
   * Connect through jump hosts (ssh -J): `"user@host:port,host2"`, or each hop's options; each
   * hop takes this connection's keys and agent unless it sets its own. Default: ssh_config's
   * ProxyJump with `config`; "none" turns that off. See proxy-jump.ts.
   */
  proxyJump?: ProxyJump;
}

export class SSHClient extends SSHClientCore {
  readonly #systemHostKeys: KnownHosts[] = [];
  #hostKeysPath: string | undefined;
  #jump: JumpConnection | undefined;

  constructor(options: { knownHosts?: KnownHosts; policy?: MissingHostKeyPolicy } = {}) {
    super({ ...options, knownHosts: options.knownHosts ?? KnownHosts.parse('') });
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
    this.setHostKeys(KnownHosts.parse(text ?? ''));
    this.#hostKeysPath = file;
  }

  /** Writes the host keys (OpenSSH known_hosts syntax) to `path` or the file loadHostKeys() read. */
  override async saveHostKeys(path?: string): Promise<void> {
    const file = path === undefined ? this.#hostKeysPath : expandHome(this.platform, path);
    if (file === undefined) return;
    const write = this.platform.writeTextFile;
    if (!write) throw new SSHError('ERR_NO_FILESYSTEM', 'saving host keys needs a filesystem (Node.js)');
    await write(file, this.getHostKeys().toString(), 0o600);
  }

  protected override hostKeyStores(): KnownHosts[] {
    return [...this.#systemHostKeys, ...super.hostKeyStores()];
  }

  override get transport(): Transport {
    return super.transport as Transport;
  }

  /**
   * Connects, verifies the server's host key and authenticates. Rejects with HostKeyError,
   * BadHostKeyError, AuthenticationError (listing the allowed methods), TimeoutError or the
   * transport's error; the connection is closed on failure.
   */
  override async connect(options: ConnectOptions): Promise<void> {
    return super.connect(options as CoreConnectOptions);
  }

  /**
   * An SFTP client on a new session channel running the "sftp" subsystem (API.md openSftp); in
   * Node its get/put/uploadDir/downloadDir use local files.
   */
  async openSftp(options: SFTPClientOptions = {}): Promise<SFTPClient> {
    return this.sftpClass().fromTransport(this.transport, options);
  }

  /** The SFTPClient class openSftp() makes: the Node entry's has local files. */
  protected sftpClass(): typeof SFTPClient {
    return SFTPClient;
  }

  /** What forwarding needs: the connection's channels and this runtime's sockets (forwarding/). */
  get #forwarding(): ForwardContext {
    return { connection: this.transport, platform: this.platform };
  }

  /**
   * ssh -L (Node): listens on localHost:localPort (default 127.0.0.1; port 0 = ephemeral, see
   * Forward.port) and carries each connection over a direct-tcpip channel (RFC 4254 §7.2) to
   * remoteHost:remotePort, which the server connects. A refused open closes that connection and
   * goes to `onError`.
   */
  async forwardLocalPort(options: LocalPortForwardOptions): Promise<Forward> {
    return forwardLocalPort(this.#forwarding, options);
  }

  /**
   * ssh -R: asks the server to listen on remoteHost:remotePort (tcpip-forward, RFC 4254 §7.1;
   * remoteHost default 'localhost'; port 0 = the server picks, see Forward.port) and connects each
   * forwarded-tcpip channel to localHost:localPort. Forwarded opens nobody requested are refused.
   */
  async forwardRemotePort(options: RemotePortForwardOptions): Promise<Forward> {
    return forwardRemotePort(this.#forwarding, options);
  }

  /** A direct-streamlocal@openssh.com channel (OpenSSH PROTOCOL §2.4) to a Unix socket on the server. */
  async forwardOutStreamLocal(socketPath: string): Promise<Channel> {
    return directStreamLocal(this.transport, socketPath);
  }

  /**
   * ssh -L local:/remote/socket (Node): listens on a local TCP port (`localPort`/`localHost`) or
   * socket (`localPath`) and connects each connection to the server's Unix socket `remotePath`.
   */
  async forwardLocalStreamLocal(options: LocalStreamLocalForwardOptions): Promise<Forward> {
    return forwardLocalStreamLocal(this.#forwarding, options);
  }

  /**
   * ssh -R /remote/socket:local: asks the server to listen on the Unix socket `remotePath`
   * (streamlocal-forward@openssh.com) and connects each forwarded-streamlocal@openssh.com channel to
   * the local socket `localPath` or TCP `localHost`/`localPort`.
   */
  async forwardRemoteStreamLocal(options: RemoteStreamLocalForwardOptions): Promise<Forward> {
    return forwardRemoteStreamLocal(this.#forwarding, options);
  }

  /**
   * ssh -D (Node): a SOCKS4/4a/5 server on localHost:localPort (default 127.0.0.1) whose every
   * CONNECT becomes a direct-tcpip channel; a refused open gets the SOCKS failure reply.
   */
  async forwardDynamic(options: DynamicForwardOptions): Promise<Forward> {
    return forwardDynamic(this.#forwarding, options);
  }

  /** Host, port, user and the rest, from the options and (when asked) ssh_config. */
  protected override async resolveTarget(core: CoreConnectOptions): Promise<ConfiguredConnection> {
    const options = core as ConnectOptions;
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
    return { ...(await super.resolveTarget(core)), identityFiles: DEFAULT_IDENTITY_FILES };
  }

  /** Key text and bytes are parsed (errors propagate: the caller asked for this key). */
  protected override loadSigner(key: unknown, options: CoreConnectOptions): Signer {
    return loadSigner(
      key as NonNullable<ConnectOptions['privateKey']>,
      (options as ConnectOptions).passphrase,
    );
  }

  protected override openStream(
    core: CoreConnectOptions,
    target: ConfiguredConnection,
    signal: AbortSignal,
  ): Promise<ByteStream> {
    const options = core as ConnectOptions;
    const jumps = jumpHosts(options, target.proxyJump);
    if (jumps) return this.#jumpTo(jumps, options.host, target, signal);
    if (target.proxyCommand) return this.#proxyCommand(target.proxyCommand);
    return super.openStream(core, target, signal);
  }

  protected override diskKeys(
    core: CoreConnectOptions,
    target: ConfiguredConnection,
  ): (() => Promise<readonly Signer[]>) | undefined {
    const options = core as ConnectOptions;
    const platform = this.platform;
    return options.lookForKeys !== false && platform.readTextFile
      ? () => lookForKeys(platform, options.passphrase, target.identityFiles)
      : undefined;
  }

  protected override connected(
    transport: TransportCore,
    core: CoreConnectOptions,
    target: ConfiguredConnection,
  ): SessionHook {
    const options = core as ConnectOptions;
    return sessionForwarding(transport, this.platform, {
      forwardAgent: options.forwardAgent ?? target.forwardAgent,
      agent: target.agent,
    });
  }

  protected override async connectFailed(): Promise<void> {
    await this.#jump?.close();
    this.#jump = undefined;
  }

  /** The Transport class to instantiate (the Node entry's adds node:crypto as the default provider). */
  protected override transportClass(): typeof Transport {
    return Transport;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#jump?.close();
  }

  /** ProxyJump: the stream is a direct-tcpip channel from the last jump host (proxy-jump.ts). */
  async #jumpTo(
    hops: ConnectOptions[],
    name: string,
    target: ConfiguredConnection,
    signal: AbortSignal,
  ): Promise<ByteStream> {
    const destination = { name, host: target.host, port: target.port, user: target.username };
    const jump = await connectThroughJumps(this, hops, destination, signal, () => this.#hopClient());
    if (signal.aborted) {
      // connect() gave up (timeout, abort) while the hops were connecting.
      await jump.close();
      throw signal.reason;
    }
    this.#jump = jump;
    return jump.stream;
  }

  /** A client for a jump host: same class (platform), host-key stores and policy as this one. */
  #hopClient(): SSHClient {
    const Client = this.constructor as typeof SSHClient;
    const hop = new Client({ knownHosts: this.getHostKeys(), policy: this.policy });
    hop.#systemHostKeys.push(...this.#systemHostKeys);
    hop.#hostKeysPath = this.#hostKeysPath;
    return hop;
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
}
