// CoalescingWriter (src/coalescing-writer.ts): a download's replies reach the local file one
// gathering write at a time, queued replies that continue each other merged into that write, every
// byte at its offset, and a failed write failing exactly the replies it carried.
import { describe, expect, it } from 'vitest';
import { CoalescingWriter } from '../src/coalescing-writer.js';
import type { LocalFile } from '../src/local-files.js';

/** A LocalFile over a growing byte array whose writeParts completes when the test says so. */
function fakeFile() {
  const content = new Uint8Array(1 << 16);
  const calls: { position: number; parts: number; bytes: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const finishers: ((error?: Error) => void)[] = [];
  const file: LocalFile = {
    read: async () => new Uint8Array(0),
    write: async () => {
      throw new Error('writeParts expected');
    },
    writeParts: (parts, position) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let at = position;
      for (const p of parts) {
        content.set(p, at);
        at += p.length;
      }
      calls.push({ position, parts: parts.length, bytes: at - position });
      return new Promise<void>((resolve, reject) =>
        finishers.push((error) => {
          inFlight--;
          if (error) reject(error);
          else resolve();
        }),
      );
    },
    close: async () => {},
  };
  const finishNext = async (error?: Error) => {
    await Promise.resolve();
    finishers.shift()?.(error);
    await new Promise((r) => setImmediate(r));
  };
  return { file, content, calls, finishNext, maxInFlight: () => maxInFlight };
}

const reply = (offset: number, length: number, pieces = 2) => {
  const data = Uint8Array.from({ length }, (_, i) => (offset + i) & 0xff);
  const cut = Math.floor(length / pieces);
  return { offset, parts: [data.subarray(0, cut), data.subarray(cut)], length };
};

describe('CoalescingWriter', () => {
  it('merges the replies queued behind a write into one write, in offset order', async () => {
    const f = fakeFile();
    const w = new CoalescingWriter(f.file);
    const r = [reply(0, 100), reply(100, 100), reply(300, 100), reply(200, 100), reply(400, 50)];
    const done = r.map((x) => w.write(x.offset, x.parts, x.length));
    // The first write went out alone; everything queued behind it continues it, so it is one write.
    expect(f.calls).toEqual([{ position: 0, parts: 2, bytes: 100 }]);
    await f.finishNext();
    expect(f.calls[1]).toEqual({ position: 100, parts: 8, bytes: 350 });
    await f.finishNext();
    await Promise.all(done);
    expect(f.maxInFlight()).toBe(1);
    for (let i = 0; i < 450; i++) expect(f.content[i]).toBe(i & 0xff);
  });

  it('writes a reply that continues nothing queued on its own, oldest first', async () => {
    const f = fakeFile();
    const w = new CoalescingWriter(f.file);
    const first = w.write(1000, reply(1000, 10).parts, 10);
    const late = w.write(5000, reply(5000, 10).parts, 10);
    const early = w.write(0, reply(0, 10).parts, 10);
    await f.finishNext();
    await f.finishNext();
    await f.finishNext();
    await Promise.all([first, late, early]);
    expect(f.calls.map((c) => c.position)).toEqual([1000, 5000, 0]);
  });

  it('a failed write rejects the replies it carried, and later ones are still written', async () => {
    const f = fakeFile();
    const w = new CoalescingWriter(f.file);
    // Outcomes are taken at once, so a rejection is never left unhandled while the test waits.
    const outcome = (p: Promise<void>) =>
      p.then(
        () => 'written',
        (error: unknown) => error,
      );
    const a = outcome(w.write(0, reply(0, 10).parts, 10));
    const b = outcome(w.write(10, reply(10, 10).parts, 10));
    const c = outcome(w.write(20, reply(20, 10).parts, 10));
    await f.finishNext(); // a
    const failure = new Error('ENOSPC');
    await f.finishNext(failure); // b and c together
    expect(await Promise.all([a, b, c])).toEqual(['written', failure, failure]);
    const d = w.write(30, reply(30, 10).parts, 10);
    await f.finishNext();
    await expect(d).resolves.toBeUndefined();
  });
});
