// The options field of an authorized_keys line (sshd(8) AUTHORIZED_KEYS FILE FORMAT; OpenSSH
// auth-options.c sshauthopt_parse): comma-separated, case-insensitive keywords, some with a
// double-quoted value in which `\"` stands for `"`. Options apply in order ("restrict,pty" allows a
// pty, "pty,restrict" does not); any unknown or malformed option makes the whole line unusable.
import { parseAbsoluteTime } from './absolute-time.js';

/** A permitopen/permitlisten destination: host (without [ ]) and port, or '*' for any port. */
export interface PermitSpec {
  readonly host: string;
  readonly port: number | '*';
}

export interface AuthorizedKeyOptions {
  /** `cert-authority`: the key is a CA trusted for user certificates. */
  readonly certAuthority: boolean;
  /** `restrict` appeared (it clears the five permissions below; later options may set them again). */
  readonly restrict: boolean;
  readonly agentForwarding: boolean;
  readonly portForwarding: boolean;
  readonly x11Forwarding: boolean;
  readonly pty: boolean;
  readonly userRc: boolean;
  /** False after `no-touch-required` (FIDO keys only). */
  readonly touchRequired: boolean;
  /** `verify-required` (FIDO keys only). */
  readonly verifyRequired: boolean;
  /** `command="…"`. */
  readonly command: string | undefined;
  /** `environment="NAME=value"` strings, first per NAME kept (as sshd). */
  readonly environment: readonly string[];
  /** `expiry-time="…"` in seconds since the epoch (the earliest if repeated). */
  readonly expiryTime: number | undefined;
  /** `from="pattern-list"` as written (see matchHostAndAddress). */
  readonly from: string | undefined;
  readonly permitOpen: readonly PermitSpec[];
  readonly permitListen: readonly PermitSpec[];
  /** `principals="a,b"` (meaningful with cert-authority). */
  readonly principals: readonly string[] | undefined;
  /** `tunnel="n"`: a tun device number or 'any'. */
  readonly tunnel: number | 'any' | undefined;
}

/** auth-options.h SSH_AUTHOPT_PERMIT_MAX and the environment limit of sshauthopt_parse. */
const MAX_PERMITS = 4096;
const MAX_ENVIRONMENT = 1024;
/** NI_MAXHOST: a permission host name must be shorter. */
const NI_MAXHOST = 1025;
/** misc.h SSH_TUNID_MAX. */
const MAX_TUN_ID = 0x7ffffffd;

class OptionError extends Error {}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type Options = Mutable<AuthorizedKeyOptions>;

/**
 * sshauthopt_parse's flag options, in its order: keyword, whether `no-keyword` is accepted, and the
 * effect (on = false for the `no-` form). `restrict` clears every permission.
 */
const FLAGS: readonly (readonly [string, boolean, (o: Options, on: boolean) => void])[] = [
  [
    'restrict',
    false,
    (o) => {
      o.restrict = true;
      o.portForwarding = false;
      o.agentForwarding = false;
      o.x11Forwarding = false;
      o.pty = false;
      o.userRc = false;
    },
  ],
  [
    'cert-authority',
    false,
    (o, on) => {
      o.certAuthority = on;
    },
  ],
  [
    'port-forwarding',
    true,
    (o, on) => {
      o.portForwarding = on;
    },
  ],
  [
    'agent-forwarding',
    true,
    (o, on) => {
      o.agentForwarding = on;
    },
  ],
  [
    'x11-forwarding',
    true,
    (o, on) => {
      o.x11Forwarding = on;
    },
  ],
  [
    'touch-required',
    true,
    (o, on) => {
      o.touchRequired = on;
    },
  ],
  [
    'verify-required',
    true,
    (o, on) => {
      o.verifyRequired = on;
    },
  ],
  [
    'pty',
    true,
    (o, on) => {
      o.pty = on;
    },
  ],
  [
    'user-rc',
    true,
    (o, on) => {
      o.userRc = on;
    },
  ],
];

function defaults(): Options {
  return {
    certAuthority: false,
    restrict: false,
    agentForwarding: true,
    portForwarding: true,
    x11Forwarding: true,
    pty: true,
    userRc: true,
    touchRequired: true,
    verifyRequired: false,
    command: undefined,
    environment: [],
    expiryTime: undefined,
    from: undefined,
    permitOpen: [],
    permitListen: [],
    principals: undefined,
    tunnel: undefined,
  };
}

/** misc.c a2port: a decimal port 1-65535. */
function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** auth-options.c handle_permit with misc.c hpdelim2: `host:port`, `[v6]:port` or `host/port`. */
function parsePermit(value: string, allowBarePort: boolean): PermitSpec {
  const text = allowBarePort && !value.includes(':') ? `*:${value}` : value;
  let host: string;
  let rest: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new OptionError('invalid permission hostname');
    host = text.slice(1, close);
    const delim = text[close + 1];
    if (delim === undefined) rest = undefined;
    else if (delim === ':' || delim === '/') rest = text.slice(close + 2);
    else throw new OptionError('invalid permission hostname');
  } else {
    const at = text.search(/[:/]/);
    host = at < 0 ? text : text.slice(0, at);
    rest = at < 0 ? undefined : text.slice(at + 1);
  }
  if (host.length >= NI_MAXHOST) throw new OptionError('invalid permission hostname');
  if (rest === undefined) throw new OptionError('invalid permission port');
  if (rest === '*') return { host, port: '*' };
  const port = parsePort(rest);
  if (port === undefined) throw new OptionError('invalid permission port');
  return { host, port };
}

