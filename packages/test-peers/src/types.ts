import type { Readable, Writable } from 'node:stream';

export type PeerName = 'openssh' | 'dropbear' | 'tinysshd' | 'paramiko' | 'asyncssh';

export const PEER_NAMES: readonly PeerName[] = ['openssh', 'dropbear', 'tinysshd', 'paramiko', 'asyncssh'];

export type HostKeyType = 'ed25519' | 'ecdsa256' | 'ecdsa384' | 'ecdsa521' | 'rsa';

export type AlgorithmKind = 'kex' | 'hostKey' | 'cipher' | 'mac';

export interface PeerOptions {
  /**
   * Restrict the server's algorithm lists (passed to its config/CLI where the peer allows it).
   * OpenSSH: all four. paramiko, AsyncSSH: all four (names must be ones the library knows).
   * tinysshd: only `kex` (maps to `-P` / `-S`). Dropbear: ignored (it has no run-time switch).
   */
  algorithms?: Partial<Record<AlgorithmKind, string[]>>;
  /** Host key types to generate; default: every type the peer supports (tinysshd: ed25519 only). */
  hostKeyTypes?: HostKeyType[];
  /** OpenSSH RekeyLimit value, e.g. '1M'. OpenSSH, paramiko and AsyncSSH (data limit only); ignored elsewhere. */
  rekeyLimit?: string;
  /**
   * OpenSSH public key lines allowed for the test user. Dropbear and tinysshd only read
   * ~/.ssh/authorized_keys, so for them this needs root (a private mount namespace, namespace.ts).
   */
  authorizedKeys?: string[];
  /**
   * Accepted password for the test user. OpenSSH and Dropbear check /etc/shadow, so for them this
   * needs root (a patched copy bind-mounted in a private mount namespace, namespace.ts); tinysshd
   * has no password auth (ignored). When absent, OpenSSH and Dropbear turn password auth off.
   */
  password?: string;
  /**
   * OpenSSH only: sign every host key with a throwaway CA (`ssh-keygen -s CA -h`) and serve the
   * certificates (`HostCertificate`). The CA's public line is Peer.hostCertificateAuthority.
   */
  hostCertificates?: { principals?: string[]; validity?: string };
  /** OpenSSH only: extra sshd_config lines, appended after the generated ones. */
  sshdConfig?: string[];
  /**
   * OpenSSH only: sshd's LogLevel (default DEBUG3, for tests that read sshd.log). Benchmarks set
   * INFO: at DEBUG3 sshd logs every packet and spends its CPU on it. (sshd_config keeps the first
   * value of a keyword, so this cannot be overridden through sshdConfig.)
   */
  logLevel?: 'QUIET' | 'FATAL' | 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG' | 'DEBUG1' | 'DEBUG2' | 'DEBUG3';
  /**
   * OpenSSH only: also run a listening `sshd -D` on 127.0.0.1:Peer.port (same config, keys and
   * log), for clients that must dial TCP themselves (ProxyJump hops, `ssh -p`). connect() stays stdio.
   */
  listen?: boolean;
  /**
   * OpenSSH only: keyboard-interactive through PAM (`UsePAM yes`, `KbdInteractiveAuthentication
   * yes`) with a private /etc/pam.d/sshd that asks TWO prompts, one INFO_REQUEST round each:
   * `Password: ` (pam_unix, checks `password`), then `STRESS Password: ` (pam_stress), whose answer
   * must equal `secondAnswer` (default: `password`; checked by pam_exec). Needs `password` and root.
   */
  keyboardInteractive?: { pam: true; secondAnswer?: string };
}

export interface PeerConnection {
  /** Bytes from the server. */
  input: Readable;
  /** Bytes to the server. */
  output: Writable;
  close(): Promise<void>;
}

export interface PeerHostKey {
  /** Key type as it appears in the public key line, e.g. 'ssh-ed25519', 'ecdsa-sha2-nistp384', 'ssh-rsa'. */
  type: string;
  /** OpenSSH one-line public key (`type base64`, no comment). */
  publicKey: string;
  /** `SHA256:…` as printed by `ssh-keygen -l`. */
  fingerprint: string;
  /** The host certificate line (`…-cert-v01@openssh.com base64`) when PeerOptions.hostCertificates. */
  certificate?: string;
}

export interface SupportedAlgorithms {
  kex: string[];
  hostKey: string[];
  cipher: string[];
  mac: string[];
}

export interface Peer {
  readonly name: PeerName;
  /** The software version the server announces (its identification line without `SSH-2.0-`). */
  readonly version: string;
  /** The user name to authenticate as. */
  readonly user: string;
  readonly hostKeys: PeerHostKey[];
  /** The CA that signed the host certificates (OpenSSH public key line), when PeerOptions.hostCertificates. */
  readonly hostCertificateAuthority?: string;
  /** What this peer build supports, before `options.algorithms` narrowing. */
  readonly supported: SupportedAlgorithms;
  /** The peer's private temp dir (config, keys, logs); removed by `close()`. */
  readonly dir: string;
  /** The TCP port on 127.0.0.1 when PeerOptions.listen started a listener. */
  readonly port?: number;
  /**
   * Where this peer's SFTP subsystem (`ssh -s … sftp`) starts: a throwaway directory inside `dir`.
   * Undefined when the peer serves no SFTP (paramiko; tinysshd without sftp-server), or when its
   * SFTP would start in a real directory (Dropbear and tinysshd start in the user's home, which is
   * a temp dir only inside a private mount namespace, i.e. as root) — a test must skip then, never
   * write into the real home.
   */
  readonly sftp?: SftpHome;
  /** A NEW connection each call. */
  connect(): Promise<PeerConnection>;
  /** The server's debug log so far. */
  log(): string;
  /** Live processes started for this peer (Linux: process groups and an environment marker). */
  processes(): number[];
  /** Kills every process, removes the temp dir. */
  close(): Promise<void>;
}

/**
 * The directory a peer's SFTP server starts in. Relative SFTP paths resolve against it, and
 * SSH_FXP_REALPATH of "." answers `remotePath`.
 */
export interface SftpHome {
  /**
   * The directory as the server names it. It differs from `localPath` where the server runs in a
   * private mount namespace (namespace.ts): Dropbear and tinysshd see their temp home at the
   * user's real home path (e.g. `/root`).
   */
  remotePath: string;
  /** The same directory as this process reaches it, to compare SFTP results with the filesystem. */
  localPath: string;
  /**
   * Which SFTP server answers: OpenSSH's `internal-sftp` (sshd, `-d localPath`), the
   * `sftp-server` program (Dropbear execs /usr/lib/sftp-server; tinysshd `-x sftp=…`), or
   * AsyncSSH's own SFTPServer.
   */
  server: 'internal-sftp' | 'sftp-server' | 'asyncssh';
}

export type Availability = { available: true } | { available: false; reason: string };
