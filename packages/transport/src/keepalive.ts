// Keepalive as OpenSSH's ServerAliveInterval / ClientAliveInterval: when nothing has arrived for
// `interval` ms, send `keepalive@openssh.com` (a global request wanting a reply; any reply, even
// REQUEST_FAILURE, proves the peer alive); after `countMax` unanswered probes the peer is dead.
// Driven by tick(): the sans-I/O core has no timers.
export interface KeepaliveOptions {
  /** Milliseconds of silence before a probe. */
  interval: number;
  /** Unanswered probes tolerated before the connection is declared dead (OpenSSH default 3). */
  countMax?: number;
}

export type KeepaliveAction = 'none' | 'probe' | 'dead';

export class KeepaliveMonitor {
  private lastReceived: number | undefined;
  private lastProbe: number | undefined;
  private unanswered = 0;

  constructor(private readonly options: KeepaliveOptions) {}

  /** Anything received proves the peer alive. */
  received(now: number | undefined): void {
    this.unanswered = 0;
    this.lastProbe = undefined;
    if (now !== undefined) this.lastReceived = now;
  }

  tick(now: number): KeepaliveAction {
    this.lastReceived ??= now;
    const since = now - Math.max(this.lastReceived, this.lastProbe ?? 0);
    if (since < this.options.interval) return 'none';
    if (this.unanswered >= (this.options.countMax ?? 3)) return 'dead';
    this.unanswered++;
    this.lastProbe = now;
    return 'probe';
  }
}
