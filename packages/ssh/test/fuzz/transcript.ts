// Recorded SSH conversations for the replay fuzzer (issue 11): the upper-layer messages (numbers
// ≥ 50, after the key exchange) that one side of ours exchanged with a real peer, in order. The
// transport's own messages (KEXINIT, NEWKEYS, SERVICE_*, EXT_INFO) are not recorded: the replay
// runs a real key exchange, and the byte-level fuzz of those lives in the transport's tests.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TransportConnectionCore } from '@sshts/transport';

/** One message: `peer` is what the real peer sent (what the replay mutates); `us` is ours. */
export interface TranscriptEvent {
  from: 'peer' | 'us';
  payload: Uint8Array;
}

export interface Transcript {
  /** Which side of ours talked: 'client' (to a real server) or 'server' (to a real client). */
  target: 'client' | 'server';
  /** The peer's identification line, for the record. */
  peer: string;
  /** The script both the recording and the replay run (see scripts.ts). */
  script: string;
  /** Client transcripts: the throwaway user key the recording logged in with (its PK_OK names it). */
  userKey?: string;
  events: TranscriptEvent[];
}

/** test-vectors/transcripts/, where recorded conversations are kept. */
export const TRANSCRIPT_DIR = fileURLToPath(
  new URL('../../../../test-vectors/transcripts/', import.meta.url),
);
/** test-vectors/fuzz-crashers/, mutated transcripts that once broke a rule, replayed as regressions. */
export const CRASHER_DIR = fileURLToPath(new URL('../../../../test-vectors/fuzz-crashers/', import.meta.url));

interface StoredTranscript {
  target: 'client' | 'server';
  peer: string;
  script: string;
  userKey?: string;
  events: { from: 'peer' | 'us'; hex: string }[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function saveTranscript(path: string, t: Transcript): void {
  const stored: StoredTranscript = {
    ...t,
    events: t.events.map((e) => ({ from: e.from, hex: hex(e.payload) })),
  };
  writeFileSync(path, `${JSON.stringify(stored, null, 1)}\n`);
}

export function loadTranscript(path: string): Transcript {
  const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredTranscript;
  return {
    ...stored,
    events: stored.events.map((e) => ({ from: e.from, payload: new Uint8Array(Buffer.from(e.hex, 'hex')) })),
  };
}

/**
 * Records the upper-layer messages of the next connection that starts its handshake in this
 * process: what reaches its onMessage (the peer's) and what goes out through send/sendParts (ours).
 * Test instrumentation only — it patches the class for as long as the recording runs.
 */
export function recordNextConnection(): { events: TranscriptEvent[]; stop(): void } {
  const events: TranscriptEvent[] = [];
  const proto = TransportConnectionCore.prototype;
  const original = { handshake: proto.handshake, send: proto.send, sendParts: proto.sendParts };
  let recorded: TransportConnectionCore | undefined;
  proto.handshake = function (this: TransportConnectionCore) {
    if (recorded === undefined) {
      recorded = this;
      // onMessage is an own field that the upper layers replace: wrap whatever they install.
      let handler = this.onMessage;
      Object.defineProperty(this, 'onMessage', {
        configurable: true,
        get: () => handler,
        set: (fn: (payload: Uint8Array) => boolean) => {
          handler = (payload) => {
            events.push({ from: 'peer', payload: payload.slice() });
            return fn(payload);
          };
        },
      });
      this.onMessage = handler;
    }
    return original.handshake.call(this);
  };
  proto.send = function (this: TransportConnectionCore, payload: Uint8Array) {
    if (this === recorded) events.push({ from: 'us', payload: payload.slice() });
    return original.send.call(this, payload);
  };
  proto.sendParts = function (this: TransportConnectionCore, parts: readonly Uint8Array[]) {
    if (this === recorded) events.push({ from: 'us', payload: Buffer.concat(parts) });
    return original.sendParts.call(this, parts);
  };
  return {
    events,
    stop() {
      Object.assign(proto, original);
    },
  };
}
