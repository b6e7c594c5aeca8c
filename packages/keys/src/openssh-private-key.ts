// openssh-key-v1, OpenSSH's private key file format (PROTOCOL.key; sshkey.c
// sshkey_private_to_blob2 / sshkey_parse_private2):
//
//   "openssh-key-v1\0" ‖ string ciphername ‖ string kdfname ‖ string kdfoptions ‖ uint32 N ‖
//   N × string publickey ‖ string encrypted ‖ [AEAD tag]
//
// The encrypted section is `uint32 checkint ‖ uint32 checkint ‖ N × (private key ‖ string comment)`
// padded with bytes 1, 2, 3, … to the cipher's block size. The KDF is bcrypt_pbkdf (kdfoptions =
// `string salt, uint32 rounds`) deriving the cipher key followed by its IV.
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import { decodeArmor, encodeArmor } from './armor.js';
import { bcryptPbkdf } from './bcrypt-pbkdf.js';
import { KeyFormatError, PassphraseRequiredError, WrongPassphraseError } from './errors.js';
import { MAX_PUBLIC_KEY_BLOB_BYTES } from './limits.js';
import { KEY_FILE_CIPHERS, type KeyFileCipher, type KeyFileCipherName } from './openssh-key-cipher.js';
import type { PrivateKey } from './private-key.js';
import { bytesEqual, readPrivateKey, writePrivateKey } from './private-key-encoding.js';
import { privateKeyFromComponents } from './private-key-from-components.js';
import { MAX_BCRYPT_ROUNDS, MAX_KDF_SALT_BYTES } from './private-key-limits.js';
import { randomBytes, randomUint32 } from './random.js';

const FORMAT = 'openssh-key-v1';
const LABEL = 'OPENSSH PRIVATE KEY';
/** AUTH_MAGIC, including its terminating NUL. */
const MAGIC = new TextEncoder().encode('openssh-key-v1\0');
/** sshkey.c SALT_LEN and DEFAULT_ROUNDS. */
const SALT_LENGTH = 16;
const DEFAULT_ROUNDS = 16;
const NAME_LIMIT = 64;
/** Comments are bytes in OpenSSH; decode leniently so a Latin-1 comment does not make the key unreadable. */
const commentDecoder = new TextDecoder('utf-8', { fatal: false });

export interface OpenSSHPrivateKeyReadOptions {
  /** Most bcrypt rounds to run before giving up (default MAX_BCRYPT_ROUNDS). */
  readonly maxRounds?: number;
}

function malformed(message: string): KeyFormatError {
  return new KeyFormatError(FORMAT, message);
}

interface Envelope {
  readonly cipher: KeyFileCipher;
  readonly kdfName: string;
  readonly kdfOptions: Uint8Array;
  readonly keyCount: number;
  readonly firstPublicKeyBlob: Uint8Array;
  readonly encrypted: Uint8Array;
  readonly tag: Uint8Array;
}

/** The unencrypted part (private2_decrypt up to the KDF). */
function readEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length < MAGIC.length || !bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC)) {
    throw malformed('missing "openssh-key-v1" magic');
  }
  const reader = new SSHReader(bytes, MAGIC.length);
  const cipherName = reader.utf8('ciphername', NAME_LIMIT);
  const kdfName = reader.utf8('kdfname', NAME_LIMIT);
  const kdfOptions = reader.string('kdfoptions', MAX_KDF_SALT_BYTES + 8);
  const keyCount = reader.uint32('number of keys');
  // OpenSSH reads and writes exactly one key per file (sshkey.c private2_uudecode: "only one key
  // supported at present", SSH_ERR_INVALID_FORMAT otherwise); a count of 2 or 2^32 − 1 is refused
  // before anything is sized by it.
  if (keyCount !== 1) throw malformed(`bad number of keys ${keyCount} (only one is supported)`);
  const firstPublicKeyBlob = reader.string('publickey', MAX_PUBLIC_KEY_BLOB_BYTES);
  const encrypted = reader.string('encrypted section');
  const cipher = KEY_FILE_CIPHERS.get(cipherName);
  if (cipher === undefined) throw malformed(`unsupported cipher "${cipherName}"`);
  if (kdfName !== 'none' && kdfName !== 'bcrypt') throw malformed(`unsupported kdf "${kdfName}"`);
  if ((kdfName === 'none') !== (cipher.name === 'none')) {
    throw malformed(`kdf "${kdfName}" does not go with cipher "${cipher.name}"`);
  }
  const tag = reader.bytes(cipher.tagLength, 'authentication tag');
  reader.end('openssh-key-v1 file'); // no trailing data (private2_decrypt)
  if (encrypted.length < cipher.blockSize || encrypted.length % cipher.blockSize !== 0) {
    throw malformed(
      `encrypted section of ${encrypted.length} bytes is not a multiple of ${cipher.blockSize}`,
    );
  }
  return { cipher, kdfName, kdfOptions, keyCount, firstPublicKeyBlob, encrypted, tag };
}

