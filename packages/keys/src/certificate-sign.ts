// Issuing and using OpenSSH certificates (PROTOCOL.certkeys; sshkey.c sshkey_certify_custom, as
// `ssh-keygen -s` does): signCertificate builds and signs a certificate blob with a CA Signer, and
// certifiedSigner signs with a private key on behalf of its certificate.
import { SSHReader, SSHWriter } from '@sshts/wire';
import {
  CERTIFICATE_VALID_FOREVER,
  type CertificateType,
  MAX_CERTIFICATE_PRINCIPALS,
} from './certificate.js';
import { isCertificateAlgorithm, plainSignatureAlgorithm } from './certificate-algorithms.js';
import type { Signer } from './private-key.js';
import { type PublicKey, parsePublicKey, parsePublicKeyBlob } from './public-key.js';
import { randomBytes } from './random.js';

/**
 * A critical option's or extension's data: a string is encoded as an SSH `string` (force-command,
 * source-address, and `ssh-keygen -O critical:name=contents`); bytes are used as is; `true` is an
 * empty field (a flag such as permit-pty).
 */
export type CertificateOptionValue = string | Uint8Array | true;
export type CertificateOptionInput =
  | ReadonlyMap<string, CertificateOptionValue>
  | Readonly<Record<string, CertificateOptionValue>>;

export interface CertificateOptions {
  /** The plain key to certify. */
  readonly key: PublicKey;
  readonly certType: CertificateType;
  /** `ssh-keygen -I`; default ''. */
  readonly keyId?: string;
  /** User or host names; default [] (any principal). */
  readonly principals?: readonly string[];
  /** Seconds since the epoch; default 0 (always). */
  readonly validAfter?: number | bigint;
  /** Seconds since the epoch; default CERTIFICATE_VALID_FOREVER. */
  readonly validBefore?: number | bigint;
  /** Default 0. */
  readonly serial?: number | bigint;
  /** Default 32 random bytes, as ssh-keygen. */
  readonly nonce?: Uint8Array;
  /** Default none. */
  readonly criticalOptions?: CertificateOptionInput;
  /**
   * Default as `ssh-keygen -s`: for user certificates permit-X11-forwarding,
   * permit-agent-forwarding, permit-port-forwarding, permit-pty and permit-user-rc; none for host.
   */
  readonly extensions?: CertificateOptionInput;
  /**
   * The CA's signature algorithm; default rsa-sha2-512 for an RSA CA (as ssh-keygen 9.2) and the
   * key type's algorithm otherwise.
   */
  readonly signatureAlgorithm?: string;
  /** The comment of the returned PublicKey. */
  readonly comment?: string;
}

const DEFAULT_USER_EXTENSIONS: readonly string[] = [
  'permit-X11-forwarding',
  'permit-agent-forwarding',
  'permit-port-forwarding',
  'permit-pty',
  'permit-user-rc',
];

const encoder = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function checkName(text: string, what: string): void {
  if (typeof text !== 'string' || text.includes('\0'))
    throw new TypeError(`${what} must be a string without NUL`);
}

/** `string name, string data` pairs, lexically ordered by name (PROTOCOL.certkeys "Critical options"). */
function encodeOptions(input: CertificateOptionInput | undefined, what: string): Uint8Array {
  const entries = input === undefined ? [] : input instanceof Map ? [...input] : Object.entries(input);
  const encoded = entries.map(([name, value]: [string, CertificateOptionValue]) => {
    checkName(name, `${what} name`);
    let data: Uint8Array;
    if (value === true) data = new Uint8Array(0);
    else if (typeof value === 'string') data = new SSHWriter().string(value).finish().slice();
    else if (value instanceof Uint8Array) data = value;
    else throw new TypeError(`${what} "${name}": value must be a string, Uint8Array or true`);
    return { name: encoder.encode(name), data };
  });
  encoded.sort((a, b) => compareBytes(a.name, b.name));
  const w = new SSHWriter();
  for (const { name, data } of encoded) w.string(name).string(data);
  return w.finish().slice();
}

function uint64Option(value: number | bigint | undefined, fallback: bigint, what: string): bigint {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new RangeError(`${what} must be an integer`);
  const big = BigInt(value);
  if (big < 0n || big > CERTIFICATE_VALID_FOREVER) throw new RangeError(`${what} out of uint64 range`);
  return big;
}

/** The fields of a plain key blob after its type name: what a certificate embeds. */
function keyFields(key: PublicKey): Uint8Array {
  const reader = new SSHReader(key.blob);
  reader.string();
  return reader.rest();
}

/**
 * Issues an OpenSSH certificate for `options.key`, signed by `ca` (a PrivateKey or an agent key).
 * Returns the certificate as a PublicKey (`.certificate` holds the fields). Throws TypeError for a
 * certificate key or CA, or bad options; the signature is checked with the CA's public key.
 */
