// SSH signatures of arbitrary data, as `ssh-keygen -Y sign` / `-Y verify` make and check them
// (OpenSSH PROTOCOL.sshsig; sshsig.c). The signed data is
//   "SSHSIG" ‖ string namespace ‖ string reserved ‖ string hash_algorithm ‖ string H(message)
// and the armoured blob (`-----BEGIN SSH SIGNATURE-----`) is
//   "SSHSIG" ‖ uint32 version (1) ‖ string publickey ‖ string namespace ‖ string reserved ‖
//   string hash_algorithm ‖ string signature
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import { decodeArmor, encodeArmor } from './armor.js';
import { KeyFormatError } from './errors.js';
import { MAX_PUBLIC_KEY_BLOB_BYTES } from './limits.js';
import type { PrivateKey, Signer } from './private-key.js';
import { bytesEqual } from './private-key-encoding.js';
import { type PublicKey, parsePublicKeyBlob } from './public-key.js';

const FORMAT = 'sshsig';
const LABEL = 'SSH SIGNATURE';
const MAGIC = new TextEncoder().encode('SSHSIG');
const VERSION = 1;
/** Longest namespace or hash name accepted when reading (OpenSSH does not bound them; we must). */
const MAX_NAME_BYTES = 1024;
/** Longest armoured signature text accepted: ample for a 16384-bit RSA key and signature. */
const MAX_ARMORED_LENGTH = 64 * 1024;

export type SshsigHash = 'sha512' | 'sha256';

/** HASHALG_ALLOWED of sshsig.c; sha512 is HASHALG_DEFAULT. */
const HASHES: ReadonlyMap<string, (data: Uint8Array) => Uint8Array> = new Map<
  string,
  (data: Uint8Array) => Uint8Array
>([
  ['sha512', sha512],
  ['sha256', sha256],
]);

/**
 * sshsig.c RSA_SIGN_ALG / RSA_SIGN_ALLOWED: RSA keys sign with rsa-sha2-512, and SHA-1 `ssh-rsa`
 * signatures are not accepted.
 */
const RSA_SIGN_ALGORITHM = 'rsa-sha2-512';
const RSA_ALLOWED = new Set(['rsa-sha2-512', 'rsa-sha2-256']);

export interface SshsigOptions {
  /** Hash of the message (default sha512, as ssh-keygen). */
  readonly hash?: SshsigHash;
}

export interface SshsigVerification {
  /**
   * The key the signature claims to be from. `valid` only says this key signed; the caller must
   * still decide whether it trusts the key (ssh-keygen checks an allowed_signers file).
   */
  readonly publicKey: PublicKey;
  readonly valid: boolean;
}

const utf8 = new TextEncoder();
const toBytes = (message: Uint8Array | string): Uint8Array =>
  typeof message === 'string' ? utf8.encode(message) : message;

/** The bytes that are signed (sshsig_wrap_sign's `tosign`). */
function signedData(namespace: string, hashName: string, digest: Uint8Array): Uint8Array {
  return new SSHWriter()
    .raw(MAGIC)
    .string(namespace)
    .string(new Uint8Array(0)) // reserved
    .string(hashName)
    .string(digest)
    .finish()
    .slice();
}

function prepare(signer: Signer, namespace: string, message: Uint8Array | string, options: SshsigOptions) {
  if (typeof namespace !== 'string' || namespace === '')
    throw new TypeError('namespace must be a non-empty string');
  const hashName = options.hash ?? 'sha512';
  const hash = HASHES.get(hashName);
  if (hash === undefined) throw new TypeError(`unsupported SSHSIG hash ${String(hashName)}`);
  const tosign = signedData(namespace, hashName, hash(toBytes(message)));
  const algorithm = signer.publicKey.type === 'ssh-rsa' ? RSA_SIGN_ALGORITHM : undefined;
  const armor = (signature: Uint8Array): string =>
    encodeArmor(
      LABEL,
      new SSHWriter()
        .raw(MAGIC)
        .uint32(VERSION)
        .string(signer.publicKey.blob)
        .string(namespace)
        .string(new Uint8Array(0))
        .string(hashName)
        .string(signature)
        .finish(),
    );
  return { tosign, algorithm, armor };
}

