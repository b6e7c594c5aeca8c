/**
 * The contenders of the exec benchmarks: exec-cat.ts (bytes through a remote `cat`, TARGETS.md
 * performance target 3) and connect.ts (connect + auth + exec `true` + close, target 4). Each
 * client implements them in contenders/ beside its SFTP contender.
 */
import type { SshdLogin } from './sshd.js';

export interface CatTarget extends SshdLogin {
  /** The ciphers the run measures; a contender may open one connection per cipher in setup(). */
  ciphers: string[];
}

export interface CatContender {
  /** The row label, e.g. `OpenSSH ssh cat`. */
  readonly name: string;
  /** One line for the notes under the table: version, settings, what the timing includes. */
  note(): string;
  /** Untimed, once before the first round (connect and authenticate, one connection per cipher). */
  setup(target: CatTarget): Promise<void>;
  /** Untimed, once after the last round; releases everything setup() took. */
  teardown(): Promise<void>;
  /**
   * Timed: runs `cat` on the server with `cipher`, writes the local file `source` into its stdin
   * (then EOF) while writing its stdout to the local file `dest`; resolves after `cat` exited 0
   * and `dest` is complete.
   */
  cat(source: string, dest: string, cipher: string): Promise<void>;
  /**
   * For contenders whose cat() includes connection setup (a whole `ssh` process): the same with
   * `true` instead of `cat`, timed alike, so the report can subtract its median.
   */
  connectOnly?(cipher: string): Promise<void>;
}

export interface ConnectContender {
  /** The row label, e.g. `sshts (curve25519-sha256)`. */
  readonly name: string;
  note(): string;
  /** Untimed: whatever may be prepared before the first connection (keys parsed, versions read). */
  setup(target: SshdLogin): Promise<void>;
  teardown(): Promise<void>;
  /**
   * Timed: one new connection — connect, key exchange, ed25519 publickey auth, exec `true` and
   * its exit status (0, or it rejects), close.
   */
  once(): Promise<void>;
  /** The key exchange negotiated (known after setup() or the first once()), for the report. */
  kex(): string | undefined;
}
