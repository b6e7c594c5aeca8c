// ssh_config(5) TOKENS, ENVIRONMENT VARIABLES and '~': misc.c vdollar_percent_expand() and
// tilde_expand(). A '%' must be followed by '%' or a token the keyword accepts, and a ${NAME} must
// name a variable that is set; OpenSSH stops with a fatal error otherwise, we throw.
import { SSHConfigError } from './errors.js';

/** Single-letter token → replacement. */
export type TokenValues = Readonly<Record<string, string>>;

export interface ExpandOptions {
  /** Expand %-tokens (with these values); `undefined` leaves '%' alone. */
  readonly tokens?: TokenValues;
  /** Expand ${NAME} from this environment; `undefined` leaves '$' alone. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The expansion of `input`, or a thrown SSHConfigError naming `what` (e.g. the keyword). */
export function expandTokens(input: string, options: ExpandOptions, what: string): string {
  const { tokens, env } = options;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (env !== undefined && c === '$' && input[i + 1] === '{') {
      const close = input.indexOf('}', i + 2);
      if (close < 0)
        throw expansionError(`${what}: environment variable '${input.slice(i + 2)}' missing closing '}'`);
      const name = input.slice(i + 2, close);
      if (name === '') throw expansionError(`${what}: zero-length environment variable`);
      const value = Object.hasOwn(env, name) ? env[name] : undefined;
      if (value === undefined) throw expansionError(`${what}: env var \${${name}} has no value`);
      out += value;
      i = close;
      continue;
    }
    if (tokens === undefined || c !== '%') {
      out += c;
      continue;
    }
    const key = input[i + 1];
    i++;
    if (key === '%') {
      out += '%';
    } else if (key === undefined) {
      throw expansionError(`${what}: invalid format (a '%' ends the string)`);
    } else if (Object.hasOwn(tokens, key)) {
      out += tokens[key];
    } else {
      throw expansionError(`${what}: unknown key %${key}`);
    }
  }
  return out;
}

function expansionError(detail: string): SSHConfigError {
  return new SSHConfigError(detail, undefined, { code: 'ERR_SSH_CONFIG_EXPANSION' });
}

/**
 * tilde_expand(): "~" and "~/path" become the home directory (pw_dir, with exactly one '/'
 * between); "~user/path" uses `homeOf(user)`. Anything else is returned unchanged.
 */
export function expandTilde(
  path: string,
  homeDir: string,
  homeOf?: (user: string) => string | undefined,
): string {
  if (!path.startsWith('~')) return path;
  const rest = path.slice(1);
  let home: string | undefined;
  let tail: string;
  if (rest === '' || rest.startsWith('/')) {
    home = homeDir;
    tail = rest.replace(/^\/+/, '');
  } else {
    const slash = rest.indexOf('/');
    const user = slash < 0 ? rest : rest.slice(0, slash);
    tail = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+/, '');
    home = homeOf?.(user);
    if (home === undefined) throw expansionError(`tilde_expand: No such user ${user}`);
  }
  const sep = home.length === 0 || !home.endsWith('/') ? '/' : '';
  return home + sep + tail;
}

/** The `${NAME}` syntax check readconf.c makes on IdentityAgent/ForwardAgent paths when read. */
export function checkDollarSyntax(input: string): string | undefined {
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || input[i + 1] !== '{') continue;
    const close = input.indexOf('}', i + 2);
    if (close < 0) return 'missing closing }';
    if (close === i + 2) return 'zero-length environment variable';
    i = close;
  }
  return undefined;
}

/** valid_env_name(): letters, digits and '_', not empty. */
export function isValidEnvName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}
