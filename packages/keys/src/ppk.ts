// PuTTY private key files (.ppk), versions 2 and 3 (PuTTY manual appendix C "PPK file format";
// PuTTY 0.78 sshpubk.c ppk_load_s / ppk_save_sb). Text headers, base64 public and private blobs,
// optional AES-256-CBC encryption of the private blob, and a MAC over everything: HMAC-SHA-1 (v2)
// or HMAC-SHA-256 (v3, key from Argon2). The MAC is what tells a wrong passphrase apart.
import { cbc } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MalformedMessageError, SSHWriter } from '@sshts/wire';
import { base64Decode, base64Encode } from './base64.js';
import { bytesEqual } from './bytes-equal.js';
import {
  KeyFormatError,
  PassphraseRequiredError,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
} from './errors.js';
import {
  type PpkArgon2Flavour,
  type PpkArgon2Params,
  type PpkKeys,
  ppkV2Keys,
  ppkV3Keys,
} from './ppk-kdf.js';
import { decodePpkPrivate, encodePpkPrivate, isPpkKeyType } from './ppk-private-blob.js';
import type { PrivateKey } from './private-key.js';
import { privateKeyFromComponents } from './private-key-from-components.js';
import { randomBytes } from './random.js';

const FORMAT = 'PPK';
/** Most base64 lines in one blob (a 16384-bit RSA private blob is about 75 lines of 64). */
const MAX_BLOB_LINES = 1024;
const utf8 = new TextEncoder();

function fail(message: string): never {
  throw new KeyFormatError(FORMAT, message);
}

