// PKCS#8 EncryptedPrivateKeyInfo (RFC 5208 §6 / RFC 5958 §3), the DER inside
// `-----BEGIN ENCRYPTED PRIVATE KEY-----`, with the only scheme we implement: PBES2 (RFC 8018 §6.2,
// A.4) using PBKDF2 (§5.2, A.2) with HMAC-SHA-1/224/256/384/512 and AES-CBC (B.2.5, RFC 3565).
// PBES1, PKCS#12 PBE, scrypt and DES/3DES are KeyFormatError "unsupported".
import { cbc } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import {
  DER_NULL,
  DER_OCTET_STRING,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derTopLevel,
} from './der.js';
import { KeyFormatError, PassphraseRequiredError } from './errors.js';
import { randomBytes } from './random.js';

type Hash = CHash;

/** RFC 8018 A.4 id-PBES2 and A.2 id-PBKDF2. */
const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';

/** RFC 8018 B.1 PRFs. hmacWithSHA1 is the DEFAULT when the prf field is absent. */
const PRFS: ReadonlyMap<string, Hash> = new Map<string, Hash>([
  ['1.2.840.113549.2.7', sha1],
  ['1.2.840.113549.2.8', sha224],
  ['1.2.840.113549.2.9', sha256],
  ['1.2.840.113549.2.10', sha384],
  ['1.2.840.113549.2.11', sha512],
]);
const OID_HMAC_WITH_SHA256 = '1.2.840.113549.2.9';

/** RFC 3565 §4.1 / NIST aes OIDs for CBC mode, with the key length in bytes. */
const AES_CBC: ReadonlyMap<string, number> = new Map([
  ['2.16.840.1.101.3.4.1.2', 16],
  ['2.16.840.1.101.3.4.1.22', 24],
  ['2.16.840.1.101.3.4.1.42', 32],
]);
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

/**
 * Most PBKDF2 iterations a file may ask for. Each costs two hash compressions; in pure JS 2,000,000
 * take about 4 s with SHA-256 and 11 s with SHA-512, so a hostile file cannot stall us much longer.
 * (OpenSSL 3 writes 2048, OWASP 2023 suggests 600,000 for SHA-256.)
 */
export const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** Iterations writePemPrivateKey uses by default: about 0.2 s with SHA-256 in pure JS. */
export const DEFAULT_PBKDF2_ITERATIONS = 100_000;
const MAX_SALT_BYTES = 1024;

const FORMAT = 'PKCS#8';

interface Pbes2Params {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly prf: Hash;
  readonly keyLength: number;
  readonly iv: Uint8Array;
}

function unsupported(what: string): never {
  throw new KeyFormatError(FORMAT, `unsupported ${what}`);
}

