// Decoding of OpenSSH certificate key blobs (PROTOCOL.certkeys "New public key formats"; sshkey.c
// cert_parse) into a PublicKey whose `certificate` member holds the fields:
//   string "<type>-cert-v01@openssh.com", string nonce, <the plain key's fields>, uint64 serial,
//   uint32 type, string key id, string valid principals, uint64 valid after, uint64 valid before,
//   string critical options, string extensions, string reserved, string signature key,
//   string signature
// The CA signature is NOT checked here (OpenSSH's cert_parse does): verifySignature()/check() do,
// so a certificate with a bad signature can still be inspected.
import { MalformedMessageError, SSHReader } from '@sshts/wire';
import { base64Encode } from './base64.js';
import { bytesEqual } from './bytes-equal.js';
import type {
  Certificate,
  CertificateCheckOptions,
  CertificateType,
  CertificateVerifyOptions,
} from './certificate.js';
import { MAX_CERTIFICATE_PRINCIPALS } from './certificate.js';
import {
  certificateSignatureAlgorithm,
  isCertificateAlgorithm,
  plainSignatureAlgorithm,
} from './certificate-algorithms.js';
import { checkCertificate, optionString, verifyCertificateSignature } from './certificate-check.js';
import type { FingerprintHash } from './fingerprint.js';
import type { KeyType } from './key-type.js';
import { decodePlainPublicKey, plainPublicKeyFromFields, readKeyTypeName } from './plain-public-key.js';
import type { PublicKey } from './public-key.js';
import { findKeyType } from './registry.js';

const CERT_TYPES: ReadonlyMap<number, CertificateType> = new Map([
  [1, 'user'],
  [2, 'host'],
]);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** sshbuf_get_cstring: a string with no NUL inside; we also require UTF-8 to hand out JS strings. */
function readCString(reader: SSHReader, field: string): string {
  const bytes = reader.string(field);
  if (bytes.includes(0)) throw new MalformedMessageError(field, 'contains a NUL byte');
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new MalformedMessageError(field, 'invalid UTF-8', { cause });
  }
}

function readPrincipals(packed: Uint8Array): string[] {
  const reader = new SSHReader(packed);
  const out: string[] = [];
  while (reader.remaining > 0) {
    if (out.length >= MAX_CERTIFICATE_PRINCIPALS) {
      throw new MalformedMessageError('certificate principals', `more than ${MAX_CERTIFICATE_PRINCIPALS}`);
    }
    out.push(readCString(reader, 'certificate principal'));
  }
  return out;
}

/**
 * Critical options or extensions: a sequence of `string name, string data` (PROTOCOL.certkeys).
 * A repeated name is refused (PROTOCOL.certkeys: "Each named option may only appear once"), so the
 * map is unambiguous; the lexical order the spec asks for is not enforced, as OpenSSH does not.
 */
function readOptions(packed: Uint8Array, field: string): ReadonlyMap<string, Uint8Array> {
  const reader = new SSHReader(packed);
  const out = new Map<string, Uint8Array>();
  while (reader.remaining > 0) {
    const name = readCString(reader, `${field} name`);
    const data = reader.string(`${field} data`).slice();
    if (out.has(name)) throw new MalformedMessageError(field, `"${name}" appears twice`);
    out.set(name, data);
  }
  return out;
}

class OpenSSHCertificate implements Certificate {
  readonly nonce: Uint8Array;
  readonly key: PublicKey;
  readonly serial: bigint;
  readonly certType: CertificateType;
  readonly keyId: string;
  readonly principals: readonly string[];
  readonly validAfter: bigint;
  readonly validBefore: bigint;
  readonly criticalOptions: ReadonlyMap<string, Uint8Array>;
  readonly extensions: ReadonlyMap<string, Uint8Array>;
  readonly reserved: Uint8Array;
  readonly signatureKey: PublicKey;
  readonly signature: Uint8Array;
  readonly signedData: Uint8Array;

  constructor(fields: Omit<Certificate, 'verifySignature' | 'check' | 'forceCommand' | 'sourceAddresses'>) {
    this.nonce = fields.nonce;
    this.key = fields.key;
    this.serial = fields.serial;
    this.certType = fields.certType;
    this.keyId = fields.keyId;
    this.principals = Object.freeze([...fields.principals]);
    this.validAfter = fields.validAfter;
    this.validBefore = fields.validBefore;
    this.criticalOptions = fields.criticalOptions;
    this.extensions = fields.extensions;
    this.reserved = fields.reserved;
    this.signatureKey = fields.signatureKey;
    this.signature = fields.signature;
    this.signedData = fields.signedData;
  }

  get forceCommand(): string | undefined {
    const data = this.criticalOptions.get('force-command');
    return data === undefined ? undefined : optionString(data);
  }

  get sourceAddresses(): readonly string[] | undefined {
    const data = this.criticalOptions.get('source-address');
    return data === undefined ? undefined : optionString(data)?.split(',');
  }

