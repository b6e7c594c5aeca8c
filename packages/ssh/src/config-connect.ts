// Applying ssh_config to SSHClient.connect (`connect({ host: 'alias', config: true })`): the
// settings `ssh -G alias` would use, with explicit ConnectOptions winning (as ssh's command line
// wins over its files). Only what the client implements is applied; algorithm lists are narrowed
// to the names we implement, so an OpenSSH-only name never reaches our KEXINIT.
import { kexMethods } from '@sshts/kex';
import { certificateAlgorithms, legacyPublicKeyAlgorithms, publicKeyAlgorithms } from '@sshts/keys';
import { nobleProvider } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import type { HostConfig, ProxyJumpHost } from './ssh-config/index.js';
import type { AlgorithmOverrides } from './transport.js';

const IMPLEMENTED = {
  kex: new Set(kexMethods.map((m) => m.name)),
  hostKey: new Set([...publicKeyAlgorithms, ...legacyPublicKeyAlgorithms, ...certificateAlgorithms]),
  cipher: new Set(nobleProvider.ciphers.map((c) => c.name)),
  mac: new Set(nobleProvider.macs.map((m) => m.name)),
};

/** The ssh_config keyword behind each algorithm slot. */
const KEYWORDS = {
  kex: 'kexalgorithms',
  hostKey: 'hostkeyalgorithms',
  cipher: 'ciphers',
  mac: 'macs',
} as const;

export interface ConfiguredConnection {
  host: string;
  port: number;
  username: string;
  /** The name known_hosts is searched under (HostKeyAlias, else the host). */
  hostKeyName: string;
  identityFiles: readonly string[];
  identitiesOnly: boolean;
  agent: string | false | undefined;
  timeout: number | undefined;
  keepaliveInterval: number | undefined;
  keepaliveCountMax: number | undefined;
  algorithms: AlgorithmOverrides;
  proxyCommand: string | undefined;
  /** ProxyJump's hops in connection order (proxy-jump.ts connects them). */
  proxyJump?: readonly ProxyJumpHost[];
  /** ForwardAgent: forward by default, and for a path which agent (session-forwarding.ts). */
  forwardAgent?: boolean | string;
}

/**
 * Merges a resolved HostConfig under the caller's options. Algorithm lists apply only when the files
 * set them (otherwise our defaults, which are secure, stay); an explicitly empty intersection is an
 * error rather than a silent fallback.
 */
export function applyHostConfig(
  hc: HostConfig,
  explicit: {
    username?: string;
    port?: number;
    agent?: string | false;
    timeout?: number;
    keepaliveInterval?: number;
    keepaliveCountMax?: number;
    algorithms?: AlgorithmOverrides;
  },
): ConfiguredConnection {
  const algorithms: AlgorithmOverrides = { ...explicit.algorithms };
  const lists = { kex: hc.kexAlgorithms, hostKey: hc.hostKeyAlgorithms, cipher: hc.ciphers, mac: hc.macs };
  for (const slot of ['kex', 'hostKey', 'cipher', 'mac'] as const) {
    if (algorithms[slot] !== undefined || hc.options[KEYWORDS[slot]] === undefined) continue;
    const ours = lists[slot].filter((name) => IMPLEMENTED[slot].has(name));
    if (ours.length === 0) {
      throw new SSHError('ERR_CONFIG', `${KEYWORDS[slot]} in ssh_config names no algorithm sshts implements`);
    }
    algorithms[slot] = ours;
  }
  const identityAgent = hc.identityAgent;
  return {
    host: hc.hostname,
    port: explicit.port ?? hc.port,
    username: explicit.username ?? hc.user,
    hostKeyName: hc.hostKeyAlias ?? hc.hostname,
    identityFiles: hc.identityFile,
    identitiesOnly: hc.identitiesOnly,
    agent: explicit.agent ?? (identityAgent === 'none' ? false : identityAgent),
    timeout: explicit.timeout ?? (hc.connectTimeout === undefined ? undefined : hc.connectTimeout * 1000),
    keepaliveInterval:
      explicit.keepaliveInterval ?? (hc.serverAliveInterval > 0 ? hc.serverAliveInterval * 1000 : undefined),
    keepaliveCountMax: explicit.keepaliveCountMax ?? hc.serverAliveCountMax,
    algorithms,
    proxyCommand: hc.proxyCommand === 'none' ? undefined : hc.proxyCommand,
    ...(hc.proxyJumpHosts === undefined ? {} : { proxyJump: hc.proxyJumpHosts }),
    forwardAgent: hc.forwardAgent,
  };
}
