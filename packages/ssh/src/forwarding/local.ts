// Local forwarding (ssh -L): a local listener whose every accepted connection becomes a channel to
// the server — direct-tcpip (RFC 4254 §7.2) to a host:port the server connects to, or
// direct-streamlocal@openssh.com (OpenSSH PROTOCOL §2.4) to a Unix socket on the server.
import type { Channel } from '@sshts/channel';
import { encodeDirectStreamLocal, encodeTcpipChannel } from '@sshts/channel';
import type { ByteStream } from '@sshts/transport';
import type { ListenAddress, SocketOrigin } from '../platform.js';
import {
  Bridges,
  discardStream,
  type Forward,
  type ForwardContext,
  type ForwardErrorOptions,
  type ForwardingConnection,
  makeForward,
  report,
  requireService,
} from './forward.js';

export interface LocalPortForwardOptions extends ForwardErrorOptions {
  /** 0: a port the system chooses (Forward.port tells which). */
  localPort: number;
  /** Default '127.0.0.1': only this machine can use the forward, as ssh without GatewayPorts. */
  localHost?: string;
  /** Where the server connects, as the server resolves it. */
  remoteHost: string;
  remotePort: number;
}

/** The local side of a forward: a TCP address (default 127.0.0.1, port 0 = ephemeral) or a socket path. */
export type LocalEndpoint = { localPath: string } | { localPort?: number; localHost?: string };

export type LocalStreamLocalForwardOptions = LocalEndpoint &
  ForwardErrorOptions & {
    /** The Unix socket on the server to connect each local connection to. */
    remotePath: string;
  };

/** Where accepted unix-socket connections say they come from (direct-tcpip needs an address). */
const UNIX_ORIGIN = { host: '127.0.0.1', port: 0 };

export function directTcpip(
  connection: ForwardingConnection,
  host: string,
  port: number,
  origin: { host: string; port: number } = UNIX_ORIGIN,
): Promise<Channel> {
  return connection.openChannel('direct-tcpip', encodeTcpipChannel({ host, port }, origin));
}

/** direct-streamlocal@openssh.com: the server connects to its Unix socket `path`. */
export function directStreamLocal(connection: ForwardingConnection, path: string): Promise<Channel> {
  return connection.openChannel('direct-streamlocal@openssh.com', encodeDirectStreamLocal(path));
}

export async function forwardLocalPort(
  ctx: ForwardContext,
  options: LocalPortForwardOptions,
): Promise<Forward> {
  const { remoteHost, remotePort } = options;
  checkPort(remotePort, 'remotePort');
  checkPort(options.localPort, 'localPort');
  return listenAndForward(
    ctx,
    { host: options.localHost ?? '127.0.0.1', port: options.localPort },
    (origin) => directTcpip(ctx.connection, remoteHost, remotePort, 'path' in origin ? UNIX_ORIGIN : origin),
    options,
  );
}

export async function forwardLocalStreamLocal(
  ctx: ForwardContext,
  options: LocalStreamLocalForwardOptions,
): Promise<Forward> {
  const { remotePath } = options;
  return listenAndForward(
    ctx,
    localAddress(options),
    () => directStreamLocal(ctx.connection, remotePath),
    options,
  );
}

/** The ListenAddress of a LocalEndpoint. */
export function localAddress(endpoint: LocalEndpoint): ListenAddress {
  if ('localPath' in endpoint) return { path: endpoint.localPath };
  const port = endpoint.localPort ?? 0;
  checkPort(port, 'localPort');
  return { host: endpoint.localHost ?? '127.0.0.1', port };
}

/**
 * Listens on `address`; each accepted connection gets a channel from `open` and is piped to it.
 * A refused open closes that connection and is reported to onError. The listener closes with the
 * SSH connection.
 */
export async function listenAndForward(
  ctx: ForwardContext,
  address: ListenAddress,
  open: (origin: SocketOrigin) => Promise<Channel>,
  options: ForwardErrorOptions,
): Promise<Forward> {
  const listen = requireService(ctx.platform, 'listen', 'local forwarding');
  const bridges = new Bridges();
  let closed = false;
  const onConnection = (stream: ByteStream, origin: SocketOrigin) => {
    if (closed) {
      discardStream(stream);
      return;
    }
    open(origin).then(
      (channel) => {
        if (closed) {
          discardStream(stream);
          void channel.close().catch(() => {});
        } else bridges.start(channel, stream);
      },
      (error: unknown) => {
        discardStream(stream);
        report(options, error);
      },
    );
  };
  const listener = await listen(address, onConnection);
  const bound = listener.address;
  const forward = makeForward(
    'path' in bound ? { host: '', port: 0, path: bound.path } : { host: bound.host, port: bound.port },
    async () => {
      closed = true;
      await Promise.all([listener.close(), bridges.closeAll()]);
    },
  );
  void ctx.connection.closed.then(() => forward.close());
  return forward;
}

export function checkPort(port: number, name: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${name} must be an integer from 0 to 65535, not ${port}`);
  }
}
