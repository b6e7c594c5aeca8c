// Fetching a server's host keys without logging in, as ssh-keyscan(1): one key exchange per key
// type, each offering only that type's algorithms, so the server shows the key it holds of that
// type (ECDSA: the first of nistp256/384/521 it has, as ssh-keyscan offers all three at once). The
// exchange completes — the server has proven it holds the key — and the connection is closed.
import { type PublicKey, Transport } from 'sshts';

export type ScanKeyType = 'rsa' | 'ecdsa' | 'ed25519';

/** ssh-keyscan's default types, in its order. */
export const SCAN_KEY_TYPES: readonly ScanKeyType[] = ['rsa', 'ecdsa', 'ed25519'];

const ALGORITHMS: Readonly<Record<ScanKeyType, readonly string[]>> = {
  rsa: ['rsa-sha2-512', 'rsa-sha2-256'],
  ecdsa: ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'],
  ed25519: ['ssh-ed25519'],
};

export function isScanKeyType(name: string): name is ScanKeyType {
  return Object.hasOwn(ALGORITHMS, name);
}

export interface ScannedKey {
  readonly key: PublicKey;
  /** The server's identification line (`SSH-2.0-…`). */
  readonly version: string;
}

/** The host key of `type` that host:port presents; rejects when it has none (or cannot be reached). */
export async function scanHostKey(
  host: string,
  port: number,
  type: ScanKeyType,
  timeoutMs: number,
): Promise<ScannedKey> {
  const transport = await Transport.connect(host, port, {
    algorithms: { hostKey: [...ALGORITHMS[type]] },
    timeout: timeoutMs,
  });
  let key: PublicKey | undefined;
  try {
    await transport.startClient({
      verifyHostKey: (k) => {
        key = k;
        return true;
      },
    });
  } finally {
    await transport.close().catch(() => {});
  }
  if (key === undefined) throw new Error(`no ${type} host key`);
  return { key, version: transport.remoteVersion };
}
