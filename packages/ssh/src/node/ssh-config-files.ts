// Reading ssh_config files from disk, as ssh(1) does: ~/.ssh/config, then /etc/ssh/ssh_config,
// with Include patterns globbed (glob(3) with GLOB_TILDE, sorted) and the ownership/permission
// check readconf.c applies to the user file and to every included file (SSHCONF_CHECKPERM).
import { readFileSync } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SSHConfigContext } from '../ssh-config/context.js';
import { SSHConfigError } from '../ssh-config/errors.js';
import {
  type ConfigFile,
  type IncludeRequest,
  type IncludeSource,
  MAX_CONFIG_FILE_CHARS,
  type ParseBudget,
  parseConfigFileAsync,
} from '../ssh-config/parse.js';
import { SSHConfig } from '../ssh-config/ssh-config.js';

export interface LoadSSHConfigOptions {
  /**
   * The user configuration: a path, `false` for none, or (default) ~/.ssh/config, which is
   * skipped when it does not exist. `{ userConfig: f, systemConfig: false }` is `ssh -F f`.
   */
  readonly userConfig?: string | false;
  /** The system configuration: a path, `false` for none, or (default) /etc/ssh/ssh_config. */
  readonly systemConfig?: string | false;
  /**
   * Refuse the default user file and included files that are writable by others or owned by
   * someone else (OpenSSH: "Bad owner or permissions"). Default true; skipped where there are no
   * POSIX uids (Windows).
   */
  readonly checkPermissions?: boolean;
  /** Replaces parts of the local context taken from the system (user, home, host name, env). */
  readonly local?: Partial<SSHConfigContext>;
}

/** The local user, home directory (the passwd entry, as OpenSSH), host name and environment. */
export function localSSHConfigContext(): SSHConfigContext {
  const info = currentUser();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return {
    userName: info.username,
    homeDir: info.homedir,
    ...(uid === undefined ? {} : { uid }),
    hostName: hostname(),
    env: process.env,
    homeOf: (user) => (user === info.username ? info.homedir : passwdHome(user)),
  };
}

/** os.userInfo(), which throws when the uid has no passwd entry (some containers). */
function currentUser(): { username: string; homedir: string } {
  try {
    const u = userInfo();
    return { username: u.username, homedir: u.homedir };
  } catch {
    return { username: process.env.USER ?? process.env.LOGNAME ?? 'unknown', homedir: homedir() };
  }
}

/** The home directory of `user` from /etc/passwd (getpwnam() without a native addon). */
function passwdHome(user: string): string | undefined {
  try {
    const text = readFileSync('/etc/passwd', 'utf8');
    if (text.length > MAX_CONFIG_FILE_CHARS) return undefined;
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === user && f.length >= 7) return f[5];
    }
  } catch {
    /* no passwd file: unknown user */
  }
  return undefined;
}

/** Reads the configuration files; Include directives are expanded now (OpenSSH reads them per run). */
export async function loadSSHConfig(options: LoadSSHConfigOptions = {}): Promise<SSHConfig> {
  const system = localSSHConfigContext();
  const local: SSHConfigContext = { ...system, ...options.local };
  const check = options.checkPermissions !== false && typeof process.getuid === 'function';
  const budget: ParseBudget = { includedFiles: 0 };
  // glob(GLOB_TILDE) expands '~' in Include with $HOME, unlike the passwd entry used elsewhere.
  const includeHome = local.env?.HOME ?? local.homeDir;
  const resolve = (req: IncludeRequest) => resolveInclude(req, includeHome, check);
  const files: ConfigFile[] = [];

  const user = options.userConfig;
  if (user !== false) {
    const path = user ?? join(local.homeDir, '.ssh', 'config');
    const text = await readConfigText(path, user === undefined, user === undefined && check);
    if (text !== undefined) files.push(await parseConfigFileAsync(text, path, 'user', resolve, budget));
  }
  const sys = options.systemConfig;
  if (sys !== false) {
    const path = sys ?? '/etc/ssh/ssh_config';
    const text = await readConfigText(path, sys === undefined, false);
    if (text !== undefined) files.push(await parseConfigFileAsync(text, path, 'system', resolve, budget));
  }
  return new SSHConfig(files, local);
}

/** The text of a configuration file; undefined when it is optional and absent. */
async function readConfigText(
  path: string,
  optional: boolean,
  checkPermissions: boolean,
): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const st = await handle.stat();
    if (st.isDirectory()) return ''; // OpenSSH reads a directory as an empty file
    if (checkPermissions) {
      const uid = process.getuid?.();
      if ((st.uid !== 0 && st.uid !== uid) || (st.mode & 0o022) !== 0) {
        throw new SSHConfigError(`Bad owner or permissions on ${path}`, undefined, {
          code: 'ERR_SSH_CONFIG_FILE',
        });
      }
    }
    if (st.size > MAX_CONFIG_FILE_CHARS) {
      throw new SSHConfigError(
        `file larger than ${MAX_CONFIG_FILE_CHARS} bytes`,
        { file: path },
        { code: 'ERR_SSH_CONFIG_LIMIT' },
      );
    }
    return await handle.readFile('utf8');
  } catch (e) {
    if (e instanceof SSHConfigError) throw e;
    const code = (e as { code?: string }).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new SSHConfigError(`Can't open config file ${path}: ${(e as Error).message}`, undefined, {
      code: 'ERR_SSH_CONFIG_FILE',
      cause: e,
    });
  } finally {
    await handle?.close();
  }
}

