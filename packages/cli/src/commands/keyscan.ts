// sshts keyscan: print servers' host keys as known_hosts lines, as ssh-keyscan(1) does (the lines on
// stdout, a "# host:port SSH-2.0-…" comment per host on stderr; -H hashes the host names).
import { KnownHosts, knownHostsName } from 'sshts';
import { parseDestination, parsePort } from '../args/destination.js';
import { stringValue } from '../args/options.js';
import { ExitCode, UsageError } from '../errors.js';
import { writeLines } from '../io.js';
import { isScanKeyType, SCAN_KEY_TYPES, type ScanKeyType, scanHostKey } from '../keys/host-key-scan.js';
import type { Command } from './command.js';

const DEFAULT_TIMEOUT_S = 5;

function keyTypes(value: string | undefined): ScanKeyType[] {
  if (value === undefined) return [...SCAN_KEY_TYPES];
  const names = value.split(',').map((s) => s.trim().toLowerCase());
  for (const name of names) {
    if (!isScanKeyType(name))
      throw new UsageError(`unknown key type ${name} (rsa, ecdsa, ed25519)`, 'keyscan');
  }
  return [...new Set(names as ScanKeyType[])];
}

export const keyscanCommand: Command = {
  name: 'keyscan',
  summary: 'Print servers’ host keys as known_hosts lines (ssh-keyscan)',
  usage: ['sshts keyscan [-H] [-p port] [-t rsa,ecdsa,ed25519] [-T timeout] host[:port]…'],
  options: [
    { name: 'hash', short: 'H', type: 'boolean', description: 'Hash the host names (HashKnownHosts)' },
    { name: 'port', short: 'p', type: 'string', value: 'port', description: 'Port (default 22)' },
    {
      name: 'type',
      short: 't',
      type: 'string',
      value: 'types',
      description: 'Key types, comma-separated (default all)',
    },
    {
      name: 'timeout',
      short: 'T',
      type: 'string',
      value: 'seconds',
      description: `Per connection (default ${DEFAULT_TIMEOUT_S})`,
    },
  ],
  notes: ['Exit status: 0 when every host gave at least one key, 1 otherwise.'],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('missing host', 'keyscan');
    const portText = stringValue(args.values.port);
    const defaultPort = portText === undefined ? 22 : parsePort(portText);
    if (defaultPort === undefined) throw new UsageError(`Bad port '${portText}'`, 'keyscan');
    const timeoutText = stringValue(args.values.timeout) ?? String(DEFAULT_TIMEOUT_S);
    const timeout = Number(timeoutText);
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new UsageError(`Bad timeout '${timeoutText}'`, 'keyscan');
    const types = keyTypes(stringValue(args.values.type));
    const hosts = args.positionals.map((text) => {
      const d = parseDestination(text);
      if (d === undefined || d.user !== undefined) throw new UsageError(`bad host '${text}'`, 'keyscan');
      return { host: d.host, port: d.port ?? defaultPort };
    });
    const hashed = args.values.hash === true;
    let failed = false;
    for (const { host, port } of hosts) {
      const results = await Promise.allSettled(types.map((t) => scanHostKey(host, port, t, timeout * 1000)));
      const found = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      if (found.length === 0) {
        failed = true;
        const reason = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
        io.stderr.write(
          `sshts keyscan: ${host}:${port}: ${(reason?.reason as Error)?.message ?? 'no keys'}\n`,
        );
        continue;
      }
      io.stderr.write(`# ${host}:${port} ${found[0]?.version}\n`);
      const lines = KnownHosts.parse('');
      for (const { key } of found) lines.add(knownHostsName(host, port), key, { hashed });
      await writeLines(io.stdout, lines.toString().trimEnd().split('\n'));
    }
    return failed ? ExitCode.FAILURE : ExitCode.OK;
  },
};
