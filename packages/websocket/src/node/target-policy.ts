// Which TCP targets the proxy may connect to: an explicit allow-list, never an open relay. Entries
// are `host:port`, `[v6]:port` or `host:*`; hosts compare case-insensitively and as written (no DNS
// lookup: what the operator listed is what may be reached). A function decides for itself.

export type TargetAllowList = string[] | ((host: string, port: number) => boolean | Promise<boolean>);

export interface Target {
  host: string;
  port: number;
}

/** Parses `host:port` / `[v6]:port` (port may be `*` in allow-list entries). */
export function parseTarget(
  text: string,
  allowWildcard = false,
): { host: string; port: number | '*' } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5}|\*)$/.exec(text.trim());
  if (!m) return undefined;
  const host = (m[1] ?? m[2] ?? '').toLowerCase();
  if (m[3] === '*') return allowWildcard ? { host, port: '*' } : undefined;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

/** A check for `allow`; throws at once on a malformed entry. */
export function targetPolicy(allow: TargetAllowList): (target: Target) => Promise<boolean> {
  if (typeof allow === 'function') return async ({ host, port }) => (await allow(host, port)) === true;
  const entries = allow.map((entry) => {
    const parsed = parseTarget(entry, true);
    if (!parsed) throw new TypeError(`bad proxy target "${entry}": host:port, [v6]:port or host:*`);
    return parsed;
  });
  return async ({ host, port }) => {
    const h = host.toLowerCase();
    return entries.some((e) => e.host === h && (e.port === '*' || e.port === port));
  };
}

/** The target a request names (`?host=&port=`), else `fallback`; undefined when malformed. */
export function requestedTarget(url: URL, fallback: string | undefined): Target | undefined {
  const host = url.searchParams.get('host');
  const port = url.searchParams.get('port');
  if (host === null && port === null) {
    const parsed = fallback === undefined ? undefined : parseTarget(fallback);
    return parsed && parsed.port !== '*' ? { host: parsed.host, port: parsed.port } : undefined;
  }
  if (!host || !port || !/^\d{1,5}$/.test(port)) return undefined;
  const n = Number(port);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (n < 1 || n > 65535 || !/^[A-Za-z0-9.:_-]+$/.test(bare)) return undefined;
  return { host: bare.toLowerCase(), port: n };
}
