// A ready-made publickey handler that decides as sshd does from authorized_keys text
// (AuthorizedKeysFile; OpenSSH auth2-pubkeyfile.c): parseAuthorizedKeys and authorizeKey from
// @sshts/keys do the matching (plain keys, cert-authority lines with principals=, from=,
// expiry-time=, certificate validity), and the matched line's options — restrict, no-pty,
// command=, environment=, permitopen=, … (merged with a certificate's) — come back in the
// acceptance for the session layer to enforce.
import { type AuthorizedKey, authorizeKey, type PublicKey, parseAuthorizedKeys } from '@sshts/keys';
import type { PublicKeyHandler, ServerAuthContext } from './server-auth-types.js';

/** The authorized_keys text: one for every user, or looked up per user (undefined: no file). */
export type AuthorizedKeysSource =
  | string
  | ((user: string) => string | undefined | Promise<string | undefined>);

export interface AuthorizedKeysHandlerOptions {
  /** sshd CASignatureAlgorithms for cert-authority lines; default excludes SHA-1 ssh-rsa. */
  readonly caSignatureAlgorithms?: readonly string[];
  /** Wall-clock milliseconds since the epoch (expiry-time=, certificate validity); default Date.now. */
  readonly now?: () => number;
  /** Told why a key was refused by the lines that held it (sshd's debug log). */
  readonly onRefused?: (user: string, key: PublicKey, reasons: readonly string[]) => void;
  /** Told about lines sshd would skip (bad options, unknown key types): static text once, a lookup's each time. */
  readonly onBadLine?: (user: string, line: number, reason: string) => void;
}

/**
 * A PublicKeyHandler for ServerAuthOptions.publicKey. Static text is parsed once; a lookup
 * function's text is parsed on every call (the file may change between attempts, as sshd rereads it).
 */
export function authorizedKeysHandler(
  source: AuthorizedKeysSource,
  options: AuthorizedKeysHandlerOptions = {},
): PublicKeyHandler {
  const staticText = typeof source === 'string' ? source : undefined;
  const parsed = staticText === undefined ? undefined : parseAuthorizedKeys(staticText);
  let reported = false;
  const entriesFor = async (user: string): Promise<readonly AuthorizedKey[]> => {
    if (parsed !== undefined) {
      if (!reported) for (const e of parsed.errors) options.onBadLine?.(user, e.line, e.reason);
      reported = true;
      return parsed.entries;
    }
    const text = await (source as Exclude<AuthorizedKeysSource, string>)(user);
    if (text === undefined) return [];
    const result = parseAuthorizedKeys(text);
    for (const e of result.errors) options.onBadLine?.(user, e.line, e.reason);
    return result.entries;
  };
  return async (user: string, key: PublicKey, context: ServerAuthContext) => {
    const entries = await entriesFor(user);
    const now = Math.floor((options.now ?? Date.now)() / 1000);
    const result = authorizeKey(entries, key, {
      user,
      now,
      ...(context.address === undefined ? {} : { address: context.address }),
      ...(context.host === undefined ? {} : { host: context.host }),
      ...(options.caSignatureAlgorithms === undefined
        ? {}
        : { caSignatureAlgorithms: options.caSignatureAlgorithms }),
    });
    if (!result.authorized) {
      options.onRefused?.(user, key, result.reasons);
      return false;
    }
    return result.certificate === undefined
      ? { options: result.options }
      : { options: result.options, certificate: result.certificate };
  };
}
