// Incoming half of the binary packet protocol (RFC 4253 §6). Sans-I/O: bytes go in with push(),
// payloads come out of next(). The length is checked before anything is allocated; the MAC or tag
// is checked before a payload is returned. A packet that arrived whole inside one pushed chunk is
// decrypted in that chunk without copying; one that straddles chunks is gathered into a reused
// assembly buffer (a fresh allocation per packet costs more than the copy). Given a PacketOffload,
// the decoder hands its stream over to that thread once bulk data flows (packet-offload.ts) and
// from then on returns the payloads the thread sends back.
import { MalformedMessageError, PacketLengthError } from '@sshts/wire';
import type { PacketOpener } from './cipher.js';
import type { CryptoPrimitives } from './crypto-primitives.js';
import { DEFAULT_MAX_INCOMING_PACKET_LENGTH, MIN_PADDING } from './limits.js';
import {
  keysForHandover,
  type OffloadKeys,
  type OffloadReply,
  type OffloadStream,
  type PacketOffload,
} from './packet-offload.js';
import { offloadErrorToThrow } from './packet-offload-error.js';
import { createOpener, type DirectionKeys, INITIAL_KEYS } from './packet-protection.js';

export interface PacketDecoderOptions {
  /** Largest `packet_length` accepted (default 256 KiB, as OpenSSH). At least 35000 − 4. */
  maxPacketLength?: number;
  /** First sequence number (default 0). Only for known-answer tests that start mid-stream. */
  initialSequenceNumber?: number;
  /** A thread to open packets on, once `offloadAfterBytes` have been received. */
  offload?: PacketOffload;
  /** Bytes received in this decoder before the stream moves to `offload` (default 1 MiB). */
  offloadAfterBytes?: number;
}

const NEWKEYS = 21;

/** Packets up to this size that straddle chunks are gathered in one reused buffer. */
const REUSED_ASSEMBLY_SIZE = 36 * 1024;
/** With in-place primitives, packets above this size get a buffer of their own instead. */
const OWN_BUFFER_FROM = 4 * 1024;

export class PacketDecoder {
  private opener: PacketOpener;
  private seq = 0;
  private readonly chunks: Uint8Array[] = [];
  private headOffset = 0;
  private available = 0;
  /** packet_length of the packet being received, or -1 before its header is decoded. */
  private pendingLength = -1;
  private readonly header = new Uint8Array(32);
  /** Reused for packets that straddle chunks; dropped when the decoder runs empty. */
  private assembly: Uint8Array | undefined;
  private readonly maxPacketLength: number;
  private readonly aligned: boolean;
  /** The primitives decrypt in place (they need aligned buffers: noble), not into new buffers. */
  private readonly inPlace: boolean;
  /** The sequence number of the packet `next()` returned last (for SSH_MSG_UNIMPLEMENTED). */
  lastSequenceNumber = -1;
  /**
   * False when the payload `next()` returned last is in memory nothing else reuses — a pushed
   * chunk (the decoder's from push() on), a packet-sized assembly buffer, or the cipher's own
   * output — so a consumer may keep the view instead of copying it. True while it lives in the
   * reused assembly buffer, which the next packet overwrites.
   */
  lastPayloadShared = true;
  /** The reused assembly buffer `take()` last returned a view of, if it did. */
  private tookShared: ArrayBufferLike | undefined;
  packetsSinceKeys = 0;
  bytesSinceKeys = 0;
  sequenceWrapped = false;
  /** Called when payloads have arrived from the offload thread: call `next()` for them. */
  onPackets: (() => void) | undefined;
  private keys: DirectionKeys = INITIAL_KEYS;
  private offload: PacketOffload | undefined;
  private readonly offloadAfterBytes: number;
  private receivedBytes = 0;
  private lastMessageType = 0;
  /** The offload thread's stream, once handed over. */
  private remote: OffloadStream | undefined;
  private readonly replies: OffloadReply[] = [];
  private replyPacket = 0;
  private replyStart = 0;
  private remoteKeys: { keys: OffloadKeys; resetSequence: boolean } | undefined;

  constructor(
    private readonly primitives: CryptoPrimitives,
    options: PacketDecoderOptions = {},
  ) {
    this.opener = createOpener(primitives, INITIAL_KEYS);
    this.maxPacketLength = options.maxPacketLength ?? DEFAULT_MAX_INCOMING_PACKET_LENGTH;
    if (this.maxPacketLength < 35000 - 4) throw new RangeError('maxPacketLength below the RFC 4253 minimum');
    this.aligned = primitives.alignedBuffers;
    this.inPlace = primitives.alignedBuffers;
    this.seq = (options.initialSequenceNumber ?? 0) >>> 0;
    this.offload = options.offload;
    this.offloadAfterBytes = options.offloadAfterBytes ?? 1024 * 1024;
  }

