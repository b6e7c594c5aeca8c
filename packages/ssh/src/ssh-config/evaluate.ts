// The lookup: read the files top to bottom as readconf.c does for one destination, keeping the
// first value obtained for each keyword (ssh_config(5): "the first obtained value will be used")
// except where OpenSSH accumulates (IdentityFile, CertificateFile, the forwardings, SendEnv).
// Host and Match switch lines on and off; an Include inherits the current state and restores it.
import { normalizeDestination } from './address.js';
import type { ForwardSpec, OptionValue, ProxyJumpValue } from './directives.js';
import { type ConfigForward, parseForward, sameForward } from './endpoints.js';
import { type ConfigSourcePosition, SSHConfigError } from './errors.js';
import { expandTokens } from './expand.js';
import type { MatchCriterion } from './match-criteria.js';
import type { ConfigFile, ConfigLine } from './parse.js';
import { matchHostname, matchPattern, matchPatternList } from './patterns.js';

/** A value as obtained from the configuration, with where it came from. */
export interface Obtained<T extends OptionValue = OptionValue> {
  readonly value: T;
  readonly args: readonly string[];
  readonly pos: ConfigSourcePosition;
}

export interface ListEntry {
  readonly path: string;
  /** From a user configuration (OpenSSH's userprovided flag; duplicates only merge within one kind). */
  readonly fromUserConfig: boolean;
  readonly pos: ConfigSourcePosition;
}

export interface ForwardEntry {
  readonly forward: ConfigForward;
  readonly which: ForwardSpec['which'];
  /** The words of the line, for HostConfig.options. */
  readonly words: readonly string[];
  readonly pos: ConfigSourcePosition;
}

/** Everything one lookup obtained, before defaults and expansion. */
export class ObtainedOptions {
  readonly single = new Map<string, Obtained>();
  readonly identityFiles: ListEntry[] = [];
  readonly certificateFiles: ListEntry[] = [];
  readonly localForwards: ForwardEntry[] = [];
  readonly remoteForwards: ForwardEntry[] = [];
  readonly sendEnv: string[] = [];
  setEnv: string[] | undefined;
  forwardAgent: boolean | undefined;
  forwardAgentPath: Obtained<string> | undefined;
  rekeyBytes: number | undefined;
  rekeyInterval: number | null | undefined;
  proxyCommand: Obtained<string> | undefined;
  proxyJump: Obtained<ProxyJumpValue> | undefined;
  /** Unknown keywords that IgnoreUnknown let through (first value wins, like the others). */
  readonly ignored = new Map<string, Obtained>();
  readonly warnings: string[] = [];
  wantFinalPass = false;

  get(keyword: string): OptionValue | undefined {
    return this.single.get(keyword)?.value;
  }
}

