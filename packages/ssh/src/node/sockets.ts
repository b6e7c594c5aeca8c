// Local sockets for forwarding in Node: connect to a Unix-domain socket, and listen on a TCP port
// or a socket path, each accepted connection handed over as a ByteStream (backpressure included).
import { unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ByteStream } from '@sshts/transport';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import { ConnectionLostError } from '@sshts/wire';
import type { ListenAddress, LocalListener, SocketOrigin } from '../platform.js';

export function connectUnix(path: string): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    // Half-close must survive: the peer may send EOF and still read the reply (RFC 4254 §5.3).
    const socket = connect({ path, allowHalfOpen: true });
    socket.once('connect', () => resolve(nodeStreamsToByteStream(socket, socket)));
    socket.once('error', (error) =>
      reject(new ConnectionLostError(`connect to ${path} failed: ${error.message}`, { cause: error })),
    );
  });
}

/** Listens on `address`; `onConnection` gets each accepted socket as a ByteStream and its origin. */
export async function listen(
  address: ListenAddress,
  onConnection: (stream: ByteStream, origin: SocketOrigin) => void,
): Promise<LocalListener> {
  const sockets = new Set<Socket>();
  // allowHalfOpen: a client that sends its request and half-closes still gets the whole reply.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay?.(true);
    const origin =
      'path' in address
        ? { path: address.path }
        : { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    onConnection(nodeStreamsToByteStream(socket, socket), origin);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in address) server.listen(address.path, resolve);
    else server.listen(address.port, address.host, resolve);
  });
  const bound = server.address();
  return {
    address:
      'path' in address
        ? { path: address.path }
        : typeof bound === 'object' && bound
          ? { host: bound.address, port: bound.port }
          : address,
    async close() {
      // net.Server.close() waits for every accepted socket to end: destroy them, then wait.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if ('path' in address) await unlink(address.path).catch(() => {});
    },
  };
}
