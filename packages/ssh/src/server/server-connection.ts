// One connection served by SSHServer: the transport in the server role, user authentication
// (@sshts/auth ServerAuth), then the connection protocol — session channels (exec, shell, the sftp
// subsystem) and TCP forwarding by policy. Browser-safe: sockets come from the platform.
import {
  type ServerAuthOptions as AuthOptions,
  ServerAuth,
  type ServerAuthResult,
  serverSigAlgs,
} from '@sshts/auth';
import { ChannelMux } from '@sshts/channel';
import type { Signer } from '@sshts/keys';
import { type SFTPFileSystem, SFTPServer } from '@sshts/sftp';
import {
  type ByteStream,
  type CloseInfo,
  type CompressionAlgorithm,
  type CryptoProvider,
  driveOverStream,
  type KexMethod,
  TransportConnection,
} from '@sshts/transport';
import { DisconnectReason } from '@sshts/wire';
import type { ClientPlatform } from '../platform.js';
import type { AlgorithmOverrides } from '../transport.js';
import { watchIdle } from './idle-timeout.js';
import { ServerForwarding, type ServerForwardingPolicy } from './server-forwarding.js';
import type { ServerAuthOptions, ServerLimits } from './server-options.js';
import { type ServerSession, SessionChannel } from './server-session.js';

export interface ConnectionSetup {
  hostKeys: Signer[];
  provider: CryptoProvider;
  kexMethods: readonly KexMethod[];
  algorithms?: AlgorithmOverrides;
  compression?: readonly CompressionAlgorithm[];
  banner?: string;
  auth: ServerAuthOptions;
  /** The server's per-user failure delay (one secret per SSHServer, as sshd's per start). */
  failureDelay?: (user: string) => number;
  limits: ServerLimits;
  exec?(command: string, session: ServerSession): void | Promise<void>;
  shell?(session: ServerSession): void | Promise<void>;
  /** The filesystem for the sftp subsystem, when SFTP is on. */
  sftp?: SFTPFileSystem;
  forwarding?: ServerForwardingPolicy;
  platform: ClientPlatform;
  logger?: ConstructorParameters<typeof TransportConnection>[0]['logger'];
  clientAddress?: string;
}

export class ServerConnection {
  readonly transport: TransportConnection;
  readonly channels: ChannelMux;
  readonly auth: ServerAuth;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<CloseInfo>;
  private forwarding: ServerForwarding | undefined;
  /** Resolves once the stream is closed both ways (the DISCONNECT written). */
  private readonly driven: Promise<void>;

  constructor(
    stream: ByteStream,
    private readonly setup: ConnectionSetup,
  ) {
    const algorithms = setup.algorithms ?? {};
    this.transport = new TransportConnection({
      role: 'server',
      provider: setup.provider,
      kexMethods: setup.kexMethods,
      algorithms: {
        ...(algorithms.kex ? { kex: algorithms.kex } : {}),
        ...(algorithms.hostKey ? { hostKey: algorithms.hostKey } : {}),
        ...(algorithms.cipher ? { cipher: algorithms.cipher } : {}),
        ...(algorithms.mac ? { mac: algorithms.mac } : {}),
        ...(algorithms.compression ? { compression: algorithms.compression } : {}),
      },
      compression: setup.compression,
      hostKeys: setup.hostKeys,
      serverSigAlgs: serverSigAlgs(),
      onServiceRequest: (name) => name === 'ssh-userauth' && !this.auth.authenticated,
      keepalive: setup.limits.keepaliveInterval
        ? { interval: setup.limits.keepaliveInterval, countMax: setup.limits.keepaliveCountMax ?? 3 }
        : undefined,
      logger: setup.logger,
    });
    this.closed = this.transport.closed;
    this.auth = new ServerAuth(this.transport, this.authOptions());
    this.channels = new ChannelMux(this.transport);
    this.auth.onConnectionMessage = (payload) => this.channels.handleMessage(payload);
    void this.auth.whenAuthenticated().then(
      (result) => this.onAuthenticated(result),
      () => {},
    );
    if (setup.limits.idleTimeout !== undefined && setup.limits.idleTimeout > 0) {
      const watched = watchIdle(stream, setup.limits.idleTimeout, () =>
        this.transport.disconnect(DisconnectReason.BY_APPLICATION, 'idle timeout'),
      );
      stream = watched.stream;
      void this.closed.then(watched.stop);
    }
    this.driven = driveOverStream(this.transport, stream).finished;
    const interval = setup.limits.keepaliveInterval;
    if (interval) {
      // The sans-I/O core has no clock: tick it a few times per interval, as the client does.
      const timer = setInterval(() => this.transport.tick(Date.now()), Math.max(10, interval / 4));
      void this.closed.then(() => clearInterval(timer));
    }
    void this.transport.handshake().catch(() => {});
    void this.closed.then(() => this.forwarding?.close());
  }

