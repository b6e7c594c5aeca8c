// A small ASN.1 DER reader and writer (ITU-T X.690 §8 basic rules, §10 DER restrictions) for the
// private key structures of PKCS#1, SEC1 and PKCS#8. Only what those need: SEQUENCE, INTEGER,
// OCTET STRING, BIT STRING, OBJECT IDENTIFIER, NULL and context-specific tags. The reader is strict:
// definite minimal lengths only (X.690 §10.1), minimal INTEGER and OID encodings (§8.3.2, §8.19.2),
// single-byte tags, bounds checked before every slice. Anything else is a KeyFormatError.
import { os2ip } from './bigint.js';
import { KeyFormatError } from './errors.js';

export const DER_INTEGER = 0x02;
export const DER_BIT_STRING = 0x03;
export const DER_OCTET_STRING = 0x04;
export const DER_NULL = 0x05;
export const DER_OID = 0x06;
export const DER_SEQUENCE = 0x30;
export const DER_SET = 0x31;

/** Tag of a context-specific constructed element `[n]` (X.690 §8.1.2: class 10, constructed bit). */
export function contextConstructed(n: number): number {
  return 0xa0 | n;
}

/** Tag of a context-specific primitive element `[n] IMPLICIT` of a primitive type. */
export function contextPrimitive(n: number): number {
  return 0x80 | n;
}

/** Longest OID content we accept, in bytes (real OIDs are under 20). */
const MAX_OID_BYTES = 64;

export class DerReader {
  readonly #data: Uint8Array;
  readonly #format: string;
  readonly #end: number;
  #pos: number;

