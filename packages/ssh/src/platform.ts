// What SSHClient needs from its runtime beyond the sans-I/O protocol: sockets, files, the home
// directory, the agent. The browser-safe client has none of these (callers pass `stream` and keys);
// the Node entry (src/node/) fills them in. Keeping them behind one object keeps node: imports out
// of browser-safe code (ARCHITECTURE.md, "Where Node-only code lives").
import type { BindableConnection } from '@sshts/auth';
import type { Signer } from '@sshts/keys';
import type { ByteStream } from '@sshts/transport';
import type { SSHConfig } from './ssh-config/index.js';

export interface AgentConnection {
  /** The agent's keys, each able to sign through the agent. */
  signers(): Promise<Signer[]>;
  close(): Promise<void>;
}

/** A local TCP address, or a Unix-domain socket path. */
export type ListenAddress = { host: string; port: number } | { path: string };
/** Where an accepted local connection came from. */
export type SocketOrigin = { host: string; port: number } | { path: string };

export interface LocalListener {
  /** The address actually bound (port 0 becomes the port the system chose). */
  readonly address: ListenAddress;
  /** Stops listening and closes the connections it accepted. */
  close(): Promise<void>;
}

export interface ClientPlatform {
  /** TCP to host:port (TCP_NODELAY on). */
  connectTcp?(
    host: string,
    port: number,
    options: { timeout?: number; signal?: AbortSignal },
  ): Promise<ByteStream>;
  /** A file's text, or undefined when it does not exist. */
  readTextFile?(path: string): Promise<string | undefined>;
  /** Writes a file atomically enough for known_hosts (temp file + rename), with `mode` when created. */
  writeTextFile?(path: string, text: string, mode: number): Promise<void>;
  /** The user's home directory, for `~`. */
  homeDir?(): string;
  /** The local user name (ssh_config %u, the default remote user). */
  localUser?(): string;
  /** An environment variable. */
  env?(name: string): string | undefined;
  /**
   * Opens the SSH agent at `path` (a unix socket) and, given the connection, binds it to this SSH
   * session (`session-bind@openssh.com`, PROTOCOL.agent) so destination-restricted keys work.
   */
  connectAgent?(path: string, session?: BindableConnection): Promise<AgentConnection>;
  /** ~/.ssh/config and /etc/ssh/ssh_config, for ConnectOptions.config: true. */
  loadSSHConfig?(): Promise<SSHConfig>;
  /** A Unix-domain socket connection (streamlocal forwarding, the agent for agent forwarding). */
  connectUnix?(path: string): Promise<ByteStream>;
  /** Accepts local connections (forwardLocalPort, dynamic SOCKS forwarding). */
  listen?(
    address: ListenAddress,
    onConnection: (stream: ByteStream, origin: SocketOrigin) => void,
  ): Promise<LocalListener>;
  /** Runs `command` with its stdio as the byte stream (ssh_config ProxyCommand). */
  spawnProxyCommand?(command: string): Promise<ByteStream>;
}

/** Expands a leading `~/` with the platform's home directory. */
export function expandHome(platform: ClientPlatform, path: string): string {
  if (path === '~' || path.startsWith('~/')) {
    const home = platform.homeDir?.();
    if (home === undefined) return path;
    return home + path.slice(1);
  }
  return path;
}
