// The verifier's rules for an OpenSSH certificate: the CA signature and its algorithm (sshkey.c
// cert_parse + sshkey_check_cert_sigtype against CASignatureAlgorithms), then
// sshkey_cert_check_authority (type, validity window, principals), then the options: a host
// certificate may carry no critical option (sshkey_cert_check_host), a user certificate only the
// ones sshd understands, each well formed (auth-options.c cert_option_list).
import { MalformedMessageError, SSHReader } from '@sshts/wire';
import { matchCidrList } from './address-match.js';
import {
  type Certificate,
  type CertificateCheckOptions,
  DEFAULT_CA_SIGNATURE_ALGORITHMS,
  KNOWN_USER_CRITICAL_OPTIONS,
} from './certificate.js';
import { CertificateError, type CertificateErrorReason } from './certificate-error.js';
import { parseSignatureBlob } from './signature-blob.js';

/** Extensions sshd acts on (auth-options.c cert_option_list): flags whose data must be empty. */
const KNOWN_USER_EXTENSIONS: readonly string[] = [
  'no-touch-required',
  'permit-X11-forwarding',
  'permit-agent-forwarding',
  'permit-port-forwarding',
  'permit-pty',
  'permit-user-rc',
];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * An option whose data is exactly one `string` (force-command, source-address): the text, or
 * undefined when the data is not one NUL-free UTF-8 string with nothing after it.
 */
export function optionString(data: Uint8Array): string | undefined {
  try {
    const reader = new SSHReader(data);
    const bytes = reader.string('certificate option value');
    reader.end('certificate option');
    if (bytes.includes(0)) return undefined;
    return utf8.decode(bytes);
  } catch (e) {
    if (e instanceof MalformedMessageError || e instanceof TypeError) return undefined;
    throw e;
  }
}

/**
 * Undefined when the CA signature verifies with an allowed algorithm; otherwise why not. The
 * algorithm named in the signature blob must be allowed, and (through PublicKey.verify) belong
 * to the CA key's type.
 */
export function verifyCertificateSignature(
  cert: Certificate,
  allowed: readonly string[] = DEFAULT_CA_SIGNATURE_ALGORITHMS,
): { reason: CertificateErrorReason; message: string } | undefined {
  let algorithm: string;
  try {
    algorithm = parseSignatureBlob(cert.signature).algorithm;
  } catch (e) {
    if (e instanceof MalformedMessageError) return { reason: 'signature', message: 'malformed CA signature' };
    throw e;
  }
  if (!allowed.includes(algorithm)) {
    return { reason: 'signature-algorithm', message: `CA signature algorithm ${algorithm} is not allowed` };
  }
  if (!cert.signatureKey.verify(cert.signedData, cert.signature, algorithm)) {
    return { reason: 'signature', message: 'CA signature does not verify' };
  }
  return undefined;
}

function nowSeconds(now: number | bigint | undefined): bigint {
  if (now === undefined) return BigInt(Math.floor(Date.now() / 1000));
  if (typeof now === 'number' && !Number.isSafeInteger(now)) {
    throw new RangeError(`now must be an integer number of seconds: ${now}`);
  }
  const big = BigInt(now);
  if (big < 0n) throw new RangeError('now must not be negative');
  return big;
}

/** auth-options.c cert_option_list for a user certificate's critical options. */
function checkUserCriticalOptions(cert: Certificate, sourceAddress: string | undefined): void {
  for (const [name, data] of cert.criticalOptions) {
    if (!KNOWN_USER_CRITICAL_OPTIONS.includes(name)) {
      throw new CertificateError('critical-option', `unsupported critical option "${name}"`);
    }
    if (name === 'verify-required') {
      // Only meaningful for FIDO keys' signatures; the data must be empty ("extra data").
      if (data.length !== 0) throw new CertificateError('critical-option', `"${name}" carries data`);
      continue;
    }
    const value = optionString(data);
    if (value === undefined) throw new CertificateError('critical-option', `"${name}" is malformed`);
    if (name !== 'source-address') continue;
    if (matchCidrList(undefined, value) === -1) {
      throw new CertificateError('critical-option', `"source-address" list is invalid: ${value}`);
    }
    if (sourceAddress === undefined) {
      throw new CertificateError(
        'source-address',
        'the certificate restricts source addresses and none was given',
      );
    }
    if (matchCidrList(sourceAddress, value) !== 1) {
      throw new CertificateError('source-address', `${sourceAddress} is not in source-address ${value}`);
    }
  }
  for (const [name, data] of cert.extensions) {
    if (KNOWN_USER_EXTENSIONS.includes(name) && data.length !== 0) {
      throw new CertificateError('extension', `extension "${name}" carries data`);
    }
  }
}

export function checkCertificate(cert: Certificate, options: CertificateCheckOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('check options must be an object');
  const { certType } = options;
  if (certType !== 'user' && certType !== 'host') throw new TypeError(`bad certType ${String(certType)}`);
  const now = nowSeconds(options.now);

  const bad = verifyCertificateSignature(cert, options.allowedAlgorithms);
  if (bad !== undefined) throw new CertificateError(bad.reason, bad.message);

  // sshkey.c sshkey_cert_check_authority.
  if (cert.certType !== certType) {
    throw new CertificateError('type', `not a ${certType} certificate`);
  }
  if (now < cert.validAfter) throw new CertificateError('not-yet-valid', 'not yet valid');
  if (now >= cert.validBefore) throw new CertificateError('expired', 'expired');
  if (cert.principals.length === 0) {
    if (options.requirePrincipal ?? certType === 'user') {
      throw new CertificateError('principal', 'the certificate lacks a principal list');
    }
  } else if (options.principal !== undefined && !cert.principals.includes(options.principal)) {
    throw new CertificateError('principal', `"${options.principal}" is not a listed principal`);
  }

  if (certType === 'host') {
    // sshkey_cert_check_host: no critical options are defined for host certificates.
    if (cert.criticalOptions.size !== 0) {
      throw new CertificateError('critical-option', 'host certificate has critical options');
    }
    return;
  }
  checkUserCriticalOptions(cert, options.sourceAddress);
}
