// What SSHClient does with a host key it has never seen (paramiko's MissingHostKeyPolicy). A key
// that differs from a recorded one never reaches a policy: that is BadHostKeyError, whatever the
// policy (OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED", paramiko's BadHostKeyException).
import type { PublicKey } from '@sshts/keys';
import { HostKeyError } from '@sshts/wire';

/** The part of SSHClient a policy may use (the full class would be a circular import). */
export interface HostKeyStore {
  /** The host keys SSHClient writes (loadHostKeys/saveHostKeys). */
  getHostKeys(): { add(host: string, key: PublicKey, options?: { hashed?: boolean }): void };
  /** Writes the host keys back to the file loadHostKeys read, if any. */
  saveHostKeys(path?: string): Promise<void>;
}

export interface MissingHostKeyPolicy {
  /**
   * Called with the server's key (its signature already verified) when no known_hosts entry names
   * `hostname`. Throw to refuse the connection; return to accept it.
   */
  missingHostKey(client: HostKeyStore, hostname: string, key: PublicKey): void | Promise<void>;
}

/** Refuses unknown hosts (the default, as OpenSSH's StrictHostKeyChecking=yes). */
export class RejectPolicy implements MissingHostKeyPolicy {
  missingHostKey(_client: HostKeyStore, hostname: string, key: PublicKey): void {
    throw new HostKeyError(
      hostname,
      `server ${hostname} is not in known_hosts (${key.type} key ${key.fingerprint()}); refusing under RejectPolicy`,
      { code: 'ERR_UNKNOWN_HOST_KEY' },
    );
  }
}

/**
 * Accepts an unknown host and records its key (as OpenSSH's StrictHostKeyChecking=accept-new): the
 * key is added to the client's host keys and, if they were loaded from a file, the file is saved.
 */
export class AutoAddPolicy implements MissingHostKeyPolicy {
  readonly #hashed: boolean;
  /** `hashed`: write the entry as `|1|salt|hash` (OpenSSH HashKnownHosts). */
  constructor(options: { hashed?: boolean } = {}) {
    this.#hashed = options.hashed ?? false;
  }

  async missingHostKey(client: HostKeyStore, hostname: string, key: PublicKey): Promise<void> {
    client.getHostKeys().add(hostname, key, { hashed: this.#hashed });
    await client.saveHostKeys();
  }
}

/** Accepts an unknown host without recording it, and reports it (paramiko's WarningPolicy). */
export class WarningPolicy implements MissingHostKeyPolicy {
  readonly #warn: (message: string) => void;
  constructor(warn: (message: string) => void = (m) => console.warn(m)) {
    this.#warn = warn;
  }

  missingHostKey(_client: HostKeyStore, hostname: string, key: PublicKey): void {
    this.#warn(`Unknown ${key.type} host key for ${hostname}: ${key.fingerprint()}`);
  }
}
