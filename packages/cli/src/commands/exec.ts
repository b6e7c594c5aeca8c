// sshts exec: ssh(1) with a command — run it, stream its stdout and stderr, forward stdin, exit
// with its status (128 + n for signal n, 255 when the connection fails).
import { destinationArgument } from '../args/destination-argument.js';
import { count, type OptionSpec, type ParsedArgs } from '../args/options.js';
import { type Connection, openConnection } from '../connection/connect.js';
import { sessionFailure } from '../connection/failure.js';
import { startForwards } from '../connection/forwards.js';
import { connectionFlags, sshConnectionOptions } from '../connection/options.js';
import { ExitCode, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { sessionEnvironment } from '../session/environment.js';
import { exitCodeFor } from '../session/exit-status.js';
import { choosePty } from '../session/pty-choice.js';
import { runSession } from '../session/run-session.js';
import { ptySize } from '../session/terminal.js';
import type { Command } from './command.js';

const options: OptionSpec[] = [
  ...sshConnectionOptions,
  {
    name: 'tty',
    short: 't',
    type: 'boolean',
    multiple: true,
    description: 'Run on a pty (-tt: even without a terminal)',
  },
  { name: 'no-tty', short: 'T', type: 'boolean', description: 'Never ask for a pty' },
  {
    name: 'null-stdin',
    short: 'n',
    type: 'boolean',
    description: 'Do not read stdin (the command gets EOF)',
  },
  {
    name: 'no-command',
    short: 'N',
    type: 'boolean',
    description: 'No command: only forward ports, until the connection ends',
  },
];

async function runCommand(conn: Connection, command: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const choice = choosePty({
    forceCount: count(args.values.tty),
    refuse: args.values['no-tty'] === true,
    requestTTY: conn.host.requestTTY,
    shell: false,
    stdinIsTerminal: io.stdin.isTTY === true,
  });
  if (choice.warning) conn.warn(choice.warning);
  const remote = await conn.client.execCommand(command, {
    ...(choice.pty ? { pty: ptySize(io) } : {}),
    env: sessionEnvironment(conn.host, io.env),
  });
  const exit = await runSession(remote.channel, io, {
    stdin: args.values['null-stdin'] !== true,
    pty: choice.pty,
  });
  return exitCodeFor(exit);
}

export const execCommand: Command = {
  name: 'exec',
  summary: 'Run a command on a server (ssh host command)',
  usage: ['sshts exec [options] [user@]host[:port] [--] command [argument…]'],
  options,
  leadingPositionals: 1,
  notes: [
    'The host is resolved through ssh_config (or -F) and checked against ~/.ssh/known_hosts; an unknown',
    'host is refused unless -o StrictHostKeyChecking=accept-new (or no), which records its key.',
    'Exit status: the command’s, 128 + n when signal n killed it, 255 when connecting failed.',
  ],
  async run(args, io) {
    const destination = destinationArgument(args, 'exec');
    const words = args.positionals.slice(1);
    const noCommand = args.values['no-command'] === true;
    if (words.length === 0 && !noCommand)
      throw new UsageError('missing command (sshts shell opens a shell)', 'exec');
    const conn = await openConnection(connectionFlags(args.values, 'exec'), destination, io, 'exec');
    try {
      const forwards = await startForwards(conn);
      try {
        if (noCommand) {
          await conn.client.transport.closed;
          return ExitCode.OK;
        }
        return await runCommand(conn, words.join(' '), args, io);
      } finally {
        await Promise.all(forwards.map((f) => f.close().catch(() => {})));
      }
    } catch (error) {
      throw sessionFailure(error);
    } finally {
      await conn.close();
    }
  },
};
