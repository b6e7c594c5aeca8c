// The two ways a command line names a server: `[user@]host[:port]` (exec, shell, keyscan) and
// scp's `[user@]host:path` (get, put, ls). An IPv6 address goes in brackets (`[::1]:2222`,
// `[::1]:file`); a bare IPv6 address without a port is taken as a host.

export interface Destination {
  readonly user?: string;
  /** A host name, an address, or an ssh_config alias. */
  readonly host: string;
  readonly port?: number;
}

export interface RemotePath extends Destination {
  /** The path on the server; '' means the login directory (as `scp host:`). */
  readonly path: string;
}

/** A port number 1..65535, or undefined. */
export function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** `user@rest` split at the last '@' (as ssh); an empty user is kept, for the caller to refuse. */
function splitUser(text: string): { user?: string; rest: string } {
  const at = text.lastIndexOf('@');
  if (at < 0) return { rest: text };
  return { user: text.slice(0, at), rest: text.slice(at + 1) };
}

/** `[user@]host[:port]`; undefined when it is not one (empty host, bad port, unclosed bracket). */
export function parseDestination(text: string): Destination | undefined {
  const { user, rest } = splitUser(text);
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colons = rest.split(':').length - 1;
    if (colons === 1) {
      const i = rest.indexOf(':');
      host = rest.slice(0, i);
      portText = rest.slice(i + 1);
    } else host = rest; // no port, or a bare IPv6 address
  }
  if (host === '' || user === '' || /\s/.test(host)) return undefined;
  let port: number | undefined;
  if (portText !== undefined) {
    port = parsePort(portText);
    if (port === undefined) return undefined;
  }
  return { ...(user === undefined ? {} : { user }), host, ...(port === undefined ? {} : { port }) };
}

/**
 * `[user@]host:path` or `[user@][v6addr]:path`, as scp tells a remote operand (a ':' outside
 * brackets before any '/'); undefined for a local path.
 */
export function parseRemotePath(text: string): RemotePath | undefined {
  let colon = -1;
  let inBrackets = false;
  for (let i = 0; i < text.length && colon < 0; i++) {
    const c = text[i];
    if (c === '[') inBrackets = true;
    else if (c === ']') inBrackets = false;
    else if (c === ':' && !inBrackets) colon = i;
  }
  if (colon < 0 || text.slice(0, colon).includes('/')) return undefined;
  const { user, rest } = splitUser(text.slice(0, colon));
  const host = rest.startsWith('[') && rest.endsWith(']') ? rest.slice(1, -1) : rest;
  if (host === '' || user === '' || /[\s[\]]/.test(host)) return undefined;
  return { ...(user === undefined ? {} : { user }), host, path: text.slice(colon + 1) };
}
