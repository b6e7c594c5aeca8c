// A long stream made of one 1 MiB random block repeated, for the tests that push tens of MiB
// through a peer and compare hashes (rekey, packet offload): cheap to produce at any offset, and a
// lost, repeated or reordered packet still changes the hash, since packets do not align to 1 MiB.
import { createHash } from 'node:crypto';
import { MiB, randomBlock } from './channel-data-helpers.js';

export interface RepeatingData {
  /** `length` bytes of the stream from `offset`. */
  chunkAt(offset: number, length: number): Uint8Array;
  /** SHA-256 (hex) of the first `total` bytes, `total` a whole number of MiB. */
  sha256: string;
}

export function repeatingData(total: number, seed: number): RepeatingData {
  const block = randomBlock(seed, MiB);
  const chunkAt = (offset: number, length: number) => {
    const start = offset % MiB;
    if (start + length <= MiB) return block.subarray(start, start + length);
    const out = new Uint8Array(length);
    out.set(block.subarray(start));
    out.set(block.subarray(0, length - (MiB - start)), MiB - start);
    return out;
  };
  const hash = createHash('sha256');
  for (let i = 0; i < total / MiB; i++) hash.update(block);
  return { chunkAt, sha256: hash.digest('hex') };
}