/** misc.c a2tun: 'any' or 0..SSH_TUNID_MAX. */
function parseTunnel(text: string): number | 'any' {
  if (text.toLowerCase() === 'any') return 'any';
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) > MAX_TUN_ID) throw new OptionError('invalid tun device');
  return Number(text);
}

function freeze(o: Options): AuthorizedKeyOptions {
  Object.freeze(o.environment);
  Object.freeze(o.permitOpen);
  Object.freeze(o.permitListen);
  if (o.principals !== undefined) Object.freeze(o.principals);
  return Object.freeze(o);
}

/** sshauthopt_new_with_keys_defaults: a key line without options. */
export const DEFAULT_AUTHORIZED_KEY_OPTIONS: AuthorizedKeyOptions = freeze(defaults());

/**
 * Parses the options at the start of `text` up to the first unquoted space or tab (sshauthopt_parse).
 * Returns the options and where they end, or an error string naming the problem as sshd logs it.
 */
export function parseAuthorizedKeyOptions(
  text: string,
): { options: AuthorizedKeyOptions; end: number } | { error: string } {
  const o = defaults();
  let i = 0;
  const startsWith = (word: string): boolean => text.slice(i, i + word.length).toLowerCase() === word;
  /** opt_flag: `word` or, when negatable, `no-word`; returns true/false or undefined. */
  const flag = (word: string, negatable: boolean): boolean | undefined => {
    const save = i;
    let negated = false;
    if (negatable && startsWith('no-')) {
      i += 3;
      negated = true;
    }
    if (startsWith(word)) {
      i += word.length;
      return !negated;
    }
    i = save;
    return undefined;
  };
  /** opt_match: `word=`. */
  const keyword = (word: string): boolean => {
    if (!startsWith(`${word}=`)) return false;
    i += word.length + 1;
    return true;
  };
  /** opt_dequote: a double-quoted value where `\"` is a quote; other backslashes are literal. */
  const quoted = (): string => {
    if (text[i] !== '"') throw new OptionError('missing start quote');
    let out = '';
    let j = i + 1;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\' && text[j + 1] === '"') j++;
      out += text[j];
    }
    if (j >= text.length) throw new OptionError('missing end quote');
    i = j + 1;
    return out;
  };

  try {
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      const isFlag = FLAGS.some(([word, negatable, apply]) => {
        const on = flag(word, negatable);
        if (on !== undefined) apply(o, on);
        return on !== undefined;
      });
      if (isFlag) {
        // A flag option, already applied.
      } else if (keyword('command')) {
        if (o.command !== undefined) throw new OptionError('multiple "command" clauses');
        o.command = quoted();
      } else if (keyword('principals')) {
        if (o.principals !== undefined) throw new OptionError('multiple "principals" clauses');
        o.principals = quoted().split(',');
      } else if (keyword('from')) {
        if (o.from !== undefined) throw new OptionError('multiple "from" clauses');
        o.from = quoted();
      } else if (keyword('expiry-time')) {
        const t = parseAbsoluteTime(quoted());
        if (t === undefined || t === 0) throw new OptionError('invalid expires time');
        if (o.expiryTime === undefined || t < o.expiryTime) o.expiryTime = t;
      } else if (keyword('environment')) {
        if (o.environment.length > MAX_ENVIRONMENT) throw new OptionError('too many environment strings');
        const env = quoted();
        const eq = env.indexOf('=');
        const name = eq < 0 ? '' : env.slice(0, eq);
        if (!/^[A-Za-z0-9_]+$/.test(name)) throw new OptionError('invalid environment string');
        if (!o.environment.some((e) => e.startsWith(`${name}=`))) o.environment.push(env);
      } else if (keyword('permitopen') || keyword('permitlisten')) {
        const listen = text.slice(0, i).toLowerCase().endsWith('permitlisten=');
        const list = listen ? o.permitListen : o.permitOpen;
        if (list.length > MAX_PERMITS) throw new OptionError('too many permission directives');
        list.push(parsePermit(quoted(), listen));
      } else if (keyword('tunnel')) {
        o.tunnel = parseTunnel(quoted());
      }
      if (i >= text.length || text[i] === ' ' || text[i] === '\t') break;
      if (text[i] !== ',') throw new OptionError('unknown key option');
      i++;
      if (i >= text.length) throw new OptionError('unexpected end-of-options');
    }
  } catch (e) {
    if (e instanceof OptionError) return { error: e.message };
    throw e;
  }
  return { options: freeze(o), end: i };
}
