// A public key as SSH exchanges it: the RFC 4253 §6.6 blob (`string type, ...type-specific
// fields`), decoded through the key-type registry, plus the OpenSSH one-line text form
// (`<type> <base64 blob> [comment]`, OpenSSH PROTOCOL §5.1 / sshkey_read).
import { MalformedMessageError, SSHReader } from '@sshts/wire';
import { base64Decode, base64Encode } from './base64.js';
import { UnsupportedKeyTypeError } from './errors.js';
import { type FingerprintHash, fingerprintBlob } from './fingerprint.js';
import type { VerifyingKey } from './key-type.js';
import { MAX_ALGORITHM_NAME_BYTES, MAX_PUBLIC_KEY_BLOB_BYTES } from './limits.js';
import { findKeyType } from './registry.js';
import { parseSignatureBlob, type SignatureBlob } from './signature-blob.js';

export interface PublicKey {
  /** Blob type: 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'ssh-rsa'. */
  readonly type: string;
  /** The RFC 4253 §6.6 encoding (a private copy). */
  readonly blob: Uint8Array;
  /** 256 for Ed25519, the curve size for ECDSA, the modulus size for RSA. */
  readonly bits: number;
  /** '' unless parsed from a line with a comment. */
  readonly comment: string;
  /** Signature algorithms this key can verify: ssh-rsa → rsa-sha2-512, rsa-sha2-256, ssh-rsa; others → [type]. */
  readonly signatureAlgorithms: readonly string[];
  /**
   * Verifies an SSH signature blob (`string algorithm, string signature`) over `data`. When given,
   * `algorithm` is the negotiated or requested signature algorithm and the blob's algorithm name must
   * equal it (protocol-checklist §3.4). Returns false for any bad, malformed or mismatched
   * signature; throws only TypeError when the arguments are not Uint8Arrays.
   */
  verify(data: Uint8Array, signatureBlob: Uint8Array, algorithm?: string): boolean;
  /** 'SHA256:<base64 without padding>' (default) or 'MD5:aa:bb:…', as `ssh-keygen -l` prints. */
  fingerprint(hash?: FingerprintHash): string;
  /** OpenSSH one-line form: '<type> <base64>[ <comment>]'. */
  toString(): string;
  /** True when both keys have the same blob (comments are ignored). */
  equals(other: PublicKey): boolean;
}

class SSHPublicKey implements PublicKey {
  readonly type: string;
  readonly blob: Uint8Array;
  readonly bits: number;
  readonly comment: string;
  readonly signatureAlgorithms: readonly string[];
  readonly #key: VerifyingKey;

  constructor(
    type: string,
    blob: Uint8Array,
    key: VerifyingKey,
    signatureAlgorithms: readonly string[],
    comment: string,
  ) {
    this.type = type;
    this.blob = blob;
    this.bits = key.bits;
    this.comment = comment;
    this.signatureAlgorithms = signatureAlgorithms;
    this.#key = key;
  }

  verify(data: Uint8Array, signatureBlob: Uint8Array, algorithm?: string): boolean {
    if (!(data instanceof Uint8Array) || !(signatureBlob instanceof Uint8Array)) {
      throw new TypeError('verify expects Uint8Array data and signature blob');
    }
    let parsed: SignatureBlob;
    try {
      parsed = parseSignatureBlob(signatureBlob);
    } catch (e) {
      if (e instanceof MalformedMessageError) return false;
      throw e;
    }
    // The negotiated algorithm must be the one used (Go CVE-2022-27191 class; RFC 8332 §3), and it
    // must belong to this key type (e.g. rsa-sha2-256 with an Ed25519 key is never valid).
    if (algorithm !== undefined && parsed.algorithm !== algorithm) return false;
    if (!this.signatureAlgorithms.includes(parsed.algorithm)) return false;
    return this.#key.verify(parsed.algorithm, parsed.signature, data);
  }

  fingerprint(hash: FingerprintHash = 'sha256'): string {
    return fingerprintBlob(this.blob, hash);
  }

  toString(): string {
    const line = `${this.type} ${base64Encode(this.blob)}`;
    return this.comment === '' ? line : `${line} ${this.comment}`;
  }

  equals(other: PublicKey): boolean {
    const a = this.blob;
    const b = other.blob;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
}

/** The type name for messages: printable ASCII as is, anything else as \xNN escapes. */
function displayName(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes)
    out += b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

function decodeBlob(blob: Uint8Array, comment: string): PublicKey {
  if (!(blob instanceof Uint8Array)) throw new TypeError('public key blob must be a Uint8Array');
  if (blob.length > MAX_PUBLIC_KEY_BLOB_BYTES) {
    throw new MalformedMessageError(
      'public key',
      `blob of ${blob.length} bytes exceeds ${MAX_PUBLIC_KEY_BLOB_BYTES}`,
    );
  }
  const reader = new SSHReader(blob);
  const name = displayName(reader.string('public key type', MAX_ALGORITHM_NAME_BYTES));
  const keyType = findKeyType(name);
  if (keyType === undefined) throw new UnsupportedKeyTypeError(name);
  const key = keyType.decodePublicKey(reader);
  reader.end('public key');
  return new SSHPublicKey(keyType.name, blob.slice(), key, keyType.signatureAlgorithms, comment);
}

/**
 * Decodes an RFC 4253 §6.6 public key blob (e.g. K_S from a key exchange reply). Throws
 * MalformedMessageError for a bad encoding (truncated, trailing bytes, over-long or invalid field,
 * key that fails validation) and UnsupportedKeyTypeError for a type we don't implement.
 */
export function parsePublicKeyBlob(blob: Uint8Array): PublicKey {
  return decodeBlob(blob, '');
}

/** Longest base64 text of a blob of MAX_PUBLIC_KEY_BLOB_BYTES, checked before decoding. */
const MAX_BASE64_LENGTH = Math.ceil(MAX_PUBLIC_KEY_BLOB_BYTES / 3) * 4;

/**
 * Parses one OpenSSH public key line, `<type> <base64 blob> [comment]` (as in `id_ed25519.pub`).
 * The type in the text must equal the blob's type (OpenSSH sshkey_read: SSH_ERR_KEY_TYPE_MISMATCH).
 * Leading and trailing whitespace is ignored; the comment is the rest of the line.
 */
export function parsePublicKey(text: string): PublicKey {
  if (typeof text !== 'string') throw new TypeError('public key text must be a string');
  const line = text.trim();
  if (/[\r\n]/.test(line)) throw new MalformedMessageError('public key line', 'more than one line');
  const match = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (match === null)
    throw new MalformedMessageError('public key line', 'expected "<type> <base64> [comment]"');
  const [, type = '', data = '', comment = ''] = match;
  if (findKeyType(type) === undefined)
    throw new UnsupportedKeyTypeError(displayName(new TextEncoder().encode(type)));
  if (data.length > MAX_BASE64_LENGTH) {
    throw new MalformedMessageError('public key base64', `longer than ${MAX_BASE64_LENGTH} characters`);
  }
  const key = decodeBlob(base64Decode(data, 'public key base64'), comment.trim());
  if (key.type !== type) {
    throw new MalformedMessageError(
      'public key line',
      `type ${type} does not match the blob's type ${key.type}`,
    );
  }
  return key;
}
