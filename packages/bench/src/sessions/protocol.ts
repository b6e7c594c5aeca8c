/**
 * What the session benchmark's driver (server-sessions.ts) and its server child (child.ts) say to
 * each other over the child's IPC channel. The server lives in a child process of its own so that
 * process.memoryUsage() there counts the server and nothing of the driver's 1,000 clients.
 */
export type ServerKind = 'sshts' | 'ssh2';

export interface ServerSetup {
  kind: ServerKind;
  /** The ed25519 host key, openssh-key-v1 text (both libraries read it). */
  hostKey: string;
  user: string;
  /** The one ed25519 public key allowed to log in, as an OpenSSH line. */
  userKey: string;
  /** For the servers that bound connections (ours: limits.maxConnections). */
  maxConnections: number;
}

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Driver → child. */
export type Command = { type: 'start'; setup: ServerSetup } | { type: 'measure'; label: string };

/** Child → driver. */
export type Report =
  | { type: 'listening'; port: number; version: string }
  | { type: 'memory'; label: string; memory: Memory; connections: number; execs: number }
  | { type: 'error'; message: string };

/** A server as the child runs it: the port it listens on and what it has seen. */
export interface RunningServer {
  port: number;
  /** Library and version, for the report. */
  version: string;
  /** Connections open now. */
  connections(): number;
  /** Exec requests answered so far. */
  execs(): number;
}
