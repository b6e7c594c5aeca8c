// A plain (non-certificate) public key: an RFC 4253 §6.6 blob decoded through the key-type
// registry. Certificates (certificate-key.ts) wrap one of these as their certified key.
import { MalformedMessageError, SSHReader } from '@sshts/wire';
import { base64Encode } from './base64.js';
import { bytesEqual } from './bytes-equal.js';
import { UnsupportedKeyTypeError } from './errors.js';
import { type FingerprintHash, fingerprintBlob } from './fingerprint.js';
import type { KeyType, VerifyingKey } from './key-type.js';
import { MAX_ALGORITHM_NAME_BYTES, MAX_PUBLIC_KEY_BLOB_BYTES } from './limits.js';
import type { PublicKey } from './public-key.js';
import { parseSignatureBlob, type SignatureBlob } from './signature-blob.js';

class SSHPublicKey implements PublicKey {
  readonly type: string;
  readonly blob: Uint8Array;
  readonly bits: number;
  readonly comment: string;
  readonly signatureAlgorithms: readonly string[];
  readonly #key: VerifyingKey;

  constructor(keyType: KeyType, blob: Uint8Array, key: VerifyingKey, comment: string) {
    this.type = keyType.name;
    this.blob = blob;
    this.bits = key.bits;
    this.comment = comment;
    this.signatureAlgorithms = keyType.signatureAlgorithms;
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
    return bytesEqual(this.blob, other.blob);
  }
}

/** The type name for messages: printable ASCII as is, anything else as \xNN escapes. */
export function displayName(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes)
    out += b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** Reads the `string type` that starts every key blob, for messages and dispatch. */
export function readKeyTypeName(reader: SSHReader): string {
  return displayName(reader.string('public key type', MAX_ALGORITHM_NAME_BYTES));
}

/**
 * Decodes a plain key blob (no certificate types) whose type `findKeyType` knows. Throws
 * MalformedMessageError for a bad encoding and UnsupportedKeyTypeError for a type it does not
 * know. The caller bounds the size. The lookup is a parameter so that this module names no key
 * type: a bundle that decodes only the types it passes leaves the others out.
 */
export function decodePlainPublicKey(
  blob: Uint8Array,
  comment: string,
  findKeyType: (name: string) => KeyType | undefined,
): PublicKey {
  const reader = new SSHReader(blob);
  const name = readKeyTypeName(reader);
  const keyType = findKeyType(name);
  if (keyType === undefined) throw new UnsupportedKeyTypeError(name);
  const key = keyType.decodePublicKey(reader);
  reader.end('public key');
  return new SSHPublicKey(keyType, blob.slice(), key, comment);
}

/**
 * The plain key of `keyType` whose fields (everything after the type name) are `fields`, already
 * decoded as `key`: the certified key inside a certificate (PROTOCOL.certkeys), whose plain blob is
 * `string type ‖ fields`.
 */
export function plainPublicKeyFromFields(keyType: KeyType, fields: Uint8Array, key: VerifyingKey): PublicKey {
  const name = new TextEncoder().encode(keyType.name);
  const blob = new Uint8Array(4 + name.length + fields.length);
  new DataView(blob.buffer).setUint32(0, name.length);
  blob.set(name, 4);
  blob.set(fields, 4 + name.length);
  return new SSHPublicKey(keyType, blob, key, '');
}

/**
 * parsePublicKeyBlob restricted to `keyTypes` (e.g. `[ed25519KeyType]`): decodes a plain key blob
 * of one of those types; any other type, certificates included, is UnsupportedKeyTypeError. Unlike
 * parsePublicKeyBlob it names no key type itself, so a bundle that uses only this function carries
 * only the key types passed to it.
 */
export function decodePublicKeyBlob(blob: Uint8Array, keyTypes: readonly KeyType[]): PublicKey {
  if (!(blob instanceof Uint8Array)) throw new TypeError('public key blob must be a Uint8Array');
  if (blob.length > MAX_PUBLIC_KEY_BLOB_BYTES) {
    throw new MalformedMessageError(
      'public key',
      `blob of ${blob.length} bytes exceeds ${MAX_PUBLIC_KEY_BLOB_BYTES}`,
    );
  }
  return decodePlainPublicKey(blob, '', (name) => keyTypes.find((t) => t.name === name));
}
