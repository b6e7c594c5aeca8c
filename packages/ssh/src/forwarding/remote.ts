// Remote forwarding (ssh -R): the server listens for us — `tcpip-forward` (RFC 4254 §7.1) or
// `streamlocal-forward@openssh.com` (OpenSSH PROTOCOL §2.4) — and opens a `forwarded-tcpip` /
// `forwarded-streamlocal@openssh.com` channel for each connection it accepts, which we connect to a
// local address. §7.2: a client must refuse forwarded opens it did not request, so each open is
// matched against the forwards active on this connection; the rest are ADMINISTRATIVELY_PROHIBITED.
import {
  type ChannelMux,
  decodeForwardedStreamLocal,
  decodeTcpipChannel,
  encodeStreamLocalForward,
  encodeTcpipForward,
  type IncomingChannelOpen,
} from '@sshts/channel';
import type { ByteStream } from '@sshts/transport';
import { ChannelOpenFailureReason, ProtocolError, SSHError, SSHReader } from '@sshts/wire';
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
import { checkPort, type LocalEndpoint } from './local.js';

export interface RemotePortForwardOptions extends ForwardErrorOptions {
  /** 0: the server picks a port, which Forward.port reports. */
  remotePort: number;
  /**
   * The address the server binds, as ssh -R sends it: default 'localhost' (loopback only); '' or
   * '*' all interfaces — which sshd grants only with GatewayPorts yes/clientspecified.
   */
  remoteHost?: string;
  /** Where each forwarded connection goes, from this machine. */
  localHost: string;
  localPort: number;
}

export type RemoteStreamLocalForwardOptions = LocalEndpoint &
  ForwardErrorOptions & {
    /** The Unix socket path the server listens on (sshd: StreamLocalBindUnlink to replace a stale one). */
    remotePath: string;
  };

interface Entry {
  /** Opens the local side of one forwarded connection. */
  connect(): Promise<ByteStream>;
  bridges: Bridges;
  options: ForwardErrorOptions;
}
interface TcpEntry extends Entry {
  /** The bind address exactly as requested: sshd reports it back in forwarded-tcpip (channels.c). */
  host: string;
  /** The bound port; 0 when a server that picked the port did not say which. */
  port: number;
}
interface StreamLocalEntry extends Entry {
  path: string;
}

// Addresses that name the same listener: sshd echoes the requested string, but another server may
// report the address it bound ('127.0.0.1' for 'localhost', '0.0.0.0' for '').
function bindGroup(host: string): string {
  const h = host.toLowerCase();
  if (h === '' || h === '*' || h === '0.0.0.0' || h === '::') return '*';
  if (h === 'localhost' || h === '127.0.0.1' || h === '::1') return 'localhost';
  return h;
}

/** The remote forwards of one connection, and the open handlers that serve them. */
class RemoteForwards {
  readonly tcp = new Set<TcpEntry>();
  readonly streamLocal = new Set<StreamLocalEntry>();
  /** Forward requests awaiting their reply: an open can be processed before the reply's promise settles. */
  readonly pending = new Set<Promise<unknown>>();

  constructor(mux: ChannelMux) {
    mux.openHandlers.set('forwarded-tcpip', (open) => this.#onForwardedTcpip(open));
    mux.openHandlers.set('forwarded-streamlocal@openssh.com', (open) => this.#onForwardedStreamLocal(open));
  }

  matchTcp(host: string, port: number): TcpEntry | undefined {
    const candidates = [...this.tcp].filter((e) => e.port === port || e.port === 0);
    return (
      candidates.find((e) => e.host === host && e.port === port) ??
      candidates.find((e) => bindGroup(e.host) === bindGroup(host))
    );
  }

  async #onForwardedTcpip(open: IncomingChannelOpen): Promise<void> {
    const { target } = decodeTcpipChannel(open.data);
    const entry = await this.#find(() => this.matchTcp(target.host, target.port));
    await this.#serve(open, entry, `${target.host}:${target.port}`);
  }

  async #onForwardedStreamLocal(open: IncomingChannelOpen): Promise<void> {
    const path = decodeForwardedStreamLocal(open.data);
    const entry = await this.#find(() => [...this.streamLocal].find((e) => e.path === path));
    await this.#serve(open, entry, path);
  }

  async #find<T>(match: () => T | undefined): Promise<T | undefined> {
    const found = match();
    if (found || this.pending.size === 0) return found;
    await Promise.allSettled([...this.pending]);
    return match();
  }

  async #serve(open: IncomingChannelOpen, entry: Entry | undefined, what: string): Promise<void> {
    if (!entry) {
      open.reject(ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED, `${what} was not requested`);
      return;
    }
    let stream: ByteStream;
    try {
      // Connected before the open is confirmed, as ssh does: a refused local connect is CONNECT_FAILED.
      stream = await entry.connect();
    } catch (error) {
      open.reject(ChannelOpenFailureReason.CONNECT_FAILED, `${what}: ${(error as Error).message}`);
      report(entry.options, error);
      return;
    }
    if (!this.tcp.has(entry as TcpEntry) && !this.streamLocal.has(entry as StreamLocalEntry)) {
      discardStream(stream); // the forward was closed meanwhile
      open.reject(ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED, `${what} was cancelled`);
      return;
    }
    try {
      entry.bridges.start(open.accept(), stream);
    } catch (error) {
      discardStream(stream);
      throw error;
    }
  }
}

