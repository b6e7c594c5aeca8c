// Outgoing half of the binary packet protocol (RFC 4253 §6): frames a payload with minimal random
// padding, seals it with the keys in force and counts sequence numbers.
import type { PacketSealer } from './cipher.js';
import type { CryptoPrimitives } from './crypto-primitives.js';
import { MAX_OUTGOING_PACKET_SIZE, MIN_PADDING } from './limits.js';
import { createSealer, type DirectionKeys, INITIAL_KEYS } from './packet-protection.js';
import { sharedRandomPool } from './random-pool.js';

/** Packets whose body is at most this many bytes are drafted in a fresh buffer, not the staging one. */
const SMALL_BODY = 1024;

export interface PacketEncoderOptions {
  /** Largest whole packet to emit (default 35000, the size every peer must accept). */
  maxPacketSize?: number;
  /** Source of padding bytes; defaults to the provider's CSPRNG. Tests inject recorded padding. */
  padding?: (out: Uint8Array) => void;
  /** First sequence number (default 0). Only for known-answer tests that start mid-stream. */
  initialSequenceNumber?: number;
}

/** A packet being built in place: write exactly `payload.length` bytes into `payload`. */
export interface PacketDraft {
  readonly payload: Uint8Array;
}

interface OpenDraft extends PacketDraft {
  /** The whole packet (in-place sealers) or its body `padding_length || payload || padding`. */
  readonly buffer: Uint8Array;
  readonly padding: number;
  readonly total: number;
  readonly sealer: PacketSealer;
}

export class PacketEncoder {
  private sealer: PacketSealer;
  private seq = 0;
  private readonly maxPacketSize: number;
  private readonly fillPadding: (out: Uint8Array) => void;
  /** Reused plaintext body for drafts under detached sealers. */
  private staging = new Uint8Array(0);
  private openDraft: OpenDraft | undefined;
  /** Packets and bytes sealed under the current keys, for the rekey thresholds. */
  packetsSinceKeys = 0;
  bytesSinceKeys = 0;
  /** Set when the sequence number wrapped past 2^32 − 1 since the last reset. */
  sequenceWrapped = false;

  constructor(
    private readonly primitives: CryptoPrimitives,
    options: PacketEncoderOptions = {},
  ) {
    this.sealer = createSealer(primitives, INITIAL_KEYS);
    this.maxPacketSize = options.maxPacketSize ?? MAX_OUTGOING_PACKET_SIZE;
    if (options.padding) this.fillPadding = options.padding;
    else {
      const pool = sharedRandomPool(primitives);
      this.fillPadding = (out) => pool.fill(out);
    }
    this.seq = (options.initialSequenceNumber ?? 0) >>> 0;
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.seq;
  }

  /** Switches to new keys; call right after sending NEWKEYS (RFC 4253 §7.3). */
  setKeys(keys: DirectionKeys): void {
    this.openDraft = undefined;
    this.sealer = createSealer(this.primitives, keys);
    this.packetsSinceKeys = 0;
    this.bytesSinceKeys = 0;
  }

  /** Strict kex: the send sequence number restarts at 0 after every NEWKEYS (checklist §3.11). */
  resetSequence(): void {
    this.seq = 0;
    this.sequenceWrapped = false;
  }

  /** The largest payload that fits in one packet under the current keys. */
  get maxPayloadLength(): number {
    const { blockSize, macLength, lengthIsAad } = this.sealer;
    const room = this.maxPacketSize - macLength - 4;
    const counted = lengthIsAad ? room : room + 4;
    const body = counted - (counted % blockSize) - (lengthIsAad ? 0 : 4);
    return body - 1 - MIN_PADDING;
  }

  private paddingLength(payloadLength: number): number {
    const { blockSize, lengthIsAad } = this.sealer;
    // The length field counts towards the block multiple unless it is sent as AAD (packet.c aadlen).
    const unpadded = (lengthIsAad ? 0 : 4) + 1 + payloadLength;
    let padding = blockSize - (unpadded % blockSize);
    if (padding < MIN_PADDING) padding += blockSize;
    return padding;
  }

  /** The number of bytes `encode` will produce for a payload of this length. */
  packetSize(payloadLength: number): number {
    return 4 + 1 + payloadLength + this.paddingLength(payloadLength) + this.sealer.macLength;
  }

