import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

const MIB = 1024 * 1024;

/**
 * How much a local destination file buffers before write() asks the producer to wait. Node's
 * default (16 KiB) is below one SSH packet, so a 32 KiB chunk would wait for its own write
 * syscall in the thread pool before the next is taken; with room for a few MiB, chunks that
 * arrive during a write go out together in the next writev, as `ssh … > file` or `sftp get`
 * write large blocks. Every contender that writes a local file uses this, ours and the peers'.
 */
export const SINK_BUFFER = 4 * MIB;

/** A destination file for received data: `fs.createWriteStream` with SINK_BUFFER. */
export function fileSink(path: string): WriteStream {
  return createWriteStream(path, { highWaterMark: SINK_BUFFER });
}

/** Writes `mib` MiB of random bytes to `path`; returns their SHA-256 (hex). */
export async function writeRandomFile(path: string, mib: number): Promise<string> {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(MIB);
  const file = await open(path, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      randomFillSync(chunk);
      hash.update(chunk);
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** SHA-256 (hex) of a file's contents. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: MIB })
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}
