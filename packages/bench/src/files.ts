import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const MIB = 1024 * 1024;

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
