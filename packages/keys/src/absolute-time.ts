// OpenSSH's absolute time syntax (misc.c parse_absolute_time), used by authorized_keys
// `expiry-time=` and `ssh-keygen -V`: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, in the system
// time zone unless suffixed with `Z` (or `UTC`), which means UTC.

/**
 * Seconds since the epoch for `text`, or undefined when it is not a valid absolute time or falls
 * before the epoch (mktime/timegm < 0 is an error in OpenSSH).
 */
export function parseAbsoluteTime(text: string): number | undefined {
  let s = text;
  let utc = false;
  if (s.length > 1 && /z$/i.test(s)) {
    utc = true;
    s = s.slice(0, -1);
  } else if (s.length > 3 && /utc$/i.test(s)) {
    utc = true;
    s = s.slice(0, -3);
  }
  if (!/^[0-9]+$/.test(s) || (s.length !== 8 && s.length !== 12 && s.length !== 14)) return undefined;
  const n = (from: number, to: number): number => Number(s.slice(from, to));
  const year = n(0, 4);
  const month = n(4, 6);
  const day = n(6, 8);
  const hour = s.length >= 12 ? n(8, 10) : 0;
  const minute = s.length >= 12 ? n(10, 12) : 0;
  const second = s.length === 14 ? n(12, 14) : 0;
  // strptime's ranges (%m 1-12, %d 1-31, %H 0-23, %M 0-59, %S 0-61); mktime normalises the rest
  // (Feb 30 → Mar 2), as Date does.
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 61) {
    return undefined;
  }
  // setFullYear, not the Date constructor, which maps years 0-99 to 1900-1999.
  const date = new Date(0);
  if (utc) {
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, 0);
  } else {
    date.setFullYear(year, month - 1, day);
    date.setHours(hour, minute, second, 0);
  }
  const seconds = Math.floor(date.getTime() / 1000);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
