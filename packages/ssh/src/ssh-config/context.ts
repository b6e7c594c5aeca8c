// What a lookup needs to know about the local side, and the %-token values built from it
// (ssh.c main(): the ssh_conn_info set up after the configuration is read).
import { hashFunction } from '@sshts/transport';
import { SSHConfigError } from './errors.js';
import { expandTilde, expandTokens, type TokenValues } from './expand.js';

/**
 * The local facts OpenSSH takes from getpwuid(), gethostname() and the environment. In Node,
 * loadSSHConfig() fills them in; in a browser, say what you want tokens to expand to.
 */
export interface SSHConfigContext {
  /** The local user name: %u, `Match localuser`, and the default User. */
  readonly userName: string;
  /** The home directory for '~' and %d (OpenSSH uses the passwd entry, not $HOME). */
  readonly homeDir: string;
  /** The local user id for %i; %i is an error without it. */
  readonly uid?: number;
  /** The local host name (gethostname()) for %l, %L and %C; those are errors without it. */
  readonly hostName?: string;
  /** For ${NAME} in the keywords that allow it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Home directories of other users, for "~user/..." paths; without it they are an error. */
  readonly homeOf?: (user: string) => string | undefined;
}

/** The values of one connection that the tokens stand for. */
export interface ConnectionFacts {
  /** %h: the destination after HostName and lower-casing. */
  readonly host: string;
  /** %n: the destination as given. */
  readonly originalHost: string;
  readonly port: number;
  /** %r: the remote user. */
  readonly user: string;
  /** HostKeyAlias (lower-cased), for %k. */
  readonly hostKeyAlias: string | undefined;
}

const encoder = new TextEncoder();
const sha1 = hashFunction('sha1');

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** %C: SHA-1 of %l%h%p%r in hex (readconf.c ssh_connection_hash() in 9.2). */
export function connectionHash(localHost: string, host: string, port: number, user: string): string {
  return hex(sha1(encoder.encode(`${localHost}${host}${port}${user}`)));
}

/** DEFAULT_CLIENT_PERCENT_EXPAND_ARGS: %% %C %d %h %i %k %L %l %n %p %r %u. */
export function defaultTokens(ctx: SSHConfigContext, c: ConnectionFacts): Record<string, string> {
  const t: Record<string, string> = {
    '%': '%',
    d: ctx.homeDir,
    h: c.host,
    k: c.hostKeyAlias ?? c.originalHost,
    n: c.originalHost,
    p: String(c.port),
    r: c.user,
    u: ctx.userName,
  };
  if (ctx.uid !== undefined) t.i = String(ctx.uid);
  if (ctx.hostName !== undefined) {
    t.l = ctx.hostName;
    t.L = ctx.hostName.split('.')[0] as string;
    t.C = connectionHash(ctx.hostName, c.host, c.port, c.user);
  }
  return t;
}

/** How one keyword's value is expanded before use. */
export interface Expansion {
  readonly tilde?: boolean;
  readonly tokens?: TokenValues;
  readonly env?: boolean;
}

/** Expands `value` as `keyword` does; errors carry the position of the line it came from. */
export function expandValue(
  value: string,
  how: Expansion,
  ctx: SSHConfigContext,
  keyword: string,
  pos: { file: string; line: number } | undefined,
): string {
  try {
    const v = how.tilde ? expandTilde(value, ctx.homeDir, ctx.homeOf) : value;
    return expandTokens(
      v,
      { ...(how.tokens ? { tokens: how.tokens } : {}), ...(how.env ? { env: ctx.env ?? {} } : {}) },
      keyword,
    );
  } catch (e) {
    if (e instanceof SSHConfigError) throw new SSHConfigError(e.detail, pos, { code: e.code });
    throw e;
  }
}