/** bcrypt_pbkdf's key ‖ IV for the cipher, from kdfoptions `string salt, uint32 rounds`. */
function deriveKey(env: Envelope, passphrase: string, maxRounds: number): Uint8Array {
  const options = new SSHReader(env.kdfOptions);
  const salt = options.string('bcrypt salt', MAX_KDF_SALT_BYTES);
  const rounds = options.uint32('bcrypt rounds');
  options.end('kdfoptions');
  if (salt.length === 0) throw malformed('empty bcrypt salt');
  if (rounds < 1 || rounds > maxRounds) throw malformed(`bcrypt rounds ${rounds} outside 1..${maxRounds}`);
  const length = env.cipher.keyLength + env.cipher.ivLength;
  return bcryptPbkdf(new TextEncoder().encode(passphrase), salt, rounds, length);
}

/** sshkey.c private2_check_padding: the rest is 1, 2, 3, … (mod 256). */
function checkPadding(padding: Uint8Array): void {
  for (let i = 0; i < padding.length; i++) {
    if (padding[i] !== ((i + 1) & 0xff)) throw malformed('bad padding after the private key');
  }
}

function parse(text: string, passphrase: string | undefined, maxRounds: number): PrivateKey {
  const env = readEnvelope(decodeArmor(text, LABEL, FORMAT));
  const encryptedFile = env.kdfName !== 'none';
  let plaintext: Uint8Array;
  if (encryptedFile) {
    if (passphrase === undefined || passphrase === '') throw new PassphraseRequiredError(FORMAT);
    const keyIv = deriveKey(env, passphrase, maxRounds);
    const { keyLength } = env.cipher;
    const decrypted = env.cipher.decrypt(
      keyIv.subarray(0, keyLength),
      keyIv.subarray(keyLength),
      env.encrypted,
      env.tag,
    );
    // An AEAD tag failure means a wrong passphrase (private2_decrypt maps SSH_ERR_MAC_INVALID so).
    if (decrypted === undefined) throw new WrongPassphraseError(FORMAT);
    plaintext = decrypted;
  } else {
    plaintext = env.encrypted;
  }
  const section = new SSHReader(plaintext);
  const check1 = section.uint32('checkint');
  const check2 = section.uint32('checkint');
  if (check1 !== check2) {
    // Encrypted: the decryption key was wrong. Plain: the file is damaged.
    if (encryptedFile) throw new WrongPassphraseError(FORMAT);
    throw malformed('check integers differ');
  }
  const decoded = readPrivateKey(section);
  const comment = commentDecoder.decode(section.string('comment'));
  checkPadding(section.rest());
  let key: PrivateKey;
  try {
    key = privateKeyFromComponents(decoded.components, comment);
  } catch (e) {
    if (e instanceof KeyFormatError) throw malformed(e.message);
    throw e;
  }
  // The secret must match the public key stored beside it and the one in the header
  // (sshkey_parse_private2: sshkey_equal(pubkey, k)).
  if (!bytesEqual(key.publicKey.blob, decoded.statedPublicKeyBlob)) {
    throw malformed('private key does not match its own public key fields');
  }
  if (!bytesEqual(key.publicKey.blob, env.firstPublicKeyBlob)) {
    throw malformed('private key does not match the public key in the header');
  }
  return key;
}

