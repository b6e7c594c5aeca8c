// Reading one keyword's arguments, with the checks readconf.c process_config_line_depth() makes
// whether or not the line applies to the host: a bad value is an error even inside a Host block
// that never matches. Checks that need the environment (${VAR} in forwardings and agent paths)
// wait for lookup time.
import { isValidAlgorithmSpec } from './algorithms.js';
import {
  a2port,
  type ProxyJumpHost,
  parseForward,
  parseJump,
  splitHostPort,
  validDomain,
} from './endpoints.js';
import { type ConfigSourcePosition, SSHConfigError } from './errors.js';
import { checkDollarSyntax, isValidEnvName } from './expand.js';
import type { KeywordKind } from './keywords.js';
import { asciiLower, skipWhitespaceAndEquals } from './lexer.js';
import {
  atoiErr,
  convtime,
  FINGERPRINT_HASHES,
  isValidIpQos,
  isValidTunnelDevice,
  LOG_FACILITIES,
  LOG_LEVELS,
  multistate,
  oneOf,
  scanScaled,
} from './values.js';

export interface ForwardSpec {
  /** "listen:target" or "listen" as parse_forward() receives it, before ${ENV} expansion. */
  readonly spec: string;
  readonly which: 'local' | 'remote' | 'dynamic';
  /** RemoteForward with one argument is a dynamic (SOCKS) remote forwarding. */
  readonly dynamic: boolean;
}

export type ProxyJumpValue =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: readonly ProxyJumpHost[]; readonly extra: string | undefined };

/** The parsed argument of a keyword line; the kind of value follows from the keyword. */
export type OptionValue =
  | boolean
  | number
  | string
  | null
  | readonly string[]
  | ForwardSpec
  | ProxyJumpValue
  | { readonly kind: 'agentPath'; readonly path: string }
  | { readonly kind: 'controlPersist'; readonly enabled: boolean; readonly timeout: number }
  | { readonly kind: 'addKeys'; readonly mode: string; readonly lifetime: number }
  | { readonly kind: 'rekey'; readonly bytes: number; readonly interval: number | null | undefined }
  | { readonly kind: 'ipqos'; readonly interactive: string; readonly bulk: string };

const MAX_FILE_LIST = 32; // SSH_MAX_HOSTS_FILES

class Args {
  private i = 0;
  constructor(
    readonly words: readonly string[],
    private readonly keyword: string,
    private readonly pos: ConfigSourcePosition,
  ) {}
  next(): string | undefined {
    return this.words[this.i++];
  }
  /** The next word, which must be present and non-empty ("Missing argument."). */
  required(message = 'Missing argument.'): string {
    const w = this.next();
    if (w === undefined || w === '') throw this.error(message);
    return w;
  }
  consumeAll(): void {
    this.i = this.words.length;
  }
  get remaining(): number {
    return Math.max(0, this.words.length - this.i);
  }
  error(detail: string): SSHConfigError {
    return new SSHConfigError(detail, this.pos);
  }
  /** Words of a list keyword: none empty, "none" only alone (readconf.c parse_char_array). */
  list(max?: number): string[] {
    const out: string[] = [];
    for (let w = this.next(); w !== undefined; w = this.next()) {
      if (w === '') throw this.error(`keyword ${this.keyword} empty argument`);
      if (asciiLower(w) === 'none' && (out.length > 0 || this.remaining > 0)) {
        throw this.error(`keyword ${this.keyword} "none" argument must appear alone.`);
      }
      out.push(w);
    }
    if (max !== undefined && out.length > max) throw this.error(`too many ${this.keyword} entries.`);
    return out;
  }
}

/** Reads `words` (argv_split of `rest`) for a keyword of kind `kind`; throws on a bad line. */
export function parseOptionValue(
  kind: KeywordKind,
  keyword: string,
  words: readonly string[],
  rest: string,
  pos: ConfigSourcePosition,
): OptionValue {
  const a = new Args(words, keyword, pos);
  const value = readValue(kind, keyword, a, rest);
  if (a.remaining > 0) throw a.error(`keyword ${keyword} extra arguments at end of line`);
  return value;
}

function readTime(a: Args): number | null {
  const w = a.next();
  if (w === undefined || w === '') throw a.error('missing time value.');
  if (w === 'none') return null;
  const v = convtime(w);
  if (v < 0) throw a.error('invalid time value.');
  return v;
}

