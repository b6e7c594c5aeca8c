// Integrity: flipping any bit pattern in any byte of a protected packet (length field, body, MAC or
// tag) must be refused with MacError — or, for the length field, PacketLengthError — and must never
// yield a payload. Impossible lengths are refused from the header alone, before the decoder waits
// for or allocates the body.
import { MacError, PacketLengthError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import { allSuites, keysFor, patternBytes, providers } from './helpers.js';

const FLIPS = [0x01, 0x10, 0x80, 0xff];

describe.each(providers)('provider $name: tampering', (provider) => {
  it.each(allSuites())('$label: every byte of a packet is covered', ({ cipher, mac }) => {
    const keys = keysFor(cipher, mac);
    const encoder = new PacketEncoder(provider.primitives);
    encoder.setKeys(keys);
    const original = encoder.encode(patternBytes(61, 5));
    const filler = new Uint8Array(64 * 1024);
    for (let index = 0; index < original.length; index++) {
      for (const flip of FLIPS) {
        const tampered = original.slice();
        tampered[index]! ^= flip;
        const decoder = new PacketDecoder(provider.primitives);
        decoder.setKeys(keys);
        decoder.push(tampered);
        // A longer (forged) length makes the decoder wait; give it bytes until it must decide.
        decoder.push(filler.slice());
        let outcome: unknown;
        try {
          outcome = decoder.next();
        } catch (error) {
          outcome = error;
        }
        const inLengthField = index < 4;
        if (inLengthField) {
          expect(outcome instanceof MacError || outcome instanceof PacketLengthError, `byte ${index}`).toBe(
            true,
          );
        } else {
          expect(outcome, `byte ${index} ^ ${flip}`).toBeInstanceOf(MacError);
        }
      }
    }
  });
});

/** Builds the first `headerLength` wire bytes of a packet whose length field says `length`. */
function forgedHeader(
  provider: (typeof providers)[number],
  suite: ReturnType<typeof allSuites>[number],
  length: number,
) {
  const keys = keysFor(suite.cipher, suite.mac);
  const p = provider.primitives;
  const field = new Uint8Array(16);
  new DataView(field.buffer).setUint32(0, length);
  if (suite.cipher.name === 'chacha20-poly1305@openssh.com') {
    // PROTOCOL.chacha20poly1305: the length is encrypted with K_2's sibling K_1 (key bytes 32..64).
    p.chacha20(keys.encKey.slice(32, 64), new Uint8Array(8), 0, field.subarray(0, 4));
    return { keys, header: field.subarray(0, 4) };
  }
  if (suite.cipher.kind === 'stream' && !suite.mac.etm) {
    p.aesCtr(keys.encKey.slice(0, suite.cipher.keyLength), keys.iv).crypt(field);
    return { keys, header: field };
  }
  return { keys, header: field.subarray(0, 4) };
}

const badLengths = [0, 1, 4, 5, 35001, 256 * 1024 + 16, 2 ** 31, 2 ** 32 - 1];

describe.each(providers)('provider $name: length limits', (provider) => {
  it.each(allSuites())('$label: impossible lengths refused from the header alone', (suite) => {
    for (const length of badLengths) {
      const { keys, header } = forgedHeader(provider, suite, length);
      const decoder = new PacketDecoder(provider.primitives);
      decoder.setKeys(keys);
      decoder.push(header.slice());
      expect(() => decoder.next(), `length ${length}`).toThrow(PacketLengthError);
    }
  });

  it('honours a configured incoming limit', () => {
    const suite = allSuites()[0]!;
    const { keys, header } = forgedHeader(provider, suite, 40_000);
    const strict = new PacketDecoder(provider.primitives, { maxPacketLength: 36_000 });
    strict.setKeys(keys);
    strict.push(header.slice());
    expect(() => strict.next()).toThrow(/exceeds the limit of 36000/);
    const lenient = new PacketDecoder(provider.primitives);
    lenient.setKeys(keys);
    lenient.push(forgedHeader(provider, suite, 40_000).header.slice());
    expect(lenient.next()).toBeUndefined(); // a legal length: it waits for the body
  });
});

describe('outgoing size', () => {
  it.each(allSuites())('$label: never emits a packet over 35000 bytes', ({ cipher, mac }) => {
    const encoder = new PacketEncoder(providers[0]!.primitives);
    encoder.setKeys(keysFor(cipher, mac));
    const max = encoder.maxPayloadLength;
    expect(encoder.packetSize(max)).toBeLessThanOrEqual(35000);
    expect(encoder.packetSize(max + 16)).toBeGreaterThan(35000);
    expect(encoder.encode(new Uint8Array(max)).length).toBeLessThanOrEqual(35000);
    expect(() => encoder.encode(new Uint8Array(max + 16))).toThrow(RangeError);
    expect(max).toBeGreaterThanOrEqual(32768 + 9); // a full 32 KiB channel data message fits
  });
});

describe('padding and sequence numbers', () => {
  it('rejects padding below 4 and padding that leaves no payload', () => {
    const p = providers[0]!.primitives;
    for (const [padding, length] of [
      [3, 12],
      [11, 12],
    ] as const) {
      const packet = new Uint8Array(4 + length);
      new DataView(packet.buffer).setUint32(0, length);
      packet[4] = padding;
      const decoder = new PacketDecoder(p);
      decoder.push(packet);
      expect(() => decoder.next()).toThrow(/padding_length/);
    }
  });

  it('wraps at 2^32 in both directions and reports it', () => {
    const p = providers[0]!.primitives;
    const encoder = new PacketEncoder(p, { initialSequenceNumber: 2 ** 32 - 1 });
    const decoder = new PacketDecoder(p, { initialSequenceNumber: 2 ** 32 - 1 });
    decoder.push(encoder.encode(new Uint8Array([2])));
    decoder.push(encoder.encode(new Uint8Array([2])));
    expect(decoder.next()).toEqual(new Uint8Array([2]));
    expect(decoder.lastSequenceNumber).toBe(2 ** 32 - 1);
    expect(decoder.next()).toEqual(new Uint8Array([2]));
    expect(decoder.lastSequenceNumber).toBe(0);
    expect(encoder.sequenceNumber).toBe(1);
    expect(encoder.sequenceWrapped && decoder.sequenceWrapped).toBe(true);
    encoder.resetSequence();
    decoder.resetSequence();
    expect([encoder.sequenceNumber, decoder.sequenceNumber, encoder.sequenceWrapped]).toEqual([0, 0, false]);
  });
});
