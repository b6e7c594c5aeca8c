import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median } from '../report.js';

// A full collection before each sample, so that what is sampled is what is live, not where the
// collector's sawtooth happens to be: "memory flat" is then a statement about retention.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemorySample {
  rss: number;
  /** heapUsed + arrayBuffers: the JS heap and the bytes of every ArrayBuffer (packets, chunks). */
  heapBuffers: number;
}

/** Samples process.memoryUsage() after a full GC every `everyMs` until stop(), which returns the samples. */
export function sampleMemory(everyMs: number): { stop(): MemorySample[] } {
  const samples: MemorySample[] = [];
  const take = () => {
    gc();
    const m = process.memoryUsage();
    samples.push({ rss: m.rss, heapBuffers: m.heapUsed + m.arrayBuffers });
  };
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** Medians of the first and the last quarter of the samples: equal when memory stays flat. */
  firstQuarter: number;
  lastQuarter: number;
}

/** The spread of one figure over the samples, in MiB; undefined with no sample. */
export function memorySpread(samples: MemorySample[], pick: (s: MemorySample) => number): Spread | undefined {
  if (samples.length === 0) return undefined;
  const mib = samples.map((s) => pick(s) / 1024 / 1024);
  const quarter = Math.max(1, Math.floor(mib.length / 4));
  return {
    min: Math.min(...mib),
    median: median(mib),
    max: Math.max(...mib),
    firstQuarter: median(mib.slice(0, quarter)),
    lastQuarter: median(mib.slice(-quarter)),
  };
}
