// Pipelined reads (the heart of every download path): READ requests for consecutive ranges of a
// handle, `concurrency` of them in flight, replies handled in whatever order they come. A short
// reply (fewer bytes than asked, not at EOF — OpenSSH clamps READ to 261120 bytes, other servers
// return less at will) re-requests the rest of its range; EOF or an empty DATA ends the file
// there. A consumer that takes its time (`onData` returning a promise) holds back new requests,
// so memory stays within `concurrency` replies. The first error stops new requests; the ones in
// flight are awaited before it is thrown, so nothing is left running.
import { ProtocolError } from '@sshts/wire';
import { PacketType } from './constants.js';
import { joinParts } from './packet-reader.js';
import { expectData } from './replies.js';
import type { SftpSession } from './session.js';

export interface ReadRangeOptions {
  /** Bytes per READ. */
  chunkSize: number;
  /** READs in flight. */
  concurrency: number;
  signal?: AbortSignal;
  /** For errors: the remote path being read. */
  path?: string;
}

/**
 * Where read data goes: `parts` (views of what arrived, `length` bytes in all) belong at `offset`.
 * Called in any order; the views may be kept (nothing reuses their memory).
 */
export type DataSink = (offset: number, parts: readonly Uint8Array[], length: number) => void | Promise<void>;

/**
 * Reads [start, end) of `handle` (end may be Infinity: until EOF) and hands the data of each reply
 * to `onData`, in any order. Resolves with the offset where the file ended: `end`, or less at EOF.
 */
export function readRange(
  session: SftpSession,
  handle: Uint8Array,
  start: number,
  end: number,
  options: ReadRangeOptions,
  onData: DataSink,
): Promise<number> {
  const { chunkSize, concurrency, signal, path } = options;
  let next = start;
  let eofAt = end;
  const gaps: [offset: number, length: number][] = [];
  let inFlight = 0;
  let failed = false;
  let error: unknown;
  return new Promise<number>((resolve, reject) => {
    const onAbort = () => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      signal?.removeEventListener('abort', onAbort);
      if (failed) reject(error);
      else resolve(eofAt);
    };
    function stop(e: unknown): void {
      if (failed) return;
      failed = true;
      error = e;
      if (inFlight === 0) finish();
    }
    const pump = () => {
      if (failed) {
        if (inFlight === 0) finish();
        return;
      }
      // Refill in batches: requests made in one turn leave in one socket write, where refilling
      // one by one would cost a write (and a wake-up of the server) per reply.
      if (inFlight > 0 && inFlight > concurrency - refillBatch(concurrency)) return;
      while (inFlight < concurrency) {
        let offset: number;
        let length: number;
        const gap = gaps.shift();
        if (gap) [offset, length] = gap;
        else if (next < eofAt) {
          offset = next;
          length = Math.min(chunkSize, eofAt - next);
          next += length;
        } else break;
        issue(offset, length);
      }
      if (inFlight === 0 && gaps.length === 0) finish();
    };
    const issue = (offset: number, length: number) => {
      inFlight++;
      session
        .request(PacketType.READ, (w) => w.string(handle).uint64(offset).uint32(length), 64, {
          dataParts: true,
        })
        .then(async (reply) => {
          let parts: readonly Uint8Array[];
          let got: number;
          if (reply.dataParts) {
            parts = reply.dataParts;
            got = reply.dataLength!;
            if (got > length) throw new ProtocolError(`SFTP DATA of ${got} bytes for a read of ${length}`);
          } else {
            const data = expectData(reply, length, path);
            parts = data ? [data] : [];
            got = data?.length ?? 0;
          }
          if (got === 0) {
            // EOF here: nothing at or after `offset` (ranges beyond it end the same way).
            if (offset < eofAt) eofAt = offset;
            for (let i = gaps.length - 1; i >= 0; i--) if (gaps[i]![0] >= eofAt) gaps.splice(i, 1);
            return;
          }
          if (got < length && offset + got < eofAt) gaps.push([offset + got, length - got]);
          if (!failed) await onData(offset, parts, got);
        })
        .catch(stop)
        .finally(() => {
          inFlight--;
          pump();
        });
    };
    if (signal?.aborted) stop(signal.reason);
    pump();
  });
}

/** How many replies a pipeline waits for before it sends new requests (1 for small pipelines). */
function refillBatch(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 8));
}

/**
 * Delivers data from readRange in file order, holding replies that arrive early (servers answer in
 * order in practice, so little is ever held).
 */
export function inOrder(start: number, emit: (data: Uint8Array) => void | Promise<void>): DataSink {
  let expected = start;
  const early = new Map<number, { parts: readonly Uint8Array[]; length: number }>();
  let chain: Promise<void> = Promise.resolve();
  return (offset, parts, length) => {
    early.set(offset, { parts, length });
    const run = async () => {
      for (let reply = early.get(expected); reply !== undefined; reply = early.get(expected)) {
        early.delete(expected);
        expected += reply.length;
        // One chunk per reply: a consumer pays per chunk (a stream read, a write) far more than
        // joining the reply's pieces costs.
        await emit(joinParts(reply.parts, reply.length));
      }
    };
    chain = chain.then(run);
    return chain;
  };
}
