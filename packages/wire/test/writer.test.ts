// SSHWriter: RFC 4251 §5 encodings, range checks, growth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SSHWriter } from '../src/index.js';
import { concat, hex, toHex } from './helpers.js';

describe('encodings (RFC 4251 §5)', () => {
  it('uint32 699921578 is 29 b7 f4 aa', () => {
    expect(toHex(new SSHWriter().uint32(699921578).finish())).toBe('29b7f4aa');
  });
  it('string "testing" is 00 00 00 07 t e s t i n g', () => {
    expect(toHex(new SSHWriter().string('testing').finish())).toBe('0000000774657374696e67');
  });
  it('boolean is written as 0 or 1', () => {
    expect(toHex(new SSHWriter().boolean(true).boolean(false).finish())).toBe('0100');
  });
  it('uint64 big-endian from a bigint or a safe-integer number', () => {
    expect(toHex(new SSHWriter().uint64(0x0102030405060708n).finish())).toBe('0102030405060708');
    expect(toHex(new SSHWriter().uint64(2 ** 53 - 1).finish())).toBe('001fffffffffffff');
    expect(toHex(new SSHWriter().uint64(2n ** 64n - 1n).finish())).toBe('ffffffffffffffff');
  });
  it('a JS string is UTF-8 encoded; raw has no prefix', () => {
    expect(toHex(new SSHWriter().string('\u20ac').raw(hex('abcd')).finish())).toBe('00000003e282acabcd');
    expect(toHex(new SSHWriter().string(new Uint8Array(0)).finish())).toBe('00000000');
  });
});

describe('range checks', () => {
  const w = () => new SSHWriter();
  it.each([-1, 256, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('byte(%s) throws RangeError', (v) => {
    expect(() => w().byte(v)).toThrow(RangeError);
  });
  it.each([-1, 2 ** 32, 0.5, Number.NaN, Number.POSITIVE_INFINITY])('uint32(%s) throws RangeError', (v) => {
    expect(() => w().uint32(v)).toThrow(RangeError);
  });
  it.each([-1n, 2n ** 64n, -1, 1.5, 2 ** 53, Number.NaN])('uint64(%s) throws RangeError', (v) => {
    expect(() => w().uint64(v)).toThrow(RangeError);
  });
  it('boundaries are accepted', () => {
    const out = w().byte(0).byte(255).uint32(0).uint32(0xffffffff).uint64(0n).finish();
    expect(toHex(out)).toBe(`00ff00000000ffffffff${'00'.repeat(8)}`);
  });
  it('a failed write leaves the writer unchanged', () => {
    const x = w().byte(7);
    expect(() => x.uint32(-1)).toThrow(RangeError);
    expect(() => x.byte(300)).toThrow(RangeError);
    expect(toHex(x.finish())).toBe('07');
  });
  it('mpint requires a bigint', () => {
    expect(() => w().mpint(5 as unknown as bigint)).toThrow(TypeError);
  });
  it('bad initial capacity throws RangeError', () => {
    expect(() => new SSHWriter(-1)).toThrow(RangeError);
  });
});

describe('growth', () => {
  it('any sequence of writes equals the concatenation, whatever the initial capacity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        (capacity, chunks) => {
          const w = new SSHWriter(capacity);
          for (const c of chunks) w.raw(c).byte(0xee);
          const expected = concat(...chunks.flatMap((c) => [c, new Uint8Array([0xee])]));
          expect(w.length).toBe(expected.length);
          const out = w.finish();
          expect(out.length).toBe(expected.length);
          expect(out).toEqual(expected);
        },
      ),
    );
  });

  it('finish() is exact-length and earlier results survive later growth', () => {
    const w = new SSHWriter(1);
    w.uint32(1);
    const first = w.finish();
    w.raw(new Uint8Array(1000).fill(5));
    expect(toHex(first)).toBe('00000001');
    expect(w.finish().length).toBe(1004);
    expect(w.finish()[1003]).toBe(5);
  });
});
