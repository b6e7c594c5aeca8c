// One table of wire types used by the generic property tests: how to generate a value, write it,
// read it back (with an explicit or the default field name), and compare.
import fc from 'fast-check';
import type { SSHReader, SSHWriter } from '../src/index.js';

export interface Codec<T> {
  name: string;
  /** The reader's default field name for this type. */
  defaultField: string;
  arb: fc.Arbitrary<T>;
  write(w: SSHWriter, v: T): void;
  read(r: SSHReader, field?: string): T;
}

/** Printable US-ASCII except comma: the alphabet of a name-list name. */
export const nameChar = fc.constantFrom(
  ...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
    (c) => c !== ',',
  ),
);
export const nameArb = fc.string({ unit: nameChar, minLength: 1, maxLength: 20 });

const BIG = 2n ** 520n;

function codec<T>(c: Codec<T>): Codec<unknown> {
  return c as Codec<unknown>;
}

export const codecs: Codec<unknown>[] = [
  codec<number>({
    name: 'byte',
    defaultField: 'byte',
    arb: fc.integer({ min: 0, max: 255 }),
    write: (w, v) => w.byte(v),
    read: (r, f) => r.byte(f),
  }),
  codec<boolean>({
    name: 'boolean',
    defaultField: 'boolean',
    arb: fc.boolean(),
    write: (w, v) => w.boolean(v),
    read: (r, f) => r.boolean(f),
  }),
  codec<number>({
    name: 'uint32',
    defaultField: 'uint32',
    arb: fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff),
    ),
    write: (w, v) => w.uint32(v),
    read: (r, f) => r.uint32(f),
  }),
  codec<bigint>({
    name: 'uint64',
    defaultField: 'uint64',
    arb: fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0n, 2n ** 63n, 2n ** 64n - 1n),
    ),
    write: (w, v) => w.uint64(v),
    read: (r, f) => r.uint64(f),
  }),
  codec<Uint8Array>({
    name: 'string',
    defaultField: 'string',
    arb: fc.uint8Array({ maxLength: 64 }),
    write: (w, v) => w.string(v),
    read: (r, f) => r.string(f),
  }),
  codec<string>({
    name: 'utf8',
    defaultField: 'string',
    arb: fc.string({ unit: 'binary', maxLength: 24 }),
    write: (w, v) => w.string(v),
    read: (r, f) => r.utf8(f),
  }),
  codec<bigint>({
    name: 'mpint',
    defaultField: 'mpint',
    arb: fc.oneof(fc.bigInt({ min: 0n, max: BIG }), fc.bigInt({ min: 0n, max: 1n << 20n })),
    write: (w, v) => w.mpint(v),
    read: (r, f) => r.mpint(f),
  }),
  codec<bigint>({
    name: 'signedMpint',
    defaultField: 'mpint',
    arb: fc.oneof(fc.bigInt({ min: -BIG, max: BIG }), fc.bigInt({ min: -(1n << 20n), max: 1n << 20n })),
    write: (w, v) => w.mpint(v),
    read: (r, f) => r.signedMpint(f),
  }),
  codec<string[]>({
    name: 'name-list',
    defaultField: 'name-list',
    arb: fc.array(nameArb, { maxLength: 6 }),
    write: (w, v) => w.nameList(v),
    read: (r, f) => r.nameList(f),
  }),
];

/** A value tagged with its codec, for sequences of mixed fields. */
export const taggedArb: fc.Arbitrary<{ codec: Codec<unknown>; value: unknown }> = fc.oneof(
  ...codecs.map((c) => c.arb.map((value) => ({ codec: c, value }))),
);
