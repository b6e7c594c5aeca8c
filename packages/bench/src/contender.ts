/**
 * A contender in the SFTP benchmark (sftp-peers.ts): one client doing SFTP get and put against
 * the same server. To add a row (e.g. sshts with the node or the noble provider, or its streams),
 * write a `Contender` in `contenders/` and add it to the list in sftp-peers.ts.
 */

/** What every contender is given: the server, how to log in, where its files land. */
export interface SftpBenchTarget {
  host: string;
  port: number;
  user: string;
  /** An unencrypted OpenSSH ed25519 private key file the server accepts. */
  privateKeyPath: string;
  /** A known_hosts file with the server's host keys under `[host]:port`. */
  knownHostsPath: string;
  /** The server's host keys as OpenSSH public key lines (`type base64`). */
  hostKeys: string[];
  /** The ciphers the run measures; a contender may open one connection per cipher in setup(). */
  ciphers: string[];
  /** A scratch directory the contender may use; removed after the run. */
  scratchDir: string;
}

export interface Contender {
  /** The row label, e.g. `OpenSSH sftp` or `ssh2 fastGet/fastPut`. */
  readonly name: string;
  /** One line for the notes under the table: version, settings, what the timing includes. */
  note(): string;
  /** Untimed, once before the first round (connect, authenticate, open SFTP sessions, …). */
  setup(target: SftpBenchTarget): Promise<void>;
  /** Untimed, once after the last round; must release everything setup() took. */
  teardown(): Promise<void>;
  /**
   * Timed: downloads `remote` (a path relative to the server's SFTP start directory) to the
   * absolute `local`, with `cipher`. Resolves when the file is complete on disk.
   */
  get(remote: string, local: string, cipher: string): Promise<void>;
  /** Timed: uploads the absolute `local` to `remote` (relative), with `cipher`. */
  put(local: string, remote: string, cipher: string): Promise<void>;
  /**
   * For contenders whose get/put time includes connection setup (a whole `sftp` process): the
   * same session with nothing transferred, timed like get/put. Its median is reported on its own
   * row and subtracted from get/put for their "minus setup" rows.
   */
  connectOnly?(cipher: string): Promise<void>;
}
