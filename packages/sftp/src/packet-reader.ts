// SFTP framing (draft-02 §3): `uint32 length` then `length` bytes (type, request id, data). The
// reader cuts a byte stream into those messages. A message inside one chunk is returned as a view
// (chunks are ours: nothing reuses them); one that spans chunks is copied once into a buffer of
// exactly its length. Lengths under 5 (type + id) or over the limit are refused before allocating
// (libssh2 CVE-2019-3858/3860, libssh CVE-2026-59844's class).
import { PacketLengthError } from '@sshts/wire';
import { MAX_MESSAGE_LENGTH } from './constants.js';

/** type byte + uint32 request id (or version): the smallest message v3 defines. */
const MIN_MESSAGE_LENGTH = 5;

export class PacketReader {
  private readonly header = new Uint8Array(4);
  private headerFilled = 0;
  /** The message being assembled across chunks, and how much of it has arrived. */
  private partial: Uint8Array | undefined;
  private partialFilled = 0;

  constructor(private readonly maxLength = MAX_MESSAGE_LENGTH) {}

  /** True when no message is half received (EOF here is a clean end). */
  get idle(): boolean {
    return this.headerFilled === 0 && this.partial === undefined;
  }

  /** Feeds `chunk`; calls `onMessage` with each whole message (type byte first), in order. */
  push(chunk: Uint8Array, onMessage: (message: Uint8Array) => void): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.partial) {
        const n = Math.min(this.partial.length - this.partialFilled, end - pos);
        this.partial.set(chunk.subarray(pos, pos + n), this.partialFilled);
        this.partialFilled += n;
        pos += n;
        if (this.partialFilled === this.partial.length) {
          const message = this.partial;
          this.partial = undefined;
          this.partialFilled = 0;
          onMessage(message);
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
        onMessage(message);
      } else {
        this.partial = new Uint8Array(length);
        this.partialFilled = 0;
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
