// parsePrivateKey: reads a private key file in any format we implement, choosing the reader from
// the file's armour (RFC 7468 §2 label, or the PuTTY header). One branch per format; each reader
// lives in its own file and builds the key with privateKeyFromComponents.
import { KeyFormatError } from './errors.js';
import { parseOpenSSHPrivateKey } from './openssh-private-key.js';
import { PEM_PRIVATE_KEY_LABELS, parsePemPrivateKey } from './pem-private-key.js';
import { parsePpk } from './ppk.js';
import type { PrivateKey } from './private-key.js';
import { MAX_PRIVATE_KEY_FILE_BYTES } from './private-key-limits.js';

/** A reader for one armoured format: the whole file text and the passphrase (if any). */
type ArmoredReader = (text: string, passphrase: string | undefined) => PrivateKey;

/**
 * Readers by the label of the first `-----BEGIN <label>-----` line. Other formats add their entry
 * here: 'RSA PRIVATE KEY' (PKCS#1, RFC 8017 A.1.2), 'EC PRIVATE KEY' (SEC1, RFC 5915),
 * 'PRIVATE KEY' and 'ENCRYPTED PRIVATE KEY' (PKCS#8, RFC 5958 / RFC 5208).
 */
const ARMORED_READERS: ReadonlyMap<string, ArmoredReader> = new Map<string, ArmoredReader>([
  // openssh-key-v1 (OpenSSH PROTOCOL.key), ssh-keygen's default since OpenSSH 7.8.
  ['OPENSSH PRIVATE KEY', parseOpenSSHPrivateKey],
  // OpenSSL PEM (pem-private-key.ts): PKCS#1, SEC1 (possibly after EC PARAMETERS), PKCS#8.
  ...PEM_PRIVATE_KEY_LABELS.map((label) => [label, parsePemPrivateKey] as const),
]);

/** PuTTY's .ppk files start with this header line (PuTTY "PPK file format" appendix C). */
const PUTTY_HEADER = 'PuTTY-User-Key-File-';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fileText(data: string | Uint8Array): string {
  if (typeof data === 'string') {
    // UTF-16 length ≥ UTF-8 length / 3; check the cheap bound first, then the real one.
    if (data.length > MAX_PRIVATE_KEY_FILE_BYTES) throw tooLarge();
    return data;
  }
  if (!(data instanceof Uint8Array)) throw new TypeError('private key data must be a string or Uint8Array');
  if (data.length > MAX_PRIVATE_KEY_FILE_BYTES) throw tooLarge();
  try {
    return utf8.decode(data);
  } catch {
    // Binary (DER) key files would be detected here.
    throw new KeyFormatError('private key', 'not a text key file (invalid UTF-8)');
  }
}

function tooLarge(): KeyFormatError {
  return new KeyFormatError('private key', `file larger than ${MAX_PRIVATE_KEY_FILE_BYTES} bytes`);
}

/** The label of the first RFC 7468 pre-encapsulation boundary line, if any. */
function firstArmorLabel(text: string): string | undefined {
  return /^-----BEGIN ([A-Z0-9 ]{1,64})-----[ \t]*\r?$/m.exec(text)?.[1];
}

/**
 * Parses a private key file: openssh-key-v1 (`-----BEGIN OPENSSH PRIVATE KEY-----`). Throws
 * PassphraseRequiredError when the key is encrypted and no passphrase is given,
 * WrongPassphraseError when the passphrase does not decrypt it, KeyFormatError for anything
 * malformed or a format/cipher/KDF we do not implement, UnsupportedKeyTypeError for a key type we
 * do not implement.
 */
export function parsePrivateKey(data: string | Uint8Array, passphrase?: string): PrivateKey {
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new TypeError('passphrase must be a string');
  }
  const text = fileText(data);
  if (text.trimStart().startsWith(PUTTY_HEADER)) {
    return parsePpk(text, passphrase);
  }
  const label = firstArmorLabel(text);
  if (label === undefined)
    throw new KeyFormatError('private key', 'no "-----BEGIN … PRIVATE KEY-----" line found');
  const reader = ARMORED_READERS.get(label);
  if (reader === undefined) throw new KeyFormatError('private key', `unsupported key file type "${label}"`);
  return reader(text, passphrase);
}
