// SSHClient: the high-level client of API.md, as paramiko's SSHClient — connect (TCP or any byte
// stream), verify the host key against known_hosts and a MissingHostKeyPolicy, authenticate in
// paramiko's order. Browser-safe: files, sockets and the agent come from SSHClient.platform, which
// the Node entry fills in.
import type { KeyboardInteractiveHandler } from '@sshts/auth';
import type { Channel } from '@sshts/channel';
import { encodeTcpipChannel } from '@sshts/channel';
import { KnownHosts, type PrivateKey, type PublicKey, publicKeyAlgorithms, type Signer } from '@sshts/keys';
import { SFTPClient, type SFTPClientOptions } from '@sshts/sftp';
import type { ByteStream, CryptoProvider, TransportLogEvent } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { authenticate } from './auth-sequence.js';
import { applyHostConfig, type ConfiguredConnection } from './config-connect.js';
import { Deadline } from './deadline.js';
import { asyncDispose } from './dispose.js';
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
import { checkHostKey, hostKeyAlgorithmsFor } from './host-key-verifier.js';
import { DEFAULT_IDENTITY_FILES, loadSigner, lookForKeys } from './key-sources.js';
import type { ClientPlatform } from './platform.js';
import { expandHome } from './platform.js';
import { type HostKeyStore, type MissingHostKeyPolicy, RejectPolicy } from './policies.js';
import { connectThroughJumps, type JumpConnection, jumpHosts, type ProxyJump } from './proxy-jump.js';
import {
  collect,
  type ExecOptions,
  type ExecResult,
  type RemoteProcess,
  remoteProcess,
  type SessionHook,
  type ShellOptions,
  startSession,
  withLimits,
} from './session.js';
import { sessionForwarding } from './session-forwarding.js';
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
  #jump: JumpConnection | undefined;

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
        const jumps = jumpHosts(options, target.proxyJump);
        const dialing = jumps
          ? this.#jumpTo(jumps, options.host, target, deadline.signal)
          : target.proxyCommand
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
      this.sessionHook = sessionForwarding(transport, this.platform, {
        forwardAgent: options.forwardAgent ?? target.forwardAgent,
        agent: target.agent,
      });
    } catch (error) {
      this.#transport = undefined;
      await transport?.close().catch(() => {});
      await this.#jump?.close();
      this.#jump = undefined;
      throw error;
    } finally {
      deadline.dispose();
    }
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

  /** Set-up a session needs before its exec/shell (agent forwarding, X11); see session-forwarding.ts. */
  protected sessionHook: SessionHook | undefined;

  #startSession(
    options: ExecOptions,
    request: 'exec' | 'shell' | 'subsystem',
    value?: string,
  ): Promise<Channel> {
    return startSession(this.transport, options, { request, value }, this.sessionHook);
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
    await this.#jump?.close();
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
    const hop = new Client({ knownHosts: this.#hostKeys, policy: this.#policy });
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