  /**
   * Frames and seals one payload into a new buffer. For bulk data prefer `encodeInto` a buffer that
   * is reused once written: fresh memory costs page faults on every packet.
   */
  encode(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.packetSize(payload.length));
    this.encodeInto(payload, out, 0);
    return out;
  }

  /** True when sealing hands out the cipher's own output buffers (no copy back, no allocation). */
  get canEncodeChunksWithoutCopy(): boolean {
    return this.sealer.sealDetached !== undefined;
  }

  /**
   * Starts a packet whose payload the caller writes in place (into `draft.payload`), saving the
   * copy of a large payload: SFTP can read file data straight into it. Seal it with `seal` before
   * drafting the next packet and before the keys change.
   */
  draft(payloadLength: number): PacketDraft {
    if (this.openDraft) throw new Error('the previous PacketDraft has not been sealed');
    const padding = this.paddingLength(payloadLength);
    const bodyLength = 1 + payloadLength + padding;
    const total = 4 + bodyLength + this.sealer.macLength;
    this.checkSize(total);
    let buffer: Uint8Array;
    let payloadOffset: number;
    if (this.sealer.sealDetached) {
      // The sealer returns fresh ciphertext, so the plaintext body can live in a reused buffer.
      // Small packets get their own small buffer: a connection that only ever sends small ones
      // (an idle session: window adjustments, keepalives) then holds no 36 KiB staging buffer.
      if (bodyLength <= SMALL_BODY) buffer = new Uint8Array(bodyLength);
      else {
        if (this.staging.length < bodyLength) this.staging = new Uint8Array(Math.max(bodyLength, 36 * 1024));
        buffer = this.staging.subarray(0, bodyLength);
      }
      payloadOffset = 1;
    } else {
      buffer = new Uint8Array(total);
      payloadOffset = 5;
    }
    const draft: OpenDraft = {
      payload: buffer.subarray(payloadOffset, payloadOffset + payloadLength),
      buffer,
      padding,
      total,
      sealer: this.sealer,
    };
    this.openDraft = draft;
    return draft;
  }

  /** Seals a draft, appending its wire bytes to `out` as chunks for a vectored write. */
  seal(draft: PacketDraft, out: Uint8Array[]): number {
    const d = draft as OpenDraft;
    if (d !== this.openDraft || d.sealer !== this.sealer) throw new Error('not the open draft of these keys');
    this.openDraft = undefined;
    const payloadLength = d.payload.length;
    const bodyLength = 1 + payloadLength + d.padding;
    if (this.sealer.sealDetached) {
      d.buffer[0] = d.padding;
      this.fillPadding(d.buffer.subarray(1 + payloadLength, bodyLength));
      const lengthField = new Uint8Array(4);
      writeUint32(lengthField, 0, bodyLength);
      for (const chunk of this.sealer.sealDetached(this.seq, lengthField, d.buffer)) out.push(chunk);
    } else {
      writeUint32(d.buffer, 0, bodyLength);
      d.buffer[4] = d.padding;
      this.fillPadding(d.buffer.subarray(5 + payloadLength, 4 + bodyLength));
      this.sealer.seal(this.seq, d.buffer);
      out.push(d.buffer);
    }
    this.advance(d.total);
    return d.total;
  }

  /**
   * Frames and seals one payload, appending its wire bytes to `out` as one or more chunks (for a
   * vectored socket write). With a primitive that cannot encrypt in place (node:crypto) the
   * ciphertext it returns goes out as is. Returns the number of bytes appended.
   */
  encodeChunks(payload: Uint8Array, out: Uint8Array[]): number {
    const draft = this.draft(payload.length);
    draft.payload.set(payload);
    return this.seal(draft, out);
  }

  /**
   * Frames and seals one payload into `out` at `offset` (so many packets can share one socket
   * write). Returns the number of bytes written. `out.byteOffset + offset` should be a multiple of 4.
   */
  encodeInto(payload: Uint8Array, out: Uint8Array, offset: number): number {
    const padding = this.paddingLength(payload.length);
    const packetLength = 1 + payload.length + padding;
    const total = 4 + packetLength + this.sealer.macLength;
    this.checkSize(total);
    const packet = out.subarray(offset, offset + total);
    writeUint32(packet, 0, packetLength);
    packet[4] = padding;
    this.fillPadding(packet.subarray(5 + payload.length, 4 + packetLength));
    packet.set(payload, 5);
    this.sealer.seal(this.seq, packet);
    this.advance(total);
    return total;
  }

  private checkSize(total: number): void {
    if (total > this.maxPacketSize) {
      throw new RangeError(`packet of ${total} bytes exceeds the ${this.maxPacketSize}-byte limit`);
    }
  }

  private advance(total: number): void {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.sequenceWrapped = true;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += total;
  }
}

function writeUint32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}
