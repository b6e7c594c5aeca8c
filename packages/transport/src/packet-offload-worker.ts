// The thread's side of packet offloading (packet-offload.ts): one PacketDecoder per connection,
// fed the forwarded chunks, answering with batches of payloads. Platform-neutral: the platform
// wires `handle` to its message port and gives `post` (node/packet-worker-entry.ts).
import type { CipherAlgorithm } from './cipher.js';
import { cipherAlgorithms, noneCipher } from './ciphers/index.js';
import type { CryptoPrimitives } from './crypto-primitives.js';
import type { MacAlgorithm } from './mac.js';
import { macAlgorithms } from './macs/index.js';
import { noneMac } from './macs/none.js';
import { PacketDecoder } from './packet-decoder.js';
import {
  failedReply,
  type OffloadError,
  type OffloadKeys,
  type OffloadReply,
  type OffloadRequest,
} from './packet-offload.js';
import { describeOffloadError } from './packet-offload-error.js';
import type { DirectionKeys } from './packet-protection.js';

const NEWKEYS = 21;

interface Stream {
  decoder: PacketDecoder;
  /** After a NEWKEYS payload, until the next keys arrive. */
  paused: boolean;
  failed: boolean;
}

export type PostReply = (reply: OffloadReply, transfer: ArrayBuffer[]) => void;

/** Returns the handler of the thread's incoming requests. */
export function offloadWorker(
  primitives: CryptoPrimitives,
  post: PostReply,
): (request: OffloadRequest) => void {
  const streams = new Map<number, Stream>();

  const drain = (id: number, stream: Stream) => {
    if (stream.paused || stream.failed) return;
    const { decoder } = stream;
    if (decoder.bufferedLength === 0) return;
    // The payloads of this batch can be no longer than the bytes they arrived in.
    const payloads = new Uint8Array(decoder.bufferedLength);
    const ends: number[] = [];
    const sequenceNumbers: number[] = [];
    const wireLengths: number[] = [];
    let filled = 0;
    let error: OffloadError | undefined;
    try {
      for (;;) {
        const before = decoder.bufferedLength;
        const payload = decoder.next();
        if (!payload) break;
        payloads.set(payload, filled);
        filled += payload.length;
        ends.push(filled);
        sequenceNumbers.push(decoder.lastSequenceNumber);
        wireLengths.push(before - decoder.bufferedLength);
        if (payload[0] === NEWKEYS) {
          stream.paused = true;
          break;
        }
      }
    } catch (e) {
      stream.failed = true;
      error = describeOffloadError(e);
    }
    if (ends.length === 0 && !error) return;
    const reply: OffloadReply = { id, payloads, ends, sequenceNumbers, wireLengths, paused: stream.paused };
    if (error) reply.error = error;
    post(reply, [payloads.buffer as ArrayBuffer]);
  };

  return (request) => {
    const { id } = request;
    if (request.op === 'start') {
      const decoder = new PacketDecoder(primitives, {
        maxPacketLength: request.maxPacketLength,
        initialSequenceNumber: request.sequenceNumber,
      });
      const stream: Stream = { decoder, paused: false, failed: false };
      streams.set(id, stream);
      try {
        decoder.setKeys(directionKeys(request.keys));
      } catch (e) {
        stream.failed = true;
        post(failedReply(id, describeOffloadError(e)), []);
        return;
      }
      for (const chunk of request.chunks) decoder.push(chunk);
      drain(id, stream);
      return;
    }
    const stream = streams.get(id);
    if (!stream) return;
    if (request.op === 'end') {
      streams.delete(id);
    } else if (request.op === 'data') {
      stream.decoder.push(request.chunk);
      drain(id, stream);
    } else {
      try {
        stream.decoder.setKeys(directionKeys(request.keys));
      } catch (e) {
        stream.failed = true;
        post(failedReply(id, describeOffloadError(e)), []);
        return;
      }
      if (request.resetSequence) stream.decoder.resetSequence();
      stream.paused = false;
      drain(id, stream);
    }
  };
}

function directionKeys(keys: OffloadKeys): DirectionKeys {
  const cipher: CipherAlgorithm | undefined =
    keys.cipher === noneCipher.name ? noneCipher : cipherAlgorithms.find((c) => c.name === keys.cipher);
  const mac: MacAlgorithm | undefined =
    keys.mac === noneMac.name ? noneMac : macAlgorithms.find((m) => m.name === keys.mac);
  if (!cipher || !mac) throw new Error(`offload: unknown algorithm ${keys.cipher} / ${keys.mac}`);
  return { cipher, mac, encKey: keys.encKey, iv: keys.iv, macKey: keys.macKey };
}