export async function signCertificate(options: CertificateOptions, ca: Signer): Promise<PublicKey> {
  const { key } = options;
  if (key.certificate !== undefined || isCertificateAlgorithm(key.type)) {
    throw new TypeError('the certified key must be a plain key');
  }
  if (ca.publicKey.certificate !== undefined || isCertificateAlgorithm(ca.publicKey.type)) {
    throw new TypeError('a certificate cannot be a CA key (PROTOCOL.certkeys)');
  }
  if (options.certType !== 'user' && options.certType !== 'host') {
    throw new TypeError(`bad certType ${String(options.certType)}`);
  }
  const principals = options.principals ?? [];
  if (principals.length > MAX_CERTIFICATE_PRINCIPALS) {
    throw new RangeError(`at most ${MAX_CERTIFICATE_PRINCIPALS} principals`);
  }
  for (const p of principals) checkName(p, 'principal');
  const keyId = options.keyId ?? '';
  checkName(keyId, 'keyId');
  const nonce = options.nonce ?? randomBytes(32);
  const extensions =
    options.extensions ??
    (options.certType === 'user'
      ? new Map(DEFAULT_USER_EXTENSIONS.map((n) => [n, true] as const))
      : undefined);
  const algorithm =
    options.signatureAlgorithm ??
    (ca.publicKey.type === 'ssh-rsa' ? 'rsa-sha2-512' : ca.publicKey.signatureAlgorithms[0]!);
  if (!ca.publicKey.signatureAlgorithms.includes(algorithm)) {
    throw new TypeError(`a ${ca.publicKey.type} CA cannot sign with ${algorithm}`);
  }

  const packedPrincipals = new SSHWriter();
  for (const p of principals) packedPrincipals.string(p);
  const signed = new SSHWriter()
    .string(`${key.type}-cert-v01@openssh.com`)
    .string(nonce)
    .raw(keyFields(key))
    .uint64(uint64Option(options.serial, 0n, 'serial'))
    .uint32(options.certType === 'user' ? 1 : 2)
    .string(keyId)
    .string(packedPrincipals.finish())
    .uint64(uint64Option(options.validAfter, 0n, 'validAfter'))
    .uint64(uint64Option(options.validBefore, CERTIFICATE_VALID_FOREVER, 'validBefore'))
    .string(encodeOptions(options.criticalOptions, 'critical option'))
    .string(encodeOptions(extensions, 'extension'))
    .string(new Uint8Array(0)) // reserved
    .string(ca.publicKey.blob)
    .finish()
    .slice();
  const signature = await ca.sign(signed, algorithm);
  if (!ca.publicKey.verify(signed, signature, algorithm)) {
    throw new Error('the CA signer made a signature its public key does not verify');
  }
  const blob = new SSHWriter(signed.length + signature.length + 4)
    .raw(signed)
    .string(signature)
    .finish()
    .slice();
  const certificate = parsePublicKeyBlob(blob);
  const comment = options.comment ?? '';
  if (comment === '') return certificate;
  return withComment(certificate, comment);
}

/** The same key with `comment` (through the one-line text form, which carries comments). */
function withComment(key: PublicKey, comment: string): PublicKey {
  if (/[\r\n]/.test(comment) || comment !== comment.trim()) return key;
  return parsePublicKey(`${key.toString()} ${comment}`);
}

/**
 * A Signer that authenticates as `certificate` with the private key it certifies (`signer`): its
 * publicKey is the certificate, and sign(data, 'rsa-sha2-512-cert-v01@openssh.com') makes a plain
 * rsa-sha2-512 signature (PROTOCOL.certkeys: the signature blob names the plain algorithm). Throws
 * TypeError unless `certificate` certifies `signer.publicKey`.
 */
export function certifiedSigner(signer: Signer, certificate: PublicKey): Signer {
  const cert = certificate.certificate;
  if (cert === undefined) throw new TypeError('not a certificate');
  if (!cert.key.equals(signer.publicKey)) {
    throw new TypeError("the certificate does not certify the signer's key");
  }
  return {
    publicKey: certificate,
    sign(data: Uint8Array, algorithm?: string): Uint8Array | Promise<Uint8Array> {
      const requested = algorithm ?? certificate.signatureAlgorithms[0]!;
      const plain = plainSignatureAlgorithm(requested);
      if (
        plain === undefined ||
        !(
          certificate.signatureAlgorithms.includes(requested) ||
          signer.publicKey.signatureAlgorithms.includes(requested)
        )
      ) {
        throw new TypeError(`${certificate.type} cannot sign with ${requested}`);
      }
      return signer.sign(data, plain);
    },
  };
}
