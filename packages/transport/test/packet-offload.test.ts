// Opening packets on another thread (src/packet-offload.ts): the decoder hands its stream over at a
// packet boundary once bulk data flows, the thread stops after NEWKEYS until the new keys come,
// and a bad packet fails the connection with the same typed error as in-thread. The thread is
// played here by offloadWorker itself behind structuredClone and a macrotask (what a message port
// does); the last test starts the real worker_threads thread of @sshts/transport/node.
import { concatBytes, MacError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { aes128Ctr, aes128Gcm, aes256Gcm, chacha20Poly1305 } from '../src/ciphers/index.js';
import type { CryptoPrimitives } from '../src/crypto-primitives.js';
import { macAlgorithms } from '../src/macs/index.js';
import { noblePrimitives } from '../src/noble-provider.js';
import { nodePacketOffload } from '../src/node/packet-worker.js';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import {
  keysForHandover,
  type OffloadReply,
  type OffloadRequest,
  type PacketOffload,
} from '../src/packet-offload.js';
import { offloadWorker } from '../src/packet-offload-worker.js';
import type { DirectionKeys } from '../src/packet-protection.js';
import { keysFor, patternBytes } from './helpers.js';

const NEWKEYS = new Uint8Array([21]);

/** offloadWorker behind a port-like boundary: every message cloned (buffers transferred) and delivered later. */
function inProcessOffload(primitives: CryptoPrimitives): PacketOffload & { requests: OffloadRequest[] } {
  const handlers = new Map<number, (reply: OffloadReply) => void>();
  const worker = offloadWorker(primitives, (reply, transfer) => {
    const copy = structuredClone(reply, { transfer });
    setImmediate(() => handlers.get(copy.id)?.(copy));
  });
  let nextId = 1;
  const requests: OffloadRequest[] = [];
  return {
    requests,
    open(onReply) {
      const id = nextId++;
      handlers.set(id, onReply);
      return {
        id,
        send(request, transfer) {
          requests.push(request);
          const copy = structuredClone(request, { transfer: transfer ?? [] });
          setImmediate(() => worker(copy));
        },
        end() {
          handlers.delete(id);
        },
      };
    },
  };
}

/** Reads payloads until `count` arrived, feeding `stream` in odd chunks; `onPayload` may act (rekey). */
const concat = (parts: Uint8Array[]) =>
  concatBytes(
    parts,
    parts.reduce((n, p) => n + p.length, 0),
  );

async function receiveAll(
  decoder: PacketDecoder,
  stream: Uint8Array,
  count: number,
  onPayload: (payload: Uint8Array) => void = () => {},
): Promise<{ payloads: Uint8Array[]; seqs: number[] }> {
  const payloads: Uint8Array[] = [];
  const seqs: number[] = [];
  let wake: () => void = () => {};
  decoder.onPackets = () => wake();
  const drain = () => {
    for (let p = decoder.next(); p; p = decoder.next()) {
      payloads.push(p.slice());
      seqs.push(decoder.lastSequenceNumber);
      onPayload(p);
    }
  };
  for (let i = 0; i < stream.length; i += 3001) {
    decoder.push(stream.slice(i, i + 3001));
    drain();
  }
  const deadline = Date.now() + 10_000;
  while (payloads.length < count && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 50);
    });
    drain();
  }
  return { payloads, seqs };
}

const mac = macAlgorithms[0]!;

/** An encoder and an offloading decoder under the same keys of `cipher`, the thread in-process. */
function keyedPair(cipher: Parameters<typeof keysFor>[0], offloadAfterBytes: number) {
  const keys = keysFor(cipher, mac);
  const encoder = new PacketEncoder(noblePrimitives);
  encoder.setKeys(keys);
  const offload = inProcessOffload(noblePrimitives);
  const decoder = new PacketDecoder(noblePrimitives, { offload, offloadAfterBytes });
  decoder.setKeys(keys);
  return { encoder, decoder, offload };
}