/** Sequential reader of `Name: value` lines (PuTTY's read_header / read_body). */
class Lines {
  readonly #lines: string[];
  #i = 0;
  constructor(text: string) {
    this.#lines = text.split(/\r\n|\r|\n/);
  }
  peekName(): string | undefined {
    const line = this.#lines[this.#i];
    const colon = line?.indexOf(':') ?? -1;
    return colon > 0 ? line!.slice(0, colon) : undefined;
  }
  /** The value of the next line, which must be `name: value` (exactly one space after the colon). */
  header(name: string): string {
    const line = this.#lines[this.#i];
    if (line === undefined || !line.startsWith(`${name}: `)) fail(`expected a "${name}:" line`);
    this.#i++;
    return line.slice(name.length + 2);
  }
  integer(name: string, max: number): number {
    const v = this.header(name);
    if (!/^\d{1,10}$/.test(v) || Number(v) > max) fail(`bad ${name} value`);
    return Number(v);
  }
  /** `<name>-Lines: N` followed by N base64 lines. */
  blob(name: string): Uint8Array {
    const count = this.integer(`${name}-Lines`, MAX_BLOB_LINES);
    if (count > this.#lines.length - this.#i) fail(`truncated ${name} lines`);
    const text = this.#lines
      .slice(this.#i, this.#i + count)
      .map((l) => l.trim())
      .join('');
    this.#i += count;
    try {
      return base64Decode(text, `${name} key base64`);
    } catch (e) {
      if (e instanceof MalformedMessageError) fail(e.message);
      throw e;
    }
  }
  /** Only blank lines may follow. */
  end(): void {
    for (; this.#i < this.#lines.length; this.#i++)
      if (this.#lines[this.#i]!.trim() !== '') fail('data after Private-MAC');
  }
}

function hexDecode(hex: string, name: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) fail(`${name} is not hexadecimal`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function hexEncode(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** §C.2: the MAC covers string algorithm, encryption, comment, public blob, private plaintext. */
function macData(
  alg: string,
  encryption: string,
  comment: Uint8Array,
  pub: Uint8Array,
  priv: Uint8Array,
): Uint8Array {
  return new SSHWriter().string(alg).string(encryption).string(comment).string(pub).string(priv).finish();
}

function readArgon2Params(lines: Lines): PpkArgon2Params {
  const flavour = lines.header('Key-Derivation');
  if (flavour !== 'Argon2id' && flavour !== 'Argon2i' && flavour !== 'Argon2d') {
    fail(`unsupported Key-Derivation ${JSON.stringify(flavour.slice(0, 32))}`);
  }
  const memory = lines.integer('Argon2-Memory', 2 ** 32 - 1);
  const passes = lines.integer('Argon2-Passes', 2 ** 32 - 1);
  const parallelism = lines.integer('Argon2-Parallelism', 2 ** 32 - 1);
  const salt = hexDecode(lines.header('Argon2-Salt'), 'Argon2-Salt');
  return { flavour, memory, passes, parallelism, salt };
}

/**
 * Reads a .ppk file (versions 2 and 3). Encrypted files need `passphrase`; a MAC mismatch is
 * WrongPassphraseError for an encrypted file and KeyFormatError (corrupt) for a plain one. Argon2
 * parameters are bounded before deriving (ppk-kdf.ts: MAX_PPK_ARGON2_MEMORY_KIB, MAX_PPK_ARGON2_COST).
 */
export function parsePpk(text: string, passphrase?: string): PrivateKey {
  const lines = new Lines(text.replace(/^\uFEFF/, '').trimStart());
  const first = /^PuTTY-User-Key-File-(\d+)$/.exec(lines.peekName() ?? '');
  if (first === null) fail('missing "PuTTY-User-Key-File-" header');
  const version = Number(first[1]);
  if (version !== 2 && version !== 3) fail(`unsupported PPK version ${first[1]!.slice(0, 8)}`);
  const alg = lines.header(`PuTTY-User-Key-File-${first[1]}`);
  if (!isPpkKeyType(alg)) throw new UnsupportedKeyTypeError(alg.replace(/[^\x21-\x7e]/g, '?').slice(0, 64));
  const encryption = lines.header('Encryption');
  if (encryption !== 'none' && encryption !== 'aes256-cbc')
    fail(`unsupported Encryption ${encryption.slice(0, 32)}`);
  const encrypted = encryption === 'aes256-cbc';
  const comment = lines.header('Comment');
  const publicBlob = lines.blob('Public');
  const argon2 = version === 3 && encrypted ? readArgon2Params(lines) : undefined;
  const privateBlob = lines.blob('Private');
  const mac = hexDecode(lines.header('Private-MAC'), 'Private-MAC');
  lines.end();
  if (mac.length !== (version === 2 ? 20 : 32)) fail('Private-MAC has the wrong length');
  if (encrypted && privateBlob.length % 16 !== 0)
    fail('encrypted private blob is not a whole number of AES blocks');
  if (encrypted && passphrase === undefined) throw new PassphraseRequiredError(FORMAT);

  // An unencrypted file's MAC uses an empty passphrase (v2) or an empty key (v3).
  const pass = encrypted ? utf8.encode(passphrase ?? '') : new Uint8Array(0);
  let keys: PpkKeys;
  if (version === 2) keys = ppkV2Keys(pass);
  else if (argon2 !== undefined) keys = ppkV3Keys(pass, argon2);
  else keys = { cipherKey: new Uint8Array(0), iv: new Uint8Array(0), macKey: new Uint8Array(0) };
  const plain = encrypted
    ? cbc(keys.cipherKey, keys.iv, { disablePadding: true }).decrypt(privateBlob)
    : privateBlob;
  const data = macData(alg, encryption, utf8.encode(comment), publicBlob, plain);
  const expected = version === 2 ? hmac(sha1, keys.macKey, data) : hmac(sha256, keys.macKey, data);
  if (!bytesEqual(expected, mac)) {
    if (encrypted) throw new WrongPassphraseError(FORMAT);
    fail('MAC mismatch: the file is corrupt');
  }

  const key = privateKeyFromComponents(decodePpkPrivate(alg, publicBlob, plain), comment);
  // The MAC binds the halves, but a file could still be written with a public blob that does not
  // belong to the private key (or whose type differs from the header).
  if (!bytesEqual(key.publicKey.blob, publicBlob)) fail('public key does not match the private key');
  return key;
}

export interface PpkWriteOptions {
  /** PPK format version: 3 (default, PuTTY ≥ 0.75) or 2 (older PuTTY; SHA-1 key derivation). */
  readonly version?: 2 | 3;
  /** Encrypts the private blob with AES-256-CBC. Undefined or '' writes an unencrypted file (as PuTTYgen). */
  readonly passphrase?: string;
  /**
   * Version 3 Argon2 parameters. Defaults: Argon2id, 8192 KiB (PuTTYgen's default), 8 passes,
   * parallelism 1, 16-byte random salt. PuTTYgen instead calibrates passes to 100 ms of native
   * code (10–30 passes); 8 passes keep loading in pure JS near 0.35 s.
   */
  readonly argon2?: {
    readonly flavour?: PpkArgon2Flavour;
    readonly memory?: number;
    readonly passes?: number;
    readonly parallelism?: number;
  };
}

function base64Lines(bytes: Uint8Array): string[] {
  const b64 = base64Encode(bytes);
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += 64) out.push(b64.slice(i, i + 64));
  return out;
}

/** The key as a .ppk file (LF line ends, 64-column base64, as PuTTYgen writes). */
export function writePpk(
  key: Pick<PrivateKey, 'type' | 'comment' | 'publicKey' | 'components'>,
  options: PpkWriteOptions = {},
): string {
  const version = options.version ?? 3;
  if (version !== 2 && version !== 3) throw new TypeError(`unsupported PPK version ${String(version)}`);
  if (/[\r\n]/.test(key.comment)) fail('a PPK comment cannot contain line breaks');
  const alg = key.type;
  const publicBlob = key.publicKey.blob;
  const encrypted = options.passphrase !== undefined && options.passphrase !== '';
  const encryption = encrypted ? 'aes256-cbc' : 'none';
  const pass = utf8.encode(encrypted ? (options.passphrase ?? '') : '');
  let plain = encodePpkPrivate(key.components());
  if (encrypted) {
    // §C.2: random padding up to a whole number of AES blocks.
    const padded = new Uint8Array(Math.ceil(plain.length / 16) * 16);
    padded.set(plain);
    padded.set(randomBytes(padded.length - plain.length), plain.length);
    plain = padded;
  }
  let keys: PpkKeys;
  const header: string[] = [];
  if (version === 2) {
    keys = ppkV2Keys(pass);
  } else if (encrypted) {
    const a = options.argon2 ?? {};
    const params: PpkArgon2Params = {
      flavour: a.flavour ?? 'Argon2id',
      memory: a.memory ?? 8192,
      passes: a.passes ?? 8,
      parallelism: a.parallelism ?? 1,
      salt: randomBytes(16),
    };
    keys = ppkV3Keys(pass, params);
    header.push(
      `Key-Derivation: ${params.flavour}`,
      `Argon2-Memory: ${params.memory}`,
      `Argon2-Passes: ${params.passes}`,
      `Argon2-Parallelism: ${params.parallelism}`,
      `Argon2-Salt: ${hexEncode(params.salt)}`,
    );
  } else {
    keys = { cipherKey: new Uint8Array(0), iv: new Uint8Array(0), macKey: new Uint8Array(0) };
  }
  const data = macData(alg, encryption, utf8.encode(key.comment), publicBlob, plain);
  const mac = version === 2 ? hmac(sha1, keys.macKey, data) : hmac(sha256, keys.macKey, data);
  const stored = encrypted ? cbc(keys.cipherKey, keys.iv, { disablePadding: true }).encrypt(plain) : plain;
  const pub = base64Lines(publicBlob);
  const priv = base64Lines(stored);
  return [
    `PuTTY-User-Key-File-${version}: ${alg}`,
    `Encryption: ${encryption}`,
    `Comment: ${key.comment}`,
    `Public-Lines: ${pub.length}`,
    ...pub,
    ...header,
    `Private-Lines: ${priv.length}`,
    ...priv,
    `Private-MAC: ${hexEncode(mac)}`,
    '',
  ].join('\n');
}