  /** True once the stream is opened on the offload thread. */
  get offloaded(): boolean {
    return this.remote !== undefined;
  }

  get sequenceNumber(): number {
    return this.seq;
  }

  /** Bytes received but not yet returned as packets. */
  get bufferedLength(): number {
    return this.available;
  }

  /** Switches to new keys; call right after receiving NEWKEYS, before the next `next()`. */
  setKeys(keys: DirectionKeys): void {
    this.keys = keys;
    this.packetsSinceKeys = 0;
    this.bytesSinceKeys = 0;
    if (this.remote) {
      // The thread paused after the NEWKEYS it returned; the keys go to it with the next next().
      this.remoteKeys = { keys: offloadKeys(keys), resetSequence: false };
      return;
    }
    this.opener = createOpener(this.primitives, keys);
  }

  resetSequence(): void {
    this.seq = 0;
    this.sequenceWrapped = false;
    if (this.remoteKeys) this.remoteKeys.resetSequence = true;
  }

  /** Ends the offload thread's stream, if any (the connection closed). */
  dispose(): void {
    this.remote?.end();
    this.remote = undefined;
    this.offload = undefined;
  }

  /** Queues received bytes. The decoder owns `chunk` from now on and may decrypt it in place. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.remote) {
      // A copy that can be transferred: the chunk's buffer may hold other bytes (Node's pools).
      const copy = chunk.slice();
      this.remote.send({ op: 'data', id: this.remote.id, chunk: copy }, [copy.buffer]);
      return;
    }
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /**
   * Returns the next payload, or undefined until more bytes arrive. The payload is a view valid
   * until the next call of `next()`: parse it then, and copy what must be kept. Throws
   * PacketLengthError, MacError or MalformedMessageError; the connection is then unusable.
   */
  next(): Uint8Array | undefined {
    if (this.remote || (this.offload && this.handOver())) return this.nextOffloaded();
    const opener = this.opener;
    if (this.pendingLength < 0) {
      if (this.available < opener.headerLength) return undefined;
      const length = opener.decryptLength(this.seq, this.peekHeader(opener.headerLength));
      this.checkLength(length, opener);
      this.pendingLength = length;
    }
    const total = 4 + this.pendingLength + opener.macLength;
    if (this.available < total) return undefined;
    const body = opener.open(this.seq, this.take(total));
    this.lastPayloadShared = this.tookShared !== undefined && body.buffer === this.tookShared;
    // Not kept past this packet: an idle connection must not pin the assembly buffer through it.
    this.tookShared = undefined;

    const packetLength = this.pendingLength;
    this.pendingLength = -1;
    this.lastSequenceNumber = this.seq;
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.sequenceWrapped = true;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += total;
    this.receivedBytes += total;

    const padding = body[0]!;
    const payloadLength = packetLength - 1 - padding;
    if (padding < MIN_PADDING) throw new MalformedMessageError('padding_length', `${padding} is below 4`);
    if (payloadLength < 1) {
      throw new MalformedMessageError('padding_length', `${padding} leaves no payload in ${packetLength}`);
    }
    this.lastMessageType = body[1]!;
    return body.subarray(1, 1 + payloadLength);
  }

  /**
   * Moves the stream to the offload thread when enough has been received and the decoder stands
   * between packets under keys the thread can continue from; true once it has.
   */
  private handOver(): boolean {
    const offload = this.offload!;
    // Right after a NEWKEYS the keys are about to change under the thread: wait for them.
    if (
      this.receivedBytes < this.offloadAfterBytes ||
      this.pendingLength >= 0 ||
      this.lastMessageType === NEWKEYS
    ) {
      return false;
    }
    const keys = keysForHandover(offloadKeys(this.keys), this.packetsSinceKeys);
    if (!keys) return false;
    const remote = offload.open((reply) => this.onReply(reply));
    this.offload = undefined; // one attempt: a thread that cannot start is not retried per packet
    if (!remote) return false;
    this.remote = remote;
    const chunks: Uint8Array[] = [];
    let offset = this.headOffset;
    for (const chunk of this.chunks) {
      chunks.push(chunk.slice(offset));
      offset = 0;
    }
    this.chunks.length = 0;
    this.headOffset = 0;
    this.available = 0;
    this.assembly = undefined;
    remote.send(
      {
        op: 'start',
        id: remote.id,
        keys,
        sequenceNumber: this.seq,
        maxPacketLength: this.maxPacketLength,
        chunks,
      },
      chunks.map((c) => c.buffer as ArrayBuffer),
    );
    return true;
  }

