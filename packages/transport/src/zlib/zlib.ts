// zlib compression for SSH (RFC 4253 §6.2; zlib@openssh.com, OpenSSH PROTOCOL §1.2) on pako's
// port of zlib, driven through its low-level z_stream API as OpenSSH drives zlib (packet.c
// compress_buffer / uncompress_buffer): deflate level 6 with Z_PARTIAL_FLUSH after every payload,
// inflate with Z_SYNC_FLUSH into a buffer that may grow only up to the largest payload we accept.
// An opt-in entry (@sshts/transport/zlib): the default bundle carries none of it.
import { DisconnectReason, PacketLengthError, ProtocolError } from '@sshts/wire';
import {
  Z_BUF_ERROR,
  Z_NO_FLUSH,
  Z_OK,
  Z_PARTIAL_FLUSH,
  Z_SYNC_FLUSH,
  ZStream,
  zlibDeflate,
  zlibDeflateInit,
  zlibInflate,
  zlibInflateInit,
} from 'pako';
import type { CompressionAlgorithm, Compressor, Decompressor } from '../compression.js';

/** OpenSSH's level (packet.c start_compression_out(ssh, 6)). */
const LEVEL = 6;
/** The first inflate buffer; it doubles as needed up to the payload limit. */
const INITIAL_INFLATE = 64 * 1024;

function compressionError(message: string): ProtocolError {
  return new ProtocolError(message, { code: 'ERR_COMPRESSION', reason: DisconnectReason.COMPRESSION_ERROR });
}

/** One deflate stream; `compress` returns a view into a buffer reused by the next call. */
export class ZlibCompressor implements Compressor {
  private readonly stream = new ZStream();
  private output = new Uint8Array(36 * 1024);

  constructor(level = LEVEL) {
    if (zlibDeflateInit(this.stream, level) !== Z_OK) throw compressionError('deflateInit failed');
  }

  compress(parts: readonly Uint8Array[]): Uint8Array {
    const s = this.stream;
    let length = 0;
    for (const part of parts) length += part.length;
    // Room for incompressible input: stored blocks cost 5 bytes per 16 KiB, a flush ≤ 12 bytes.
    const bound = length + (length >>> 10) + 64;
    if (this.output.length < bound) this.output = new Uint8Array(bound);
    s.output = this.output;
    s.next_out = 0;
    s.avail_out = this.output.length;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const flush = i === parts.length - 1 ? Z_PARTIAL_FLUSH : Z_NO_FLUSH;
      if (part.length === 0 && flush === Z_NO_FLUSH) continue;
      s.input = part;
      s.next_in = 0;
      s.avail_in = part.length;
      for (;;) {
        const status = zlibDeflate(s, flush);
        // Z_BUF_ERROR: nothing to do (an empty last part after a flush); not an error (zlib.h).
        if (status !== Z_OK && status !== Z_BUF_ERROR) throw compressionError(`deflate failed (${status})`);
        if (s.avail_out !== 0) break;
        this.grow(s);
      }
    }
    s.input = EMPTY; // drop the caller's buffer
    return this.output.subarray(0, s.next_out);
  }

  /** The output filled up: continue in a buffer twice the size. */
  private grow(s: ZStream): void {
    const bigger = new Uint8Array(this.output.length * 2);
    bigger.set(this.output.subarray(0, s.next_out));
    this.output = bigger;
    s.output = bigger;
    s.avail_out = bigger.length - s.next_out;
  }
}

const EMPTY = new Uint8Array(0);

/** One inflate stream, bounded: a payload inflating past `maxPayloadLength` is an error. */
export class ZlibDecompressor implements Decompressor {
  private readonly stream = new ZStream();
  private readonly limit: number;
  private output: Uint8Array<ArrayBuffer>;

  constructor(options: { maxPayloadLength: number }) {
    this.limit = options.maxPayloadLength;
    // One byte past the limit shows that the limit was passed.
    this.output = new Uint8Array(Math.min(INITIAL_INFLATE, this.limit + 1));
    if (zlibInflateInit(this.stream) !== Z_OK) throw compressionError('inflateInit failed');
  }

  decompress(data: Uint8Array): Uint8Array {
    const s = this.stream;
    s.input = data;
    s.next_in = 0;
    s.avail_in = data.length;
    s.output = this.output;
    s.next_out = 0;
    s.avail_out = this.output.length;
    for (;;) {
      const status = zlibInflate(s, Z_SYNC_FLUSH);
      if (status !== Z_OK && status !== Z_BUF_ERROR) {
        // Z_STREAM_END too: an SSH stream never ends while the connection lives (OpenSSH refuses it).
        throw compressionError(`corrupt compressed payload (${s.msg || `inflate status ${status}`})`);
      }
      if (s.next_out > this.limit) {
        throw new PacketLengthError(
          s.next_out,
          `decompressed payload exceeds the limit of ${this.limit} bytes`,
        );
      }
      if (s.avail_out !== 0) break; // all input used and all output out
      this.grow(s);
    }
    s.input = EMPTY;
    if (s.avail_in !== 0) throw compressionError('compressed payload has trailing bytes');
    if (s.next_out === 0) throw compressionError('compressed payload inflates to nothing');
    return this.output.slice(0, s.next_out);
  }

  private grow(s: ZStream): void {
    const bigger = new Uint8Array(Math.min(this.output.length * 2, this.limit + 1));
    bigger.set(this.output.subarray(0, s.next_out));
    this.output = bigger;
    s.output = bigger;
    s.avail_out = bigger.length - s.next_out;
  }
}

function zlibAlgorithm(name: string, delayed: boolean): CompressionAlgorithm {
  return {
    name,
    delayed,
    createCompressor: () => new ZlibCompressor(),
    createDecompressor: (options) => new ZlibDecompressor(options),
  };
}

/**
 * `zlib@openssh.com`: zlib from the first packet after USERAUTH_SUCCESS (OpenSSH's default when
 * compression is on). Opt in with `compression: [zlibOpenSSH]`.
 */
export const zlibOpenSSH: CompressionAlgorithm = zlibAlgorithm('zlib@openssh.com', true);

/** `zlib` (RFC 4253 §6.2): zlib from the first NEWKEYS on, before authentication too. */
export const zlib: CompressionAlgorithm = zlibAlgorithm('zlib', false);
