// Writes the replies of a download to the local file one gathering write at a time, each covering
// every queued reply that continues the previous one. Replies arrive mostly in file order; written
// one pwritev each, up to `concurrency` of them ran at once in the thread pool and contended for
// the file's inode lock (ext4 serialises writers), with a syscall per 255 KiB reply.
import type { LocalFile } from './local-files.js';

/** iovecs in one write: Linux IOV_MAX is 1024. */
const MAX_PARTS = 1024;
/** Bytes in one write, so a batch stays a bounded amount of memory held for one syscall. */
const MAX_BYTES = 8 * 1024 * 1024;

interface Pending {
  offset: number;
  parts: readonly Uint8Array[];
  length: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class CoalescingWriter {
  /** Queued replies by offset. */
  private readonly queued = new Map<number, Pending>();
  /** Offsets in arrival order, so the oldest reply is written first. */
  private readonly order: number[] = [];
  private busy = false;

  constructor(private readonly file: LocalFile) {}

  /** Resolves once `parts` (`length` bytes in all) are written at `offset`. */
  write(offset: number, parts: readonly Uint8Array[], length: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.set(offset, { offset, parts, length, resolve, reject });
      this.order.push(offset);
      if (!this.busy) this.writeNext();
    });
  }

  private writeNext(): void {
    let first: Pending | undefined;
    while (this.order.length > 0 && first === undefined) first = this.queued.get(this.order.shift()!);
    if (first === undefined) return;
    this.queued.delete(first.offset);
    const batch = [first];
    const parts = [...first.parts];
    let end = first.offset + first.length;
    let bytes = first.length;
    for (let next = this.queued.get(end); next !== undefined; next = this.queued.get(end)) {
      if (parts.length + next.parts.length > MAX_PARTS || bytes + next.length > MAX_BYTES) break;
      this.queued.delete(end);
      batch.push(next);
      parts.push(...next.parts);
      end += next.length;
      bytes += next.length;
    }
    this.busy = true;
    const done = this.file.writeParts
      ? this.file.writeParts(parts, first.offset)
      : writeEach(this.file, parts, first.offset);
    done.then(
      () => {
        this.busy = false;
        for (const p of batch) p.resolve();
        this.writeNext();
      },
      (error: unknown) => {
        this.busy = false;
        for (const p of batch) p.reject(error);
        this.writeNext();
      },
    );
  }
}

async function writeEach(file: LocalFile, parts: readonly Uint8Array[], position: number): Promise<void> {
  for (let at = position, i = 0; i < parts.length; at += parts[i]!.length, i++)
    await file.write(parts[i]!, at);
}
