// How much encrypted output waits for the byte stream: packets queued in the connection and
// packets the driver is still writing. Channels stop packing data while it is above the high-water
// mark and resume below the low-water mark — OpenSSH does the same with
// ssh_packet_not_very_much_data_to_write() (packet.c) — so `await channel.write()` waits for the
// socket, not just for the peer's window, and memory stays bounded whatever windows a peer grants.

export const OUTPUT_HIGH_WATER = 2 * 1024 * 1024;
export const OUTPUT_LOW_WATER = 1024 * 1024;

export class OutputBacklog {
  /** Bytes queued and not yet taken by the driver. */
  queued = 0;
  /** Bytes the driver took and reported as not yet written. */
  inFlight = 0;
  private waiters: (() => void)[] = [];

  get bytes(): number {
    return this.queued + this.inFlight;
  }

  /** True while there is enough output waiting that producers should hold back. */
  get full(): boolean {
    return this.bytes >= OUTPUT_HIGH_WATER;
  }

  /** Resolves once the backlog is under the low-water mark (at once if it is). */
  drained(): Promise<void> {
    if (this.bytes < OUTPUT_LOW_WATER) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Call after any decrease; wakes the waiters once the backlog is low enough. */
  check(): void {
    if (this.bytes >= OUTPUT_LOW_WATER || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The connection closed: nobody waits any more (their sends will fail on their own). */
  release(): void {
    this.queued = 0;
    this.inFlight = 0;
    this.check();
  }
}
