// Reading a whole file, or from an offset to its end: the size FSTAT reported is read pipelined,
// then one READ past it checks the file has not grown (and covers files whose size is reported as
// 0, such as /proc files); if it has, the rest is read pipelined until EOF, as OpenSSH's sftp
// reads until EOF whatever the size said.
import { type DataSink, type ReadRangeOptions, readRange } from './read-pipeline.js';
import type { SftpSession } from './session.js';

/** Reads `handle` from `start` to EOF; resolves with the offset where it ended. */
export async function readToEnd(
  session: SftpSession,
  handle: Uint8Array,
  start: number,
  size: number | undefined,
  options: ReadRangeOptions,
  onData: DataSink,
): Promise<number> {
  let end = start;
  if (size !== undefined && size > start) {
    end = await readRange(session, handle, start, size, options, onData);
    if (end < size) return end; // EOF before the size: the file shrank
  }
  const chunk = options.chunkSize;
  const probe = await readRange(session, handle, end, end + chunk, { ...options, concurrency: 1 }, onData);
  if (probe < end + chunk) return probe;
  return readRange(session, handle, probe, Number.POSITIVE_INFINITY, options, onData);
}
