// The `longname` of an SSH_FXP_NAME entry (draft-02 §7): "the output of `ls -l`", whose format
// v3 leaves open but whose de-facto form is OpenSSH's ls_file (sftp-common.c), which `sftp`'s
// `ls -l` prints as it is: strmode(3) permissions, link count, owner and group padded to eight,
// size right-aligned in eight, then "Mon dd HH:MM" for the last six months or "Mon dd  YYYY".
import { FileType } from '../attributes.js';
import type { SFTPStats } from './filesystem.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HALF_YEAR = (365 * 24 * 60 * 60) / 2;

const TYPE_CHARS: Record<number, string> = {
  [FileType.FILE]: '-',
  [FileType.DIRECTORY]: 'd',
  [FileType.SYMLINK]: 'l',
  [FileType.CHARACTER_DEVICE]: 'c',
  [FileType.BLOCK_DEVICE]: 'b',
  [FileType.FIFO]: 'p',
  [FileType.SOCKET]: 's',
};

/** strmode(3): "drwxr-xr-x" with setuid/setgid (s, S) and sticky (t, T) folded into the x columns. */
export function modeString(mode: number): string {
  const type = TYPE_CHARS[mode & FileType.MASK] ?? '?';
  const triplet = (shift: number, special: boolean, set: string, unset: string) => {
    const bits = (mode >> shift) & 7;
    const x = bits & 1;
    return (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (x ? set : unset) : x ? 'x' : '-');
  };
  return (
    type +
    triplet(6, (mode & 0o4000) !== 0, 's', 'S') +
    triplet(3, (mode & 0o2000) !== 0, 's', 'S') +
    triplet(0, (mode & 0o1000) !== 0, 't', 'T')
  );
}

/** strftime "%b %e %H:%M" (recent) or "%b %e  %Y", in the local time zone as OpenSSH's localtime(). */
export function lsTime(mtime: number, now: number): string {
  const d = new Date(mtime * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const day = String(d.getDate()).padStart(2, ' ');
  const head = `${MONTHS[d.getMonth()]} ${day}`;
  if (now - HALF_YEAR < mtime && now >= mtime) {
    const hh = String(d.getHours()).padStart(2, '0');
    const mm = String(d.getMinutes()).padStart(2, '0');
    return `${head} ${hh}:${mm}`;
  }
  return `${head}  ${d.getFullYear()}`;
}

/**
 * One `ls -l` line for `name`. `user` / `group` default to the numeric ids; `now` (seconds) picks
 * the time format.
 */
export function formatLongname(
  name: string,
  stats: SFTPStats,
  user: string | undefined,
  group: string | undefined,
  now = Math.floor(Date.now() / 1000),
): string {
  const owner = user || String(stats.uid);
  const grp = group || String(stats.gid);
  const links = String(stats.nlink ?? 1).padStart(3, ' ');
  const size = String(stats.size).padStart(8, ' ');
  // strmode leaves a space after the ten characters, then ls_file's format adds one more.
  return `${modeString(stats.mode)}  ${links} ${owner.padEnd(8, ' ')} ${grp.padEnd(8, ' ')} ${size} ${lsTime(stats.mtime, now)} ${name}`;
}
