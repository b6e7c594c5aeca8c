// Flow control (RFC 4254 §5.2) as properties over random schedules. Sending: random write sizes on
// both streams, random peer windows, adjusts and maximum packets → the peer receives exactly the
// bytes written, in order, never more than its window, never a packet over min(its maximum, 32768),
// each write resolving exactly when its last byte went out. Receiving: a peer that respects the
// window, sending random chunks, and a reader taking chunks at random times → data in order,
// at most one window buffered, and a reader that caught up never leaves the peer stuck at 0.
import { MessageType } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SEND_PACKET, type ReadQueue } from '../src/index.js';
import { concat, makeMux, openConfirmed, pattern, peer, sameBytes } from './helpers.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const sendOp = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), size: fc.nat({ max: 40_000 }), stderr: fc.boolean() }),
  fc.record({ kind: fc.constant('adjust' as const), bytes: fc.nat({ max: 50_000 }) }),
);

describe('sending under random windows', () => {
  it('delivers exactly the bytes written, in order, within window and packet limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 100_000 }),
        // Tiny packets (where off-by-ones live) and realistic ones; writes scale with the packet so
        // a case stays a few thousand messages at most.
        fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 512, max: 70_000 })),
        fc.array(sendOp, { maxLength: 30 }),
        async (window, maxPacket, ops) => {
          const { link, mux } = makeMux();
          const channel = await openConfirmed(link, mux, { window, maxPacket });
          const limit = Math.min(maxPacket, MAX_SEND_PACKET);
          let peerWindow = window;
          let received = 0;
          let written = 0;
          const got = { all: [] as Uint8Array[], out: [] as Uint8Array[], err: [] as Uint8Array[] };
          const want = { all: [] as Uint8Array[], out: [] as Uint8Array[], err: [] as Uint8Array[] };
          const writes: { end: number; empty: boolean; done: boolean; early: boolean }[] = [];
          const receive = () => {
            for (const m of link.take()) {
              if (m.recipient !== 1000) throw new Error(`sent to channel ${m.recipient}`);
              if (m.type === MessageType.CHANNEL_EOF) continue;
              const n = m.data!.length;
              // Plain checks: with tiny packets this loop runs thousands of times per case.
              if (n === 0 || n > limit || n > peerWindow) {
                throw new Error(`a ${n}-byte packet (limit ${limit}, window ${peerWindow})`);
              }
              peerWindow -= n;
              received += n;
              got.all.push(m.data!);
              (m.type === MessageType.CHANNEL_DATA ? got.out : got.err).push(m.data!);
            }
          };
          for (const [i, op] of ops.entries()) {
            if (op.kind === 'write') {
              const size = op.size % (maxPacket * 64 + 1);
              const bytes = pattern(size, i);
              written += size;
              const w = { end: written, empty: size === 0, done: false, early: false };
              writes.push(w);
              want.all.push(bytes);
              (op.stderr ? want.err : want.out).push(bytes);
              void (op.stderr ? channel.writeStderr(bytes) : channel.write(bytes)).then(() => {
                w.done = true;
                w.early = !w.empty && received < w.end;
              });
            } else {
              mux.handleMessage(peer.adjust(0, op.bytes));
              peerWindow += op.bytes;
            }
            receive();
            await settle();
            // Nothing waits while the peer has room; a write is done exactly when it was all sent.
            expect(channel.pendingWrite === 0 || peerWindow === 0).toBe(true);
            expect(channel.pendingWrite).toBe(written - received);
            for (const w of writes) {
              expect(w.early).toBe(false);
              if (!w.empty) expect(w.done).toBe(w.end <= received);
            }
          }
          mux.handleMessage(peer.adjust(0, written - received));
          peerWindow += written - received;
          const ending = channel.end();
          const tail = link.sent.slice(-1).map((p) => p[0]);
          receive();
          await ending;
          expect(tail).toEqual([MessageType.CHANNEL_EOF]);
          expect(received).toBe(written);
          expect(sameBytes(concat(got.all), concat(want.all))).toBe(true);
          expect(sameBytes(concat(got.out), concat(want.out))).toBe(true);
          expect(sameBytes(concat(got.err), concat(want.err))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

const receiveOp = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    size: fc.integer({ min: 1, max: 70_000 }),
    stderr: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('read' as const), stderr: fc.boolean() }),
);

describe('receiving with a reader that reads at random times', () => {
  it('keeps data in order, buffers at most a window, and never strands the peer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 150_000 }),
        fc.integer({ min: 1, max: 70_000 }),
        fc.array(receiveOp, { maxLength: 60 }),
        async (window, maxPacket, ops) => {
          const { link, mux } = makeMux();
          const channel = await openConfirmed(link, mux, {}, { window, maxPacket });
          const queues = { out: channel.stdout as ReadQueue, err: channel.stderr as ReadQueue };
          let peerWindow = window; // what the peer believes it may send
          const sent = { out: [] as Uint8Array[], err: [] as Uint8Array[] };
          const read = { out: [] as Uint8Array[], err: [] as Uint8Array[] };
          const credit = () => {
            for (const m of link.take()) {
              expect(m.type).toBe(MessageType.CHANNEL_WINDOW_ADJUST);
              expect(m.recipient).toBe(1000);
              peerWindow += m.bytes!;
            }
            expect(peerWindow).toBeLessThanOrEqual(window);
            // What is buffered plus what the peer may still send never exceeds our window.
            expect(channel.bufferedRead + peerWindow).toBeLessThanOrEqual(window);
          };
          const readOne = async (stream: 'out' | 'err') => {
            const chunk = await queues[stream].read();
            if (chunk) read[stream].push(chunk);
            credit();
          };
          for (const [i, op] of ops.entries()) {
            const stream = op.stderr ? 'err' : 'out';
            if (op.kind === 'send') {
              const n = Math.min(op.size, peerWindow, maxPacket);
              if (n === 0) continue;
              const bytes = pattern(n, i);
              mux.handleMessage(op.stderr ? peer.extended(0, 1, bytes) : peer.data(0, bytes));
              peerWindow -= n;
              sent[stream].push(bytes);
              credit();
            } else if (queues[stream].buffered > 0) {
              await readOne(stream);
            }
          }
          // The reader catches up: the peer must be left with room to send (no deadlock).
          for (const stream of ['out', 'err'] as const) {
            while (queues[stream].buffered > 0) await readOne(stream);
          }
          expect(peerWindow).toBeGreaterThan(0);
          mux.handleMessage(peer.eof(0));
          expect(await channel.stdout.read()).toBeUndefined();
          expect(await channel.stderr.read()).toBeUndefined();
          expect(sameBytes(concat(read.out), concat(sent.out))).toBe(true);
          expect(sameBytes(concat(read.err), concat(sent.err))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
