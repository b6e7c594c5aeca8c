import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import { allSuites, keysFor, patternBytes, providers } from './helpers.js';

const sizes = [1, 2, 15, 16, 17, 100, 1000, 32768];

describe.each(providers)('provider $name: packets round-trip', (provider) => {
  it.each(allSuites())('$label', ({ cipher, mac }) => {
    for (const peer of providers) {
      const encoder = new PacketEncoder(provider.primitives);
      const decoder = new PacketDecoder(peer.primitives);
      const keys = keysFor(cipher, mac);
      encoder.setKeys(keys);
      decoder.setKeys(keys);
      const payloads = sizes.map((n, i) => patternBytes(n, i + 3));
      const wire = payloads.map((p) => encoder.encode(p));
      // Feed it all as one stream cut into odd-sized chunks, so packets straddle chunk boundaries.
      const stream = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
      let at = 0;
      for (const w of wire) {
        stream.set(w, at);
        at += w.length;
      }
      const received: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += 4093) {
        decoder.push(stream.slice(i, i + 4093));
        for (let p = decoder.next(); p; p = decoder.next()) received.push(p.slice());
      }
      expect(received).toEqual(payloads);
      expect(decoder.sequenceNumber).toBe(sizes.length);
      expect(decoder.bufferedLength).toBe(0);
    }
  });
});

describe('property: any payloads, any chunking', () => {
  const suites = allSuites();
  it('decodes exactly what was encoded', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...suites),
        fc.constantFrom(...providers),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }),
        ({ cipher, mac }, provider, payloads, cuts) => {
          const keys = keysFor(cipher, mac);
          const encoder = new PacketEncoder(provider.primitives);
          const decoder = new PacketDecoder(provider.primitives);
          encoder.setKeys(keys);
          decoder.setKeys(keys);
          const wire = payloads.map((p) => encoder.encode(p));
          const stream = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
          let offset = 0;
          for (const w of wire) {
            stream.set(w, offset);
            offset += w.length;
          }
          const received: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            decoder.push(stream.slice(at, at + n));
            at += n;
            for (let p = decoder.next(); p; p = decoder.next()) received.push(p.slice());
          }
          expect(received).toEqual(payloads);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe.each(providers)('provider $name: encodeChunks', (provider) => {
  it.each(allSuites())('$label: chunks concatenate to what encode() gives', ({ cipher, mac }) => {
    const keys = keysFor(cipher, mac);
    const padding = (out: Uint8Array) => out.fill(0x5a); // same padding in both encoders
    const chunked = new PacketEncoder(provider.primitives, { padding });
    const whole = new PacketEncoder(provider.primitives, { padding });
    chunked.setKeys(keys);
    whole.setKeys(keys);
    for (const size of sizes) {
      const payload = patternBytes(size, size);
      const chunks: Uint8Array[] = [];
      const total = chunked.encodeChunks(payload, chunks);
      const joined = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        joined.set(c, at);
        at += c.length;
      }
      expect(at).toBe(total);
      expect(joined).toEqual(whole.encode(payload));
    }
    expect(chunked.sequenceNumber).toBe(sizes.length);
  });

  it('returns the cipher output without copying where the primitive cannot work in place', () => {
    const gcm = allSuites().find((s) => s.cipher.name === 'aes128-gcm@openssh.com')!;
    const encoder = new PacketEncoder(provider.primitives);
    encoder.setKeys(keysFor(gcm.cipher, gcm.mac));
    expect(encoder.canEncodeChunksWithoutCopy).toBe(provider.name === 'node');
  });
});

describe.each(providers)('provider $name: drafts', (provider) => {
  it.each(allSuites())('$label: a payload written in place seals like encode()', ({ cipher, mac }) => {
    const keys = keysFor(cipher, mac);
    const padding = (out: Uint8Array) => out.fill(0x33);
    const drafting = new PacketEncoder(provider.primitives, { padding });
    const whole = new PacketEncoder(provider.primitives, { padding });
    drafting.setKeys(keys);
    whole.setKeys(keys);
    for (const size of sizes) {
      const payload = patternBytes(size, size + 1);
      const draft = drafting.draft(size);
      expect(draft.payload.length).toBe(size);
      draft.payload.set(payload);
      const chunks: Uint8Array[] = [];
      const total = drafting.seal(draft, chunks);
      const joined = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        joined.set(c, at);
        at += c.length;
      }
      expect(joined).toEqual(whole.encode(payload));
    }
  });

  it('refuses a second draft before the first is sealed, and a draft from older keys', () => {
    const { cipher, mac } = allSuites()[0]!;
    const encoder = new PacketEncoder(provider.primitives);
    const first = encoder.draft(10);
    expect(() => encoder.draft(10)).toThrow(/not been sealed/);
    encoder.setKeys(keysFor(cipher, mac));
    expect(() => encoder.seal(first, [])).toThrow(/not the open draft/);
  });
});
