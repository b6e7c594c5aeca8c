// PacketDecoder.lastPayloadShared: a payload reported as not shared is kept as a view (the channel
// layer queues such data without copying it), so it must still hold its bytes after every later
// packet has been decoded — whatever the chunking, cipher and provider. Shared payloads (in the
// reused assembly buffer) must be copied, and the decoder must say so.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import { allSuites, keysFor, providers } from './helpers.js';

describe('payload ownership', () => {
  const suites = allSuites();
  it('views of unshared payloads survive all later packets; shared ones are flagged', () => {
    let sawShared = false;
    let sawOwned = false;
    fc.assert(
      fc.property(
        fc.constantFrom(...suites),
        fc.constantFrom(...providers),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 70_000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 20 }),
        ({ cipher, mac }, provider, payloads, cuts) => {
          const keys = keysFor(cipher, mac);
          const encoder = new PacketEncoder(provider.primitives, { maxPacketSize: 80_000 });
          const decoder = new PacketDecoder(provider.primitives);
          encoder.setKeys(keys);
          decoder.setKeys(keys);
          const wire = payloads.map((p) => encoder.encode(p));
          const stream = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
          let at = 0;
          for (const w of wire) {
            stream.set(w, at);
            at += w.length;
          }
          const kept: Uint8Array[] = [];
          for (let i = 0, c = 0; i < stream.length; c++) {
            const n = cuts[c % cuts.length]!;
            decoder.push(stream.slice(i, i + n));
            i += n;
            for (let p = decoder.next(); p; p = decoder.next()) {
              if (decoder.lastPayloadShared) {
                sawShared = true;
                kept.push(p.slice());
              } else {
                sawOwned = true;
                kept.push(p);
              }
            }
          }
          expect(kept).toEqual(payloads);
        },
      ),
      { numRuns: 150 },
    );
    expect(sawShared).toBe(true);
    expect(sawOwned).toBe(true);
  });
});
