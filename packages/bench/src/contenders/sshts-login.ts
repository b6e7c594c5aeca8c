/**
 * sshts's SSHClient as every benchmark sets it up: the key and known_hosts parsed once (untimed,
 * as ssh2 and OpenSSH read theirs from files), no agent, no key search, no ssh_config, and the
 * provider and algorithms given. TCP_NODELAY is sshts's own default (transport/src/node/tcp.ts).
 */
import { readFileSync } from 'node:fs';
import {
  type CryptoProvider,
  KnownHosts,
  nobleProvider,
  nodeProvider,
  type PrivateKey,
  parsePrivateKey,
  SSHClient,
  withPacketOffload,
} from 'sshts';

/** The crypto provider; "+offload": incoming packets opened on a worker thread (withPacketOffload). */
export type SshtsProvider = 'node' | 'noble' | 'node+offload' | 'noble+offload';

function cryptoProvider(provider: SshtsProvider): 'node' | 'noble' | CryptoProvider {
  if (provider === 'node+offload') return withPacketOffload(nodeProvider);
  if (provider === 'noble+offload') return withPacketOffload(nobleProvider);
  return provider;
}

export interface SshtsCredentials {
  host: string;
  port: number;
  user: string;
  privateKey: PrivateKey;
  knownHosts: KnownHosts;
}

/** Parses the key file and the host keys into what sshtsLogin() takes. */
export function sshtsCredentials(target: {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  hostKeys: string[];
}): SshtsCredentials {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    privateKey: parsePrivateKey(readFileSync(target.privateKeyPath, 'utf8')),
    knownHosts: KnownHosts.parse(
      target.hostKeys.map((k) => `[${target.host}]:${target.port} ${k}\n`).join(''),
    ),
  };
}

/** Connects and authenticates; `cipher` / `kex` narrow the offer to that one algorithm. */
export async function sshtsLogin(
  credentials: SshtsCredentials,
  provider: SshtsProvider,
  narrow: { cipher?: string; kex?: string } = {},
): Promise<SSHClient> {
  const client = new SSHClient({ knownHosts: credentials.knownHosts });
  await client.connect({
    host: credentials.host,
    port: credentials.port,
    username: credentials.user,
    privateKey: credentials.privateKey,
    agent: false,
    lookForKeys: false,
    algorithms: {
      ...(narrow.cipher ? { cipher: [narrow.cipher] } : {}),
      ...(narrow.kex ? { kex: [narrow.kex] } : {}),
    },
    crypto: cryptoProvider(provider),
  });
  const negotiated = client.transport.negotiated;
  for (const [what, wanted, got] of [
    ['cipher', narrow.cipher, negotiated.cipher[0]],
    ['kex', narrow.kex, negotiated.kex],
  ] as const) {
    if (wanted !== undefined && got !== wanted) {
      await client.close().catch(() => {});
      throw new Error(`sshts negotiated ${what} ${got}, not ${wanted}`);
    }
  }
  return client;
}
