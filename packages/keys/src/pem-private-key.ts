// Private keys in OpenSSL's PEM files (RFC 7468): PKCS#1 `RSA PRIVATE KEY` (RFC 8017 A.1.2), SEC1
// `EC PRIVATE KEY` (RFC 5915), both optionally with OpenSSL's legacy Proc-Type/DEK-Info encryption,
// PKCS#8 `PRIVATE KEY` (RFC 5208/5958) and `ENCRYPTED PRIVATE KEY` (PBES2, RFC 8018). These are what
// `ssh-keygen -m PEM` / `-m PKCS8` and `openssl genpkey` / `openssl pkcs8` write.
import { KeyFormatError, UnsupportedKeyTypeError, WrongPassphraseError } from './errors.js';
import { encodePem, findPemBlock, type PemBlock } from './pem.js';
import { decryptLegacyPem, encryptLegacyPem, isLegacyEncrypted } from './pem-legacy-encryption.js';
import { decodePkcs1PrivateKey, encodePkcs1PrivateKey } from './pkcs1-private-key.js';
import { decryptPkcs8, encryptPkcs8 } from './pkcs8-pbes2.js';
import { decodePkcs8PrivateKey, encodePkcs8PrivateKey } from './pkcs8-private-key.js';
import type { PrivateKey, PrivateKeyComponents } from './private-key.js';
import { privateKeyFromComponents } from './private-key-from-components.js';
import { decodeSec1PrivateKey, encodeSec1PrivateKey } from './sec1-private-key.js';

const RSA = 'RSA PRIVATE KEY';
const EC = 'EC PRIVATE KEY';
const PKCS8 = 'PRIVATE KEY';
const ENCRYPTED_PKCS8 = 'ENCRYPTED PRIVATE KEY';

/** Labels this reader handles. `EC PARAMETERS` may precede an `EC PRIVATE KEY` (`openssl ecparam -genkey`). */
export const PEM_PRIVATE_KEY_LABELS: readonly string[] = [
  RSA,
  EC,
  PKCS8,
  ENCRYPTED_PKCS8,
  'EC PARAMETERS',
  'DSA PRIVATE KEY',
];

const KEY_LABELS = new Set([RSA, EC, PKCS8, ENCRYPTED_PKCS8, 'DSA PRIVATE KEY']);

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  [RSA]: 'PKCS#1',
  [EC]: 'SEC1',
  [PKCS8]: 'PKCS#8',
  [ENCRYPTED_PKCS8]: 'PKCS#8',
};

const utf8 = new TextEncoder();

/**
 * Reads `plain` (decrypted key DER, or undefined for bad CBC padding) and builds the key. With a
 * wrong key, the padding is still valid about 1 time in 256, and the garbage then fails to parse
 * or to validate: for encrypted input every such failure is reported as WrongPassphraseError.
 */
function fromDecrypted(
  plain: Uint8Array | undefined,
  decode: (der: Uint8Array) => PrivateKeyComponents,
  format: string,
): PrivateKey {
  if (plain === undefined) throw new WrongPassphraseError(format);
  try {
    return privateKeyFromComponents(decode(plain));
  } catch (e) {
    // An UnsupportedKeyTypeError needs a well-formed PrivateKeyInfo naming another algorithm:
    // that is a correctly decrypted Ed448/DSA/… key, not garbage, so it is passed on.
    if (e instanceof KeyFormatError) throw new WrongPassphraseError(format);
    throw e;
  }
}

function readBlock(block: PemBlock, passphrase: string | undefined): PrivateKey {
  const format = FORMAT_NAMES[block.label] ?? 'PEM';
  const pass = passphrase === undefined ? undefined : utf8.encode(passphrase);
  switch (block.label) {
    case RSA:
    case EC: {
      const decode =
        block.label === RSA
          ? (der: Uint8Array) => decodePkcs1PrivateKey(der, format)
          : (der: Uint8Array) => decodeSec1PrivateKey(der, format);
      if (isLegacyEncrypted(block))
        return fromDecrypted(decryptLegacyPem(block, pass, format), decode, format);
      if (block.headers.size > 0) throw new KeyFormatError(format, 'unexpected PEM headers');
      return privateKeyFromComponents(decode(block.der));
    }
    case PKCS8:
      if (block.headers.size > 0) throw new KeyFormatError(format, 'unexpected PEM headers');
      return privateKeyFromComponents(decodePkcs8PrivateKey(block.der, format));
    case ENCRYPTED_PKCS8:
      if (block.headers.size > 0) throw new KeyFormatError(format, 'unexpected PEM headers');
      return fromDecrypted(
        decryptPkcs8(block.der, pass),
        (der) => decodePkcs8PrivateKey(der, format),
        format,
      );
    default:
      throw new UnsupportedKeyTypeError('ssh-dss');
  }
}

