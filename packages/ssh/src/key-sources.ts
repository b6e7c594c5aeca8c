// Where SSHClient's publickey candidates come from: the caller's key, and the default identity
// files (OpenSSH ssh_config IdentityFile defaults, paramiko look_for_keys), each with its
// `-cert.pub` certificate when one sits beside it (OpenSSH loads those automatically).
import {
  certifiedSigner,
  KeyFormatError,
  PassphraseRequiredError,
  type PrivateKey,
  parsePrivateKey,
  parsePublicKey,
  type Signer,
  WrongPassphraseError,
} from '@sshts/keys';
import { type ClientPlatform, expandHome } from './platform.js';

/** Identity files tried when lookForKeys is on, in API.md's order. */
export const DEFAULT_IDENTITY_FILES: readonly string[] = [
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_rsa',
];

function isSigner(value: unknown): value is Signer {
  return typeof value === 'object' && value !== null && 'publicKey' in value && 'sign' in value;
}

/** ConnectOptions.privateKey as a Signer: key text/bytes are parsed (errors propagate: the caller asked for this key). */
export function loadSigner(key: string | Uint8Array | PrivateKey | Signer, passphrase?: string): Signer {
  if (isSigner(key)) return key;
  return parsePrivateKey(key, passphrase);
}

/**
 * The default identity files that exist and can be read with `passphrase`; a key that is encrypted
 * with another passphrase or unreadable is skipped, as paramiko's look_for_keys does.
 */
export async function lookForKeys(
  platform: ClientPlatform,
  passphrase?: string,
  files: readonly string[] = DEFAULT_IDENTITY_FILES,
): Promise<Signer[]> {
  const read = platform.readTextFile;
  if (!read) return [];
  const signers: Signer[] = [];
  for (const file of files) {
    const path = expandHome(platform, file);
    const text = await read(path).catch(() => undefined);
    if (text === undefined) continue;
    let key: PrivateKey;
    try {
      key = parsePrivateKey(text, passphrase);
    } catch (error) {
      if (
        error instanceof PassphraseRequiredError ||
        error instanceof WrongPassphraseError ||
        error instanceof KeyFormatError
      )
        continue;
      throw error;
    }
    const certText = await read(`${path}-cert.pub`).catch(() => undefined);
    if (certText !== undefined) {
      try {
        const cert = parsePublicKey(certText);
        if (cert.certificate?.key.equals(key.publicKey)) signers.push(certifiedSigner(key, cert));
      } catch {
        // A broken certificate file leaves the plain key usable.
      }
    }
    signers.push(key);
  }
  return signers;
}
