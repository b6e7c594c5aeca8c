// The ssh_config a connection is resolved with, as ssh(1) reads it: the command line first, then
// -F's file or else ~/.ssh/config and /etc/ssh/ssh_config. `~` is $HOME (CliIo.homeDir) rather than
// the passwd entry OpenSSH uses, so a run under another HOME — tests — never sees the real ~/.ssh.
import { resolve } from 'node:path';
import { loadSSHConfig, localSSHConfigContext, SSHConfig, type SSHConfigContext } from 'sshts';
import type { CliIo } from '../io.js';
import { commandLineConfig } from './command-line-config.js';
import type { ConnectionFlags } from './options.js';

export interface LoadedConfig {
  readonly config: SSHConfig;
  /** The files read, for -v. */
  readonly files: readonly string[];
}

export async function loadConfig(flags: ConnectionFlags, io: CliIo, command: string): Promise<LoadedConfig> {
  const local: SSHConfigContext = { ...localSSHConfigContext(), homeDir: io.homeDir, env: io.env };
  const commandLine = SSHConfig.parse(commandLineConfig(flags, command), { path: 'command line', local });
  const file = flags.configFile;
  const fromFiles =
    file === 'none'
      ? undefined
      : await loadSSHConfig({
          ...(file === undefined ? {} : { userConfig: resolve(io.cwd, file), systemConfig: false }),
          local,
        });
  const files = fromFiles?.files ?? [];
  return {
    config: new SSHConfig([...commandLine.files, ...files], local),
    files: files.map((f) => f.path),
  };
}
