// StrictHostKeyChecking for a host that known_hosts does not list, as ssh(1) applies it: "yes"
// refuses; "accept-new" and "no" add the key to the first UserKnownHostsFile (appended, as ssh's
// hostfile.c add_host_to_hostfile does, hashed under HashKnownHosts) and say so on stderr. "ask"
// would prompt; sshts has no prompt, so it refuses and says how to go on. A key that differs from
// a recorded one never gets here: SSHClient refuses it whatever this policy says.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  HostKeyError,
  type HostKeyStore,
  KnownHosts,
  type MissingHostKeyPolicy,
  type PublicKey,
  type StrictHostKeyChecking,
} from 'sshts';
import { keyTypeLabel } from '../keys/key-type-label.js';

export interface KnownHostsFilePolicyOptions {
  readonly mode: StrictHostKeyChecking;
  /** Where accepted keys are written; undefined when UserKnownHostsFile is "none". */
  readonly file: string | undefined;
  readonly hashed: boolean;
  /** A warning line for stderr (undefined: quiet). */
  readonly warn?: (message: string) => void;
}

export class KnownHostsFilePolicy implements MissingHostKeyPolicy {
  readonly #options: KnownHostsFilePolicyOptions;

  constructor(options: KnownHostsFilePolicyOptions) {
    this.#options = options;
  }

  async missingHostKey(_client: HostKeyStore, hostname: string, key: PublicKey): Promise<void> {
    const { mode, file, hashed, warn } = this.#options;
    const label = keyTypeLabel(key.type);
    if (mode === 'yes') {
      throw new HostKeyError(
        hostname,
        `No ${label} host key is known for ${hostname} and you have requested strict checking.\nHost key verification failed.`,
        { code: 'ERR_UNKNOWN_HOST_KEY' },
      );
    }
    if (mode === 'ask') {
      throw new HostKeyError(
        hostname,
        [
          `The authenticity of host '${hostname}' can't be established.`,
          `${label} key fingerprint is ${key.fingerprint()}.`,
          'sshts does not prompt: add the key to known_hosts (sshts keyscan) or use -o StrictHostKeyChecking=accept-new.',
          'Host key verification failed.',
        ].join('\n'),
        { code: 'ERR_UNKNOWN_HOST_KEY' },
      );
    }
    if (file === undefined) {
      warn?.(
        `Warning: ${label} host key for '${hostname}' accepted but not recorded (UserKnownHostsFile none).`,
      );
      return;
    }
    await appendKnownHost(file, hostname, key, hashed);
    warn?.(`Warning: Permanently added '${hostname}' (${label}) to the list of known hosts.`);
  }
}

/** Appends one known_hosts line, creating the file (0600) and its directory (0700) if needed. */
export async function appendKnownHost(
  file: string,
  hostname: string,
  key: PublicKey,
  hashed: boolean,
): Promise<void> {
  const entry = KnownHosts.parse('');
  entry.add(hostname, key, { hashed });
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(file, separator + entry.toString(), { mode: 0o600 });
}
