// The host/port syntaxes of ssh_config: ProxyJump's [user@]host[:port] and ssh:// URIs
// (readconf.c parse_jump(), misc.c parse_user_host_port(), parse_uri(), hpdelim2()), and the
// LocalForward/RemoteForward/DynamicForward specifications (readconf.c parse_forward()).
import { asciiLower } from './lexer.js';

/** One ProxyJump hop. */
export interface ProxyJumpHost {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
}

/** a2port(): 0..65535 as a decimal number, or a service name; -1 when neither. */
export function a2port(s: string): number {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    return n <= 65535 ? n : -1;
  }
  // getservbyname(s, "tcp"): without a services database we know the one name ssh users write.
  return s === 'ssh' ? 22 : -1;
}

/** hpdelim2(): splits "host:rest", "[v6]:rest" or "host/rest"; undefined on a malformed field. */
function hpdelim(s: string): { field: string; rest: string | undefined; delim: string } | undefined {
  let i: number;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    i = close + 1;
  } else {
    i = s.search(/[:/]/);
    if (i < 0) i = s.length;
  }
  if (i >= s.length) return { field: s, rest: undefined, delim: '' };
  const d = s[i] as string;
  if (d !== ':' && d !== '/') return undefined;
  return { field: s.slice(0, i), rest: s.slice(i + 1), delim: d };
}

/** hpdelim(): "host:port" or "[v6]:port" split at the delimiter; undefined for a '/' or bad brackets. */
export function splitHostPort(s: string): { host: string; port: string | undefined } | undefined {
  const hp = hpdelim(s);
  if (hp === undefined || hp.delim === '/') return undefined;
  return { host: cleanHostname(hp.field), port: hp.rest };
}

/** cleanhostname(): strips the brackets of "[host]". */
function cleanHostname(h: string): string {
  return h.startsWith('[') && h.endsWith(']') && h.length >= 2 ? h.slice(1, -1) : h;
}

/** parse_user_host_port(). */
export function parseUserHostPort(s: string): ProxyJumpHost | undefined {
  let tmp = s;
  let user: string | undefined;
  const at = tmp.lastIndexOf('@');
  if (at >= 0) {
    if (at === 0) return undefined;
    user = tmp.slice(0, at);
    tmp = tmp.slice(at + 1);
  }
  const hp = hpdelim(tmp);
  if (hp === undefined || hp.delim === '/' || hp.field === '') return undefined;
  const host = cleanHostname(hp.field);
  let port: number | undefined;
  if (hp.rest !== undefined && hp.rest !== '') {
    port = a2port(hp.rest);
    if (port <= 0) return undefined;
  }
  return { ...(user === undefined ? {} : { user }), host, ...(port === undefined ? {} : { port }) };
}

/** valid_domain(name, 0): letters, digits, '-', '_' and single dots; not starting or ending badly. */
export function validDomain(name: string): boolean {
  if (name === '' || !/^[A-Za-z0-9]/.test(name) || name.endsWith('.') || name.includes('..')) return false;
  return /^[A-Za-z0-9._-]+$/.test(name);
}

function urlDecode(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '+') out += ' ';
    else if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 2;
    } else out += c;
  }
  return out;
}

/** parse_ssh_uri(): 'not-uri' when the scheme is not ssh://, undefined when invalid. */
export function parseSshUri(uri: string): ProxyJumpHost | 'not-uri' | undefined {
  if (!uri.startsWith('ssh://')) return 'not-uri';
  let tmp = uri.slice(6);
  let user: string | undefined;
  const at = tmp.indexOf('@');
  if (at >= 0) {
    let u = tmp.slice(0, at);
    const semi = u.indexOf(';');
    if (semi >= 0) u = u.slice(0, semi); // connection parameters are ignored
    if (u === '') return undefined;
    user = urlDecode(u);
    if (user === undefined) return undefined;
    tmp = tmp.slice(at + 1);
  }
  const hp = hpdelim(tmp);
  if (hp === undefined || hp.field === '') return undefined;
  const host = cleanHostname(hp.field);
  if (!validDomain(host)) return undefined;
  let port: number | undefined;
  let rest = hp.rest;
  if (rest !== undefined && rest !== '') {
    if (hp.delim === ':') {
      const slash = rest.indexOf('/');
      port = a2port(slash < 0 ? rest : rest.slice(0, slash));
      if (port <= 0) return undefined;
      rest = slash < 0 ? undefined : rest.slice(slash + 1);
    }
    if (rest !== undefined && rest !== '') return undefined; // ssh:// takes no path
  }
  return { ...(user === undefined ? {} : { user }), host, ...(port === undefined ? {} : { port }) };
}

/**
 * parse_jump(): the hops of a ProxyJump value, in connection order, and `extra`, the text before
 * the last comma that OpenSSH keeps verbatim (jump_extra) for the nested `ssh -J`.
 */
export function parseJump(
  spec: string,
): { hops: ProxyJumpHost[]; extra: string | undefined } | 'none' | undefined {
  if (asciiLower(spec) === 'none') return 'none';
  const hash = spec.indexOf('#');
  let text = hash >= 0 ? spec.slice(0, hash) : spec;
  // misc.c rtrim() blanks every whitespace character after the first one, not only trailing ones,
  // so the value ends at its first space ("ProxyJump a b" jumps through a).
  const ws = text.slice(1).search(/[ \t\n\v\f\r]/);
  if (ws >= 0) text = text.slice(0, ws + 1);
  const hops: ProxyJumpHost[] = [];
  for (const part of text.split(',')) {
    const uri = parseSshUri(part);
    const hop = uri === 'not-uri' ? parseUserHostPort(part) : uri;
    if (hop === undefined) return undefined;
    hops.push(hop);
  }
  const comma = text.lastIndexOf(',');
  return { hops, extra: comma > 0 ? text.slice(0, comma) : undefined };
}

