// OpenSSL's "traditional" PEM encryption of PKCS#1 / SEC1 keys (what `ssh-keygen -m PEM -N pass`
// and `openssl rsa -aes128` write): RFC 1421 §4.6.1.1 `Proc-Type: 4,ENCRYPTED` and §4.6.1.3
// `DEK-Info: <cipher>,<IV hex>` headers; the key is OpenSSL's EVP_BytesToKey with MD5, one
// iteration and the first 8 IV bytes as salt (crypto/pem/pem_lib.c PEM_do_header,
// crypto/evp/evp_key.c). The KDF is weak (one MD5 per 16 key bytes): prefer PKCS#8 with PBES2.
import { cbc } from '@noble/ciphers/aes.js';
import { md5 } from '@noble/hashes/legacy.js';
import { KeyFormatError, PassphraseRequiredError } from './errors.js';
import type { PemBlock } from './pem.js';
import { randomBytes } from './random.js';

/** Cipher names OpenSSL writes in DEK-Info, with their AES key length in bytes. */
const CIPHERS: ReadonlyMap<string, number> = new Map([
  ['AES-128-CBC', 16],
  ['AES-192-CBC', 24],
  ['AES-256-CBC', 32],
]);

export type LegacyPemCipher = 'AES-128-CBC' | 'AES-192-CBC' | 'AES-256-CBC';

/** True when the block carries `Proc-Type: 4,ENCRYPTED`. */
export function isLegacyEncrypted(block: PemBlock): boolean {
  const procType = block.headers.get('Proc-Type');
  return procType !== undefined && procType.replace(/\s/g, '') === '4,ENCRYPTED';
}

/**
 * EVP_BytesToKey(MD5, salt, passphrase, count = 1): D_1 = MD5(P ‖ S), D_i = MD5(D_{i-1} ‖ P ‖ S),
 * key = the first `length` bytes of D_1 ‖ D_2 ‖ … (PKCS#5 v1.5 PBKDF1 extended by OpenSSL).
 */
export function evpBytesToKey(passphrase: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let at = 0; at < length; at += 16) {
    const input = new Uint8Array(previous.length + passphrase.length + salt.length);
    input.set(previous, 0);
    input.set(passphrase, previous.length);
    input.set(salt, previous.length + passphrase.length);
    previous = md5(input);
    out.set(previous.subarray(0, Math.min(16, length - at)), at);
  }
  return out;
}

function parseDekInfo(block: PemBlock, format: string): { keyLength: number; iv: Uint8Array } {
  const dekInfo = block.headers.get('DEK-Info');
  if (dekInfo === undefined) throw new KeyFormatError(format, 'encrypted PEM without DEK-Info');
  const m = /^([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]+)$/.exec(dekInfo);
  if (m === null) throw new KeyFormatError(format, 'malformed DEK-Info header');
  const name = m[1]!.toUpperCase();
  const keyLength = CIPHERS.get(name);
  // DES-EDE3-CBC, DES-CBC, AES-*-CFB … : noble has no DES, and OpenSSH writes AES-128-CBC.
  if (keyLength === undefined) throw new KeyFormatError(format, `unsupported cipher ${name}`);
  const ivHex = m[2]!;
  if (ivHex.length !== 32) throw new KeyFormatError(format, 'DEK-Info IV must be 16 bytes');
  const iv = new Uint8Array(16);
  for (let i = 0; i < 16; i++) iv[i] = Number.parseInt(ivHex.slice(2 * i, 2 * i + 2), 16);
  return { keyLength, iv };
}

/**
 * Decrypts a legacy encrypted block's DER. Returns undefined when the CBC padding is wrong: the
 * caller reports that as a wrong passphrase (it cannot be told from a corrupt file, and a wrong key
 * gives valid-looking padding about 1 time in 256, so the caller also maps a DER failure after
 * decryption to WrongPassphraseError).
 */
export function decryptLegacyPem(
  block: PemBlock,
  passphrase: Uint8Array | undefined,
  format: string,
): Uint8Array | undefined {
  const { keyLength, iv } = parseDekInfo(block, format);
  if (block.der.length === 0 || block.der.length % 16 !== 0) {
    throw new KeyFormatError(format, 'ciphertext is not a whole number of AES blocks');
  }
  if (passphrase === undefined) throw new PassphraseRequiredError(format);
  const key = evpBytesToKey(passphrase, iv.subarray(0, 8), keyLength);
  try {
    return cbc(key, iv).decrypt(block.der);
  } catch {
    return undefined; // noble checks every PKCS#7 padding byte and throws on a mismatch
  }
}

/** The headers and ciphertext of `der` encrypted the way OpenSSL's PEM_write_bio_*PrivateKey does. */
export function encryptLegacyPem(
  der: Uint8Array,
  passphrase: Uint8Array,
  cipher: LegacyPemCipher = 'AES-256-CBC',
): { headers: [string, string][]; ciphertext: Uint8Array } {
  const keyLength = CIPHERS.get(cipher);
  if (keyLength === undefined) throw new RangeError(`unsupported cipher ${cipher}`);
  const iv = randomBytes(16);
  const key = evpBytesToKey(passphrase, iv.subarray(0, 8), keyLength);
  const ciphertext = cbc(key, iv).encrypt(der);
  const ivHex = Array.from(iv, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  return {
    headers: [
      ['Proc-Type', '4,ENCRYPTED'],
      ['DEK-Info', `${cipher},${ivHex}`],
    ],
    ciphertext,
  };
}