/** Signs `message` in `namespace` (e.g. "file", "git") — `ssh-keygen -Y sign -n namespace`. */
export function sshsigSign(
  signer: Pick<PrivateKey, 'publicKey' | 'sign'>,
  namespace: string,
  message: Uint8Array | string,
  options: SshsigOptions = {},
): string {
  const { tosign, algorithm, armor } = prepare(signer, namespace, message, options);
  return armor(signer.sign(tosign, algorithm));
}

/** As sshsigSign, for signers that sign asynchronously (an SSH agent). */
export async function sshsigSignAsync(
  signer: Signer,
  namespace: string,
  message: Uint8Array | string,
  options: SshsigOptions = {},
): Promise<string> {
  const { tosign, algorithm, armor } = prepare(signer, namespace, message, options);
  return armor(await signer.sign(tosign, algorithm));
}

interface ParsedSignature {
  readonly publicKey: PublicKey;
  readonly namespace: Uint8Array;
  readonly hashName: string;
  readonly signature: Uint8Array;
}

function parseSignature(armored: string): ParsedSignature {
  if (typeof armored !== 'string') throw new TypeError('signature must be a string');
  if (armored.length > MAX_ARMORED_LENGTH) throw new KeyFormatError(FORMAT, 'signature text too long');
  const blob = decodeArmor(armored, LABEL, FORMAT);
  try {
    if (blob.length < MAGIC.length || !bytesEqual(blob.subarray(0, MAGIC.length), MAGIC)) {
      throw new KeyFormatError(FORMAT, 'missing "SSHSIG" magic');
    }
    const reader = new SSHReader(blob, MAGIC.length);
    const version = reader.uint32('version');
    if (version !== VERSION) throw new KeyFormatError(FORMAT, `unsupported version ${version}`);
    const publicKey = parsePublicKeyBlob(reader.string('publickey', MAX_PUBLIC_KEY_BLOB_BYTES));
    const namespace = reader.string('namespace', MAX_NAME_BYTES);
    reader.string('reserved', MAX_NAME_BYTES);
    const hashName = reader.utf8('hash_algorithm', MAX_NAME_BYTES);
    const signature = reader.string('signature');
    reader.end('SSHSIG blob');
    if (!HASHES.has(hashName)) throw new KeyFormatError(FORMAT, `unsupported hash algorithm "${hashName}"`);
    return { publicKey, namespace, hashName, signature };
  } catch (e) {
    if (e instanceof MalformedMessageError) throw new KeyFormatError(FORMAT, e.message);
    throw e;
  }
}

/**
 * Checks an armoured SSH signature over `message` in `namespace` (`ssh-keygen -Y verify`, without
 * the allowed_signers lookup). Returns the signer's public key and whether the signature is valid
 * for it; a different namespace or an RSA SHA-1 signature is invalid. Throws KeyFormatError for a
 * malformed signature or an unsupported hash, UnsupportedKeyTypeError for an unknown key type.
 */
export function sshsigVerify(
  armored: string,
  namespace: string,
  message: Uint8Array | string,
): SshsigVerification {
  const parsed = parseSignature(armored);
  const { publicKey, hashName, signature } = parsed;
  const hash = HASHES.get(hashName)!;
  if (!bytesEqual(parsed.namespace, utf8.encode(namespace))) return { publicKey, valid: false };
  if (publicKey.type === 'ssh-rsa') {
    let algorithm: string;
    try {
      algorithm = new SSHReader(signature).utf8('signature algorithm', 64);
    } catch {
      return { publicKey, valid: false };
    }
    if (!RSA_ALLOWED.has(algorithm)) return { publicKey, valid: false };
  }
  const tosign = signedData(namespace, hashName, hash(toBytes(message)));
  return { publicKey, valid: publicKey.verify(tosign, signature) };
}