/**
 * Reads the first private key block of a PEM file (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8). PEM
 * keys carry no comment, so the key's comment is ''. Throws PassphraseRequiredError,
 * WrongPassphraseError, KeyFormatError (malformed, or an unsupported cipher/KDF such as
 * DES-EDE3-CBC or scrypt) or UnsupportedKeyTypeError (DSA, Ed448, RSASSA-PSS …).
 */
export function parsePemPrivateKey(text: string, passphrase?: string): PrivateKey {
  const block = findPemBlock(text, (label) => KEY_LABELS.has(label));
  if (block === undefined) throw new KeyFormatError('PEM', 'no private key block');
  return readBlock(block, passphrase);
}

export type PemPrivateKeyFormat = 'pkcs1' | 'sec1' | 'pkcs8';

export interface PemWriteOptions {
  /**
   * 'pkcs8' (default, every key type): `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with a passphrase.
   * 'pkcs1' (RSA only): `RSA PRIVATE KEY`. 'sec1' (ECDSA only): `EC PRIVATE KEY`.
   */
  readonly format?: PemPrivateKeyFormat;
  /**
   * Encrypts the key. PKCS#8 uses PBES2: PBKDF2-HMAC-SHA-256 (16-byte salt, `iterations`) and
   * AES-256-CBC. PKCS#1 / SEC1 use OpenSSL's legacy encryption (AES-256-CBC keyed by one MD5 of
   * the passphrase and salt, as `ssh-keygen -m PEM` does): far weaker against guessing, so
   * prefer PKCS#8 unless a tool needs the old form.
   */
  readonly passphrase?: string;
  /** PBKDF2 iterations for encrypted PKCS#8; default 100,000 (about 0.2 s in pure JS). */
  readonly iterations?: number;
}

/**
 * The key as PEM text (RFC 7468, 64-column base64, LF line ends). The comment is not stored: PEM
 * has no place for it. Readable by `openssl pkey` and `ssh-keygen -y`.
 */
export function writePemPrivateKey(
  key: Pick<PrivateKey, 'components'>,
  options: PemWriteOptions = {},
): string {
  const format = options.format ?? 'pkcs8';
  const c = key.components();
  const pass = options.passphrase === undefined ? undefined : utf8.encode(options.passphrase);
  if (format === 'pkcs8') {
    const der = encodePkcs8PrivateKey(c);
    if (pass === undefined) return encodePem(PKCS8, der);
    const iterations = options.iterations;
    return encodePem(
      ENCRYPTED_PKCS8,
      encryptPkcs8(der, pass, iterations === undefined ? {} : { iterations }),
    );
  }
  let label: string;
  let der: Uint8Array;
  if (format === 'pkcs1') {
    if (c.type !== 'ssh-rsa') throw new KeyFormatError('PKCS#1', `${c.type} keys have no PKCS#1 form`);
    label = RSA;
    der = encodePkcs1PrivateKey(c);
  } else if (format === 'sec1') {
    if (c.type === 'ssh-rsa' || c.type === 'ssh-ed25519') {
      throw new KeyFormatError('SEC1', `${c.type} keys have no SEC1 form`);
    }
    label = EC;
    der = encodeSec1PrivateKey(c);
  } else {
    throw new TypeError(`unknown PEM private key format ${String(format)}`);
  }
  if (pass === undefined) return encodePem(label, der);
  const { headers, ciphertext } = encryptLegacyPem(der, pass);
  return encodePem(label, ciphertext, headers);
}
