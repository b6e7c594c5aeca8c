// Argument syntaxes shared by many keywords (readconf.c multistate tables, misc.c convtime(),
// atoi_err(), scan_scaled(), parse_ipqos(), a2tun()).

/** readconf.c multistate tables: accepted spellings (matched with strcasecmp) → our value. */
export const MULTISTATE = {
  flag: { true: 'yes', false: 'no', yes: 'yes', no: 'no' },
  yesnoask: { true: 'yes', false: 'no', yes: 'yes', no: 'no', ask: 'ask' },
  strictHostKey: {
    true: 'yes',
    false: 'no',
    yes: 'yes',
    no: 'no',
    ask: 'ask',
    off: 'no',
    'accept-new': 'accept-new',
  },
  addressFamily: { inet: 'inet', inet6: 'inet6', any: 'any' },
  controlMaster: {
    true: 'yes',
    yes: 'yes',
    false: 'no',
    no: 'no',
    auto: 'auto',
    ask: 'ask',
    autoask: 'autoask',
  },
  tunnel: {
    ethernet: 'ethernet',
    'point-to-point': 'point-to-point',
    true: 'yes',
    yes: 'yes',
    false: 'no',
    no: 'no',
  },
  requestTTY: { true: 'yes', yes: 'yes', false: 'no', no: 'no', force: 'force', auto: 'auto' },
  sessionType: { none: 'none', subsystem: 'subsystem', default: 'default' },
  canonicalize: { true: 'yes', false: 'no', yes: 'yes', no: 'no', always: 'always' },
  pubkeyAuth: {
    true: 'yes',
    false: 'no',
    yes: 'yes',
    no: 'no',
    unbound: 'unbound',
    'host-bound': 'host-bound',
  },
  compression: { yes: 'yes', no: 'no' },
  addKeysToAgent: { true: 'yes', false: 'no', yes: 'yes', no: 'no', ask: 'ask', confirm: 'confirm' },
} as const satisfies Record<string, Record<string, string>>;

export type MultistateName = keyof typeof MULTISTATE;

/** parse_multistate_value(): the value for `arg`, or undefined. */
export function multistate(table: MultistateName, arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  const t: Record<string, string> = MULTISTATE[table];
  const key = arg.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return Object.hasOwn(t, key) ? t[key] : undefined;
}

const INT_MAX = 2 ** 31 - 1;

/** convtime(): "90", "1h30m", "2d" → seconds; -1 when invalid (or beyond INT_MAX). */
export function convtime(s: string | undefined): number {
  if (s === undefined || s === '') return -1;
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  let i = 0;
  while (i < s.length) {
    // strtol(): optional leading whitespace and sign; a negative value is rejected below.
    const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(s.slice(i));
    if (!m) return -1;
    if (m[1] === '-' && Number(m[2]) !== 0) return -1;
    const secs = Number(m[2]);
    i += m[0].length;
    const unit = s[i];
    let mult = 1;
    if (unit !== undefined) {
      const u = units[unit.toLowerCase()];
      if (u === undefined) return -1;
      mult = u;
      i++;
    }
    if (secs > Math.floor(INT_MAX / mult)) return -1;
    if (total > INT_MAX - secs * mult) return -1;
    total += secs * mult;
  }
  return total;
}

/** atoi_err(): a decimal integer 0..INT_MAX; an error word ("missing", "invalid", ...) otherwise. */
export function atoiErr(s: string | undefined): number | string {
  if (s === undefined || s === '') return 'missing';
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(s);
  if (!m) return 'invalid';
  const v = Number(m[1]);
  if (v < 0) return 'too small';
  if (v > INT_MAX) return 'too large';
  return v;
}

/** scan_scaled(): "1G", "512K", "1.5M" → bytes (units are powers of 1024); undefined when invalid. */
export function scanScaled(s: string): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]+))?([bkmgtpe]?)$/i.exec(s);
  if (!m) return undefined;
  const unit = (m[3] ?? '').toLowerCase();
  const scale = 1024 ** (unit === '' || unit === 'b' ? 0 : 'kmgtpe'.indexOf(unit) + 1);
  const frac = m[2] === undefined ? 0 : Number(`0.${m[2]}`);
  const v = Math.floor(Number(m[1]) * scale + frac * scale);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** strtol(s, &end, 0) over the whole string: decimal, 0x-hex or 0-octal; undefined otherwise. */
function strtolBase0(s: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2] as string;
  const v = /^0[xX]/.test(digits)
    ? Number.parseInt(digits.slice(2), 16)
    : digits.startsWith('0')
      ? Number.parseInt(digits, 8)
      : Number(digits);
  return m[1] === '-' ? -v : v;
}

/** misc.c ipqos[] names, and parse_ipqos() for the rest (0..255). */
const IPQOS = new Set([
  'none',
  'af11',
  'af12',
  'af13',
  'af21',
  'af22',
  'af23',
  'af31',
  'af32',
  'af33',
  'af41',
  'af42',
  'af43',
  'cs0',
  'cs1',
  'cs2',
  'cs3',
  'cs4',
  'cs5',
  'cs6',
  'cs7',
  'ef',
  'le',
  'lowdelay',
  'throughput',
  'reliability',
]);

export function isValidIpQos(s: string | undefined): boolean {
  if (s === undefined) return false;
  if (IPQOS.has(s.toLowerCase())) return true;
  const v = strtolBase0(s);
  return v !== undefined && v >= 0 && v <= 255;
}

/** a2tun(): "any" or 0..0x7fffffff, optionally ":" and the same for the remote end. */
export function isValidTunnelDevice(s: string): boolean {
  const one = (x: string) => x.toLowerCase() === 'any' || (/^[0-9]+$/.test(x) && Number(x) <= 0x7fffffff);
  const colon = s.indexOf(':');
  return colon < 0 ? one(s) : one(s.slice(0, colon)) && one(s.slice(colon + 1));
}

export const LOG_LEVELS = [
  'QUIET',
  'FATAL',
  'ERROR',
  'INFO',
  'VERBOSE',
  'DEBUG',
  'DEBUG1',
  'DEBUG2',
  'DEBUG3',
];
export const LOG_FACILITIES = [
  'DAEMON',
  'USER',
  'AUTH',
  'AUTHPRIV',
  'LOCAL0',
  'LOCAL1',
  'LOCAL2',
  'LOCAL3',
  'LOCAL4',
  'LOCAL5',
  'LOCAL6',
  'LOCAL7',
];
/** digest.c names accepted by FingerprintHash. */
export const FINGERPRINT_HASHES = ['MD5', 'SHA1', 'SHA256', 'SHA384', 'SHA512'];

/** The canonical spelling of `s` in `names`, compared case-insensitively (strcasecmp). */
export function oneOf(names: readonly string[], s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const up = s.toUpperCase();
  return names.find((n) => n === up);
}
