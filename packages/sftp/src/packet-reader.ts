// SFTP framing (draft-02 §3): `uint32 length` then `length` bytes (type, request id, data). The
// reader cuts a byte stream into those messages without copying: a message is handed over as the
// views of the chunks it arrived in (one view when it sat inside one chunk; chunks are ours, as the
// channel layer hands them over, so nothing reuses them). A consumer that needs one contiguous
// buffer joins them — push() does that — while a large DATA reply can go to its destination piece
// by piece (session.ts). Lengths under 5 (type + id) or over the limit are refused before anything
// is kept (libssh2 CVE-2019-3858/3860, libssh CVE-2026-59844's class).
import { concatBytes, PacketLengthError } from '@sshts/wire';
import { MAX_MESSAGE_LENGTH } from './constants.js';

/**
 * Joins the views of one message into one buffer (a view itself when there is only one). Kept
 * under this name because the session and read pipeline import the join from here.
 */
export const joinParts: (parts: readonly Uint8Array[], length: number) => Uint8Array = concatBytes;

/** type byte + uint32 request id (or version): the smallest message v3 defines. */
const MIN_MESSAGE_LENGTH = 5;

export class PacketReader {
  private readonly header = new Uint8Array(4);
  private headerFilled = 0;
  /** The message being gathered across chunks: its length, and the views received so far. */
  private expected = -1;
  private parts: Uint8Array[] = [];
  private gathered = 0;

  constructor(private readonly maxLength = MAX_MESSAGE_LENGTH) {}

  /** True when no message is half received (EOF here is a clean end). */
  get idle(): boolean {
    return this.headerFilled === 0 && this.expected < 0;
  }

  /** Feeds `chunk`; calls `onMessage` with each whole message (type byte first), in order. */
  push(chunk: Uint8Array, onMessage: (message: Uint8Array) => void): void {
    this.pushParts(chunk, (parts, length) => onMessage(joinParts(parts, length)));
  }

  /** Feeds `chunk`; calls `onMessage` with each whole message as the views it arrived in. */
  pushParts(chunk: Uint8Array, onMessage: (parts: Uint8Array[], length: number) => void): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.expected >= 0) {
        const n = Math.min(this.expected - this.gathered, end - pos);
        this.parts.push(chunk.subarray(pos, pos + n));
        this.gathered += n;
        pos += n;
        if (this.gathered === this.expected) {
          const parts = this.parts;
          const length = this.expected;
          this.parts = [];
          this.gathered = 0;
          this.expected = -1;
          onMessage(parts, length);
        }
        continue;
      }
      let length: number;
      if (this.headerFilled === 0 && end - pos >= 4) {
        length =
          ((chunk[pos]! << 24) | (chunk[pos + 1]! << 16) | (chunk[pos + 2]! << 8) | chunk[pos + 3]!) >>> 0;
        pos += 4;
      } else {
        const n = Math.min(4 - this.headerFilled, end - pos);
        this.header.set(chunk.subarray(pos, pos + n), this.headerFilled);
        this.headerFilled += n;
        pos += n;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        const h = this.header;
        length = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
      }
      this.check(length);
      if (end - pos >= length) {
        const message = chunk.subarray(pos, pos + length);
        pos += length;
        onMessage([message], length);
      } else {
        this.expected = length;
      }
    }
  }

  private check(length: number): void {
    if (length < MIN_MESSAGE_LENGTH) {
      throw new PacketLengthError(length, `SFTP message of ${length} bytes is too short`);
    }
    if (length > this.maxLength) {
      throw new PacketLengthError(length, `SFTP message of ${length} bytes exceeds ${this.maxLength}`);
    }
  }
}
