// The key types and signature algorithms we implement, looked up by name (ARCHITECTURE.md
// principle 4). The negotiated or received name picks a value from these tables. Each table is
// marked pure (the IIFEs too), so a bundle that uses none of it drops it and the key types it names:
// a client that decodes only the key types it passes (decodePublicKeyBlob) carries no RSA or ECDSA.
import { ecdsaNistp256KeyType, ecdsaNistp384KeyType, ecdsaNistp521KeyType } from './ecdsa.js';
import { ed25519KeyType } from './ed25519.js';
import type { KeyType } from './key-type.js';
import { rsaKeyType } from './rsa.js';

/** Every key type this package can decode and verify with. */
export const keyTypes: readonly KeyType[] = /* @__PURE__ */ Object.freeze([
  ed25519KeyType,
  ecdsaNistp256KeyType,
  ecdsaNistp384KeyType,
  ecdsaNistp521KeyType,
  rsaKeyType,
]);

const byName: ReadonlyMap<string, KeyType> = /* @__PURE__ */ (() =>
  new Map(keyTypes.map((t) => [t.name, t])))();
const byAlgorithm: ReadonlyMap<string, KeyType> = /* @__PURE__ */ (() =>
  new Map(keyTypes.flatMap((t) => t.signatureAlgorithms.map((a) => [a, t] as const))))();

/** The key type whose blob type name is `name`, if we implement it. */
export function findKeyType(name: string): KeyType | undefined {
  return byName.get(name);
}

/**
 * The key blob type that signature algorithm `algorithm` uses, e.g. `rsa-sha2-256` → `ssh-rsa`
 * (RFC 8332 §3), `ssh-ed25519` → `ssh-ed25519`; undefined for an algorithm we don't implement.
 */
export function keyTypeForAlgorithm(algorithm: string): string | undefined {
  return byAlgorithm.get(algorithm)?.name;
}

/**
 * Signature (host-key / publickey) algorithms we verify and offer, in preference order. The order
 * follows OpenSSH 9.2's defaults for the types we implement (protocol-checklist §9).
 */
export const publicKeyAlgorithms: readonly string[] = /* @__PURE__ */ Object.freeze([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
]);

/** Available but not offered unless asked for (ARCHITECTURE.md principle 8): SHA-1 RSA signatures. */
export const legacyPublicKeyAlgorithms: readonly string[] = /* @__PURE__ */ Object.freeze(['ssh-rsa']);

/** PROTOCOL.certkeys: a certified key of type T has the blob type `T-cert-v01@openssh.com`. */
const CERTIFICATE_SUFFIX = '-cert-v01@openssh.com';

const byCertificateName: ReadonlyMap<string, KeyType> = /* @__PURE__ */ (() =>
  new Map(keyTypes.map((t) => [`${t.name}${CERTIFICATE_SUFFIX}`, t])))();

/** Certificate key blob types we decode (PROTOCOL.certkeys), in the order of keyTypes. */
export const certificateKeyTypes: readonly string[] = /* @__PURE__ */ (() =>
  Object.freeze([...byCertificateName.keys()]))();

/**
 * The KeyType of the key certified by a certificate of blob type `name` (e.g.
 * `ssh-rsa-cert-v01@openssh.com` → the ssh-rsa KeyType). Only blob types: the RSA signature
 * names `rsa-sha2-256/512-cert-v01@openssh.com` never appear in a key blob (PROTOCOL.certkeys).
 */
export function findCertificateKeyType(name: string): KeyType | undefined {
  return byCertificateName.get(name);
}

/**
 * The certificate blob type a certificate signature algorithm uses, e.g.
 * `rsa-sha2-512-cert-v01@openssh.com` → `ssh-rsa-cert-v01@openssh.com`; undefined for anything else.
 * keyTypeForAlgorithm stays plain-only.
 */
export function certificateKeyTypeForAlgorithm(algorithm: string): string | undefined {
  if (!algorithm.endsWith(CERTIFICATE_SUFFIX)) return undefined;
  const plain = byAlgorithm.get(algorithm.slice(0, -CERTIFICATE_SUFFIX.length));
  return plain === undefined ? undefined : `${plain.name}${CERTIFICATE_SUFFIX}`;
}
