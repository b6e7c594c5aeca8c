// The progress display for one transfer at a time: a <progress> bar and a line of text. When a
// transfer ends, the text element carries data-bytes and data-ms (timed in the page with
// performance.now()), which the example's tests and benchmark read.

const MiB = 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MiB) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / MiB).toFixed(1)} MiB`;
}

export interface Progress {
  /** The size, once known (a download learns it from a STAT after the display started). */
  setTotal(total: number): void;
  update(done: number): void;
  finish(done: number): void;
  fail(error: unknown): void;
}

export function startProgress(verb: 'Uploading' | 'Downloading', name: string, size = 0): Progress {
  let total = size;
  const bar = document.querySelector<HTMLProgressElement>('#transfer-progress')!;
  const text = document.querySelector<HTMLElement>('#transfer-status')!;
  const started = performance.now();
  let lastPaint = 0;
  bar.max = Math.max(total, 1);
  bar.value = 0;
  text.dataset.state = 'running';
  delete text.dataset.bytes;
  delete text.dataset.ms;
  text.textContent = `${verb} ${name}…`;
  return {
    setTotal(n) {
      total = n;
      bar.max = Math.max(total, 1);
    },
    update(done) {
      const now = performance.now();
      if (now - lastPaint < 50 && done < total) return; // a few repaints a second are plenty
      lastPaint = now;
      bar.value = done;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      text.textContent = `${verb} ${name}: ${formatBytes(done)} of ${formatBytes(total)} (${pct}%)`;
    },
    finish(done) {
      const ms = performance.now() - started;
      bar.value = bar.max;
      const rate = ms > 0 ? done / MiB / (ms / 1000) : 0;
      text.dataset.state = 'done';
      text.dataset.bytes = String(done);
      text.dataset.ms = ms.toFixed(1);
      text.textContent = `${verb === 'Uploading' ? 'Uploaded' : 'Downloaded'} ${name}: ${formatBytes(done)} in ${(ms / 1000).toFixed(2)} s (${rate.toFixed(1)} MiB/s)`;
    },
    fail(error) {
      text.dataset.state = 'error';
      text.textContent = `${verb} ${name} failed: ${error instanceof Error ? error.message : String(error)}`;
    },
  };
}
