// Opening incoming packets on another thread. Verifying and decrypting is most of a bulk receive's
// CPU with the noble provider (pure JavaScript); on a second core it runs beside the event loop,
// which is left with the channel, the SFTP and the socket. Platform-neutral: the thread itself is
// supplied by a platform (`@sshts/transport/node` has one on worker_threads) as a PacketOffload.
//
// The protocol between the two sides, per connection: `start` hands a stream over at a packet
// boundary (keys, next sequence number, the bytes already received), `data` forwards every later
// chunk, and the thread answers with batches of payloads. Keys change only at NEWKEYS (RFC 4253
// §7.3), so the thread stops after a NEWKEYS payload and waits for `keys` before it decodes on.

/** One direction's keys by algorithm name, as they cross to the thread (structured-clonable). */
export interface OffloadKeys {
  cipher: string;
  mac: string;
  encKey: Uint8Array;
  iv: Uint8Array;
  macKey: Uint8Array;
}

export type OffloadRequest =
  | {
      op: 'start';
      id: number;
      keys: OffloadKeys;
      sequenceNumber: number;
      maxPacketLength: number;
      chunks: Uint8Array[];
    }
  | { op: 'data'; id: number; chunk: Uint8Array }
  | { op: 'keys'; id: number; keys: OffloadKeys; resetSequence: boolean }
  | { op: 'end'; id: number };

/** The error a batch ended with: the class name and what its constructor needs. */
export interface OffloadError {
  name: string;
  message: string;
  field?: string;
  length?: number;
}

/**
 * A batch of opened packets: their payloads back to back in `payloads` (ends[i] is where the i-th
 * ends), their sequence numbers and wire sizes; `paused` after a NEWKEYS payload; `error` when the
 * packet after the last one failed (the connection is then unusable).
 */
export interface OffloadReply {
  id: number;
  payloads: Uint8Array;
  ends: number[];
  sequenceNumbers: number[];
  wireLengths: number[];
  paused: boolean;
  error?: OffloadError;
}

/** One connection's receive stream on the thread. */
export interface OffloadStream {
  /** The stream's number in every request and reply. */
  readonly id: number;
  /** Sends a request; `transfer` lists buffers the request may take over. */
  send(request: OffloadRequest, transfer?: ArrayBuffer[]): void;
  /** Forgets the stream on both sides; no reply arrives after it. */
  end(): void;
}

/** The thread, shared by every connection that uses the same primitives. */
export interface PacketOffload {
  /** Opens a stream whose replies go to `onReply`, or undefined when the thread cannot start. */
  open(onReply: (reply: OffloadReply) => void): OffloadStream | undefined;
}

/** Ciphers whose receive state is only (keys, sequence number, packets since keys). */
const HANDOVER_CIPHERS = new Set([
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
]);

/**
 * The keys an opener created now needs in order to continue after `packets` packets under
 * `keys`: chacha20-poly1305 takes its nonce from the sequence number, and AES-GCM's invocation
 * counter (RFC 5647 §7.1: the IV's last 8 bytes, big-endian, incremented per packet) is advanced.
 * Undefined for ciphers whose state cannot be rebuilt this way (CTR's counter, MAC streams).
 */
export function keysForHandover(keys: OffloadKeys, packets: number): OffloadKeys | undefined {
  if (!HANDOVER_CIPHERS.has(keys.cipher)) return undefined;
  if (!keys.cipher.startsWith('aes')) return keys;
  const iv = keys.iv.slice(0, 12);
  const view = new DataView(iv.buffer);
  const counter = (view.getBigUint64(4) + BigInt(packets)) & 0xffff_ffff_ffff_ffffn;
  view.setBigUint64(4, counter);
  return { ...keys, iv };
}

/** A reply with no payloads, carrying `error`: the stream ends there. */
export function failedReply(id: number, error: OffloadError): OffloadReply {
  return {
    id,
    payloads: new Uint8Array(0),
    ends: [],
    sequenceNumbers: [],
    wireLengths: [],
    paused: false,
    error,
  };
}