export interface EvaluationInput {
  /** The destination as given (OpenSSH's host_arg, "%n"). */
  readonly originalHost: string;
  /** Presets that win over the files, as ssh's -l and -p do. */
  readonly user?: string;
  readonly port?: number;
  readonly localUser: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** SSH_MAX_IDENTITY_FILES and SSH_MAX_CERTIFICATE_FILES. */
const MAX_IDENTITY_FILES = 100;

interface Pass {
  readonly host: string;
  readonly final: boolean;
}

interface FileFlags {
  readonly fromUserConfig: boolean;
  readonly neverMatch: boolean;
}

/** The options a lookup obtains from `files`, and the destination host name after HostName. */
export function evaluate(
  files: readonly ConfigFile[],
  input: EvaluationInput,
): { options: ObtainedOptions; host: string } {
  const o = new ObtainedOptions();
  const at: ConfigSourcePosition = { file: '<lookup>', line: 0 };
  if (input.user !== undefined) o.single.set('user', { value: input.user, args: [input.user], pos: at });
  if (input.port !== undefined)
    o.single.set('port', { value: input.port, args: [String(input.port)], pos: at });

  const run = (pass: Pass) => {
    for (const f of files) {
      const active = { on: true };
      walk(f, { fromUserConfig: f.kind === 'user', neverMatch: false }, active, o, input, pass);
    }
  };
  run({ host: input.originalHost, final: false });

  // ssh.c main(): HostName (with %h) replaces the destination, then names are lower-cased.
  let host = input.originalHost;
  const hostname = o.single.get('hostname');
  if (hostname !== undefined) {
    host = expandAt(hostname, { '%': '%', h: input.originalHost });
  }
  host = normalizeDestination(host);
  const canonicalize = o.get('canonicalizehostname');
  if (canonicalize !== undefined && canonicalize !== 'no') o.wantFinalPass = true;
  if (o.wantFinalPass) {
    // The second pass sees the new name; we never resolve names in DNS, so CanonicalizeHostname
    // and CanonicalDomains change nothing here (canonical and final match in this pass).
    // ssh.c sets HostName to the new name first, so HostName lines of this pass change nothing.
    if (hostname === undefined) o.single.set('hostname', { value: host, args: [host], pos: at });
    run({ host, final: true });
  }
  return { options: o, host };
}

/** HostName's expansion (%% and %h only), with errors placed at its line. */
function expandAt(entry: Obtained, tokens: Record<string, string>): string {
  try {
    return expandTokens(String(entry.value), { tokens }, 'HostName');
  } catch (e) {
    if (e instanceof SSHConfigError) throw new SSHConfigError(e.detail, entry.pos, { code: e.code });
    throw e;
  }
}

function walk(
  file: ConfigFile,
  flags: FileFlags,
  active: { on: boolean },
  o: ObtainedOptions,
  input: EvaluationInput,
  pass: Pass,
): void {
  for (const line of file.lines) {
    switch (line.type) {
      case 'host':
        active.on = !flags.neverMatch && hostLineMatches(line.patterns, pass.host);
        break;
      case 'match': {
        const result = matchLineMatches(line.criteria, line.pos, o, input, pass);
        active.on = flags.neverMatch ? false : result;
        break;
      }
      case 'include': {
        const outer = active.on;
        for (const child of line.files) {
          walk(child, { ...flags, neverMatch: flags.neverMatch || !outer }, active, o, input, pass);
          active.on = outer; // a Match inside an included file does not leak out of it
        }
        break;
      }
      case 'unknown': {
        const ignore = o.get('ignoreunknown');
        if (typeof ignore !== 'string' || matchPatternList(line.keyword, ignore, true) !== 1) {
          throw new SSHConfigError(`Bad configuration option: ${line.keyword}`, line.pos);
        }
        if (active.on && !o.ignored.has(line.keyword))
          o.ignored.set(line.keyword, { value: [...line.args], args: line.args, pos: line.pos });
        break;
      }
      case 'option':
        apply(line, active.on, flags, o, input);
        break;
    }
  }
}

/** readconf.c oHost: any pattern matching activates, a matching negated pattern vetoes. */
export function hostLineMatches(patterns: readonly string[], host: string): boolean {
  let on = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (!matchPattern(host, negated ? p.slice(1) : p)) continue;
    if (negated) return false;
    on = true;
  }
  return on;
}

function matchLineMatches(
  criteria: readonly MatchCriterion[],
  pos: ConfigSourcePosition,
  o: ObtainedOptions,
  input: EvaluationInput,
  pass: Pass,
): boolean {
  // match_cfg_line(): the options so far stand in for what is not yet known.
  const hostname = o.single.get('hostname');
  const host =
    pass.final || hostname === undefined ? pass.host : expandAt(hostname, { '%': '%', h: pass.host });
  const user = o.get('user');
  const remoteUser = typeof user === 'string' ? user : input.localUser;
  let result = true;
  for (const c of criteria) {
    let r: boolean;
    switch (c.attribute) {
      case 'all':
        if (result) result = !c.negate;
        return result;
      case 'canonical':
      case 'final':
        if (c.attribute === 'final') o.wantFinalPass = true;
        r = pass.final;
        break;
      case 'host':
        r = matchHostname(host, c.argument as string) === 1;
        break;
      case 'originalhost':
        r = matchHostname(input.originalHost, c.argument as string) === 1;
        break;
      case 'user':
        r = matchPatternList(remoteUser, c.argument as string, false) === 1;
        break;
      case 'localuser':
        r = matchPatternList(input.localUser, c.argument as string, false) === 1;
        break;
      case 'exec':
        // We never run commands from a configuration file: a Match with exec does not apply.
        if (result) {
          o.warnings.push(
            `${pos.file} line ${pos.line}: Match exec "${c.argument}" not run; the block is skipped`,
          );
        }
        result = false;
        continue;
    }
    if (r === c.negate) result = false;
  }
  return result;
}

