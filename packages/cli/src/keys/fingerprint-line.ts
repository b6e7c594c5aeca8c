// A key's line in `ssh-keygen -l` output: "<bits> <fingerprint> <comment> (<TYPE>)", with
// "no comment" when there is none.
import type { PublicKey } from 'sshts';
import { keyTypeLabel } from './key-type-label.js';

export type FingerprintHash = 'sha256' | 'md5';

export function fingerprintLine(key: PublicKey, comment: string, hash: FingerprintHash = 'sha256'): string {
  return `${key.bits} ${key.fingerprint(hash)} ${comment === '' ? 'no comment' : comment} (${keyTypeLabel(key.type)})`;
}
