// The exchange hash H (RFC 4253 §8, RFC 5656 §4, RFC 4419 §3): HASH over V_C, V_S, I_C, I_S (the
// transport's exchangeHashPrefix), then K_S, then the method's own fields, then K.
import type { HashName } from '@sshts/transport';
import { SSHWriter } from '@sshts/wire';
import { digest } from './hash.js';

/**
 * H = HASH(prefix || string K_S || fields || K). `writeFields` writes the method-specific fields;
 * `sharedSecret` is K already in its wire encoding (an mpint, length included).
 */
export function exchangeHash(
  hash: HashName,
  prefix: Uint8Array,
  hostKeyBlob: Uint8Array,
  writeFields: (w: SSHWriter) => void,
  sharedSecret: Uint8Array,
): Uint8Array {
  const w = new SSHWriter(prefix.length + hostKeyBlob.length + sharedSecret.length + 2048);
  w.raw(prefix).string(hostKeyBlob);
  writeFields(w);
  w.raw(sharedSecret);
  return digest(hash, w.finish());
}
