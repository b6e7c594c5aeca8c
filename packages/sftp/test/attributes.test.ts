// ATTRS (draft-02 §5): the codec against an independent encoder (scripted-server.ts encodeAttrs),
// round trips over every flag combination, and the malformed cases.
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttributeChanges,
  FileAttributes,
  FileType,
  readAttributes,
  writeAttributes,
} from '../src/index.js';
import { ATTR, encodeAttrs, type WireAttrs } from './scripted-server.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Any subset of the fields, with uid/gid and atime/mtime in pairs. */
const attrChanges = fc
  .record(
    {
      size: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
      ids: fc.option(fc.tuple(u32, u32), { nil: undefined }),
      mode: fc.option(u32, { nil: undefined }),
      times: fc.option(fc.tuple(u32, u32), { nil: undefined }),
      extended: fc.option(
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 })), {
          minLength: 1,
          maxLength: 4,
        }),
        { nil: undefined },
      ),
    },
    { requiredKeys: [] },
  )
  .map((f) => {
    const a: AttributeChanges = {};
    if (f.size !== undefined) a.size = f.size;
    if (f.ids) [a.uid, a.gid] = f.ids;
    if (f.mode !== undefined) a.mode = f.mode;
    if (f.times) [a.atime, a.mtime] = f.times;
    if (f.extended) a.extended = f.extended;
    return a;
  });

function expectedFlags(a: AttributeChanges): number {
  let flags = 0;
  if (a.size !== undefined) flags |= ATTR.SIZE;
  if (a.uid !== undefined) flags |= ATTR.UIDGID;
  if (a.mode !== undefined) flags |= ATTR.PERMISSIONS;
  if (a.atime !== undefined) flags |= ATTR.ACMODTIME;
  if (a.extended?.length) flags |= ATTR.EXTENDED;
  return flags >>> 0;
}

function toWire(a: AttributeChanges): WireAttrs {
  return {
    size: a.size,
    uid: a.uid,
    gid: a.gid,
    permissions: a.mode,
    atime: a.atime,
    mtime: a.mtime,
    extended: a.extended,
  };
}

const fields = (a: FileAttributes) => ({
  size: a.size,
  uid: a.uid,
  gid: a.gid,
  mode: a.mode,
  atime: a.atime,
  mtime: a.mtime,
  extended: a.extended,
});

function read(bytes: Uint8Array): { attrs: FileAttributes; remaining: number } {
  const r = new SSHReader(bytes);
  const attrs = readAttributes(r);
  return { attrs, remaining: r.remaining };
}

