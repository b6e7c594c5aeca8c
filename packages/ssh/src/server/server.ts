// SSHServer (API.md): serves connections over any ByteStream (`accept`) or, with a platform that
// listens (the Node entry), on a TCP port (`listen`). Each connection is a ServerConnection; the
// server bounds how many run at once and closes them all on close(). Browser-safe.
import { openSshFailureDelay } from '@sshts/auth';
import { kexMethods } from '@sshts/kex';
import type { Signer } from '@sshts/keys';
import type { SFTPFileSystem } from '@sshts/sftp';
import { type ByteStream, type CryptoProvider, nobleProvider } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { asyncDispose } from '../dispose.js';
import type { ClientPlatform, LocalListener } from '../platform.js';
import { ServerConnection } from './server-connection.js';
import { hostKeySigners, type SSHServerOptions } from './server-options.js';

const DEFAULT_MAX_CONNECTIONS = 1024;

export class SSHServer {
  /** Sockets and files: the Node entry's subclass sets them. */
  static platform: ClientPlatform = {};
  /** The crypto provider for `crypto: 'auto'` (node:crypto in Node). */
  static defaultProvider: CryptoProvider = nobleProvider;
  static nodeProvider: CryptoProvider | undefined;

  private readonly options: SSHServerOptions;
  private readonly hostKeys: Signer[];
  private readonly connections = new Set<ServerConnection>();
  private listener: LocalListener | undefined;
  private closing = false;
  private nextConnection = 0;

  /**
   * sshd draws its timing_secret once per start (auth2.c): one per-user failure delay for all
   * connections, so averaging over many connections cannot cancel the jitter — and one HMAC state
   * instead of one per connection.
   */
  private readonly failureDelay = openSshFailureDelay();

  constructor(options: SSHServerOptions) {
    this.options = options;
    this.hostKeys = hostKeySigners(options.hostKeys);
  }

  /** The platform of this server's class (the Node entry's has sockets). */
  get platform(): ClientPlatform {
    return (this.constructor as typeof SSHServer).platform;
  }

  /** Connections being served now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Listens on TCP (Node; port 0: the system picks, see the result; host default 127.0.0.1) and
   * serves each connection as accept() does.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    if (this.listener) throw new SSHError('ERR_LISTENING', 'the server is already listening');
    const listen = this.platform.listen;
    if (!listen) throw new SSHError('ERR_NO_PLATFORM_SERVICE', 'SSHServer.listen needs Node.js');
    this.listener = await listen.call(this.platform, { host, port }, (stream, origin) => {
      void this.accept(stream, 'host' in origin ? origin.host : undefined);
    });
    const address = this.listener.address;
    return 'port' in address ? address : { host, port };
  }

  /**
   * Serves one connection over `stream` (a socket, a WebSocket, a child's stdio…). Resolves when
   * that connection has closed; failures close it and are never thrown from here.
   */
  async accept(stream: ByteStream, clientAddress?: string): Promise<void> {
    const max = this.options.limits?.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (this.closing || this.connections.size >= max) {
      // OpenSSH MaxStartups: drop at once, before even the identification.
      void stream.writable.abort().catch(() => {});
      void stream.readable.cancel().catch(() => {});
      return;
    }
    const id = this.nextConnection++;
    const { logger } = this.options;
    const connection = new ServerConnection(stream, {
      hostKeys: this.hostKeys,
      provider: this.provider(),
      kexMethods,
      algorithms: this.options.algorithms,
      compression: this.options.compression,
      banner: this.options.banner,
      auth: this.options.auth,
      failureDelay: this.failureDelay,
      limits: this.options.limits ?? {},
      exec: this.options.exec,
      shell: this.options.shell,
      sftp: this.sftpFileSystem(),
      forwarding: this.options.forwarding,
      platform: this.platform,
      logger: logger ? (event) => logger({ ...event, connection: id }) : undefined,
      clientAddress,
    });
    this.connections.add(connection);
    try {
      await connection.closed;
    } finally {
      this.connections.delete(connection);
    }
  }

  /** Stops listening, disconnects every connection (BY_APPLICATION) and waits for them to close. */
  async close(): Promise<void> {
    // From here accept() drops new connections; the DISCONNECTs go out before the listener closes
    // (closing it destroys the sockets it accepted).
    this.closing = true;
    const listener = this.listener;
    this.listener = undefined;
    await Promise.all([...this.connections].map((c) => c.close().catch(() => {})));
    await listener?.close();
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `sftp: { root }` needs a platform filesystem (the Node entry overrides this). */
  protected rootFileSystem(_root: string): SFTPFileSystem {
    throw new SSHError('ERR_NO_PLATFORM_SERVICE', 'sftp: { root } needs Node.js; pass an SFTPFileSystem');
  }

  private sftpFileSystem(): SFTPFileSystem | undefined {
    const sftp = this.options.sftp;
    if (sftp === undefined || sftp === false) return undefined;
    if ('root' in sftp && typeof (sftp as { root: unknown }).root === 'string' && !('open' in sftp)) {
      return this.rootFileSystem((sftp as { root: string }).root);
    }
    return sftp as SFTPFileSystem;
  }

  private provider(): CryptoProvider {
    const crypto = this.options.crypto ?? 'auto';
    const Class = this.constructor as typeof SSHServer;
    if (typeof crypto === 'object') return crypto;
    if (crypto === 'noble') return nobleProvider;
    if (crypto === 'node') {
      if (!Class.nodeProvider) throw new SSHError('ERR_NO_PLATFORM_SERVICE', 'crypto "node" needs Node.js');
      return Class.nodeProvider;
    }
    return Class.defaultProvider;
  }
}