  /** Disconnects (BY_APPLICATION) and waits until the DISCONNECT is written and the stream closed. */
  async close(description = 'server shutting down'): Promise<void> {
    this.transport.disconnect(DisconnectReason.BY_APPLICATION, description);
    await this.closed;
    // Bounded: a peer that stopped reading must not hold the server's close() forever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.driven, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
  }

  private authOptions(): AuthOptions {
    const { auth, limits, banner, clientAddress, failureDelay } = this.setup;
    return {
      ...(failureDelay === undefined ? {} : { failureDelay }),
      ...(auth.password ? { password: (user, password) => auth.password!(user, password) } : {}),
      ...(auth.publicKey ? { publicKey: (user, key, context) => auth.publicKey!(user, key, context) } : {}),
      ...(auth.keyboardInteractive
        ? {
            keyboardInteractive: (user, ask) =>
              auth.keyboardInteractive!(user, ({ name, instructions, prompts }) =>
                ask(prompts, { name, instructions }),
              ),
          }
        : {}),
      ...(auth.none === undefined
        ? {}
        : {
            none:
              typeof auth.none === 'function'
                ? (user: string) => (auth.none as (u: string) => boolean | Promise<boolean>)(user)
                : auth.none,
          }),
      ...(banner === undefined ? {} : { banner }),
      ...(limits.maxAuthTries === undefined ? {} : { maxAuthTries: limits.maxAuthTries }),
      ...(limits.authTimeout === undefined ? {} : { authTimeout: limits.authTimeout }),
      ...(clientAddress === undefined ? {} : { clientAddress }),
    };
  }

  private onAuthenticated(result: ServerAuthResult): void {
    const { setup } = this;
    const options = result.keyOptions;
    this.forwarding = new ServerForwarding(this.channels, setup.platform, {
      // authorized_keys no-port-forwarding / restrict turn it off for this key.
      local: options && !options.portForwarding ? false : setup.forwarding?.local,
      remote: options && !options.portForwarding ? false : setup.forwarding?.remote,
    });
    this.channels.openHandlers.set('session', (open) => {
      const channel = open.accept();
      // The session wires itself to the channel's requests; nothing else keeps it.
      new SessionChannel(channel, result.user, {
        exec: setup.exec ? (command, s) => setup.exec!(options?.command ?? command, s) : undefined,
        shell: setup.shell
          ? options?.command
            ? (s) => setup.exec?.(options.command!, s) ?? Promise.reject(new Error('no exec handler'))
            : (s) => setup.shell!(s)
          : undefined,
        subsystem: setup.sftp ? (name, s) => this.subsystem(name, s) : undefined,
        allowPty: () => options?.pty !== false,
      });
    });
  }

  private subsystem(name: string, session: ServerSession): boolean {
    if (name !== 'sftp' || !this.setup.sftp) return false;
    const server = new SFTPServer(this.setup.sftp, { user: session.user });
    void server
      // close: false — our exit() sends exit-status, then EOF and CLOSE (RFC 4254 §6.10).
      .serve(session.channel, { close: false })
      .catch(() => {})
      .then(() => session.exit(0))
      .catch(() => {}); // the connection is gone: nothing to tell the client
    return true;
  }
}
