import { createHash, randomFillSync } from 'node:crypto';

const MiB = 1024 * 1024;

/** One random MiB, the pattern every PatternSource of a run repeats (the same stream for every client). */
export function randomBlock(): Buffer {
  return randomFillSync(Buffer.alloc(MiB));
}

/**
 * `total` bytes made on the fly, never stored: `block` repeated, each copy with its own index in
 * its first 8 bytes, so that a lost, repeated or reordered MiB changes the hash. Every chunk is a
 * fresh buffer (a writer may still hold the previous one). digest() is the SHA-256 of what the
 * generator has produced, i.e. of everything once it is exhausted.
 */
export class PatternSource {
  private readonly hash = createHash('sha256');

  constructor(
    readonly total: number,
    private readonly block: Buffer,
  ) {
    if (block.length !== MiB) throw new RangeError('the pattern block must be 1 MiB');
  }

  *chunks(): Generator<Buffer> {
    for (let offset = 0, index = 0n; offset < this.total; offset += MiB, index++) {
      const chunk = Buffer.allocUnsafe(Math.min(MiB, this.total - offset));
      this.block.copy(chunk, 0, 0, chunk.length);
      if (chunk.length >= 8) chunk.writeBigUInt64BE(index, 0);
      this.hash.update(chunk);
      yield chunk;
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
