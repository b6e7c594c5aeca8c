// PacketReader (draft-02 §3 framing): messages come out whole and in order wherever the chunks
// are cut; impossible lengths are refused before anything is allocated (libssh2 CVE-2019-3858 /
// CVE-2019-3860, libssh CVE-2026-59844's class).
import { PacketLengthError } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH, PacketReader } from '../src/index.js';
import { concat, pattern, sameBytes } from './scripted-server.js';

/** uint32 length + body. */
function framed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

function header(length: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length >>> 0);
  return out;
}

/** Cuts `bytes` at the given (sorted, deduplicated) offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.slice(at, p));
    at = p;
  }
  out.push(bytes.slice(at));
  return out;
}

/**
 * Runs `fn` while counting every `new Uint8Array(n)` with n ≥ `threshold` (module code resolves
 * the global binding at call time, so a Proxy in its place sees every construction).
 */
function countingAllocations<T>(
  threshold: number,
  fn: () => T,
): { result?: T; error?: unknown; big: number[] } {
  const original = globalThis.Uint8Array;
  const big: number[] = [];
  globalThis.Uint8Array = new Proxy(original, {
    construct(target, args, newTarget) {
      if (typeof args[0] === 'number' && args[0] >= threshold) big.push(args[0]);
      return Reflect.construct(target, args, newTarget === globalThis.Uint8Array ? target : newTarget);
    },
  });
  try {
    return { result: fn(), big };
  } catch (error) {
    return { error, big };
  } finally {
    globalThis.Uint8Array = original;
  }
}

describe('PacketReader', () => {
  it('returns any sequence of valid messages whole and in order, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 5, maxLength: 600 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (bodies, offsets) => {
          const stream = concat(bodies.map(framed));
          const reader = new PacketReader();
          const got: Uint8Array[] = [];
          for (const chunk of cut(stream, offsets)) reader.push(chunk, (m) => got.push(m.slice()));
          expect(got).toEqual(bodies);
          expect(reader.idle).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is idle only between messages', () => {
    const reader = new PacketReader();
    const stream = framed(pattern(20));
    const seen: boolean[] = [];
    for (let i = 0; i < stream.length; i++) {
      reader.push(stream.subarray(i, i + 1), () => {});
      seen.push(reader.idle);
    }
    expect(seen.slice(0, -1).every((idle) => !idle)).toBe(true);
    expect(seen.at(-1)).toBe(true);
  });

  it('assembles a message spanning many chunks, byte by byte and in uneven pieces', () => {
    const body = pattern(200_000, 9);
    const stream = concat([framed(body), framed(pattern(5, 1))]);
    for (const step of [1, 3, 4097]) {
      const reader = new PacketReader();
      const got: Uint8Array[] = [];
      for (let at = 0; at < stream.length; at += step) {
        reader.push(stream.subarray(at, at + step), (m) => got.push(m));
      }
      expect(got.length).toBe(2);
      expect(got[0]!.length).toBe(200_000);
      expect(sameBytes(got[0]!, body)).toBeUndefined();
      expect(got[1]).toEqual(pattern(5, 1));
    }
  });

  it('accepts the smallest (5) and the largest (the limit) lengths', () => {
    const reader = new PacketReader(1000);
    const got: number[] = [];
    reader.push(concat([framed(pattern(5)), framed(pattern(1000))]), (m) => got.push(m.length));
    expect(got).toEqual([5, 1000]);
    const dflt = new PacketReader();
    const lengths: number[] = [];
    dflt.push(framed(pattern(MAX_MESSAGE_LENGTH)), (m) => lengths.push(m.length));
    expect(lengths).toEqual([262144]);
  });

  for (const length of [0, 1, 2, 3, 4]) {
    it(`refuses length ${length} (< type + id) with PacketLengthError`, () => {
      const reader = new PacketReader();
      let error: unknown;
      try {
        reader.push(concat([header(length), pattern(8)]), () => {
          throw new Error('no message may come out');
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PacketLengthError);
      expect((error as PacketLengthError).length).toBe(length);
      expect((error as PacketLengthError).code).toBe('ERR_PACKET_LENGTH');
    });
  }

  for (const length of [MAX_MESSAGE_LENGTH + 1, 35_000_000, 2 ** 31, 2 ** 32 - 1]) {
    for (const split of [false, true]) {
      it(`refuses length ${length} (> 256 KiB) before allocating${split ? ', header split' : ''}`, () => {
        const reader = new PacketReader();
        const h = header(length);
        const { error, big } = countingAllocations(MAX_MESSAGE_LENGTH, () => {
          if (split) {
            reader.push(h.subarray(0, 1), () => {});
            reader.push(h.subarray(1, 3), () => {});
            reader.push(concat([h.subarray(3), pattern(10)]), () => {});
          } else {
            reader.push(concat([h, pattern(10)]), () => {});
          }
        });
        expect(error).toBeInstanceOf(PacketLengthError);
        expect((error as PacketLengthError).length).toBe(length);
        expect(big).toEqual([]);
      });
    }
  }

  it('honours a smaller configured limit', () => {
    const reader = new PacketReader(100);
    expect(() => reader.push(framed(pattern(101)), () => {})).toThrow(PacketLengthError);
    const ok = new PacketReader(100);
    const got: number[] = [];
    ok.push(framed(pattern(100)), (m) => got.push(m.length));
    expect(got).toEqual([100]);
  });

  it('the allocation counter does see a large message joined from two chunks (so the checks above can fail)', () => {
    const reader = new PacketReader();
    const stream = framed(pattern(200_000));
    const got: number[] = [];
    const { big } = countingAllocations(100_000, () => {
      reader.push(stream.subarray(0, 1000), (m) => got.push(m.length));
      reader.push(stream.subarray(1000), (m) => got.push(m.length));
    });
    expect(got).toEqual([200_000]);
    expect(big).toContain(200_000);
  });

  it('pushParts hands over views whose concatenation is each message, with the total length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 5, maxLength: 300 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (bodies, offsets) => {
          const stream = concat(bodies.map(framed));
          const reader = new PacketReader();
          const got: Uint8Array[] = [];
          for (const chunk of cut(stream, offsets)) {
            reader.pushParts(chunk, (parts, length) => {
              expect(parts.reduce((n, p) => n + p.length, 0)).toBe(length);
              got.push(concat(parts));
            });
          }
          expect(got).toEqual(bodies);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a message inside one chunk is handed over as one view of that chunk (no copy)', () => {
    const stream = concat([framed(pattern(10)), framed(pattern(7, 1))]);
    const reader = new PacketReader();
    const seen: Uint8Array[][] = [];
    reader.pushParts(stream, (parts) => seen.push(parts));
    expect(seen.length).toBe(2);
    expect(seen.map((p) => p.length)).toEqual([1, 1]);
    expect(seen[0]![0]!.buffer).toBe(stream.buffer);
    expect(seen[1]![0]!.byteOffset).toBe(stream.byteOffset + 14 + 4);
  });

  it('pushParts refuses lengths under 5 and over the limit too', () => {
    expect(() => new PacketReader().pushParts(header(4), () => {})).toThrow(PacketLengthError);
    expect(() => new PacketReader().pushParts(header(MAX_MESSAGE_LENGTH + 1), () => {})).toThrow(
      PacketLengthError,
    );
  });
});