function readParams(der: Uint8Array): { params: Pbes2Params; encryptedData: Uint8Array } {
  const info = derTopLevel(der, FORMAT, 'EncryptedPrivateKeyInfo');
  const alg = info.sequence('encryptionAlgorithm');
  const encryptedData = info.octetString('encryptedData');
  info.end('EncryptedPrivateKeyInfo');
  const scheme = alg.oid('encryptionAlgorithm');
  if (scheme !== OID_PBES2) unsupported(`encryption scheme ${scheme} (only PBES2 is implemented)`);
  const pbes2 = alg.sequence('PBES2-params');
  alg.end('encryptionAlgorithm');

  const kdf = pbes2.sequence('keyDerivationFunc');
  const kdfOid = kdf.oid('keyDerivationFunc');
  if (kdfOid !== OID_PBKDF2) unsupported(`key derivation function ${kdfOid} (only PBKDF2)`);
  const p = kdf.sequence('PBKDF2-params');
  kdf.end('keyDerivationFunc');
  if (p.peekTag() !== DER_OCTET_STRING) unsupported('PBKDF2 salt source (only a specified salt)');
  const salt = p.octetString('salt', MAX_SALT_BYTES);
  const iterations = p.smallInteger('iterationCount', Number.MAX_SAFE_INTEGER);
  if (iterations < 1) throw new KeyFormatError(FORMAT, 'iterationCount must be at least 1');
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new KeyFormatError(FORMAT, `iterationCount ${iterations} exceeds ${MAX_PBKDF2_ITERATIONS}`);
  }
  let declaredKeyLength: number | undefined;
  if (p.peekTag() === 0x02) declaredKeyLength = p.smallInteger('keyLength', 1024);
  let prf = sha1;
  if (p.remaining > 0) {
    const prfAlg = p.sequence('prf');
    const prfOid = prfAlg.oid('prf');
    const hash = PRFS.get(prfOid);
    if (hash === undefined) unsupported(`PBKDF2 PRF ${prfOid}`);
    if (prfAlg.peekTag() === DER_NULL) prfAlg.null('prf parameters');
    prfAlg.end('prf');
    prf = hash;
  }
  p.end('PBKDF2-params');

  const enc = pbes2.sequence('encryptionScheme');
  pbes2.end('PBES2-params');
  const encOid = enc.oid('encryptionScheme');
  const keyLength = AES_CBC.get(encOid);
  // e.g. des-ede3-cbc (1.2.840.113549.3.7): noble has no DES.
  if (keyLength === undefined) unsupported(`cipher ${encOid} (only AES-CBC)`);
  const iv = enc.octetString('IV', 16);
  enc.end('encryptionScheme');
  if (iv.length !== 16) throw new KeyFormatError(FORMAT, 'AES-CBC IV must be 16 bytes');
  if (declaredKeyLength !== undefined && declaredKeyLength !== keyLength) {
    throw new KeyFormatError(FORMAT, 'PBKDF2 keyLength does not match the cipher');
  }
  return { params: { salt, iterations, prf, keyLength, iv }, encryptedData };
}

/**
 * Decrypts an EncryptedPrivateKeyInfo and returns the inner PrivateKeyInfo DER, or undefined when
 * the CBC padding is wrong (a wrong passphrase; the caller also treats a DER failure of the result
 * as one). Throws KeyFormatError for an unsupported or malformed scheme (checked before asking for
 * the passphrase) and PassphraseRequiredError when `passphrase` is undefined.
 */
export function decryptPkcs8(der: Uint8Array, passphrase: Uint8Array | undefined): Uint8Array | undefined {
  const { params, encryptedData } = readParams(der);
  if (encryptedData.length === 0 || encryptedData.length % 16 !== 0) {
    throw new KeyFormatError(FORMAT, 'encryptedData is not a whole number of AES blocks');
  }
  if (passphrase === undefined) throw new PassphraseRequiredError(FORMAT);
  const key = pbkdf2(params.prf, passphrase, params.salt, { c: params.iterations, dkLen: params.keyLength });
  try {
    return cbc(key, params.iv).decrypt(encryptedData);
  } catch {
    return undefined;
  }
}

export interface Pbes2Options {
  /** PBKDF2 iteration count; default DEFAULT_PBKDF2_ITERATIONS (100,000). */
  readonly iterations?: number;
}

/**
 * EncryptedPrivateKeyInfo of a PrivateKeyInfo: PBES2 with PBKDF2-HMAC-SHA-256 (16-byte random
 * salt) and AES-256-CBC (random IV), as `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`.
 */
export function encryptPkcs8(
  der: Uint8Array,
  passphrase: Uint8Array,
  options: Pbes2Options = {},
): Uint8Array {
  const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(`iterations must be 1..${MAX_PBKDF2_ITERATIONS}`);
  }
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2(sha256, passphrase, salt, { c: iterations, dkLen: 32 });
  const encryptedData = cbc(key, iv).encrypt(der);
  return derSequence(
    derSequence(
      derOid(OID_PBES2),
      derSequence(
        derSequence(
          derOid(OID_PBKDF2),
          // keyLength is optional and OpenSSL leaves it out for AES (fixed key length).
          derSequence(
            derOctetString(salt),
            derInteger(iterations),
            derSequence(derOid(OID_HMAC_WITH_SHA256), derNull()),
          ),
        ),
        derSequence(derOid(OID_AES256_CBC), derOctetString(iv)),
      ),
    ),
    derOctetString(encryptedData),
  );
}