function readAgentPath(a: Args, path: string): string {
  const syntax = checkDollarSyntax(path);
  if (syntax !== undefined) throw a.error(`Invalid environment expansion ${path}.`);
  if (path.startsWith('$') && path[1] !== '{' && !isValidEnvName(path.slice(1))) {
    throw a.error(`Invalid environment name ${path}.`);
  }
  return path;
}

function readValue(kind: KeywordKind, keyword: string, a: Args, rest: string): OptionValue {
  switch (kind.t) {
    case 'flag':
    case 'multistate': {
      const w = a.next();
      if (w === undefined || w === '') throw a.error('missing argument.');
      const v = multistate(kind.t === 'flag' ? 'flag' : kind.table, w);
      if (v === undefined) throw a.error(`unsupported option "${w}".`);
      return kind.t === 'flag' ? v === 'yes' : v;
    }
    case 'int': {
      const v = atoiErr(a.next());
      if (typeof v === 'string') throw a.error(`integer value ${v}.`);
      return v;
    }
    case 'time':
      return readTime(a);
    case 'port': {
      const w = a.required();
      const v = a2port(w);
      if (v <= 0) throw a.error(`Bad port '${w}'.`);
      return v;
    }
    case 'string':
    case 'identityfile':
    case 'certificatefile':
      return a.required();
    case 'command':
      a.consumeAll();
      return skipWhitespaceAndEquals(rest);
    case 'proxyjump': {
      a.consumeAll();
      const spec = skipWhitespaceAndEquals(rest);
      const j = parseJump(spec);
      if (j === undefined) throw a.error(`Invalid ProxyJump "${spec}"`);
      return j === 'none' ? { kind: 'none' } : { kind: 'hops', hops: j.hops, extra: j.extra };
    }
    case 'filelist':
      return a.list(MAX_FILE_LIST);
    case 'logverbose':
      return a.list();
    case 'canonicaldomains': {
      const list = a.list();
      for (const d of list) {
        if (asciiLower(d) !== 'none' && !validDomain(d)) throw a.error(`domain name "${d}" is invalid`);
      }
      return list;
    }
    case 'permittedcnames': {
      const list = a.list();
      for (const c of list) {
        if (asciiLower(c) === 'none' || c === '*') continue;
        const colon = c.indexOf(':');
        if (colon < 0 || colon === c.length - 1) throw a.error(`Invalid permitted CNAME "${c}"`);
      }
      return list;
    }
    case 'permitremoteopen': {
      const list: string[] = [];
      for (let w = a.next(); w !== undefined; w = a.next()) {
        const lower = asciiLower(w);
        if (lower === 'none' || lower === 'any') {
          if (list.length > 0 || a.remaining > 0)
            throw a.error(`keyword ${keyword} "${w}" argument must appear alone.`);
        } else {
          const hp = splitHostPort(w);
          if (hp === undefined) throw a.error(`missing host in ${keyword}`);
          if (hp.port === undefined || (hp.port !== '*' && a2port(hp.port) <= 0)) {
            throw a.error(`bad port number in ${keyword}`);
          }
        }
        list.push(w);
      }
      if (list.length === 0) throw a.error(`missing ${keyword} specification`);
      return list;
    }
    case 'algorithms': {
      const w = a.required();
      if (!isValidAlgorithmSpec(kind.list, w)) throw a.error(`${kind.what} '${w}'.`);
      return w;
    }
    case 'forward':
      return readForward(kind.which, a);
    case 'sendenv': {
      const names = [...a.words];
      a.consumeAll();
      for (const n of names) if (n === '' || n.includes('=')) throw a.error('Invalid environment name.');
      if (names.length === 0) throw a.error(`no ${keyword} specified`);
      return names;
    }
    case 'setenv': {
      const vars = [...a.words];
      a.consumeAll();
      for (const v of vars) if (!v.includes('=')) throw a.error('Invalid SetEnv.');
      if (vars.length === 0) throw a.error(`no ${keyword} specified`);
      return vars;
    }
    case 'forwardagent': {
      const w = a.required('missing argument.');
      const v = multistate('flag', w);
      if (v !== undefined) return v === 'yes';
      return { kind: 'agentPath', path: readAgentPath(a, w) };
    }
    case 'identityagent':
      return readAgentPath(a, a.required());
    case 'controlpersist': {
      const w = a.required('Missing ControlPersist argument.');
      if (w === 'no' || w === 'false') return { kind: 'controlPersist', enabled: false, timeout: 0 };
      if (w === 'yes' || w === 'true') return { kind: 'controlPersist', enabled: true, timeout: 0 };
      const t = convtime(w);
      if (t < 0) throw a.error('Bad ControlPersist argument.');
      return { kind: 'controlPersist', enabled: true, timeout: t };
    }
    case 'addkeystoagent':
      return readAddKeys(a);
    case 'rekeylimit': {
      const w = a.required();
      let bytes = 0;
      if (w !== 'default') {
        const v = scanScaled(w);
        if (v === undefined) throw a.error(`Bad number '${w}'`);
        if (v !== 0 && v < 16) throw a.error('RekeyLimit too small');
        bytes = v;
      }
      if (a.remaining === 0) return { kind: 'rekey', bytes, interval: undefined };
      if (a.words[a.words.length - a.remaining] === 'none') {
        a.next();
        return { kind: 'rekey', bytes, interval: null };
      }
      return { kind: 'rekey', bytes, interval: readTime(a) };
    }
    case 'escapechar': {
      const w = a.required();
      const ok =
        w === 'none' || w.length === 1 || (w.length === 2 && w[0] === '^' && (w.charCodeAt(1) & 0x7f) >= 64);
      if (!ok) throw a.error('Bad escape character.');
      return w;
    }
    case 'tunneldevice': {
      const w = a.required();
      if (!isValidTunnelDevice(w)) throw a.error('Bad tun device.');
      return w;
    }
    case 'ipqos': {
      const first = a.next();
      if (!isValidIpQos(first)) throw a.error(`Bad IPQoS value: ${first}`);
      const second = a.next();
      if (second !== undefined && !isValidIpQos(second)) throw a.error(`Bad IPQoS value: ${second}`);
      return { kind: 'ipqos', interactive: first as string, bulk: second ?? (first as string) };
    }
    case 'loglevel':
    case 'syslogfacility':
    case 'fingerprinthash': {
      const w = a.next();
      const names =
        kind.t === 'loglevel'
          ? LOG_LEVELS
          : kind.t === 'syslogfacility'
            ? LOG_FACILITIES
            : FINGERPRINT_HASHES;
      const v = oneOf(names, w);
      if (v === undefined) {
        if (kind.t === 'fingerprinthash') throw a.error(`Invalid hash algorithm "${w}".`);
        throw a.error(
          `unsupported ${kind.t === 'loglevel' ? 'log level' : 'log facility'} '${w ?? '<NONE>'}'`,
        );
      }
      return v;
    }
    case 'streamlocalbindmask': {
      const w = a.required('Missing StreamLocalBindMask argument.');
      const m = /^[ \t]*([+-]?[0-7]+)/.exec(w);
      const v = m ? Number.parseInt(m[1] as string, 8) : Number.NaN;
      if (!(v >= 0 && v <= 0o777)) throw a.error('Bad mask.');
      return v;
    }
    case 'ignore':
    case 'deprecated':
    case 'unsupported':
      a.consumeAll();
      return [...a.words];
    case 'host':
    case 'match':
    case 'include':
      throw a.error(`internal: ${kind.t} is structural`);
  }
}

