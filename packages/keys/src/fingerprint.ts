// Key fingerprints as `ssh-keygen -l` prints them: SHA256 is base64 of SHA-256(blob) without '='
// padding (OpenSSH ≥ 6.8, sshkey_fingerprint with SSH_FP_BASE64); MD5 is colon-separated lowercase
// hex of MD5(blob) (SSH_FP_HEX; RFC 4716 §4). The blob is the RFC 4253 §6.6 public key blob.
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Encode } from './base64.js';

export type FingerprintHash = 'sha256' | 'md5';

const FORMATS: Readonly<Record<FingerprintHash, (blob: Uint8Array) => string>> = {
  sha256: (blob) => `SHA256:${base64Encode(sha256(blob), false)}`,
  md5: (blob) => `MD5:${Array.from(md5(blob), (b) => b.toString(16).padStart(2, '0')).join(':')}`,
};

/** The fingerprint of a public key blob, e.g. `SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8`. */
export function fingerprintBlob(blob: Uint8Array, hash: FingerprintHash = 'sha256'): string {
  const format = Object.hasOwn(FORMATS, hash) ? FORMATS[hash] : undefined;
  if (format === undefined) throw new TypeError(`unknown fingerprint hash: ${String(hash)}`);
  return format(blob);
}
