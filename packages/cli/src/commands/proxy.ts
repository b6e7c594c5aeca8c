// sshts proxy: the WebSocket-to-TCP proxy (@sshts/websocket/node createProxy) for browser SSH
// clients. Every target must be allowed with --allow (never an open relay); a token is required
// (--token or $SSHTS_PROXY_TOKEN) unless --no-token is given; browser pages must come from an
// --origin (default: same-origin pages and non-browser clients only).
import { createProxy } from '@sshts/websocket/node';
import { stringList, stringValue } from '../args/options.js';
import { ExitCode, UsageError } from '../errors.js';
import { writeLines } from '../io.js';
import type { Command } from './command.js';

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'Run a WebSocket-to-TCP proxy for browser SSH clients (allow-list, Origin and token checks)',
  usage: [
    'sshts proxy --allow host:port [--allow …] [-p port] [-b address] [--origin url …] [--token t | --no-token]',
  ],
  options: [
    {
      name: 'allow',
      type: 'string',
      multiple: true,
      value: '<host:port>',
      description: 'A target clients may reach (host:*, [v6]:port); repeat',
    },
    {
      name: 'port',
      short: 'p',
      type: 'string',
      value: '<port>',
      description: 'TCP port to listen on (default 8022; 0: any)',
    },
    {
      name: 'bind',
      short: 'b',
      type: 'string',
      value: '<address>',
      description: 'Address to listen on (default 127.0.0.1)',
    },
    {
      name: 'origin',
      type: 'string',
      multiple: true,
      value: '<url>',
      description: 'A page origin allowed to connect; repeat',
    },
    {
      name: 'token',
      type: 'string',
      value: '<token>',
      description: 'The token clients must present (or $SSHTS_PROXY_TOKEN)',
    },
    {
      name: 'no-token',
      type: 'boolean',
      description: 'Accept clients with no token (trusted networks only)',
    },
    {
      name: 'max-connections',
      type: 'string',
      value: '<n>',
      description: 'Connections at once (default 256)',
    },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Print nothing but errors' },
  ],
  notes: [
    'Clients name their target in the URL: ws://host:port/?host=H&port=P. The first --allow is the default target.',
    'The proxy relays SSH bytes only; it never sees keys, passwords or data (the SSH transport is end to end).',
  ],
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'proxy');
    const targets = stringList(args.values.allow);
    if (targets.length === 0) throw new UsageError('name at least one --allow host:port target', 'proxy');
    const portText = stringValue(args.values.port) ?? '8022';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`bad port '${portText}'`, 'proxy');
    const token = stringValue(args.values.token) ?? io.env.SSHTS_PROXY_TOKEN;
    if (token === undefined && args.values['no-token'] !== true)
      throw new UsageError('give --token (or $SSHTS_PROXY_TOKEN), or --no-token to run without one', 'proxy');
    const maxText = stringValue(args.values['max-connections']);
    const maxConnections = maxText === undefined ? undefined : Number(maxText);
    if (maxConnections !== undefined && !(Number.isInteger(maxConnections) && maxConnections > 0))
      throw new UsageError(`bad --max-connections '${maxText}'`, 'proxy');
    const origins = stringList(args.values.origin);
    let proxy: Awaited<ReturnType<typeof createProxy>>;
    try {
      proxy = await createProxy({
        port,
        host: stringValue(args.values.bind) ?? '127.0.0.1',
        targets,
        defaultTarget: targets[0]!.endsWith(':*') ? undefined : targets[0],
        token: token ?? false,
        ...(origins.length > 0 ? { origins } : {}),
        ...(maxConnections === undefined ? {} : { maxConnections }),
      });
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(error.message, 'proxy');
      throw error;
    }
    if (args.values.quiet !== true)
      await writeLines(io.stderr, [
        `sshts proxy: listening on ${proxy.url}`,
        `  targets: ${targets.join(', ')}`,
        `  token: ${token === undefined ? 'none (--no-token)' : 'required'}; origins: ${origins.length > 0 ? origins.join(', ') : 'same-origin pages and non-browser clients'}`,
      ]);
    await (io.interrupted?.() ?? new Promise<void>(() => {}));
    await proxy.close();
    return ExitCode.OK;
  },
};
