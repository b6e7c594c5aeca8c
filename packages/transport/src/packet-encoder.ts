// Outgoing half of the binary packet protocol (RFC 4253 §6): frames a payload with minimal random
// padding, seals it with the keys in force and counts sequence numbers.
import type { PacketSealer } from './cipher.js';
import type { CryptoPrimitives } from './crypto-primitives.js';
import { MAX_OUTGOING_PACKET_SIZE, MIN_PADDING } from './limits.js';
import { createSealer, type DirectionKeys, INITIAL_KEYS } from './packet-protection.js';
import { RandomPool } from './random-pool.js';

export interface PacketEncoderOptions {
  /** Largest whole packet to emit (default 35000, the size every peer must accept). */
  maxPacketSize?: number;
  /** Source of padding bytes; defaults to the provider's CSPRNG. Tests inject recorded padding. */
  padding?: (out: Uint8Array) => void;
  /** First sequence number (default 0). Only for known-answer tests that start mid-stream. */
  initialSequenceNumber?: number;
}

export class PacketEncoder {
  private sealer: PacketSealer;
  private seq = 0;
  private readonly maxPacketSize: number;
  private readonly fillPadding: (out: Uint8Array) => void;
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
      const pool = new RandomPool((out) => primitives.randomFill(out));
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

  /**
   * Frames and seals one payload into `out` at `offset` (so many packets can share one socket
   * write). Returns the number of bytes written. `out.byteOffset + offset` should be a multiple of 4.
   */
  encodeInto(payload: Uint8Array, out: Uint8Array, offset: number): number {
    const padding = this.paddingLength(payload.length);
    const packetLength = 1 + payload.length + padding;
    const total = 4 + packetLength + this.sealer.macLength;
    if (total > this.maxPacketSize) {
      throw new RangeError(`packet of ${total} bytes exceeds the ${this.maxPacketSize}-byte limit`);
    }
    const packet = out.subarray(offset, offset + total);
    new DataView(packet.buffer, packet.byteOffset, 5).setUint32(0, packetLength);
    packet[4] = padding;
    this.fillPadding(packet.subarray(5 + payload.length, 4 + packetLength));
    packet.set(payload, 5);
    this.sealer.seal(this.seq, packet);
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.sequenceWrapped = true;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += total;
    return total;
  }
}