  private onReply(reply: OffloadReply): void {
    if (!this.remote) return;
    this.replies.push(reply);
    this.onPackets?.();
  }

  /** The next payload the thread returned, or undefined until its next batch. */
  private nextOffloaded(): Uint8Array | undefined {
    const remote = this.remote;
    if (!remote) throw new Error('packet decoder disposed');
    if (this.remoteKeys) {
      const { keys, resetSequence } = this.remoteKeys;
      this.remoteKeys = undefined;
      remote.send({ op: 'keys', id: remote.id, keys, resetSequence });
    }
    const reply = this.replies[0];
    if (!reply) return undefined;
    const i = this.replyPacket;
    if (i === reply.ends.length) {
      this.replies.shift();
      this.replyPacket = 0;
      this.replyStart = 0;
      if (reply.error) {
        this.dispose();
        throw offloadErrorToThrow(reply.error);
      }
      return this.nextOffloaded();
    }
    const end = reply.ends[i]!;
    const payload = reply.payloads.subarray(this.replyStart, end);
    this.replyPacket = i + 1;
    this.replyStart = end;
    this.lastPayloadShared = false; // the batch buffer is the thread's gift, reused by nothing
    this.lastSequenceNumber = reply.sequenceNumbers[i]!;
    this.seq = (this.lastSequenceNumber + 1) >>> 0;
    if (this.seq === 0) this.sequenceWrapped = true;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += reply.wireLengths[i]!;
    return payload;
  }

  private checkLength(length: number, opener: PacketOpener): void {
    if (length < 1 + MIN_PADDING + 1) {
      throw new PacketLengthError(length, `packet_length ${length} is too small`);
    }
    if (length > this.maxPacketLength) {
      throw new PacketLengthError(
        length,
        `packet_length ${length} exceeds the limit of ${this.maxPacketLength}`,
      );
    }
    const counted = opener.lengthIsAad ? length : length + 4;
    if (counted % opener.blockSize !== 0) {
      throw new PacketLengthError(length, `packet_length ${length} is not a multiple of ${opener.blockSize}`);
    }
  }

  /** The first `n` bytes without consuming them (a view when contiguous, else a copy). */
  private peekHeader(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length - this.headOffset >= n) return first.subarray(this.headOffset, this.headOffset + n);
    const out = this.header.subarray(0, n);
    this.copyOut(out);
    return out;
  }

  /** Removes `n` bytes from the front: a view into the chunk when possible, else one copy. */
  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    const start = first.byteOffset + this.headOffset;
    this.tookShared = undefined;
    if (first.length - this.headOffset >= n && (!this.aligned || start % 4 === 0)) {
      const view = first.subarray(this.headOffset, this.headOffset + n);
      this.consume(n);
      return view;
    }
    if (n > REUSED_ASSEMBLY_SIZE || (this.inPlace && n > OWN_BUFFER_FROM)) {
      // A large packet gets a buffer of its own: it is copied once here and its payload can be
      // kept as it is (the copy a consumer would make is the same size as this one). So does a
      // bulk packet when the primitives decrypt in place (noble): its payload would stay in the
      // reused buffer, and the channel would copy it a second time to keep it.
      const own = new Uint8Array(n);
      this.copyOut(own);
      this.consume(n);
      return own;
    }
    if (!this.assembly) this.assembly = new Uint8Array(REUSED_ASSEMBLY_SIZE);
    const out = this.assembly.subarray(0, n);
    this.tookShared = this.assembly.buffer;
    this.copyOut(out);
    this.consume(n);
    // An idle connection should not pin the buffer; the view handed out keeps it alive meanwhile.
    if (this.available === 0) this.assembly = undefined;
    return out;
  }

  private copyOut(out: Uint8Array): void {
    let filled = 0;
    let offset = this.headOffset;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(offset, offset + (out.length - filled));
      out.set(part, filled);
      filled += part.length;
      offset = 0;
      if (filled === out.length) return;
    }
  }

  private consume(n: number): void {
    this.available -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      const left = first.length - this.headOffset;
      if (n < left) {
        this.headOffset += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}

function offloadKeys(keys: DirectionKeys): OffloadKeys {
  return {
    cipher: keys.cipher.name,
    mac: keys.mac.name,
    encKey: keys.encKey,
    iv: keys.iv,
    macKey: keys.macKey,
  };
}
