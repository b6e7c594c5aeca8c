// A public key as SSH exchanges it: the RFC 4253 §6.6 blob (`string type, ...type-specific
// fields`), decoded through the key-type registry, plus the OpenSSH one-line text form
// (`<type> <base64 blob> [comment]`, OpenSSH PROTOCOL §5.1 / sshkey_read). OpenSSH certificates
// (PROTOCOL.certkeys, `*-cert-v01@openssh.com`) decode to a PublicKey with a `certificate` member.
import { MalformedMessageError, SSHReader } from '@sshts/wire';
import { base64Decode } from './base64.js';
import type { Certificate } from './certificate.js';
import { decodeCertificateKey } from './certificate-key.js';
import { UnsupportedKeyTypeError } from './errors.js';
import type { FingerprintHash } from './fingerprint.js';
import { MAX_PUBLIC_KEY_BLOB_BYTES } from './limits.js';
import { decodePlainPublicKey, displayName, readKeyTypeName } from './plain-public-key.js';
import { findCertificateKeyType, findKeyType } from './registry.js';

export interface PublicKey {
  /**
   * Blob type: 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' |
   * 'ssh-rsa', or one of those with '-cert-v01@openssh.com' for a certificate.
   */
  readonly type: string;
  /** The RFC 4253 §6.6 encoding (a private copy). */
  readonly blob: Uint8Array;
  /** 256 for Ed25519, the curve size for ECDSA, the modulus size for RSA. */
  readonly bits: number;
  /** '' unless parsed from a line with a comment. */
  readonly comment: string;
  /**
   * Signature algorithms this key can verify: ssh-rsa → rsa-sha2-512, rsa-sha2-256, ssh-rsa; others →
   * [type]. A certificate lists the certificate algorithms (rsa-sha2-512-cert-v01@openssh.com, …).
   */
  readonly signatureAlgorithms: readonly string[];
  /**
   * Verifies an SSH signature blob (`string algorithm, string signature`) over `data`. When given,
   * `algorithm` is the negotiated or requested signature algorithm and the blob's algorithm name must
   * equal it (protocol-checklist §3.4). Returns false for any bad, malformed or mismatched
   * signature; throws only TypeError when the arguments are not Uint8Arrays. A certificate verifies
   * with its certified key and accepts `algorithm` as the certificate or the plain algorithm name.
   */
  verify(data: Uint8Array, signatureBlob: Uint8Array, algorithm?: string): boolean;
  /**
   * 'SHA256:<base64 without padding>' (default) or 'MD5:aa:bb:…', as `ssh-keygen -l` prints (for a
   * certificate: its certified key's fingerprint).
   */
  fingerprint(hash?: FingerprintHash): string;
  /** OpenSSH one-line form: '<type> <base64>[ <comment>]'. */
  toString(): string;
  /** True when both keys have the same blob (comments are ignored). */
  equals(other: PublicKey): boolean;
  /** Present for an OpenSSH certificate (PROTOCOL.certkeys): its fields and checks. */
  readonly certificate?: Certificate;
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
  const name = readKeyTypeName(reader);
  const certified = findCertificateKeyType(name);
  if (certified !== undefined) return decodeCertificateKey(blob, reader, name, certified, comment);
  return decodePlainPublicKey(blob, comment, findKeyType);
}

/**
 * Decodes an RFC 4253 §6.6 public key blob (e.g. K_S from a key exchange reply) or an OpenSSH
 * certificate blob. Throws MalformedMessageError for a bad encoding (truncated, trailing bytes,
 * over-long or invalid field, key that fails validation, a certificate signed by a certificate) and
 * UnsupportedKeyTypeError for a type we don't implement. A certificate's CA signature is not
 * checked here: see `certificate.verifySignature()` and `certificate.check()`.
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
  if (findKeyType(type) === undefined && findCertificateKeyType(type) === undefined)
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
