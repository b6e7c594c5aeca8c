// The server's signature over the exchange hash H (RFC 4253 §8): with the provider's Ed25519 when it
// has one (CryptoPrimitives.ed25519Verify) and the host key is a plain ssh-ed25519 key, otherwise
// with the key's own verify. Both refuse a blob whose algorithm is not the negotiated one
// (protocol-checklist §3.4), and a signature of the wrong length (RFC 8709 §6).
import { ED25519_PUBLIC_KEY_LENGTH, type PublicKey, parseSignatureBlob } from '@sshts/keys';
import { SSHReader } from '@sshts/wire';
import type { CryptoPrimitives } from './crypto-primitives.js';

const ED25519 = 'ssh-ed25519';

export function verifyHostSignature(
  primitives: CryptoPrimitives,
  hostKey: PublicKey,
  exchangeHash: Uint8Array,
  signatureBlob: Uint8Array,
  algorithm: string,
): boolean {
  const fast = primitives.ed25519Verify;
  if (fast === undefined || algorithm !== ED25519 || hostKey.type !== ED25519) {
    return hostKey.verify(exchangeHash, signatureBlob, algorithm);
  }
  let signature: Uint8Array;
  let key: Uint8Array;
  try {
    const blob = parseSignatureBlob(signatureBlob);
    if (blob.algorithm !== ED25519) return false;
    signature = blob.signature;
    // K_S was parsed already (its key exactly 32 bytes, nothing after it): string type, string key.
    const reader = new SSHReader(hostKey.blob);
    reader.string('key type');
    key = reader.string('ssh-ed25519 key', ED25519_PUBLIC_KEY_LENGTH);
  } catch {
    return false;
  }
  return fast(key, signature, exchangeHash);
}