  verifySignature(options?: CertificateVerifyOptions): boolean {
    return verifyCertificateSignature(this, options?.allowedAlgorithms) === undefined;
  }

  check(options: CertificateCheckOptions): void {
    checkCertificate(this, options);
  }
}

class CertificatePublicKey implements PublicKey {
  readonly type: string;
  readonly blob: Uint8Array;
  readonly bits: number;
  readonly comment: string;
  readonly signatureAlgorithms: readonly string[];
  readonly certificate: Certificate;

  constructor(type: string, blob: Uint8Array, certificate: Certificate, comment: string) {
    this.type = type;
    this.blob = blob;
    this.bits = certificate.key.bits;
    this.comment = comment;
    this.certificate = certificate;
    this.signatureAlgorithms = Object.freeze(
      certificate.key.signatureAlgorithms.map((a) => certificateSignatureAlgorithm(a) ?? a),
    );
  }

  /**
   * The certified key verifies; `algorithm` may be the certificate algorithm
   * (`rsa-sha2-512-cert-v01@openssh.com`) or the plain one (`rsa-sha2-512`), and the signature blob
   * names the plain one (PROTOCOL.certkeys).
   */
  verify(data: Uint8Array, signatureBlob: Uint8Array, algorithm?: string): boolean {
    if (!(data instanceof Uint8Array) || !(signatureBlob instanceof Uint8Array)) {
      throw new TypeError('verify expects Uint8Array data and signature blob');
    }
    let plain: string | undefined;
    if (algorithm !== undefined) {
      if (isCertificateAlgorithm(algorithm) && !this.signatureAlgorithms.includes(algorithm)) return false;
      plain = plainSignatureAlgorithm(algorithm);
      if (plain === undefined) return false;
    }
    return this.certificate.key.verify(data, signatureBlob, plain);
  }

  /** As `ssh-keygen -l`: a certificate's fingerprint is its certified key's (sshkey_fingerprint_raw). */
  fingerprint(hash: FingerprintHash = 'sha256'): string {
    return this.certificate.key.fingerprint(hash);
  }

  toString(): string {
    const line = `${this.type} ${base64Encode(this.blob)}`;
    return this.comment === '' ? line : `${line} ${this.comment}`;
  }

  equals(other: PublicKey): boolean {
    return bytesEqual(this.blob, other.blob);
  }
}

function readSignatureKey(caBlob: Uint8Array): PublicKey {
  const name = readKeyTypeName(new SSHReader(caBlob));
  // PROTOCOL.certkeys: "Chained" certificates, where the signature key type is a certificate type
  // itself, are NOT supported (sshkey.c sshkey_type_is_valid_ca).
  if (isCertificateAlgorithm(name)) {
    throw new MalformedMessageError('certificate signature key', 'a certificate cannot be a CA key');
  }
  return decodePlainPublicKey(caBlob, '', findKeyType);
}

/**
 * Decodes a certificate blob of blob type `type` whose certified key is of `keyType`; `reader` is
 * just past the type name. The caller bounds the blob size. Throws MalformedMessageError for any
 * bad field and UnsupportedKeyTypeError for a CA key type we don't implement.
 */
export function decodeCertificateKey(
  blob: Uint8Array,
  reader: SSHReader,
  type: string,
  keyType: KeyType,
  comment: string,
): PublicKey {
  const copy = blob.slice();
  const r = new SSHReader(copy, reader.position);
  const nonce = r.string('certificate nonce').slice();
  const keyStart = r.position;
  const verifying = keyType.decodePublicKey(r);
  const key = plainPublicKeyFromFields(keyType, copy.subarray(keyStart, r.position), verifying);
  const serial = r.uint64('certificate serial');
  const typeNumber = r.uint32('certificate type');
  const keyId = readCString(r, 'certificate key id');
  const principals = readPrincipals(r.string('certificate valid principals'));
  const validAfter = r.uint64('certificate valid after');
  const validBefore = r.uint64('certificate valid before');
  const criticalOptions = readOptions(
    r.string('certificate critical options'),
    'certificate critical option',
  );
  const extensions = readOptions(r.string('certificate extensions'), 'certificate extension');
  const reserved = r.string('certificate reserved').slice();
  const signatureKey = readSignatureKey(r.string('certificate signature key'));
  const signedData = copy.slice(0, r.position);
  const signature = r.string('certificate signature').slice();
  r.end('certificate');
  const certType = CERT_TYPES.get(typeNumber);
  if (certType === undefined) {
    throw new MalformedMessageError('certificate type', `unknown certificate type ${typeNumber}`);
  }
  const certificate = new OpenSSHCertificate({
    nonce,
    key,
    serial,
    certType,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    extensions,
    reserved,
    signatureKey,
    signature,
    signedData,
  });
  return new CertificatePublicKey(type, copy, certificate, comment);
}
