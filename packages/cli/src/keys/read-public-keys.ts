// The public keys a file holds, as `ssh-keygen -l -f` finds them (authfile.c sshkey_load_public,
// ssh-keygen.c do_fingerprint): public key lines — a .pub file, authorized_keys (options allowed)
// or known_hosts (the host names taken as the comment); for a private key file, the .pub beside it,
// else the private key's own public half and comment.
import { readFile } from 'node:fs/promises';
import {
  KnownHosts,
  PassphraseRequiredError,
  type PublicKey,
  parseAuthorizedKeys,
  parsePrivateKey,
} from 'sshts';
import { CliError, ExitCode } from '../errors.js';

export interface KeyWithComment {
  readonly key: PublicKey;
  readonly comment: string;
}

const PRIVATE_MARKERS = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|^PuTTY-User-Key-File-/m;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Keys from public-key text (authorized_keys or known_hosts lines); [] when there are none. */
export function publicKeysInText(text: string): KeyWithComment[] {
  const authorized = parseAuthorizedKeys(text).entries;
  if (authorized.length > 0) return authorized.map((e) => ({ key: e.key, comment: e.comment }));
  return KnownHosts.parse(text)
    .entries()
    .filter((e) => e.marker === undefined)
    .map((e) => ({ key: e.key, comment: e.hosts }));
}

/** The keys in `path`; a CliError when it has none or cannot be read. */
export async function readPublicKeys(path: string, passphrase?: string): Promise<KeyWithComment[]> {
  const text = await readText(path);
  if (text === undefined) throw new CliError(`${path}: No such file or directory`, ExitCode.FAILURE);
  if (!PRIVATE_MARKERS.test(text)) {
    const keys = publicKeysInText(text);
    if (keys.length === 0) throw new CliError(`${path} is not a public key file.`, ExitCode.FAILURE);
    return keys;
  }
  const pub = await readText(`${path}.pub`);
  if (pub !== undefined) {
    const keys = publicKeysInText(pub);
    if (keys.length > 0) return keys;
  }
  try {
    const key = parsePrivateKey(text, passphrase);
    return [{ key: key.publicKey, comment: key.comment }];
  } catch (error) {
    if (error instanceof PassphraseRequiredError) {
      throw new CliError(`${path} is encrypted: give its passphrase with -P`, ExitCode.FAILURE);
    }
    throw new CliError(`${path}: ${(error as Error).message}`, ExitCode.FAILURE, { cause: error });
  }
}
