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

  it('with in-place primitives (noble), a bulk packet cut across chunks is not left shared', () => {
    // Its payload would otherwise sit in the reused buffer, and the channel copy it a second time.
    const noble = providers.find((p) => p.primitives.alignedBuffers)!;
    const { cipher, mac } = allSuites().find((s) => s.cipher.name === 'chacha20-poly1305@openssh.com')!;
    const keys = keysFor(cipher, mac);
    const encoder = new PacketEncoder(noble.primitives);
    const decoder = new PacketDecoder(noble.primitives);
    encoder.setKeys(keys);
    decoder.setKeys(keys);
    const bulk = new Uint8Array(32 * 1024).fill(7);
    const small = new Uint8Array(100).fill(9);
    const wire = [encoder.encode(bulk), encoder.encode(small)];
    const shared: boolean[] = [];
    for (const w of wire) {
      const cut = Math.floor(w.length / 2) + 1; // straddles two chunks, the second unaligned
      decoder.push(w.slice(0, cut));
      decoder.push(w.slice(cut));
      expect(decoder.next()).toBeDefined();
      shared.push(decoder.lastPayloadShared);
    }
    expect(shared).toEqual([false, true]);
  });
});
