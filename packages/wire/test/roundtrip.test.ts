// Property tests over every wire type: round-trip, every strict truncation, trailing data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError, SSHReader, SSHWriter } from '../src/index.js';
import { codecs, taggedArb } from './codecs.js';
import { concat, expectMalformed } from './helpers.js';

const junk = fc.uint8Array({ minLength: 0, maxLength: 8 });

describe.each(codecs)('$name', (c) => {
  function encode(v: unknown): Uint8Array {
    const w = new SSHWriter(0);
    c.write(w, v);
    return w.finish();
  }

  it('round-trips, consuming exactly the encoding', () => {
    fc.assert(
      fc.property(c.arb, (v) => {
        const bytes = encode(v);
        const r = new SSHReader(bytes);
        expect(c.read(r)).toEqual(v);
        expect(r.position).toBe(bytes.length);
        expect(r.remaining).toBe(0);
        r.end();
      }),
    );
  });

  it('round-trips inside a larger buffer, honouring offset and end', () => {
    fc.assert(
      fc.property(c.arb, junk, junk, (v, before, after) => {
        const bytes = encode(v);
        const data = concat(before, bytes, after);
        const r = new SSHReader(data, before.length, before.length + bytes.length);
        expect(c.read(r, 'x')).toEqual(v);
        expect(r.position).toBe(before.length + bytes.length);
        r.end();
      }),
    );
  });

  it('every strict truncation throws MalformedMessageError naming the field, position unchanged', () => {
    fc.assert(
      fc.property(c.arb, fc.boolean(), (v, customName) => {
        const bytes = encode(v);
        const field = customName ? 'MSG.field' : c.defaultField;
        for (let k = 0; k < bytes.length; k++) {
          // Truncated array...
          const r1 = new SSHReader(bytes.subarray(0, k));
          expectMalformed(() => (customName ? c.read(r1, field) : c.read(r1)), field);
          expect(r1.position).toBe(0);
          // ...and a full array whose reader stops at `end`: the bound must be `end`, not data.length.
          const r2 = new SSHReader(bytes, 0, k);
          expectMalformed(() => (customName ? c.read(r2, field) : c.read(r2)), field);
          expect(r2.position).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('end() detects trailing bytes', () => {
    fc.assert(
      fc.property(c.arb, fc.uint8Array({ minLength: 1, maxLength: 16 }), (v, extra) => {
        const r = new SSHReader(concat(encode(v), extra));
        expect(c.read(r)).toEqual(v);
        expect(r.remaining).toBe(extra.length);
        const err = expectMalformed(() => r.end('KEXINIT'), 'KEXINIT');
        expect(err.message).toContain(`trailing data: ${extra.length} bytes`);
        expect(r.rest()).toEqual(extra);
        r.end();
      }),
      { numRuns: 50 },
    );
  });
});

describe('sequences of mixed fields', () => {
  const seqArb = fc.array(taggedArb, { minLength: 1, maxLength: 10 });

  it('round-trip in order', () => {
    fc.assert(
      fc.property(seqArb, (items) => {
        const w = new SSHWriter(1);
        for (const { codec, value } of items) codec.write(w, value);
        const bytes = w.finish();
        expect(bytes.length).toBe(w.length);
        const r = new SSHReader(bytes);
        items.forEach(({ codec, value }, i) => {
          expect(codec.read(r, `f${i}`)).toEqual(value);
        });
        r.end();
      }),
    );
  });

  it('a truncation fails at exactly the first field that does not fit, naming it', () => {
    fc.assert(
      fc.property(seqArb, (items) => {
        const w = new SSHWriter(0);
        const ends: number[] = [];
        for (const { codec, value } of items) {
          codec.write(w, value);
          ends.push(w.length);
        }
        const bytes = w.finish();
        for (let k = 0; k < bytes.length; k++) {
          const firstMissing = ends.findIndex((e) => e > k);
          const r = new SSHReader(bytes.subarray(0, k));
          let failed = -1;
          for (let i = 0; i < items.length; i++) {
            const item = items[i]!;
            try {
              expect(item.codec.read(r, `f${i}`)).toEqual(item.value);
            } catch (e) {
              expect(e).toBeInstanceOf(MalformedMessageError);
              expect((e as MalformedMessageError).field).toBe(`f${i}`);
              failed = i;
              break;
            }
          }
          expect(failed).toBe(firstMissing);
        }
      }),
      { numRuns: 40 },
    );
  });
});