/** How ssh -G prints a hop: numeric hosts in brackets, the port only when set. */
export function formatJumpHost(h: ProxyJumpHost): string {
  const numeric = h.host.includes(':') || /^[0-9.]*$/.test(h.host);
  const host = numeric ? `[${h.host}]` : h.host;
  return `${h.user === undefined ? '' : `${h.user}@`}${host}${h.port === undefined ? '' : `:${h.port}`}`;
}

/** A port forwarding, as OpenSSH's struct Forward: a TCP host/port or a Unix socket path on each side. */
export interface ConfigForward {
  readonly listenHost?: string;
  readonly listenPort?: number;
  readonly listenPath?: string;
  /** "socks" for dynamic (SOCKS) forwardings, as OpenSSH records them. */
  readonly connectHost?: string;
  readonly connectPort?: number;
  readonly connectPath?: string;
}

interface FwdField {
  arg: string;
  isPath: boolean;
}

/** parse_fwd_field(): one ':'-separated field; "[...]" is literal, '\' escapes, '/' marks a path. */
function nextField(s: string, pos: number): { field: FwdField; next: number } | undefined {
  if (pos >= s.length) return undefined;
  if (s[pos] === '[') {
    const close = s.indexOf(']', pos + 1);
    if (close < 0) return undefined;
    const after = s[close + 1];
    if (after !== ':' && after !== undefined) return undefined;
    const arg = s.slice(pos + 1, close);
    return { field: { arg, isPath: arg.includes('/') }, next: after === ':' ? close + 2 : close + 1 };
  }
  let arg = '';
  let isPath = false;
  let i = pos;
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      i++;
      if (i >= s.length) return undefined;
      arg += s[i]; // an escaped character is never a delimiter nor a path marker
      continue;
    }
    if (c === '/') isPath = true;
    if (c === ':') return { field: { arg, isPath }, next: i + 1 };
    arg += c;
  }
  return { field: { arg, isPath }, next: i };
}

const PATH_MAX_SUN = 108; // sizeof(sun_path) on Linux; longer socket paths are rejected
const NI_MAXHOST = 1025;

/**
 * parse_forward() after ${ENV} expansion: `spec` is "listen:target" (or just "listen" when
 * `dynamic`). Returns undefined for a specification OpenSSH rejects.
 */
export function parseForward(spec: string, dynamic: boolean, remote: boolean): ConfigForward | undefined {
  const s = spec.replace(/^[ \t\n\v\f\r]+/, '');
  const fields: FwdField[] = [];
  let pos = 0;
  while (fields.length < 4) {
    const f = nextField(s, pos);
    if (f === undefined) break;
    fields.push(f.field);
    pos = f.next;
  }
  if (pos < s.length) return undefined; // trailing garbage
  const [a, b, c, d] = fields;
  let fwd: ConfigForward;
  if (fields.length === 1 && a) {
    fwd = a.isPath
      ? { listenPath: a.arg, connectHost: 'socks' }
      : { listenPort: a2port(a.arg), connectHost: 'socks' };
  } else if (fields.length === 2 && a && b) {
    if (a.isPath && b.isPath) fwd = { listenPath: a.arg, connectPath: b.arg };
    else if (b.isPath) fwd = { listenPort: a2port(a.arg), connectPath: b.arg };
    else fwd = { listenHost: a.arg, listenPort: a2port(b.arg), connectHost: 'socks' };
  } else if (fields.length === 3 && a && b && c) {
    if (a.isPath) fwd = { listenPath: a.arg, connectHost: b.arg, connectPort: a2port(c.arg) };
    else if (c.isPath) fwd = { listenHost: a.arg, listenPort: a2port(b.arg), connectPath: c.arg };
    else fwd = { listenPort: a2port(a.arg), connectHost: b.arg, connectPort: a2port(c.arg) };
  } else if (fields.length === 4 && a && b && c && d) {
    fwd = { listenHost: a.arg, listenPort: a2port(b.arg), connectHost: c.arg, connectPort: a2port(d.arg) };
  } else {
    return undefined;
  }
  const n = fields.length;
  if (dynamic) {
    if (n !== 1 && n !== 2) return undefined;
  } else {
    if (n !== 3 && n !== 4 && fwd.connectPath === undefined && fwd.listenPath === undefined) return undefined;
    if ((fwd.connectPort ?? 0) <= 0 && fwd.connectPath === undefined) return undefined;
  }
  if (fwd.listenPath === undefined && (fwd.listenPort ?? -1) < 0) return undefined;
  if (!remote && fwd.listenPath === undefined && fwd.listenPort === 0) return undefined;
  if ((fwd.connectHost?.length ?? 0) >= NI_MAXHOST || (fwd.listenHost?.length ?? 0) >= NI_MAXHOST)
    return undefined;
  if ((fwd.connectPath?.length ?? 0) >= PATH_MAX_SUN || (fwd.listenPath?.length ?? 0) >= PATH_MAX_SUN)
    return undefined;
  return fwd;
}

/** forward_equals(). */
export function sameForward(a: ConfigForward, b: ConfigForward): boolean {
  return (
    a.listenHost === b.listenHost &&
    a.listenPort === b.listenPort &&
    a.listenPath === b.listenPath &&
    a.connectHost === b.connectHost &&
    a.connectPort === b.connectPort &&
    a.connectPath === b.connectPath
  );
}
