// `ls -l` lines for entries the server sent no longname for (a stat of one file; some servers):
// the mode string, the owner and group ids, the size, the modification time and the name, laid
// out as sftp(1)'s ls -l lays out its own (ls_file()). SFTP v3 has no link count: "?".
import type { Attributes } from 'sshts';

const TYPE_CHARS: readonly [number, string][] = [
  [0o140000, 's'],
  [0o120000, 'l'],
  [0o100000, '-'],
  [0o060000, 'b'],
  [0o040000, 'd'],
  [0o020000, 'c'],
  [0o010000, 'p'],
];

/** "drwxr-xr-x", with s/S, t/T for setuid, setgid and sticky, as strmode(3). */
export function modeString(mode: number | undefined): string {
  if (mode === undefined) return '??????????';
  const type = TYPE_CHARS.find(([bits]) => (mode & 0o170000) === bits)?.[1] ?? '?';
  const triplet = (shift: number, special: number, on: string, off: string) => {
    const r = mode & (0o4 << shift) ? 'r' : '-';
    const w = mode & (0o2 << shift) ? 'w' : '-';
    const xBit = (mode & (0o1 << shift)) !== 0;
    const x = mode & special ? (xBit ? on : off) : xBit ? 'x' : '-';
    return r + w + x;
  };
  return type + triplet(6, 0o4000, 's', 'S') + triplet(3, 0o2000, 's', 'S') + triplet(0, 0o1000, 't', 'T');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_S = 182 * 24 * 3600;

/** "Jan  2 15:04" within six months of `nowS`, else "Jan  2  2006" (local time, as ls). */
export function lsTime(mtime: number | undefined, nowS: number): string {
  if (mtime === undefined) return '            ';
  const d = new Date(mtime * 1000);
  const day = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)}`;
  if (Math.abs(nowS - mtime) < SIX_MONTHS_S) {
    return `${day} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  }
  return `${day}  ${d.getFullYear()}`;
}

export function longFormat(name: string, attrs: Attributes, nowS: number): string {
  const owner = String(attrs.uid ?? '?').padEnd(8);
  const group = String(attrs.gid ?? '?').padEnd(8);
  const size = String(attrs.size ?? '?').padStart(8);
  return `${modeString(attrs.mode)}    ? ${owner} ${group} ${size} ${lsTime(attrs.mtime, nowS)} ${name}`;
}
