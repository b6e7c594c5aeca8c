import type { Readable } from 'node:stream';

/**
 * Reads the server's identification line (`SSH-…`, RFC 4253 §4.2; earlier lines are skipped) from
 * a stream. Returns the line without CR LF, plus whatever bytes followed it (they are consumed
 * from the stream). Bounded by timeoutMs and 64 KiB.
 */
export function readIdentification(
  input: Readable,
  timeoutMs = 15_000,
): Promise<{ line: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = () => {
      clearTimeout(timer);
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
    };
    const fail = (message: string) => {
      cleanup();
      reject(new Error(message));
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const nl = buffered.indexOf(0x0a);
        if (nl < 0) break;
        const line = buffered.subarray(0, nl).toString('latin1').replace(/\r$/, '');
        buffered = buffered.subarray(nl + 1);
        if (line.startsWith('SSH-')) {
          cleanup();
          resolve({ line, rest: buffered });
          return;
        }
      }
      if (buffered.length > 65536) fail('no SSH identification line in the first 64 KiB');
    };
    const onEnd = () =>
      fail(
        `connection closed before the identification line (got ${JSON.stringify(buffered.toString('latin1').slice(0, 200))})`,
      );
    const onError = (e: Error) => fail(`connection error before the identification line: ${e.message}`);
    const timer = setTimeout(() => fail(`no identification line within ${timeoutMs} ms`), timeoutMs);
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    input.resume();
  });
}
