// authorized_keys files (sshd(8) AUTHORIZED_KEYS FILE FORMAT; OpenSSH auth2-pubkeyfile.c
// auth_check_authkeys_file / auth_check_authkey_line): one key per line as
//   [options] keytype base64 [comment]
// Blank lines and lines starting with '#' are comments. sshd skips a line it cannot use (bad
// options, unknown key type, bad key) and goes on; so does parseAuthorizedKeys, recording why.
import { SSHError } from '@sshts/wire';
import {
  type AuthorizedKeyOptions,
  DEFAULT_AUTHORIZED_KEY_OPTIONS,
  parseAuthorizedKeyOptions,
} from './authorized-key-options.js';
import { type PublicKey, parsePublicKey } from './public-key.js';

export type { AuthorizedKeyOptions, PermitSpec } from './authorized-key-options.js';

export interface AuthorizedKey {
  readonly key: PublicKey;
  readonly options: AuthorizedKeyOptions;
  /** The comment after the key ('' when none). */
  readonly comment: string;
  /** 1-based line number. */
  readonly line: number;
}

export interface AuthorizedKeysParseResult {
  readonly entries: AuthorizedKey[];
  /** Lines sshd would skip, with the reason (comments and blank lines are not errors). */
  readonly errors: { readonly line: number; readonly reason: string }[];
}

/** sshkey.c sshkey_advance_past_options: the end of the options field (quote-aware), or -1. */
function endOfOptions(text: string): number {
  let quoted = false;
  let i = 0;
  for (; i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t')); i++) {
    if (text[i] === '\\' && text[i + 1] === '"') i++;
    else if (text[i] === '"') quoted = !quoted;
  }
  return quoted ? -1 : i;
}

type LineResult = { ok: AuthorizedKey } | { error: string } | undefined;

/** One line, as auth_check_authkey_line reads it: a key first, else options then a key. */
function parseLine(raw: string, line: number): LineResult {
  const text = (raw.endsWith('\r') ? raw.slice(0, -1) : raw).replace(/^[ \t]+/, '');
  if (text === '' || text.startsWith('#')) return undefined;
  let firstError: string;
  try {
    const key = parsePublicKey(text);
    return { ok: { key, options: DEFAULT_AUTHORIZED_KEY_OPTIONS, comment: key.comment, line } };
  } catch (e) {
    if (!(e instanceof SSHError)) throw e;
    firstError = e.message;
  }
  const end = endOfOptions(text);
  if (end < 0) return { error: 'invalid key option string (unterminated quote)' };
  const rest = text.slice(end).replace(/^[ \t]+/, '');
  const firstToken = text.slice(0, end);
  // A line that starts with a key type name but whose key is bad or of a type we don't implement is
  // reported as such, not as an unknown option (sshd would log "unknown key option" for
  // "ssh-dss AAAA…"). No option starts with these prefixes.
  const looksLikeKey = /^(ssh|ecdsa|sk|rsa|x509v3|webauthn)-[A-Za-z0-9@.-]*$/.test(firstToken);
  const parsed = parseAuthorizedKeyOptions(text);
  if ('error' in parsed) return { error: looksLikeKey ? firstError : `bad key options: ${parsed.error}` };
  if (rest === '') return { error: looksLikeKey ? firstError : 'no key after the options' };
  try {
    const key = parsePublicKey(rest);
    return { ok: { key, options: parsed.options, comment: key.comment, line } };
  } catch (e) {
    if (!(e instanceof SSHError)) throw e;
    return { error: e.message };
  }
}

/**
 * Parses authorized_keys text. Never throws for the content: each line that sshd would skip is
 * reported in `errors` and left out of `entries`.
 */
export function parseAuthorizedKeys(text: string): AuthorizedKeysParseResult {
  if (typeof text !== 'string') throw new TypeError('authorized_keys text must be a string');
  const entries: AuthorizedKey[] = [];
  const errors: { line: number; reason: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const result = parseLine(raw, i + 1);
    if (result === undefined) return;
    if ('ok' in result) entries.push(result.ok);
    else errors.push({ line: i + 1, reason: result.error });
  });
  return { entries, errors };
}
