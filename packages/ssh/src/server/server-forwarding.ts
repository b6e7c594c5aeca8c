// TCP forwarding on the server side (RFC 4254 §7): `direct-tcpip` opens from the client (ssh -L,
// -D) connect out from here; `tcpip-forward` global requests (ssh -R) listen here and open a
// `forwarded-tcpip` channel to the client for each connection accepted; `cancel-tcpip-forward`
// stops one. Both are off unless the embedder allows them (API.md SSHServer `forwarding`), and an
// unset policy refuses as OpenSSH's AllowTcpForwarding=no does (ADMINISTRATIVELY_PROHIBITED).
import {
  type ChannelMux,
  decodeTcpipChannel,
  decodeTcpipForward,
  encodeTcpipChannel,
  type IncomingChannelOpen,
} from '@sshts/channel';
import { ChannelOpenFailureReason, SSHWriter } from '@sshts/wire';
import { Bridges, discardStream } from '../forwarding/forward.js';
import type { ClientPlatform, LocalListener } from '../platform.js';

export interface ServerForwardingPolicy {
  /** direct-tcpip: true, or a decision per target. Default: refused. */
  local?: boolean | ((host: string, port: number) => boolean);
  /** tcpip-forward: true allows listening (the embedder's platform binds). Default: refused. */
  remote?: boolean;
}

/** The forwarding of one connection; `close()` ends its listeners and forwarded connections. */
export class ServerForwarding {
  private readonly bridges = new Bridges();
  /** Active -R listeners by "host:port" as the client asked for them. */
  private readonly listeners = new Map<string, LocalListener>();

  constructor(
    private readonly mux: ChannelMux,
    private readonly platform: ClientPlatform,
    private readonly policy: ServerForwardingPolicy = {},
  ) {
    mux.openHandlers.set('direct-tcpip', (open) => this.directTcpip(open));
    mux.globalHandlers.set('tcpip-forward', (data) => this.tcpipForward(decodeTcpipForward(data)));
    mux.globalHandlers.set('cancel-tcpip-forward', (data) => this.cancel(decodeTcpipForward(data)));
  }

  private allowedLocal(host: string, port: number): boolean {
    const { local } = this.policy;
    return typeof local === 'function' ? local(host, port) : local === true;
  }

  private async directTcpip(open: IncomingChannelOpen): Promise<void> {
    const { target } = decodeTcpipChannel(open.data);
    if (!this.allowedLocal(target.host, target.port) || !this.platform.connectTcp) {
      open.reject(ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED, 'port forwarding is disabled');
      return;
    }
    let stream: Awaited<ReturnType<NonNullable<ClientPlatform['connectTcp']>>>;
    try {
      stream = await this.platform.connectTcp(target.host, target.port, { timeout: 30_000 });
    } catch (error) {
      open.reject(ChannelOpenFailureReason.CONNECT_FAILED, (error as Error).message);
      return;
    }
    this.bridges.start(open.accept(), stream);
  }

  private async tcpipForward(bind: { host: string; port: number }) {
    if (this.policy.remote !== true || !this.platform.listen) return false;
    if (bind.port !== 0 && this.listeners.has(`${bind.host}:${bind.port}`)) return false;
    // "" and "0.0.0.0" mean all addresses, "localhost" loopback (§7.1); OpenSSH's GatewayPorts=no
    // binds loopback whatever was asked, which is what happens here for anything but an address.
    const host = bind.host === '' || bind.host === 'localhost' ? '127.0.0.1' : bind.host;
    let listener: LocalListener;
    try {
      listener = await this.platform.listen({ host, port: bind.port }, (stream, origin) => {
        const bound = 'port' in listener.address ? listener.address : { host, port: bind.port };
        const from = 'port' in origin ? origin : { host: '', port: 0 };
        this.mux
          .open('forwarded-tcpip', encodeTcpipChannel({ host: bind.host, port: bound.port }, from))
          .then((channel) => this.bridges.start(channel, stream))
          .catch(() => discardStream(stream));
      });
    } catch {
      return false;
    }
    // Port 0: the reply carries the port chosen (§7.1), and a cancel names that port.
    const port = 'port' in listener.address ? listener.address.port : bind.port;
    this.listeners.set(`${bind.host}:${port}`, listener);
    return bind.port === 0 ? { success: true, data: new SSHWriter(8).uint32(port).finish() } : true;
  }

  private async cancel(bind: { host: string; port: number }): Promise<boolean> {
    const key = `${bind.host}:${bind.port}`;
    const listener = this.listeners.get(key);
    if (!listener) return false;
    this.listeners.delete(key);
    await listener.close();
    return true;
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => l.close().catch(() => {})));
    await this.bridges.closeAll();
  }
}
