// OpenSSH certificate algorithm names (PROTOCOL.certkeys). A certificate's blob type is
// `<type>-cert-v01@openssh.com`; for RSA the algorithm names in KEXINIT and USERAUTH_REQUEST also
// name the hash (`rsa-sha2-512-cert-v01@openssh.com`), while the signature blob inside always
// carries the plain algorithm (`rsa-sha2-512`), since the key that signs is the certified key.

const CERT_SUFFIX = '-cert-v01@openssh.com';

/** Certificate signature algorithm → the plain signature algorithm its certified key signs with. */
const PLAIN_OF_CERTIFICATE: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([
  ['ssh-ed25519-cert-v01@openssh.com', 'ssh-ed25519'],
  ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp256'],
  ['ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp384'],
  ['ecdsa-sha2-nistp521-cert-v01@openssh.com', 'ecdsa-sha2-nistp521'],
  ['rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-512'],
  ['rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-256'],
  ['ssh-rsa-cert-v01@openssh.com', 'ssh-rsa'],
]);

const CERTIFICATE_OF_PLAIN: ReadonlyMap<string, string> = /* @__PURE__ */ (() =>
  new Map([...PLAIN_OF_CERTIFICATE].map(([cert, plain]) => [plain, cert])))();

/** True for a certificate algorithm or certificate blob type name (`…-cert-v01@openssh.com`). */
export function isCertificateAlgorithm(name: string): boolean {
  return name.endsWith(CERT_SUFFIX);
}

/**
 * The plain signature algorithm behind `algorithm`: `rsa-sha2-256-cert-v01@openssh.com` →
 * `rsa-sha2-256`; a plain algorithm is returned unchanged; undefined for an unknown certificate
 * algorithm.
 */
export function plainSignatureAlgorithm(algorithm: string): string | undefined {
  if (!isCertificateAlgorithm(algorithm)) return algorithm;
  return PLAIN_OF_CERTIFICATE.get(algorithm);
}

/** The certificate algorithm for plain `algorithm` (`ssh-ed25519` → `ssh-ed25519-cert-v01@openssh.com`). */
export function certificateSignatureAlgorithm(algorithm: string): string | undefined {
  return CERTIFICATE_OF_PLAIN.get(algorithm);
}

/** Every certificate signature algorithm we know, in the order of publicKeyAlgorithms. */
export const certificateAlgorithms: readonly string[] = /* @__PURE__ */ (() =>
  Object.freeze([...PLAIN_OF_CERTIFICATE.keys()]))();
