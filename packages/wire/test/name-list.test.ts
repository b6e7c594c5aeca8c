// name-list, RFC 4251 §5.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NAME_LIST_MAX_BYTES,
  DEFAULT_NAME_LIST_MAX_NAMES,
  SSHReader,
  SSHWriter,
} from '../src/index.js';
import { nameArb } from './codecs.js';
import { concat, expectMalformed, hex, sshString, toHex, u32 } from './helpers.js';

function readList(body: Uint8Array | string, limits?: { maxBytes?: number; maxNames?: number }) {
  return new SSHReader(sshString(body)).nameList(undefined, limits);
}

describe('RFC 4251 §5 examples', () => {
  const vectors: [string[], string][] = [
    [[], '00000000'],
    [['zlib'], '000000047a6c6962'],
    [['zlib', 'none'], '000000097a6c69622c6e6f6e65'],
  ];
  it.each(vectors)('%j', (names, encoding) => {
    expect(toHex(new SSHWriter().nameList(names).finish())).toBe(encoding);
    expect(new SSHReader(hex(encoding)).nameList()).toEqual(names);
  });
});

describe('reader', () => {
  it('round-trips names of every allowed character', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { maxLength: 20 }), (names) => {
        const r = new SSHReader(sshString(names.join(',')));
        expect(r.nameList()).toEqual(names);
        r.end();
      }),
    );
    const all = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i))
      .filter((c) => c !== ',')
      .join('');
    expect(readList(`${all},x`)).toEqual([all, 'x']);
  });

  it.each([
    ['NUL inside a name', 'aes\0,none'],
    ['NUL alone', '\0'],
    ['trailing NUL', 'none\0'],
    ['empty element', 'a,,b'],
    ['leading comma', ',a'],
    ['trailing comma', 'a,'],
    ['only a comma', ','],
    ['space', 'a b'],
    ['tab', 'a\tb'],
    ['DEL', 'a\x7f'],
    ['newline', 'a\n'],
  ])('rejects %s', (_, body) => {
    const r = new SSHReader(sshString(body));
    expectMalformed(() => r.nameList(), 'name-list');
    expect(r.position).toBe(0);
    expectMalformed(() => new SSHReader(sshString(body)).nameList('KEXINIT.kex'), 'KEXINIT.kex');
  });

  it('rejects non-ASCII bytes', () => {
    expectMalformed(() => readList('caf\u00e9'), 'name-list'); // UTF-8 c3 a9
    expectMalformed(() => readList(hex('61 80')), 'name-list');
    expectMalformed(() => readList(hex('ff')), 'name-list');
    fc.assert(
      fc.property(fc.integer({ min: 0x80, max: 0xff }), nameArb, (b, name) => {
        const body = concat(new TextEncoder().encode(name), new Uint8Array([b]));
        expectMalformed(() => readList(body), 'name-list');
      }),
      { numRuns: 50 },
    );
  });

  it('an empty string is the empty list', () => {
    expect(readList('')).toEqual([]);
  });

  it('enforces maxBytes (default 65536) from the length prefix', () => {
    expect(DEFAULT_NAME_LIST_MAX_BYTES).toBe(65536);
    const exact = 'a'.repeat(65536);
    expect(readList(exact)).toEqual([exact]);
    const err = expectMalformed(() => readList('a'.repeat(65537)), 'name-list');
    expect(err.message).toMatch(/limit 65536/);
    expect(readList('abcdefghij', { maxBytes: 10 })).toEqual(['abcdefghij']);
    expectMalformed(() => readList('abcdefghijk', { maxBytes: 10 }), 'name-list');
  });

  it('enforces maxNames (default 1024)', () => {
    expect(DEFAULT_NAME_LIST_MAX_NAMES).toBe(1024);
    const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
    expect(readList(names(1024).join(','))).toHaveLength(1024);
    expectMalformed(() => readList(names(1025).join(',')), 'name-list');
    expect(readList('a,b', { maxNames: 2 })).toEqual(['a', 'b']);
    expectMalformed(() => readList('a,b,c', { maxNames: 2 }), 'name-list');
    // 30000 one-letter names within the byte limit: refused by count.
    expectMalformed(() => readList(Array(30000).fill('a').join(',')), 'name-list');
  });

  it('a declared length of 0xFFFFFFFF with 10 bytes following fails at the length check', () => {
    const data = concat(u32(0xffffffff), new TextEncoder().encode('aaaaaaaaaa'));
    const err = expectMalformed(() => new SSHReader(data).nameList(), 'name-list');
    expect(err.message).toMatch(/limit/);
    // Even with the limit lifted, the remaining bytes bound the read.
    const err2 = expectMalformed(
      () => new SSHReader(data).nameList(undefined, { maxBytes: 2 ** 32 }),
      'name-list',
    );
    expect(err2.message).toMatch(/remaining 10/);
    // A length just over what remains, under the limit.
    expectMalformed(
      () => new SSHReader(concat(u32(11), new Uint8Array(10).fill(0x61))).nameList(),
      'name-list',
    );
  });
});

describe('writer', () => {
  it.each([
    ['empty name', ['']],
    ['empty among others', ['a', '']],
    ['comma', ['a,b']],
    ['NUL', ['a\0']],
    ['space', ['a b']],
    ['non-ASCII', ['caf\u00e9']],
    ['DEL', ['\x7f']],
    ['control', ['\x01']],
  ])('throws TypeError on %s', (_, names) => {
    const w = new SSHWriter();
    expect(() => w.nameList(names)).toThrow(TypeError);
    expect(w.length).toBe(0);
  });
});