/**
 * Parses an openssh-key-v1 file (`-----BEGIN OPENSSH PRIVATE KEY-----`). Errors:
 * PassphraseRequiredError (encrypted, no passphrase), WrongPassphraseError (check integers or AEAD
 * tag differ after decryption), KeyFormatError (malformed; unknown cipher or KDF, named; bcrypt
 * rounds over the limit), UnsupportedKeyTypeError (a key type we do not implement).
 */
export function parseOpenSSHPrivateKey(
  text: string,
  passphrase?: string,
  options: OpenSSHPrivateKeyReadOptions = {},
): PrivateKey {
  if (typeof text !== 'string') throw new TypeError('key file text must be a string');
  try {
    return parse(text, passphrase, options.maxRounds ?? MAX_BCRYPT_ROUNDS);
  } catch (e) {
    if (e instanceof MalformedMessageError) throw malformed(e.message);
    throw e;
  }
}

export interface OpenSSHPrivateKeyWriteOptions {
  /** Encrypts the key when non-empty (kdf bcrypt); otherwise cipher and kdf are "none". */
  readonly passphrase?: string;
  /** bcrypt_pbkdf rounds, 1..MAX_BCRYPT_ROUNDS (default 16, as `ssh-keygen -a`). */
  readonly rounds?: number;
  /** Cipher for an encrypted key (default aes256-ctr, OpenSSH's DEFAULT_CIPHERNAME). */
  readonly cipher?: KeyFileCipherName;
  /** Comment stored with the key (default: key.comment). */
  readonly comment?: string;
}

/** The openssh-key-v1 file text of `key`, as `ssh-keygen` writes it (sshkey_private_to_blob2). */
export function writeOpenSSHPrivateKey(key: PrivateKey, options: OpenSSHPrivateKeyWriteOptions = {}): string {
  const passphrase = options.passphrase ?? '';
  const encrypt = passphrase !== '';
  const cipher = KEY_FILE_CIPHERS.get(encrypt ? (options.cipher ?? 'aes256-ctr') : 'none');
  if (cipher === undefined) throw new TypeError(`unsupported cipher ${String(options.cipher)}`);
  if (encrypt && cipher.name === 'none') throw new TypeError('a passphrase needs a cipher other than "none"');
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_BCRYPT_ROUNDS) {
    throw new RangeError(`rounds must be an integer in 1..${MAX_BCRYPT_ROUNDS}`);
  }
  const comment = options.comment ?? key.comment;

  const kdfOptions = new SSHWriter();
  let keyIv: Uint8Array = new Uint8Array(0);
  if (encrypt) {
    const salt = randomBytes(SALT_LENGTH);
    keyIv = bcryptPbkdf(
      new TextEncoder().encode(passphrase),
      salt,
      rounds,
      cipher.keyLength + cipher.ivLength,
    );
    kdfOptions.string(salt).uint32(rounds);
  }

  const check = randomUint32();
  const section = new SSHWriter().uint32(check).uint32(check);
  writePrivateKey(section, key.components(), key.publicKey.blob);
  section.string(comment);
  for (let i = 1; section.length % cipher.blockSize !== 0; i++) section.byte(i & 0xff);
  const plaintext = section.finish();
  const sealed = cipher.encrypt(
    keyIv.subarray(0, cipher.keyLength),
    keyIv.subarray(cipher.keyLength),
    plaintext,
  );
  plaintext.fill(0);

  const file = new SSHWriter()
    .raw(MAGIC)
    .string(cipher.name)
    .string(encrypt ? 'bcrypt' : 'none')
    .string(kdfOptions.finish())
    .uint32(1)
    .string(key.publicKey.blob)
    .uint32(plaintext.length) // the tag follows the string, outside its length
    .raw(sealed)
    .finish();
  return encodeArmor(LABEL, file);
}
