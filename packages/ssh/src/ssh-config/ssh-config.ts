// The public face of ssh_config support: parse once, look up many destinations, as `ssh -G`
// resolves one (user configuration first, then the system one; first obtained value wins).
import type { SSHConfigContext } from './context.js';
import { SSHConfigError } from './errors.js';
import { evaluate } from './evaluate.js';
import { buildHostConfig, type HostConfig } from './host-config.js';
import { type ConfigFile, type ConfigFileKind, type IncludeResolver, parseConfigFile } from './parse.js';

export interface ParseSSHConfigOptions {
  /** The file name used in error messages (default "<config>"). */
  readonly path?: string;
  /**
   * "user" (the default, as for ~/.ssh/config and `ssh -F`) or "system" (/etc/ssh/ssh_config):
   * relative Include paths resolve under ~/.ssh or /etc/ssh, and '~' is refused in a system file.
   */
  readonly kind?: ConfigFileKind;
  /** Returns the files an Include pattern matches; without it, Include matches nothing. */
  readonly include?: IncludeResolver;
  /** The local user, home directory, host name and environment that lookups expand with. */
  readonly local?: SSHConfigContext;
}

export interface SSHConfigLookupOptions {
  /** The remote user, winning over User lines (as `ssh -l`). */
  readonly user?: string;
  /** The port, winning over Port lines (as `ssh -p`). */
  readonly port?: number;
  /** Overrides the context's local user name (Match localuser, %u, default User). */
  readonly localUser?: string;
  /** Overrides the context given when the configuration was created. */
  readonly local?: SSHConfigContext;
}

/** A parsed set of configuration files. */
export class SSHConfig {
  /** @param files in reading order: the user configuration first, then the system one. */
  constructor(
    readonly files: readonly ConfigFile[],
    readonly local?: SSHConfigContext,
  ) {}

  /** Parses one file's text. Throws SSHConfigError (with file and line) for a line OpenSSH rejects. */
  static parse(text: string, options: ParseSSHConfigOptions = {}): SSHConfig {
    const file = parseConfigFile(text, options.path ?? '<config>', options.kind ?? 'user', options.include);
    return new SSHConfig([file], options.local);
  }

  /**
   * The settings for `host` (an alias or a host name, as given to ssh). Throws SSHConfigError for
   * an unknown keyword not covered by IgnoreUnknown, a token that cannot be expanded, or an
   * algorithm list that ends up empty — the cases where `ssh` stops.
   */
  lookup(host: string, options: SSHConfigLookupOptions = {}): HostConfig {
    const base = options.local ?? this.local;
    if (base === undefined) {
      throw new SSHConfigError(
        'lookup needs a SSHConfigContext (userName, homeDir): pass `local` to parse() or lookup()',
      );
    }
    if (typeof host !== 'string' || host === '') throw new SSHConfigError('lookup needs a host name');
    const port = options.port;
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port <= 65535)) {
      throw new SSHConfigError(`Bad port '${port}'`);
    }
    const local: SSHConfigContext =
      options.localUser === undefined ? base : { ...base, userName: options.localUser };
    const { options: obtained, host: hostname } = evaluate(this.files, {
      originalHost: host,
      ...(options.user === undefined ? {} : { user: options.user }),
      ...(port === undefined ? {} : { port }),
      localUser: local.userName,
      env: local.env ?? {},
    });
    return buildHostConfig({ options: obtained, host: hostname, originalHost: host, local });
  }
}

/** SSHConfig.parse(). */
export function parseSSHConfig(text: string, options?: ParseSSHConfigOptions): SSHConfig {
  return SSHConfig.parse(text, options);
}

/** The override lists for SSHClient/Transport (`algorithms`), from a looked-up configuration. */
export function toAlgorithmOverrides(config: HostConfig): {
  kex: string[];
  hostKey: string[];
  cipher: string[];
  mac: string[];
} {
  return {
    kex: [...config.kexAlgorithms],
    hostKey: [...config.hostKeyAlgorithms],
    cipher: [...config.ciphers],
    mac: [...config.macs],
  };
}