const tables = new WeakMap<ChannelMux, RemoteForwards>();

function tableFor(mux: ChannelMux): RemoteForwards {
  let table = tables.get(mux);
  if (!table) {
    table = new RemoteForwards(mux);
    tables.set(mux, table);
  }
  return table;
}

/** A global request that must succeed; its reply data. */
async function request(ctx: ForwardContext, name: string, data: Uint8Array, what: string) {
  const reply = await ctx.connection.channels.globalRequest(name, true, data);
  if (!reply?.success) throw new SSHError('ERR_FORWARD_REFUSED', `the server refused ${what}`);
  return reply.data;
}

/** Sends a cancel and waits for its answer; a dead connection has nothing left to cancel. */
async function cancel(ctx: ForwardContext, name: string, data: Uint8Array): Promise<void> {
  await ctx.connection.channels.globalRequest(name, true, data)?.catch(() => {});
}

/** The local side of a forward: a TCP connect or a Unix-socket connect, checked available up front. */
function localConnector(ctx: ForwardContext, endpoint: LocalEndpoint): () => Promise<ByteStream> {
  if ('localPath' in endpoint) {
    const connectUnix = requireService(ctx.platform, 'connectUnix', 'forwarding to a Unix socket');
    const path = endpoint.localPath;
    return () => connectUnix(path);
  }
  const connectTcp = requireService(ctx.platform, 'connectTcp', 'forwarding to a TCP port');
  const host = endpoint.localHost ?? '127.0.0.1';
  const port = endpoint.localPort ?? 0;
  checkPort(port, 'localPort');
  // Bounded, so a black-holed target cannot leave the server's open unanswered for minutes.
  return () => connectTcp(host, port, { timeout: 30_000 });
}

export async function forwardRemotePort(
  ctx: ForwardContext,
  options: RemotePortForwardOptions,
): Promise<Forward> {
  checkPort(options.remotePort, 'remotePort');
  const connect = localConnector(ctx, options);
  const table = tableFor(ctx.connection.channels);
  const host = options.remoteHost ?? 'localhost';
  const what = `tcpip-forward of ${host}:${options.remotePort}`;
  const requested = request(
    ctx,
    'tcpip-forward',
    encodeTcpipForward({ host, port: options.remotePort }),
    what,
  );
  table.pending.add(requested);
  let port: number;
  try {
    port = boundPort(options.remotePort, await requested);
  } finally {
    table.pending.delete(requested);
  }
  const entry: TcpEntry = { host, port, connect, bridges: new Bridges(), options };
  table.tcp.add(entry);
  return makeForward({ host, port }, async () => {
    table.tcp.delete(entry);
    // channels.c channel_cancel_rport_listener: sshd matches the address string and the bound port.
    await Promise.all([
      cancel(ctx, 'cancel-tcpip-forward', encodeTcpipForward({ host, port })),
      entry.bridges.closeAll(),
    ]);
  });
}

/**
 * §7.1: with port 0 requested, REQUEST_SUCCESS carries `uint32 port that was bound`. A port given
 * in the request is the port bound, whatever else the reply says.
 */
function boundPort(requested: number, data: Uint8Array): number {
  if (requested !== 0) return requested;
  if (data.length === 0) return 0; // a server that does not say: matched by address alone
  const r = new SSHReader(data);
  const port = r.uint32('bound port');
  if (port === 0 || port > 65535) throw new ProtocolError(`tcpip-forward reply with bound port ${port}`);
  return port;
}

export async function forwardRemoteStreamLocal(
  ctx: ForwardContext,
  options: RemoteStreamLocalForwardOptions,
): Promise<Forward> {
  const connect = localConnector(ctx, options);
  const table = tableFor(ctx.connection.channels);
  const path = options.remotePath;
  const data = encodeStreamLocalForward(path);
  const requested = request(ctx, 'streamlocal-forward@openssh.com', data, `streamlocal-forward of ${path}`);
  table.pending.add(requested);
  try {
    await requested;
  } finally {
    table.pending.delete(requested);
  }
  const entry: StreamLocalEntry = { path, connect, bridges: new Bridges(), options };
  table.streamLocal.add(entry);
  return makeForward({ host: '', port: 0, path }, async () => {
    table.streamLocal.delete(entry);
    await Promise.all([
      cancel(ctx, 'cancel-streamlocal-forward@openssh.com', data),
      entry.bridges.closeAll(),
    ]);
  });
}