async function resolveInclude(
  req: IncludeRequest,
  home: string,
  checkPermissions: boolean,
): Promise<IncludeSource[]> {
  const paths = await globPaths(expandGlobTilde(req.pattern, home));
  const out: IncludeSource[] = [];
  for (const path of paths) {
    // A file that vanished since the glob is skipped, as OpenSSH skips ENOENT.
    const text = await readConfigText(path, true, checkPermissions);
    if (text !== undefined) out.push({ path, text });
  }
  return out;
}

/** glob(3) GLOB_TILDE: "~" is $HOME (`home`), "~user" that user's home. */
function expandGlobTilde(pattern: string, home: string): string {
  if (!pattern.startsWith('~')) return pattern;
  const slash = pattern.indexOf('/');
  const name = slash < 0 ? pattern.slice(1) : pattern.slice(1, slash);
  const rest = slash < 0 ? '' : pattern.slice(slash);
  const me = currentUser();
  const dir = name === '' ? home : name === me.username ? me.homedir : passwdHome(name);
  return dir === undefined ? pattern : dir + rest;
}

/** The paths matching a glob with '*', '?' and '[...]' in any component, sorted as glob(3) does. */
export async function globPaths(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  if (absolute) parts.shift();
  let current = [absolute ? '/' : '.'];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasMagic(part)) {
        next.push(join(dir, unescapeGlob(part)));
        continue;
      }
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (!globMatch(name, part)) continue;
        const path = join(dir, name);
        if (!last) {
          const st = await stat(path).catch(() => undefined);
          if (!st?.isDirectory()) continue;
        }
        next.push(path);
      }
    }
    current = next;
    if (current.length > 4096)
      throw new SSHConfigError(`Include ${pattern} matches too many files`, undefined, {
        code: 'ERR_SSH_CONFIG_LIMIT',
      });
  }
  const found: string[] = [];
  for (const p of current) if (await lstat(p).catch(() => undefined)) found.push(p);
  return found.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function hasMagic(part: string): boolean {
  return /[*?[]/.test(part);
}

function unescapeGlob(part: string): string {
  return part.replace(/\\(.)/g, '$1');
}

type GlobToken =
  | { t: 'star' }
  | { t: 'any' }
  | { t: 'set'; negate: boolean; test: (c: string) => boolean }
  | { t: 'lit'; c: string };

function tokenizeGlob(p: string): GlobToken[] {
  const out: GlobToken[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*') out.push({ t: 'star' });
    else if (c === '?') out.push({ t: 'any' });
    else if (c === '\\' && i + 1 < p.length) out.push({ t: 'lit', c: p[++i] as string });
    else if (c === '[') {
      let j = i + 1;
      const negate = p[j] === '!' || p[j] === '^';
      if (negate) j++;
      const start = j;
      if (p[j] === ']') j++; // a leading ']' is literal
      while (j < p.length && p[j] !== ']') j++;
      if (j >= p.length) {
        out.push({ t: 'lit', c }); // no closing bracket: '[' is literal
        continue;
      }
      const body = p.slice(start, j);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        const lo = body[k] as string;
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([lo, body[k + 2] as string]);
          k += 2;
        } else ranges.push([lo, lo]);
      }
      out.push({ t: 'set', negate, test: (ch) => ranges.some(([lo, hi]) => ch >= lo && ch <= hi) });
      i = j;
    } else out.push({ t: 'lit', c });
  }
  return out;
}

/** fnmatch(3) for one path component: a leading '.' must be matched explicitly. */
export function globMatch(name: string, pattern: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  const toks = tokenizeGlob(pattern);
  const one = (t: GlobToken, ch: string) =>
    t.t === 'any' || (t.t === 'lit' && t.c === ch) || (t.t === 'set' && t.test(ch) !== t.negate);
  let ni = 0;
  let ti = 0;
  let starT = -1;
  let starN = 0;
  while (ni < name.length) {
    const t = toks[ti];
    if (t?.t === 'star') {
      starT = ti++;
      starN = ni;
    } else if (t !== undefined && one(t, name[ni] as string)) {
      ni++;
      ti++;
    } else if (starT >= 0) {
      ti = starT + 1;
      ni = ++starN;
    } else return false;
  }
  while (toks[ti]?.t === 'star') ti++;
  return ti === toks.length;
}
