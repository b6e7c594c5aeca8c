// Decoder for the SSH data types of RFC 4251 §5 over a Uint8Array. Every read checks its bounds
// before slicing or allocating, never copies (strings are subarray views), and fails with
// MalformedMessageError naming the field. A failed read leaves the position unchanged.
import { MalformedMessageError } from './errors.js';
import {
  DEFAULT_MAX_MPINT_BITS,
  DEFAULT_NAME_LIST_MAX_BYTES,
  DEFAULT_NAME_LIST_MAX_NAMES,
} from './limits.js';
import { bitLength, bytesToBigInt, decodeMpint } from './mpint.js';
import { COMMA, isNameByte } from './name-list.js';

/** Limits for SSHReader.nameList. */
export interface NameListLimits {
  /** Largest encoded length in bytes (default 65536). */
  maxBytes?: number;
  /** Most names (default 1024). */
  maxNames?: number;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class SSHReader {
  readonly #data: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  #pos: number;

  /** Reads `data[offset..end)`; `offset` defaults to 0 and `end` to `data.length`. */
  constructor(data: Uint8Array, offset = 0, end: number = data.length) {
    if (!Number.isInteger(end) || end < 0 || end > data.length) {
      throw new RangeError(`end ${end} outside 0..${data.length}`);
    }
    if (!Number.isInteger(offset) || offset < 0 || offset > end) {
      throw new RangeError(`offset ${offset} outside 0..${end}`);
    }
    this.#data = data;
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.#pos = offset;
    this.#end = end;
  }

  /** Index of the next byte to read, in the `data` given to the constructor. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** Throws unless `n` more bytes are available. */
  #need(n: number, field: string): void {
    if (n > this.#end - this.#pos) {
      throw new MalformedMessageError(field, `truncated: need ${n} bytes, have ${this.#end - this.#pos}`);
    }
  }

  /** RFC 4251 §5 byte. */
  byte(field = 'byte'): number {
    this.#need(1, field);
    return this.#data[this.#pos++]!;
  }

  /** RFC 4251 §5 boolean: "All non-zero values MUST be interpreted as TRUE." */
  boolean(field = 'boolean'): boolean {
    return this.byte(field) !== 0;
  }

