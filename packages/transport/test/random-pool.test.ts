// The padding pool (src/random-pool.ts): one per set of primitives for the whole process, every
// byte handed out once whichever encoder asks, refilled from randomFill only when used up.
import { describe, expect, it } from 'vitest';
import type { CryptoPrimitives } from '../src/crypto-primitives.js';
import { noblePrimitives } from '../src/noble-provider.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import { RandomPool, sharedRandomPool } from '../src/random-pool.js';

/** Primitives whose randomFill writes a counter, so that every byte handed out can be told apart. */
function countingPrimitives(): { primitives: CryptoPrimitives; fills: () => number } {
  let next = 0;
  let fills = 0;
  const primitives: CryptoPrimitives = {
    ...noblePrimitives,
    randomFill(out) {
      fills++;
      for (let i = 0; i < out.length; i++) out[i] = next++ & 0xff;
    },
  };
  return { primitives, fills: () => fills };
}

describe('RandomPool', () => {
  it('hands every byte out once, across the encoders of one set of primitives', () => {
    const { primitives, fills } = countingPrimitives();
    const pool = sharedRandomPool(primitives);
    expect(sharedRandomPool(primitives)).toBe(pool);
    expect(sharedRandomPool(noblePrimitives)).not.toBe(pool);
    const a = new Uint8Array(3000);
    const b = new Uint8Array(1000);
    pool.fill(a);
    sharedRandomPool(primitives).fill(b);
    expect(fills()).toBe(1); // 4000 bytes from one 4096-byte block
    expect(a[0]).toBe(0);
    expect(b[0]).toBe(3000 & 0xff); // continues where the other left off
    const c = new Uint8Array(200);
    pool.fill(c);
    expect(fills()).toBe(2); // not enough left: a fresh block
    expect(c[0]).toBe(4096 & 0xff);
  });

  it('two encoders on the same primitives share one pool (no 4 KiB each)', () => {
    const { primitives, fills } = countingPrimitives();
    const one = new PacketEncoder(primitives);
    const two = new PacketEncoder(primitives);
    for (let i = 0; i < 20; i++) {
      one.encode(new Uint8Array([2, i]));
      two.encode(new Uint8Array([2, i]));
    }
    expect(fills()).toBe(1);
  });

  it('a request larger than the block goes straight to randomFill', () => {
    const { primitives, fills } = countingPrimitives();
    const pool = new RandomPool((out) => primitives.randomFill(out));
    const big = new Uint8Array(5000);
    pool.fill(big);
    expect(fills()).toBe(1);
    expect(big[4999]).toBe(4999 & 0xff);
  });
});
