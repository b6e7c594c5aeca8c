// Logging in as ssh(1) would: the destination resolved through ssh_config (command line, -F or the
// default files), known_hosts from UserKnownHostsFile and GlobalKnownHostsFile with
// StrictHostKeyChecking for unknown hosts, then SSHClient.connect with the same configuration.

import type { HostConfig } from 'sshts';
import { SSHClient } from 'sshts';
import type { Destination } from '../args/destination.js';
import type { CliIo } from '../io.js';
import { localPath } from '../local-path.js';
import { connectionFailure } from './failure.js';
import { KnownHostsFilePolicy } from './host-key-policy.js';
import { identityWarnings } from './identities.js';
import { loadConfig } from './load-config.js';
import type { ConnectionFlags } from './options.js';
import { makeTrace, type Trace, transportLogger } from './trace.js';

export interface Connection {
  readonly client: SSHClient;
  /** The destination's resolved ssh_config settings. */
  readonly host: HostConfig;
  readonly trace: Trace;
  /** Prints a warning on stderr unless -q (or LogLevel QUIET). */
  warn(message: string): void;
  close(): Promise<void>;
}

const QUIET_LEVELS = new Set(['QUIET', 'FATAL', 'ERROR']);

/** Connects and authenticates; a CliError (exit 255) with ssh's wording when that fails. */
export async function openConnection(
  flags: ConnectionFlags,
  destination: Destination,
  io: CliIo,
  command: string,
): Promise<Connection> {
  const line = (text: string) => void io.stderr.write(`${text}\n`);
  const trace = makeTrace(flags.verbosity, line);
  const user = flags.user ?? destination.user;
  const port = flags.port ?? destination.port;
  const context = { user: user ?? '', host: destination.host, port: port ?? 22 };
  let host: HostConfig;
  let config: Awaited<ReturnType<typeof loadConfig>>['config'];
  try {
    const loaded = await loadConfig(
      { ...flags, identities: flags.identities.map((f) => localPath(io, f)) },
      io,
      command,
    );
    config = loaded.config;
    for (const file of loaded.files) trace(1, `Reading configuration data ${file}`);
    host = config.lookup(destination.host, {
      ...(user === undefined ? {} : { user }),
      ...(port === undefined ? {} : { port }),
    });
  } catch (error) {
    throw connectionFailure(error, context);
  }
  for (const w of host.warnings) trace(1, w);
  const quiet = flags.quiet || QUIET_LEVELS.has(host.logLevel.toUpperCase());
  const warn = (message: string) => {
    if (!quiet) line(message);
  };
  const identities = flags.identities.map((given) => ({ given, path: localPath(io, given) }));
  for (const w of await identityWarnings(identities)) warn(w);

  const client = new SSHClient({
    policy: new KnownHostsFilePolicy({
      mode: host.strictHostKeyChecking,
      file: host.userKnownHostsFile[0],
      hashed: host.hashKnownHosts,
      warn,
    }),
  });
  const resolved = { user: host.user, host: host.hostname, port: host.port };
  try {
    for (const file of [...host.userKnownHostsFile, ...host.globalKnownHostsFile]) {
      await client.loadSystemHostKeys(file);
    }
    trace(1, `Connecting to ${host.hostname} port ${host.port}.`);
    await client.connect({
      host: destination.host,
      config,
      ...(user === undefined ? {} : { username: user }),
      ...(port === undefined ? {} : { port }),
      ...(flags.verbosity > 0 ? { logger: transportLogger(trace) } : {}),
    });
  } catch (error) {
    await client.close().catch(() => {});
    throw connectionFailure(error, resolved);
  }
  const key = client.transport.getRemoteServerKey();
  trace(1, `Server host key: ${key.type} ${key.fingerprint()}`);
  trace(1, `Authenticated to ${host.hostname} ([${host.hostname}]:${host.port}) as ${host.user}.`);
  return { client, host, trace, warn, close: () => client.close().catch(() => {}) };
}