function readError(bytes: Uint8Array): unknown {
  try {
    readAttributes(new SSHReader(bytes));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('writeAttributes / readAttributes', () => {
  it('round-trip every flag combination, byte for byte as draft-02 §5 lays them out', () => {
    fc.assert(
      fc.property(attrChanges, (a) => {
        const bytes = writeAttributes(new SSHWriter(), a).finish().slice();
        // The same bytes an independent encoder writes, and the flags word says exactly what follows.
        expect(bytes).toEqual(encodeAttrs(new SSHWriter(), toWire(a)).finish());
        expect(new DataView(bytes.buffer).getUint32(0)).toBe(expectedFlags(a));
        const { attrs, remaining } = read(bytes);
        expect(remaining).toBe(0);
        expect(fields(attrs)).toEqual({
          size: a.size,
          uid: a.uid,
          gid: a.gid,
          mode: a.mode,
          atime: a.atime,
          mtime: a.mtime,
          extended: a.extended?.map(([k, v]) => [k, v]),
        });
      }),
      { numRuns: 500 },
    );
  });

  it('covers all 32 flag combinations explicitly', () => {
    for (let mask = 0; mask < 32; mask++) {
      const a: AttributeChanges = {};
      if (mask & 1) a.size = 2 ** 40 + 3;
      if (mask & 2) [a.uid, a.gid] = [0xffffffff, 7];
      if (mask & 4) a.mode = 0o100644;
      if (mask & 8) [a.atime, a.mtime] = [1, 0xffffffff];
      if (mask & 16) a.extended = [['name@example.com', new Uint8Array([1, 2, 3])]];
      const bytes = writeAttributes(new SSHWriter(), a).finish();
      const expected = (mask & 0xf) | (mask & 16 ? 0x80000000 : 0);
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)).toBe(expected >>> 0);
      const { attrs, remaining } = read(bytes);
      expect(remaining).toBe(0);
      expect(attrs.size).toBe(a.size);
      expect(attrs.uid).toBe(a.uid);
      expect(attrs.gid).toBe(a.gid);
      expect(attrs.mode).toBe(a.mode);
      expect(attrs.atime).toBe(a.atime);
      expect(attrs.mtime).toBe(a.mtime);
      expect(attrs.extended).toEqual(a.extended);
    }
  });

  it('writes no fields (flags 0) for an empty change, and no EXTENDED flag for an empty list', () => {
    expect(writeAttributes(new SSHWriter(), {}).finish()).toEqual(new Uint8Array(4));
    expect(writeAttributes(new SSHWriter(), { extended: [] }).finish()).toEqual(new Uint8Array(4));
    expect(writeAttributes(new SSHWriter()).finish()).toEqual(new Uint8Array(4));
  });

  it('writes times as whole seconds', () => {
    const bytes = writeAttributes(new SSHWriter(), { atime: 10.9, mtime: 20.2 }).finish();
    expect(Array.from(bytes)).toEqual([0, 0, 0, 8, 0, 0, 0, 10, 0, 0, 0, 20]);
  });

  it('throws RangeError for uid without gid, gid without uid, atime without mtime, mtime without atime', () => {
    expect(() => writeAttributes(new SSHWriter(), { uid: 1 })).toThrow(RangeError);
    expect(() => writeAttributes(new SSHWriter(), { gid: 1 })).toThrow(RangeError);
    expect(() => writeAttributes(new SSHWriter(), { atime: 1 })).toThrow(RangeError);
    expect(() => writeAttributes(new SSHWriter(), { mtime: 1 })).toThrow(RangeError);
    expect(() => writeAttributes(new SSHWriter(), { uid: 0, gid: 0, atime: 0, mtime: 0 })).not.toThrow();
  });

  it('reads an extended count that exactly fits, and refuses one that cannot fit before looping', () => {
    // Two pairs of empty strings: 16 bytes.
    const fits = encodeAttrs(new SSHWriter(), {
      extended: [
        ['', ''],
        ['', ''],
      ],
    }).finish();
    expect(read(fits).attrs.extended).toEqual([
      ['', new Uint8Array(0)],
      ['', new Uint8Array(0)],
    ]);
    for (const count of [3, 1000, 0x7fffffff, 0xffffffff]) {
      const bytes = encodeAttrs(new SSHWriter(), {
        extended: [
          ['', ''],
          ['', ''],
        ],
        extendedCount: count,
      }).finish();
      const error = readError(bytes);
      expect(error).toBeInstanceOf(MalformedMessageError);
      expect((error as MalformedMessageError).field).toBe('ATTRS.extended_count');
    }
  });

  it('refuses a size over 2^53 − 1 and accepts 2^53 − 1', () => {
    const max = encodeAttrs(new SSHWriter(), { size: BigInt(Number.MAX_SAFE_INTEGER) }).finish();
    expect(read(max).attrs.size).toBe(Number.MAX_SAFE_INTEGER);
    for (const size of [2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      const error = readError(encodeAttrs(new SSHWriter(), { size }).finish());
      expect(error).toBeInstanceOf(MalformedMessageError);
      expect((error as MalformedMessageError).field).toBe('ATTRS.size');
    }
  });

  it('refuses ATTRS truncated inside any field', () => {
    const whole = encodeAttrs(new SSHWriter(), {
      size: 5,
      uid: 1,
      gid: 2,
      permissions: 3,
      atime: 4,
      mtime: 5,
      extended: [['k', 'v']],
    }).finish();
    expect(read(whole).remaining).toBe(0);
    for (let n = 0; n < whole.length; n++) {
      expect(readError(whole.subarray(0, n))).toBeInstanceOf(MalformedMessageError);
    }
  });

  it('reads attributes in the middle of a message and leaves the reader after them', () => {
    const w = new SSHWriter().string('before');
    encodeAttrs(w, { size: 9, permissions: 0o600 });
    w.string('after');
    const r = new SSHReader(w.finish());
    r.string();
    const a = readAttributes(r);
    expect([a.size, a.mode]).toEqual([9, 0o600]);
    expect(new TextDecoder().decode(r.string())).toBe('after');
  });
});

describe('FileAttributes type tests', () => {
  const cases: [number, string][] = [
    [0o100644, 'file'],
    [0o040755, 'dir'],
    [0o120777, 'link'],
    [0o010600, 'fifo'],
    [0o140755, 'socket'],
    [0o060660, 'block'],
    [0o020620, 'char'],
  ];
  for (const [mode, kind] of cases) {
    it(`mode ${mode.toString(8)} is a ${kind} and nothing else`, () => {
      const a = new FileAttributes({ mode });
      expect({
        file: a.isFile(),
        dir: a.isDirectory(),
        link: a.isSymbolicLink(),
        fifo: a.isFIFO(),
        socket: a.isSocket(),
        block: a.isBlockDevice(),
        char: a.isCharacterDevice(),
      }).toEqual({
        file: kind === 'file',
        dir: kind === 'dir',
        link: kind === 'link',
        fifo: kind === 'fifo',
        socket: kind === 'socket',
        block: kind === 'block',
        char: kind === 'char',
      });
      expect(a.fileType).toBe(mode & FileType.MASK);
    });
  }

  it('without the type bits, or without permissions at all, is none of them', () => {
    for (const a of [new FileAttributes({ mode: 0o644 }), new FileAttributes({ size: 3 })]) {
      expect([a.isFile(), a.isDirectory(), a.isSymbolicLink()]).toEqual([false, false, false]);
    }
    expect(new FileAttributes().fileType).toBeUndefined();
  });

  it('a decoded directory mode reads as a directory', () => {
    const a = read(encodeAttrs(new SSHWriter(), { permissions: 0o040700 }).finish()).attrs;
    expect(a.isDirectory()).toBe(true);
    expect(a.isFile()).toBe(false);
  });
});
