// Padding bytes drawn from a block of CSPRNG output. A CSPRNG call costs microseconds even for the
// 4–20 padding bytes of one packet (measured: ~3 µs in Node), so one call fills a block that serves
// hundreds of packets. Every byte is used once. One pool per set of primitives serves every
// connection of the process (sharedRandomPool): 4 KiB each was a tenth of an idle server
// connection's memory, and padding needs no separation between connections, only fresh bytes.
import type { CryptoPrimitives } from './crypto-primitives.js';

const POOL_SIZE = 4096;

export class RandomPool {
  private readonly pool = new Uint8Array(POOL_SIZE);
  private offset = POOL_SIZE;

  constructor(private readonly randomFill: (out: Uint8Array) => void) {}

  fill(out: Uint8Array): void {
    if (out.length > POOL_SIZE) {
      this.randomFill(out);
      return;
    }
    if (this.offset + out.length > POOL_SIZE) {
      this.randomFill(this.pool);
      this.offset = 0;
    }
    out.set(this.pool.subarray(this.offset, this.offset + out.length));
    this.offset += out.length;
  }
}

const shared = new WeakMap<CryptoPrimitives, RandomPool>();

/** The process-wide pool over `primitives.randomFill`. */
export function sharedRandomPool(primitives: CryptoPrimitives): RandomPool {
  let pool = shared.get(primitives);
  if (!pool) {
    pool = new RandomPool((out) => primitives.randomFill(out));
    shared.set(primitives, pool);
  }
  return pool;
}
