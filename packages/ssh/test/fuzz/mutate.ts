// Mutations of a transcript's peer messages (issue 11): bit flips, edge bytes, 32-bit fields set to
// edge lengths (the libssh2 CVE-2019-3855 family), truncation, extension, splicing from another
// message, and dropped, repeated or reordered messages. A mutation is plain data (seeds, not
// closures) so a failing case can be stored as a crasher and replayed.
import fc from 'fast-check';
import type { TranscriptEvent } from './transcript.js';

export const OPERATIONS = [
  'bitflip',
  'edge-byte',
  'edge-uint32',
  'truncate',
  'extend',
  'splice',
  'drop',
  'repeat',
  'swap',
  'retype',
] as const;

export interface Mutation {
  op: (typeof OPERATIONS)[number];
  /** Picks the peer message (modulo their count). */
  target: number;
  /** Picks a position in it. */
  at: number;
  /** Picks a value, a length or another message. */
  value: number;
}

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...OPERATIONS),
  target: fc.nat(),
  at: fc.nat(),
  value: fc.nat(),
});

export const mutationsArbitrary = fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 });

const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/** Lengths that break unchecked arithmetic: zero, one past the end, sign bits, huge. */
function edgeLengths(remaining: number): number[] {
  return [
    0,
    1,
    remaining + 1,
    remaining - 1,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0xfffffffc,
    0x10000,
    0x1000000,
  ];
}

/** Upper-layer message numbers (RFC 4250 §4.1): every one the transport lets a peer send. */
function retype(value: number): number {
  return 50 + (value % 142);
}

export function applyMutations(
  events: readonly TranscriptEvent[],
  mutations: readonly Mutation[],
): TranscriptEvent[] {
  const out = events.map((e) => ({ from: e.from, payload: e.payload }));
  for (const m of mutations) {
    const peerIndices = out.flatMap((e, i) => (e.from === 'peer' ? [i] : []));
    if (peerIndices.length === 0) break;
    const index = peerIndices[m.target % peerIndices.length]!;
    const payload = out[index]!.payload.slice();
    const pos = payload.length > 1 ? 1 + (m.at % (payload.length - 1)) : 0;
    switch (m.op) {
      case 'bitflip':
        payload[pos] = (payload[pos] ?? 0) ^ (1 << (m.value % 8));
        out[index] = { from: 'peer', payload };
        break;
      case 'edge-byte':
        payload[pos] = EDGE_BYTES[m.value % EDGE_BYTES.length]!;
        out[index] = { from: 'peer', payload };
        break;
      case 'edge-uint32': {
        if (payload.length < 5) break;
        const start = 1 + (m.at % (payload.length - 4));
        const lengths = edgeLengths(payload.length - start - 4);
        new DataView(payload.buffer).setUint32(start, lengths[m.value % lengths.length]! >>> 0);
        out[index] = { from: 'peer', payload };
        break;
      }
      case 'truncate':
        out[index] = { from: 'peer', payload: payload.subarray(0, Math.max(1, m.at % payload.length)) };
        break;
      case 'extend': {
        const extra = Uint8Array.from({ length: 1 + (m.value % 64) }, (_, i) => (m.at * 31 + i * 97) & 0xff);
        out[index] = { from: 'peer', payload: Uint8Array.from([...payload, ...extra]) };
        break;
      }
      case 'splice': {
        const donor = out[peerIndices[m.value % peerIndices.length]!]!.payload;
        const from = m.value % Math.max(1, donor.length);
        const piece = donor.subarray(from, from + 1 + (m.at % 16));
        out[index] = {
          from: 'peer',
          payload: Uint8Array.from([
            ...payload.subarray(0, pos),
            ...piece,
            ...payload.subarray(pos + piece.length),
          ]),
        };
        break;
      }
      case 'drop':
        out.splice(index, 1);
        break;
      case 'repeat':
        out.splice(index, 0, { from: 'peer', payload });
        break;
      case 'swap': {
        const other = peerIndices[m.value % peerIndices.length]!;
        const a = out[index]!;
        out[index] = out[other]!;
        out[other] = a;
        break;
      }
      case 'retype':
        payload[0] = retype(m.value);
        out[index] = { from: 'peer', payload };
        break;
    }
  }
  return out;
}
