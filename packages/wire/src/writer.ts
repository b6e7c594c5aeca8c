// Encoder for the SSH data types of RFC 4251 §5 into a growable Uint8Array. Arguments are
// range-checked (RangeError / TypeError): a bad value is a bug on our side, never peer input.
import { UINT32_MAX, UINT64_MAX } from './limits.js';
import { encodeMpint } from './mpint.js';
import { nameProblem } from './name-list.js';

export { decodeMpint, encodeMpint } from './mpint.js';

const utf8Encoder = new TextEncoder();

export class SSHWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  constructor(initialCapacity = 256) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 0) {
      throw new RangeError(`bad initial capacity ${initialCapacity}`);
    }
    this.#buf = new Uint8Array(Math.max(initialCapacity, 16));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Makes room for `n` more bytes, doubling the buffer as needed; returns the write offset. */
  #reserve(n: number): number {
    const at = this.#len;
    const need = at + n;
    if (need > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.#buf.subarray(0, at));
      this.#buf = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#len = need;
    return at;
  }

  /** RFC 4251 §5 byte: an integer 0..255. */
  byte(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`byte out of range: ${v}`);
    const at = this.#reserve(1); // reserve first: it may replace #buf
    this.#buf[at] = v;
    return this;
  }

  /** RFC 4251 §5 boolean: "applications MUST NOT store values other than 0 and 1." */
  boolean(v: boolean): this {
    return this.byte(v ? 1 : 0);
  }

  /** RFC 4251 §5 uint32, big-endian: an integer 0..2^32-1. */
  uint32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > UINT32_MAX) throw new RangeError(`uint32 out of range: ${v}`);
    const at = this.#reserve(4);
    this.#view.setUint32(at, v);
    return this;
  }

  /** RFC 4251 §5 uint64, big-endian: an integer 0..2^64-1 (a number must be a safe integer). */
  uint64(v: bigint | number): this {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) {
      throw new RangeError(`uint64 given as a number must be a safe integer: ${v}`);
    }
    const big = BigInt(v);
    if (big < 0n || big > UINT64_MAX) throw new RangeError(`uint64 out of range: ${big}`);
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, big);
    return this;
  }

  /** Raw bytes with no length prefix. */
  raw(bytes: Uint8Array): this {
    const at = this.#reserve(bytes.length);
    this.#buf.set(bytes, at);
    return this;
  }

  /** RFC 4251 §5 string: uint32 length then the bytes. A JS string is encoded as UTF-8. */
  string(v: Uint8Array | string): this {
    const bytes = typeof v === 'string' ? utf8Encoder.encode(v) : v;
    if (bytes.length > UINT32_MAX) throw new RangeError(`string too long: ${bytes.length} bytes`);
    return this.uint32(bytes.length).raw(bytes);
  }

  /** RFC 4251 §5 mpint, always in minimal two's complement form. */
  mpint(v: bigint): this {
    if (typeof v !== 'bigint') throw new TypeError('mpint value must be a bigint');
    return this.string(encodeMpint(v));
  }

  /**
   * RFC 4251 §5 name-list. Each name must be non-empty printable US-ASCII (0x21..0x7E) without a
   * comma; anything else throws TypeError.
   */
  nameList(names: readonly string[]): this {
    for (const name of names) {
      const problem = nameProblem(name);
      if (problem !== undefined) throw new TypeError(`invalid name-list: ${problem}`);
    }
    // Names are ASCII, so the UTF-8 encoding is byte-for-byte the char codes.
    return this.string(names.join(','));
  }

  /** The bytes written: a view of the internal buffer of exactly `length` bytes. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}
