// SSHReader specifics: RFC 4251 §5 examples, length prefixes, views, UTF-8, positions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError, SSHReader } from '../src/index.js';
import { concat, expectMalformed, hex, sshString, u32 } from './helpers.js';

describe('RFC 4251 §5 examples', () => {
  it('uint32 699921578 is 29 b7 f4 aa', () => {
    expect(new SSHReader(hex('29b7f4aa')).uint32()).toBe(699921578);
  });
  it('uint32 and uint64 are unsigned', () => {
    expect(new SSHReader(hex('ffffffff')).uint32()).toBe(0xffffffff);
    expect(new SSHReader(hex('ffffffffffffffff')).uint64()).toBe(2n ** 64n - 1n);
    expect(new SSHReader(hex('0102030405060708')).uint64()).toBe(0x0102030405060708n);
  });
  it('string "testing" is 00 00 00 07 t e s t i n g', () => {
    expect(new SSHReader(hex('00000007 74657374696e67')).utf8()).toBe('testing');
  });
  it('boolean: any non-zero value is TRUE', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (b) => {
        expect(new SSHReader(new Uint8Array([b])).boolean()).toBe(b !== 0);
      }),
    );
  });
});

describe('length-prefixed reads', () => {
  it('a declared length of 2^32-1 on a tiny buffer throws without allocating', () => {
    const data = concat(u32(0xffffffff), hex('01020304'));
    const r = new SSHReader(data);
    const err = expectMalformed(() => r.string(), 'string');
    expect(err.message).toMatch(/4294967295 exceeds remaining 4/);
    expect(r.position).toBe(0);
    expectMalformed(() => r.utf8('banner'), 'banner');
    expectMalformed(() => r.string('s', 0xffffffff), 's');
  });

  it('refuses any length larger than the bytes remaining', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 32 }),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 8 }),
        (body, excess, after) => {
          const declared = Math.min(body.length + excess, 0xffffffff);
          const data = concat(u32(declared), body, after);
          // The reader ends after `body`; the bytes in `after` must not be read.
          const r = new SSHReader(data, 0, 4 + body.length);
          expectMalformed(() => r.string('payload'), 'payload');
          expect(r.position).toBe(0);
        },
      ),
    );
  });

  it('refuses a length over maxLength even when the bytes are there', () => {
    const data = sshString('abcd');
    expect(new SSHReader(data).string('s', 4)).toEqual(hex('61626364'));
    const err = expectMalformed(() => new SSHReader(data).string('s', 3), 's');
    expect(err.message).toMatch(/limit 3/);
    expectMalformed(() => new SSHReader(data).utf8('u', 3), 'u');
  });

  it('string() and bytes() and rest() return views, not copies', () => {
    const data = concat(hex('aa'), sshString(hex('010203')), hex('bbcc'));
    const r = new SSHReader(data, 1);
    const s = r.string();
    expect(s).toEqual(hex('010203'));
    expect(s.buffer).toBe(data.buffer);
    expect(s.byteOffset).toBe(5);
    const b = r.bytes(1);
    expect(b.buffer).toBe(data.buffer);
    expect(b.byteOffset).toBe(8);
    const rest = r.rest();
    expect(rest).toEqual(hex('cc'));
    expect(rest.buffer).toBe(data.buffer);
    expect(r.remaining).toBe(0);
    data[5] = 0x99;
    expect(s[0]).toBe(0x99);
  });

  it('works on a Uint8Array that is itself a view at a non-zero offset', () => {
    const backing = concat(hex('ffffffff'), hex('00000002 0102'), u32(7), hex('0000000000000009'));
    const view = backing.subarray(4);
    const r = new SSHReader(view);
    expect(r.string()).toEqual(hex('0102'));
    expect(r.uint32()).toBe(7);
    expect(r.uint64()).toBe(9n);
    r.end();
  });
});

describe('bytes()', () => {
  it('reads a fixed length, refuses more than remains', () => {
    const r = new SSHReader(hex('0102030405'));
    expect(r.bytes(2, 'cookie')).toEqual(hex('0102'));
    expect(r.bytes(0)).toEqual(new Uint8Array(0));
    expectMalformed(() => r.bytes(4, 'cookie'), 'cookie');
    expectMalformed(() => r.bytes(4), 'bytes');
    expect(r.position).toBe(2);
    expect(r.bytes(3)).toEqual(hex('030405'));
    expect(() => r.bytes(-1)).toThrow(RangeError);
    expect(() => r.bytes(1.5)).toThrow(RangeError);
  });
});

describe('utf8()', () => {
  it.each([
    ['lone continuation byte', '80'],
    ['0xFF', 'ff'],
    ['overlong NUL', 'c080'],
    ['encoded surrogate', 'eda080'],
    ['truncated sequence', 'e282'],
    ['above U+10FFFF', 'f4908080'],
  ])('rejects %s', (_, body) => {
    const r = new SSHReader(sshString(hex(body)));
    const err = expectMalformed(() => r.utf8('description'), 'description');
    expect(err.message).toMatch(/UTF-8/);
    expect(r.position).toBe(0);
    // The same bytes are a fine binary string.
    expect(r.string()).toEqual(hex(body));
  });

  it('keeps a leading byte-order mark and NULs', () => {
    expect(new SSHReader(sshString(hex('efbbbf41'))).utf8()).toBe('\ufeffA');
    expect(new SSHReader(sshString(hex('00610062'))).utf8()).toBe('\0a\0b');
  });

  it('decodes multi-byte text', () => {
    expect(new SSHReader(sshString(hex('e282ac f09f9491'))).utf8()).toBe('\u20ac\u{1f511}');
  });
});

describe('constructor, position, end()', () => {
  it('offset and end bound the reads', () => {
    const r = new SSHReader(hex('00 01 02 03 04 05'), 2, 4);
    expect(r.position).toBe(2);
    expect(r.remaining).toBe(2);
    expect(r.byte()).toBe(2);
    expect(r.position).toBe(3);
    expect(r.byte()).toBe(3);
    expectMalformed(() => r.byte(), 'byte');
    r.end();
  });

  it('rejects bad offset/end', () => {
    const d = new Uint8Array(4);
    expect(() => new SSHReader(d, 5)).toThrow(RangeError);
    expect(() => new SSHReader(d, -1)).toThrow(RangeError);
    expect(() => new SSHReader(d, 0, 5)).toThrow(RangeError);
    expect(() => new SSHReader(d, 3, 2)).toThrow(RangeError);
    expect(() => new SSHReader(d, 0.5)).toThrow(RangeError);
  });

  it('end() names its field and counts the trailing bytes', () => {
    const r = new SSHReader(hex('0102'));
    r.byte();
    const err = expectMalformed(() => r.end(), 'message');
    expect(err.message).toBe('malformed message: trailing data: 1 bytes');
    expect(err).toBeInstanceOf(MalformedMessageError);
    r.byte();
    r.end();
    new SSHReader(new Uint8Array(0)).end();
  });

  it('default field names', () => {
    const empty = () => new SSHReader(new Uint8Array(0));
    expectMalformed(() => empty().byte(), 'byte');
    expectMalformed(() => empty().boolean(), 'boolean');
    expectMalformed(() => empty().uint32(), 'uint32');
    expectMalformed(() => empty().uint64(), 'uint64');
    expectMalformed(() => empty().string(), 'string');
    expectMalformed(() => empty().utf8(), 'string');
    expectMalformed(() => empty().mpint(), 'mpint');
    expectMalformed(() => empty().signedMpint(), 'mpint');
    expectMalformed(() => empty().nameList(), 'name-list');
  });
});
