// TCP for Node: a ByteStream over net.Socket with TCP_NODELAY on and a connect timeout.
import { connect } from 'node:net';
import { ConnectionLostError, TimeoutError } from '@sshts/wire';
import type { ByteStream } from '../byte-stream.js';
import { nodeStreamsToByteStream } from './duplex-stream.js';

export interface TcpOptions {
  /** Milliseconds for the TCP connection to be established. */
  timeout?: number;
  signal?: AbortSignal;
}

export function connectTcp(host: string, port = 22, options: TcpOptions = {}): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: forwarded connections (the -R target) may half-close and still be read.
    const socket = connect({ host, port, allowHalfOpen: true });
    socket.setNoDelay(true); // SSH is interactive; we batch our own writes
    const timer = options.timeout
      ? setTimeout(() => {
          socket.destroy();
          reject(new TimeoutError(`TCP connect to ${host}:${port} timed out after ${options.timeout} ms`));
        }, options.timeout)
      : undefined;
    const onAbort = () => {
      socket.destroy();
      reject(options.signal?.reason ?? new ConnectionLostError('aborted'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(nodeStreamsToByteStream(socket, socket));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        new ConnectionLostError(`TCP connect to ${host}:${port} failed: ${error.message}`, { cause: error }),
      );
    });
  });
}