function apply(
  line: Extract<ConfigLine, { type: 'option' }>,
  on: boolean,
  flags: FileFlags,
  o: ObtainedOptions,
  input: EvaluationInput,
): void {
  const { keyword, kind, value, pos, args } = line;
  const obtained: Obtained = { value, args, pos };
  switch (kind.t) {
    case 'unsupported':
      o.warnings.push(`${pos.file} line ${pos.line}: Unsupported option "${line.written}"`);
      return;
    case 'identityfile':
    case 'certificatefile': {
      if (!on) return;
      const list = kind.t === 'identityfile' ? o.identityFiles : o.certificateFiles;
      if (list.length >= MAX_IDENTITY_FILES) {
        const what = kind.t === 'identityfile' ? 'identity' : 'certificate';
        throw new SSHConfigError(`Too many ${what} files specified (max ${MAX_IDENTITY_FILES}).`, pos);
      }
      const path = value as string;
      if (!list.some((e) => e.path === path && e.fromUserConfig === flags.fromUserConfig)) {
        list.push({ path, fromUserConfig: flags.fromUserConfig, pos });
      }
      return;
    }
    case 'forward': {
      const spec = value as ForwardSpec;
      let text = spec.spec;
      if (text.includes('${')) {
        // parse_forward() expands ${ENV} before it decides what is a path; it does so for every line.
        try {
          text = expandTokens(text, { env: input.env }, line.written);
        } catch {
          throw new SSHConfigError('Bad forwarding specification.', pos);
        }
      }
      const forward = parseForward(text, spec.dynamic, spec.which === 'remote');
      if (forward === undefined) throw new SSHConfigError('Bad forwarding specification.', pos);
      if (!on) return;
      const list = spec.which === 'remote' ? o.remoteForwards : o.localForwards;
      if (!list.some((e) => sameForward(e.forward, forward)))
        list.push({ forward, which: spec.which, words: args, pos });
      return;
    }
    case 'sendenv':
      if (!on) return;
      for (const name of value as readonly string[]) {
        if (name.startsWith('-')) {
          const pattern = name.slice(1);
          for (let i = o.sendEnv.length - 1; i >= 0; i--) {
            if (matchPattern(o.sendEnv[i] as string, pattern)) o.sendEnv.splice(i, 1);
          }
        } else {
          o.sendEnv.push(name);
        }
      }
      return;
    case 'setenv':
      // Only the first SetEnv line counts; a name repeated on it keeps its first value.
      if (!on || o.setEnv !== undefined) return;
      o.setEnv = [];
      for (const v of value as readonly string[]) {
        const name = v.slice(0, v.indexOf('='));
        if (!o.setEnv.some((e) => e.slice(0, e.indexOf('=')) === name)) o.setEnv.push(v);
      }
      return;
    case 'forwardagent':
      checkAgentEnv(line, input);
      if (!on) return;
      if (typeof value === 'boolean') {
        o.forwardAgent ??= value;
      } else {
        o.forwardAgent ??= true;
        o.forwardAgentPath ??= { value: (value as { path: string }).path, args, pos };
      }
      return;
    case 'identityagent':
      checkAgentEnv(line, input);
      break;
    case 'rekeylimit': {
      if (!on) return;
      const v = value as { bytes: number; interval: number | null | undefined };
      o.rekeyBytes ??= v.bytes;
      if (v.interval !== undefined && o.rekeyInterval === undefined) o.rekeyInterval = v.interval;
      if (!o.single.has(keyword)) o.single.set(keyword, obtained);
      return;
    }
    case 'command':
      if (keyword === 'proxycommand') {
        if (on && o.proxyCommand === undefined) o.proxyCommand = obtained as Obtained<string>;
        return;
      }
      break;
    case 'proxyjump': {
      // A jump host is only taken while neither ProxyCommand nor ProxyJump has a value; a real
      // one also sets ProxyCommand to "none" so a later ProxyCommand is ignored.
      if (!on || o.proxyCommand !== undefined || o.proxyJump !== undefined) return;
      const jump = value as ProxyJumpValue;
      o.proxyJump = { value: jump, args, pos };
      if (jump.kind === 'hops') o.proxyCommand = { value: 'none', args: ['none'], pos };
      return;
    }
    case 'time':
      // "none" is stored as -1, OpenSSH's "unset": a later line can still set the value.
      if (value === null) return;
      break;
    case 'syslogfacility':
      // readconf.c sets the facility without looking at Host/Match (first line anywhere wins).
      if (!o.single.has(keyword)) o.single.set(keyword, obtained);
      return;
    case 'streamlocalbindmask':
      // ... and the mask without looking at anything (the last line anywhere wins).
      o.single.set(keyword, obtained);
      return;
    default:
      break;
  }
  if (on && !o.single.has(keyword)) o.single.set(keyword, obtained);
}

/** readconf.c parse_agent_path: dollar_expand() must succeed, for every line, active or not. */
function checkAgentEnv(line: Extract<ConfigLine, { type: 'option' }>, input: EvaluationInput): void {
  const v = line.value;
  const path =
    typeof v === 'string' ? v : typeof v === 'object' && v !== null && 'path' in v ? v.path : undefined;
  if (path === undefined || !path.includes('${')) return;
  try {
    expandTokens(path, { env: input.env }, line.written);
  } catch {
    throw new SSHConfigError(`Invalid environment expansion ${path}.`, line.pos);
  }
}