  /** RFC 4251 §5 uint32, big-endian. */
  uint32(field = 'uint32'): number {
    this.#need(4, field);
    const v = this.#view.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }

  /** RFC 4251 §5 uint64, big-endian. */
  uint64(field = 'uint64'): bigint {
    this.#need(8, field);
    const v = this.#view.getBigUint64(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** `length` raw bytes with no length prefix, as a view into the input. */
  bytes(length: number, field = 'bytes'): Uint8Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
    this.#need(length, field);
    const out = this.#data.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  /**
   * RFC 4251 §5 string: uint32 length then that many bytes, returned as a view into the input.
   * The length is checked against the bytes remaining and against `maxLength` before slicing.
   */
  string(field = 'string', maxLength?: number): Uint8Array {
    this.#need(4, field);
    const length = this.#view.getUint32(this.#pos);
    if (maxLength !== undefined && length > maxLength) {
      throw new MalformedMessageError(field, `length ${length} exceeds limit ${maxLength}`);
    }
    const available = this.#end - this.#pos - 4;
    if (length > available) {
      throw new MalformedMessageError(field, `length ${length} exceeds remaining ${available} bytes`);
    }
    const start = this.#pos + 4;
    this.#pos = start + length;
    return this.#data.subarray(start, start + length);
  }

  /** A string holding UTF-8 text (RFC 4251 §5 "ISO-10646 UTF-8"); invalid UTF-8 is an error. */
  utf8(field = 'string', maxLength?: number): string {
    const start = this.#pos;
    const bytes = this.string(field, maxLength);
    try {
      return utf8Decoder.decode(bytes);
    } catch (cause) {
      this.#pos = start;
      throw new MalformedMessageError(field, 'invalid UTF-8', { cause });
    }
  }

  /**
   * A non-negative mpint (RFC 4251 §5). Like OpenSSH's sshbuf_get_bignum2_bytes_direct it rejects
   * negative values and values over `maxBits`, and silently accepts surplus leading zero bytes as
   * long as the whole content fits in ceil(maxBits / 8) + 1 bytes.
   */
  mpint(field = 'mpint', maxBits = DEFAULT_MAX_MPINT_BITS): bigint {
    checkMaxBits(maxBits);
    const start = this.#pos;
    const content = this.string(field, Math.ceil(maxBits / 8) + 1);
    if (((content[0] ?? 0) & 0x80) !== 0) {
      this.#pos = start;
      throw new MalformedMessageError(field, 'negative value not allowed');
    }
    const v = bytesToBigInt(content);
    if (bitLength(v) > maxBits) {
      this.#pos = start;
      throw new MalformedMessageError(field, `value exceeds ${maxBits} bits`);
    }
    return v;
  }

  /**
   * An mpint that may be negative (two's complement, RFC 4251 §5). Accepts non-minimal forms;
   * rejects values needing more than `maxBits` bits of magnitude.
   */
  signedMpint(field = 'mpint', maxBits = DEFAULT_MAX_MPINT_BITS): bigint {
    checkMaxBits(maxBits);
    const start = this.#pos;
    const v = decodeMpint(this.string(field, Math.ceil(maxBits / 8) + 1));
    if (bitLength(v < 0n ? -v - 1n : v) > maxBits) {
      this.#pos = start;
      throw new MalformedMessageError(field, `value exceeds ${maxBits} bits`);
    }
    return v;
  }

  /**
   * RFC 4251 §5 name-list: a string of comma-separated, non-empty, US-ASCII names. The empty
   * string is the empty list. Only bytes 0x21..0x7E are accepted (no NUL, control or space), and
   * the encoded length and the number of names are bounded before anything is allocated.
   */
  nameList(field = 'name-list', limits?: NameListLimits): string[] {
    const maxBytes = limits?.maxBytes ?? DEFAULT_NAME_LIST_MAX_BYTES;
    const maxNames = limits?.maxNames ?? DEFAULT_NAME_LIST_MAX_NAMES;
    const start = this.#pos;
    const bytes = this.string(field, maxBytes);
    try {
      return parseNameList(bytes, field, maxNames);
    } catch (e) {
      this.#pos = start;
      throw e;
    }
  }

  /** Everything left, as a view into the input. */
  rest(): Uint8Array {
    const out = this.#data.subarray(this.#pos, this.#end);
    this.#pos = this.#end;
    return out;
  }

  /** Asserts the message is fully consumed: trailing bytes are malformed. */
  end(field = 'message'): void {
    if (this.#pos !== this.#end) {
      throw new MalformedMessageError(field, `trailing data: ${this.#end - this.#pos} bytes`);
    }
  }
}

function checkMaxBits(maxBits: number): void {
  if (!Number.isInteger(maxBits) || maxBits < 0) throw new RangeError(`bad maxBits ${maxBits}`);
}

/** Validates every byte and counts names in one pass, then splits. */
function parseNameList(bytes: Uint8Array, field: string, maxNames: number): string[] {
  if (bytes.length === 0) return [];
  let names = 1;
  let nameLength = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === COMMA) {
      if (nameLength === 0) throw new MalformedMessageError(field, `empty name at offset ${i}`);
      names++;
      if (names > maxNames) throw new MalformedMessageError(field, `more than ${maxNames} names`);
      nameLength = 0;
    } else if (isNameByte(b)) {
      nameLength++;
    } else {
      throw new MalformedMessageError(field, `byte 0x${b.toString(16)} at offset ${i} not allowed in a name`);
    }
  }
  if (nameLength === 0) throw new MalformedMessageError(field, 'empty name at end');
  // All bytes are printable ASCII here, so a char-code mapping is exact.
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text.split(',');
}