  /** Reads `data[offset..end)`; errors name `format` (e.g. 'PKCS#8'). */
  constructor(data: Uint8Array, format: string, offset = 0, end = data.length) {
    this.#data = data;
    this.#format = format;
    this.#pos = offset;
    this.#end = end;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** The tag of the next element, or undefined at the end. */
  peekTag(): number | undefined {
    return this.#pos < this.#end ? this.#data[this.#pos] : undefined;
  }

  #fail(field: string, message: string): never {
    throw new KeyFormatError(this.#format, `${field}: ${message}`);
  }

  /**
   * Reads one element's identifier and length and returns its content bounds, leaving the reader
   * after the element. X.690 §8.1.3: a length under 128 is one byte; the long form must not start
   * with a zero byte nor encode a value under 128 (§10.1); 0x80 (indefinite, §8.1.3.6) is not DER.
   */
  #element(tag: number, field: string): { start: number; end: number } {
    const d = this.#data;
    let p = this.#pos;
    if (p >= this.#end) this.#fail(field, 'truncated: missing element');
    const got = d[p++]!;
    if (got !== tag) this.#fail(field, `expected tag 0x${hex2(tag)}, got 0x${hex2(got)}`);
    if (p >= this.#end) this.#fail(field, 'truncated: missing length');
    const first = d[p++]!;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const count = first & 0x7f;
      if (count === 0) this.#fail(field, 'indefinite length is not DER');
      // Four length bytes already exceed any input we accept.
      if (count > 4) this.#fail(field, `length of ${count} bytes is too long`);
      if (count > this.#end - p) this.#fail(field, 'truncated: length bytes');
      if (d[p] === 0) this.#fail(field, 'length has a leading zero byte (not DER)');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + d[p++]!;
      if (length < 0x80) this.#fail(field, 'long-form length under 128 (not DER)');
    }
    if (length > this.#end - p) {
      this.#fail(field, `length ${length} exceeds remaining ${this.#end - p} bytes`);
    }
    this.#pos = p + length;
    return { start: p, end: p + length };
  }

  /** The content of an element with tag `tag`, as a view. */
  raw(tag: number, field: string): Uint8Array {
    const { start, end } = this.#element(tag, field);
    return this.#data.subarray(start, end);
  }

  /** A reader over the content of a constructed element (SEQUENCE, SET, `[n]`). */
  constructed(tag: number, field: string): DerReader {
    const { start, end } = this.#element(tag, field);
    return new DerReader(this.#data, this.#format, start, end);
  }

  sequence(field: string): DerReader {
    return this.constructed(DER_SEQUENCE, field);
  }

  /** `[n] EXPLICIT`: a reader over the element wrapped in context tag n, or undefined if absent. */
  optionalExplicit(n: number, field: string): DerReader | undefined {
    if (this.peekTag() !== contextConstructed(n)) return undefined;
    return this.constructed(contextConstructed(n), field);
  }

  /**
   * A non-negative INTEGER of at most `maxBits` bits. X.690 §8.3.2: the first nine bits must not
   * be all zero or all one (minimal two's complement). Negative values never occur in key material
   * and are rejected. The length is checked against `maxBits` before conversion.
   */
  integer(field: string, maxBits: number): bigint {
    const c = this.raw(DER_INTEGER, field);
    if (c.length === 0) this.#fail(field, 'empty INTEGER');
    if (c.length > 1 && ((c[0] === 0 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
      this.#fail(field, 'INTEGER is not minimally encoded');
    }
    if (c[0]! >= 0x80) this.#fail(field, 'negative INTEGER');
    if (c.length > Math.ceil(maxBits / 8) + 1) this.#fail(field, `INTEGER exceeds ${maxBits} bits`);
    const v = os2ip(c);
    if (v >> BigInt(maxBits) !== 0n) this.#fail(field, `INTEGER exceeds ${maxBits} bits`);
    return v;
  }

  /** A small non-negative INTEGER (a version number, an iteration count) as a number. */
  smallInteger(field: string, max: number): number {
    const v = this.integer(field, 53);
    if (v > BigInt(max)) this.#fail(field, `value ${v} exceeds ${max}`);
    return Number(v);
  }

  octetString(field: string, maxLength?: number): Uint8Array {
    const c = this.raw(DER_OCTET_STRING, field);
    if (maxLength !== undefined && c.length > maxLength) {
      this.#fail(field, `OCTET STRING of ${c.length} bytes exceeds ${maxLength}`);
    }
    return c;
  }

  /**
   * A BIT STRING holding whole bytes (keys always do): X.690 §8.6.2 initial octet of unused bits,
   * which must be 0 here.
   */
  bitString(field: string): Uint8Array {
    return this.#bits(this.raw(DER_BIT_STRING, field), field);
  }

  /** `[n] IMPLICIT BIT STRING` (RFC 5958's publicKey). */
  implicitBitString(n: number, field: string): Uint8Array {
    return this.#bits(this.raw(contextPrimitive(n), field), field);
  }

  #bits(c: Uint8Array, field: string): Uint8Array {
    if (c.length === 0) this.#fail(field, 'empty BIT STRING');
    if (c[0] !== 0) this.#fail(field, 'BIT STRING with unused bits');
    return c.subarray(1);
  }

  /** An OBJECT IDENTIFIER in dotted form (X.690 §8.19). */
  oid(field: string): string {
    const c = this.raw(DER_OID, field);
    if (c.length === 0 || c.length > MAX_OID_BYTES) this.#fail(field, `OID of ${c.length} bytes`);
    const arcs: number[] = [];
    let value = 0;
    let startOfArc = true;
    for (const b of c) {
      // §8.19.2: "the leading octet of the subidentifier shall not have the value 0x80".
      if (startOfArc && b === 0x80) this.#fail(field, 'OID arc is not minimally encoded');
      if (value > 2 ** 45) this.#fail(field, 'OID arc too large');
      value = value * 128 + (b & 0x7f);
      startOfArc = (b & 0x80) === 0;
      if (startOfArc) {
        arcs.push(value);
        value = 0;
      }
    }
    if (!startOfArc) this.#fail(field, 'OID ends inside an arc');
    // §8.19.4: the first subidentifier packs the first two arcs as 40·X + Y.
    const first = arcs[0]!;
    const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
    return [...head, ...arcs.slice(1)].join('.');
  }

  null(field: string): void {
    if (this.raw(DER_NULL, field).length !== 0) this.#fail(field, 'NULL with content');
  }

  /** Asserts nothing follows: trailing bytes are malformed. */
  end(field: string): void {
    if (this.#pos !== this.#end) this.#fail(field, `${this.#end - this.#pos} trailing bytes`);
  }
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Reads exactly one DER element of tag `tag` spanning all of `data`. */
export function derTopLevel(data: Uint8Array, format: string, field: string, tag = DER_SEQUENCE): DerReader {
  const outer = new DerReader(data, format);
  const inner = outer.constructed(tag, field);
  outer.end(field);
  return inner;
}

// ---- writer ----------------------------------------------------------------------------------

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An element: tag, minimal definite length (X.690 §10.1), content. */
export function derElement(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  const n = body.length;
  let header: number[];
  if (n < 0x80) {
    header = [tag, n];
  } else {
    const lengthBytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) lengthBytes.unshift(v % 256);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  return concat([Uint8Array.from(header), body]);
}

export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return derElement(DER_SEQUENCE, ...elements);
}

/** `[n] EXPLICIT` wrapping of complete elements. */
export function derExplicit(n: number, ...elements: Uint8Array[]): Uint8Array {
  return derElement(contextConstructed(n), ...elements);
}

/** A non-negative INTEGER in minimal two's complement (X.690 §8.3). */
export function derInteger(v: bigint | number): Uint8Array {
  const big = BigInt(v);
  if (big < 0n) throw new RangeError('derInteger: negative values are not supported');
  let hex = big.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A set top bit would read as negative: prefix a zero byte.
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return derElement(DER_INTEGER, bytes);
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derElement(DER_OCTET_STRING, bytes);
}

/** A BIT STRING of whole bytes (zero unused bits). */
export function derBitString(bytes: Uint8Array): Uint8Array {
  return derElement(DER_BIT_STRING, Uint8Array.of(0), bytes);
}

export function derNull(): Uint8Array {
  return Uint8Array.of(DER_NULL, 0);
}

/** An OBJECT IDENTIFIER from dotted form (X.690 §8.19). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => {
    if (!/^\d+$/.test(s)) throw new RangeError(`derOid: bad arc in ${dotted}`);
    return Number(s);
  });
  const [a = 0, b = 0, ...rest] = arcs;
  if (arcs.length < 2 || a > 2 || (a < 2 && b >= 40)) throw new RangeError(`derOid: bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const groups: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v % 128));
    out.push(...groups);
  }
  return derElement(DER_OID, Uint8Array.from(out));
}
