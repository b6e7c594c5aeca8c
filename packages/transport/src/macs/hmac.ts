// HMAC MACs: hmac-sha2-256 and hmac-sha2-512 (RFC 6668 §2), hmac-sha1 (RFC 4253 §6.4), and their
// encrypt-then-MAC forms (OpenSSH PROTOCOL §1.5). Key length = digest length.
import type { HashName } from '../crypto-primitives.js';
import type { MacAlgorithm } from '../mac.js';

function hmac(name: string, hash: HashName, length: number, etm: boolean, legacy = false): MacAlgorithm {
  return {
    name,
    keyLength: length,
    digestLength: length,
    etm,
    legacy,
    create: (p, key) => p.hmac(hash, key.slice(0, length)),
  };
}

export const hmacSha256Etm = hmac('hmac-sha2-256-etm@openssh.com', 'sha256', 32, true);
export const hmacSha512Etm = hmac('hmac-sha2-512-etm@openssh.com', 'sha512', 64, true);
export const hmacSha256 = hmac('hmac-sha2-256', 'sha256', 32, false);
export const hmacSha512 = hmac('hmac-sha2-512', 'sha512', 64, false);
// SHA-1 MACs are still needed by Dropbear and paramiko 2.12 peers but are not offered by default.
export const hmacSha1Etm = hmac('hmac-sha1-etm@openssh.com', 'sha1', 20, true, true);
export const hmacSha1 = hmac('hmac-sha1', 'sha1', 20, false, true);