function readForward(which: 'local' | 'remote' | 'dynamic', a: Args): ForwardSpec {
  const first = a.required();
  let dynamic = which === 'dynamic';
  let spec = first;
  if (!dynamic) {
    const target = a.next();
    if (target === undefined || target === '') {
      if (which !== 'remote') throw a.error('Missing target argument.');
      dynamic = true;
    } else {
      spec = `${first}:${target}`;
    }
  }
  // Without ${...} the specification can be checked now; otherwise when the environment is known.
  if (!spec.includes('${') && parseForward(spec, dynamic, which === 'remote') === undefined) {
    throw a.error('Bad forwarding specification.');
  }
  return { spec, which, dynamic };
}

function readAddKeys(a: Args): OptionValue {
  const w = a.next();
  const second = a.next();
  const mode = multistate('addKeysToAgent', w);
  if (mode === 'confirm' && second !== undefined) {
    const t = convtime(second);
    if (t < 0) throw a.error('invalid time value.');
    return { kind: 'addKeys', mode, lifetime: t };
  }
  if (mode === undefined && second === undefined) {
    const t = convtime(w);
    if (t < 0) throw a.error('unsupported option');
    return { kind: 'addKeys', mode: 'yes', lifetime: t };
  }
  if (mode === undefined || second !== undefined) throw a.error('unsupported option');
  return { kind: 'addKeys', mode, lifetime: 0 };
}
