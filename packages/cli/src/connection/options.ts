// The connection options the commands that log in share, named as ssh(1) names them; the file
// transfer commands use sftp(1)/scp(1)'s -P for the port, which leaves -p and -l to their own use.

import { parsePort } from '../args/destination.js';
import { count, type OptionSpec, type OptionValue, stringList, stringValue } from '../args/options.js';
import { UsageError } from '../errors.js';

export type ForwardKind = 'local' | 'remote' | 'dynamic';

export interface ConnectionFlags {
  readonly port?: number;
  readonly user?: string;
  /** -i files, in order. */
  readonly identities: readonly string[];
  /** -o lines, as given. */
  readonly options: readonly string[];
  /** -F: a file, or "none" for no configuration files at all. */
  readonly configFile?: string;
  /** -J: ProxyJump hops. */
  readonly jump?: string;
  /** -v count: 1 connection steps and negotiation, 2 also every message. */
  readonly verbosity: number;
  readonly quiet: boolean;
  /** -A. */
  readonly forwardAgent: boolean;
  /** -L, -R, -D in the order given. */
  readonly forwards: readonly { kind: ForwardKind; spec: string }[];
}

const shared: OptionSpec[] = [
  {
    name: 'identity',
    short: 'i',
    type: 'string',
    multiple: true,
    value: 'file',
    description: 'Identity (private key) file; repeatable',
  },
  {
    name: 'option',
    short: 'o',
    type: 'string',
    multiple: true,
    value: 'Key=Value',
    description: 'An ssh_config option, e.g. -o StrictHostKeyChecking=accept-new',
  },
  {
    name: 'config',
    short: 'F',
    type: 'string',
    value: 'file',
    description: 'Configuration file instead of ~/.ssh/config and /etc/ssh/ssh_config ("none": none)',
  },
  {
    name: 'jump',
    short: 'J',
    type: 'string',
    value: '[user@]host[:port],…',
    description: 'Connect through these jump hosts (ProxyJump)',
  },
  {
    name: 'verbose',
    short: 'v',
    type: 'boolean',
    multiple: true,
    description: 'Trace the connection on stderr (-vv: every message); never secrets',
  },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'Quiet: no warnings or progress' },
];

/** exec and shell: ssh(1)'s -p, -l, -A, -L, -R, -D. */
export const sshConnectionOptions: readonly OptionSpec[] = [
  { name: 'port', short: 'p', type: 'string', value: 'port', description: 'Port to connect to' },
  { name: 'login', short: 'l', type: 'string', value: 'user', description: 'User to log in as' },
  ...shared,
  { name: 'forward-agent', short: 'A', type: 'boolean', description: 'Forward the SSH agent' },
  {
    name: 'local-forward',
    short: 'L',
    type: 'string',
    multiple: true,
    value: '[bind:]port:host:hostport',
    description: 'Forward a local port to host:hostport through the server',
  },
  {
    name: 'remote-forward',
    short: 'R',
    type: 'string',
    multiple: true,
    value: '[bind:]port:host:hostport',
    description: 'Forward a port on the server to host:hostport from here',
  },
  {
    name: 'dynamic-forward',
    short: 'D',
    type: 'string',
    multiple: true,
    value: '[bind:]port',
    description: 'A local SOCKS proxy through the server',
  },
];

/** get, put, ls: the port is -P, as in sftp(1) and scp(1). */
export const sftpConnectionOptions: readonly OptionSpec[] = [
  { name: 'port', short: 'P', type: 'string', value: 'port', description: 'Port to connect to' },
  ...shared,
];

/** The connection flags from parsed values (either option set). */
export function connectionFlags(
  values: Readonly<Record<string, OptionValue>>,
  command: string,
): ConnectionFlags {
  const portText = stringValue(values.port);
  let port: number | undefined;
  if (portText !== undefined) {
    port = parsePort(portText);
    if (port === undefined) throw new UsageError(`Bad port '${portText}'`, command);
  }
  const forwards = [
    ...stringList(values['local-forward']).map((spec) => ({ kind: 'local' as const, spec })),
    ...stringList(values['remote-forward']).map((spec) => ({ kind: 'remote' as const, spec })),
    ...stringList(values['dynamic-forward']).map((spec) => ({ kind: 'dynamic' as const, spec })),
  ];
  const user = stringValue(values.login);
  const configFile = stringValue(values.config);
  const jump = stringValue(values.jump);
  return {
    ...(port === undefined ? {} : { port }),
    ...(user === undefined ? {} : { user }),
    identities: stringList(values.identity),
    options: stringList(values.option),
    ...(configFile === undefined ? {} : { configFile }),
    ...(jump === undefined ? {} : { jump }),
    verbosity: count(values.verbose),
    quiet: values.quiet === true,
    forwardAgent: values['forward-agent'] === true,
    forwards,
  };
}
