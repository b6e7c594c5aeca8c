// One line of transfer progress, as scp(1)/sftp(1) show it: the file, a bar, the percentage, the
// bytes so far, the rate and the time left (or, once finished, the time taken). Pure formatting;
// progress-reporter.ts decides when to draw. Byte counts are IEC units from pretty-bytes.
import prettyBytes from 'pretty-bytes';

export interface ProgressSnapshot {
  readonly name: string;
  readonly done: number;
  /** The expected size; 0 when unknown or empty. */
  readonly total: number;
  /** Bytes per second, recent. */
  readonly rate: number;
  /** Seconds since the start. */
  readonly elapsed: number;
  readonly finished: boolean;
}

/** "512 B", "1.0 KiB", "12.3 MiB". */
export function formatBytes(n: number): string {
  return prettyBytes(n, {
    binary: true,
    maximumFractionDigits: 1,
    ...(n >= 1024 ? { minimumFractionDigits: 1 } : {}),
  });
}

/** mm:ss, or h:mm:ss from an hour on; "--:--" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

function percent(s: ProgressSnapshot): number {
  if (s.total <= 0) return s.finished ? 100 : 0;
  return Math.min(100, Math.floor((s.done * 100) / s.total));
}

/** The statistics after the bar: "45%  12.3 MiB  4.5 MiB/s  00:03 ETA". */
export function formatStats(s: ProgressSnapshot): string {
  const time = s.finished
    ? formatDuration(s.elapsed)
    : `${formatDuration(s.rate > 0 && s.total > s.done ? (s.total - s.done) / s.rate : Number.NaN)} ETA`;
  return `${String(percent(s)).padStart(3)}%  ${formatBytes(s.done).padStart(9)}  ${`${formatBytes(s.rate)}/s`.padStart(11)}  ${time}`;
}

/** `[#####     ]` of `width` characters in all. */
function bar(s: ProgressSnapshot, width: number): string {
  const inner = width - 2;
  const filled = Math.round((percent(s) / 100) * inner);
  return `[${'#'.repeat(filled)}${' '.repeat(inner - filled)}]`;
}

/**
 * The whole line in at most `width - 1` columns (the last column would wrap on some terminals):
 * the name shortened if it must be, the bar only when there is room for one. `withBar` false gives
 * the plain line for logs.
 */
export function formatProgressLine(s: ProgressSnapshot, width: number, withBar = true): string {
  const stats = formatStats(s);
  const room = Math.max(0, width - 1 - stats.length - 2);
  const barWidth = withBar ? Math.min(32, Math.floor(room / 2)) : 0;
  const useBar = barWidth >= 7;
  const nameRoom = Math.max(1, room - (useBar ? barWidth + 1 : 0));
  const name =
    s.name.length <= nameRoom
      ? s.name.padEnd(useBar ? nameRoom : 0)
      : `${s.name.slice(0, Math.max(0, nameRoom - 1))}…`;
  return useBar ? `${name} ${bar(s, barWidth)}  ${stats}` : `${name}  ${stats}`;
}
