// Dynamic forwarding (ssh -D): a local SOCKS4/4a/5 server; each CONNECT becomes a direct-tcpip
// channel (RFC 4254 §7.2) to the requested host and port, which the server resolves and connects.
// The SOCKS reply waits for the channel open, so a refused target is reported to the SOCKS client.
import type { ByteStream } from '@sshts/transport';
import { ChannelOpenError, ChannelOpenFailureReason, SSHError } from '@sshts/wire';
import type { SocketOrigin } from '../platform.js';
import { BufferedReader } from './buffered-reader.js';
import {
  Bridges,
  discardStream,
  type Forward,
  type ForwardContext,
  type ForwardErrorOptions,
  makeForward,
  report,
  requireService,
} from './forward.js';
import { checkPort, directTcpip } from './local.js';
import { readSocksRequest, Socks5Reply, SocksError, socksReply } from './socks.js';

export interface DynamicForwardOptions extends ForwardErrorOptions {
  /** 0: a port the system chooses (Forward.port tells which). */
  localPort: number;
  /** Default '127.0.0.1'. */
  localHost?: string;
  /** Milliseconds a SOCKS client has to send its request (default 30 000). */
  handshakeTimeout?: number;
}

/** RFC 1928 §6 code for a refused direct-tcpip open. */
function replyFor(error: unknown): Socks5Reply {
  if (error instanceof ChannelOpenError) {
    if (error.reason === ChannelOpenFailureReason.CONNECT_FAILED) return Socks5Reply.CONNECTION_REFUSED;
    if (error.reason === ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED) return Socks5Reply.NOT_ALLOWED;
  }
  return Socks5Reply.GENERAL_FAILURE;
}

export async function forwardDynamic(ctx: ForwardContext, options: DynamicForwardOptions): Promise<Forward> {
  checkPort(options.localPort, 'localPort');
  const listen = requireService(ctx.platform, 'listen', 'dynamic forwarding');
  const timeout = options.handshakeTimeout ?? 30_000;
  const bridges = new Bridges();
  /** Aborts each handshake still in progress, so close() leaves no timer or socket behind. */
  const handshakes = new Set<(error: SSHError) => void>();
  let closed = false;

  const serve = async (stream: ByteStream, origin: SocketOrigin): Promise<void> => {
    const input = new BufferedReader(stream.readable, (message) => new SocksError(message));
    const writer = stream.writable.getWriter();
    const write = (bytes: Uint8Array) => writer.write(bytes);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let abort!: (error: SSHError) => void;
    const aborted = new Promise<never>((_, reject) => {
      abort = reject;
      timer = setTimeout(() => reject(new SocksError(`no SOCKS request within ${timeout} ms`)), timeout);
    });
    handshakes.add(abort);
    try {
      const request = await Promise.race([readSocksRequest(input, write), aborted]);
      clearTimeout(timer);
      const from = 'path' in origin ? { host: '127.0.0.1', port: 0 } : origin;
      let channel: Awaited<ReturnType<typeof directTcpip>>;
      try {
        channel = await directTcpip(ctx.connection, request.host, request.port, from);
      } catch (error) {
        await write(socksReply(request, replyFor(error))).catch(() => {});
        throw error;
      }
      if (closed) {
        void channel.close().catch(() => {});
        throw new SSHError('ERR_FORWARD_CLOSED', 'the dynamic forward was closed');
      }
      await write(socksReply(request, Socks5Reply.SUCCEEDED));
      writer.releaseLock();
      bridges.start(channel, { readable: input.rest(), writable: stream.writable });
    } catch (error) {
      // Lets a failure reply reach the client before the connection closes.
      if (closed) await writer.abort().catch(() => {});
      else await writer.close().catch(() => {});
      input.cancel();
      throw error;
    } finally {
      clearTimeout(timer);
      handshakes.delete(abort);
    }
  };

  const listener = await listen(
    { host: options.localHost ?? '127.0.0.1', port: options.localPort },
    (stream, origin) => {
      if (closed) discardStream(stream);
      else serve(stream, origin).catch((error: unknown) => report(options, error));
    },
  );
  const bound = listener.address;
  const forward = makeForward('path' in bound ? { host: '', port: 0, path: bound.path } : bound, async () => {
    closed = true;
    for (const abort of handshakes)
      abort(new SSHError('ERR_FORWARD_CLOSED', 'the dynamic forward was closed'));
    await Promise.all([listener.close(), bridges.closeAll()]);
  });
  void ctx.connection.closed.then(() => forward.close());
  return forward;
}