describe('packet offload', () => {
  it.each([chacha20Poly1305, aes128Gcm, aes256Gcm])(
    '%s: handed over mid-stream, every payload in order',
    async (cipher) => {
      const { encoder, decoder, offload } = keyedPair(cipher, 5000);
      const sent = Array.from({ length: 40 }, (_, i) => patternBytes(1 + ((i * 977) % 2500), i));
      const { payloads, seqs } = await receiveAll(
        decoder,
        concat(sent.map((p) => encoder.encode(p))),
        sent.length,
      );
      expect(payloads).toEqual(sent);
      expect(seqs).toEqual(sent.map((_, i) => i));
      expect(decoder.offloaded).toBe(true);
      // Handed over after the first ~5000 bytes, not at once, and not per packet.
      const start = offload.requests.find((r) => r.op === 'start');
      expect(start && start.op === 'start' && start.sequenceNumber).toBeGreaterThan(1);
      expect(decoder.packetsSinceKeys).toBe(sent.length);
    },
  );

  it('pauses after NEWKEYS until the new keys arrive, with the sequence reset of strict kex', async () => {
    const first = keysFor(chacha20Poly1305, mac, 7);
    const second: DirectionKeys = keysFor(aes128Gcm, mac, 40);
    const encoder = new PacketEncoder(noblePrimitives);
    encoder.setKeys(first);
    const before = Array.from({ length: 12 }, (_, i) => patternBytes(1000, i));
    const after = Array.from({ length: 12 }, (_, i) => patternBytes(700 + i, 50 + i));
    const wire = before.map((p) => encoder.encode(p));
    wire.push(encoder.encode(NEWKEYS));
    encoder.setKeys(second);
    encoder.resetSequence();
    wire.push(...after.map((p) => encoder.encode(p)));

    const decoder = new PacketDecoder(noblePrimitives, {
      offload: inProcessOffload(noblePrimitives),
      offloadAfterBytes: 2000,
    });
    decoder.setKeys(first);
    const { payloads, seqs } = await receiveAll(decoder, concat(wire), wire.length, (p) => {
      if (p[0] === 21) {
        decoder.setKeys(second);
        decoder.resetSequence();
      }
    });
    expect(decoder.offloaded).toBe(true);
    expect(payloads).toEqual([...before, NEWKEYS, ...after]);
    expect(seqs).toEqual([...before.map((_, i) => i), 12, ...after.map((_, i) => i)]);
  });

  it('a tampered packet on the thread throws MacError after the packets before it', async () => {
    const keys = keysFor(chacha20Poly1305, mac);
    const encoder = new PacketEncoder(noblePrimitives);
    encoder.setKeys(keys);
    const sent = Array.from({ length: 10 }, (_, i) => patternBytes(1500, i));
    const wire = sent.map((p) => encoder.encode(p));
    wire[7]![100]! ^= 1;
    const decoder = new PacketDecoder(noblePrimitives, {
      offload: inProcessOffload(noblePrimitives),
      offloadAfterBytes: 3000,
    });
    decoder.setKeys(keys);
    await expect(receiveAll(decoder, concat(wire), sent.length)).rejects.toBeInstanceOf(MacError);
    // The payloads before it were delivered: receive again, stopping at the error.
    const again = new PacketDecoder(noblePrimitives, {
      offload: inProcessOffload(noblePrimitives),
      offloadAfterBytes: 3000,
    });
    again.setKeys(keys);
    const got: Uint8Array[] = [];
    await receiveAll(again, concat(wire), 7, (p) => got.push(p.slice())).catch(() => {});
    expect(got.length).toBe(7);
    expect(got).toEqual(sent.slice(0, 7));
  });

  it('stays in-thread under a cipher whose state cannot be handed over (aes128-ctr)', async () => {
    const { encoder, decoder, offload } = keyedPair(aes128Ctr, 0);
    const sent = Array.from({ length: 10 }, (_, i) => patternBytes(2000, i));
    const { payloads } = await receiveAll(decoder, concat(sent.map((p) => encoder.encode(p))), sent.length);
    expect(payloads).toEqual(sent);
    expect(decoder.offloaded).toBe(false);
    expect(offload.requests).toEqual([]);
  });

  it('AES-GCM: the invocation counter advances by the packets already opened, carrying mod 2^64', () => {
    const keys = {
      cipher: 'aes128-gcm@openssh.com',
      mac: 'none',
      encKey: new Uint8Array(16),
      macKey: new Uint8Array(0),
    };
    const iv = Uint8Array.from([1, 2, 3, 4, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfe]);
    expect([...keysForHandover({ ...keys, iv }, 3)!.iv]).toEqual([1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, 1]);
    const top = Uint8Array.from([9, 9, 9, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect([...keysForHandover({ ...keys, iv: top }, 2)!.iv]).toEqual([9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(keysForHandover({ ...keys, cipher: 'aes128-ctr', iv }, 3)).toBeUndefined();
  });

  it('the worker_threads thread of @sshts/transport/node opens 4 MiB of aes256-gcm', async () => {
    const keys = keysFor(aes256Gcm, mac);
    const encoder = new PacketEncoder(noblePrimitives);
    encoder.setKeys(keys);
    const decoder = new PacketDecoder(noblePrimitives, {
      offload: nodePacketOffload('noble'),
      offloadAfterBytes: 64 * 1024,
    });
    decoder.setKeys(keys);
    const sent = Array.from({ length: 128 }, (_, i) => patternBytes(32 * 1024, i));
    const { payloads } = await receiveAll(decoder, concat(sent.map((p) => encoder.encode(p))), sent.length);
    expect(decoder.offloaded).toBe(true);
    expect(payloads.length).toBe(sent.length);
    // One comparison of the joined bytes: a deep equality of 4 MiB element by element takes seconds.
    expect(Buffer.from(concat(payloads)).equals(Buffer.from(concat(sent)))).toBe(true);
    decoder.dispose();
  });
});
