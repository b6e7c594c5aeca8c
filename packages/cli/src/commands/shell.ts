// sshts shell: ssh(1) without a command — a login shell on a pty sized like the local window, the
// local terminal raw until it ends (and restored then), window changes passed on, and the shell's
// exit status as ours. With stdin not a terminal there is no pty (as ssh), unless -tt.
import { destinationArgument } from '../args/destination-argument.js';
import { count, type OptionSpec } from '../args/options.js';
import { type Connection, openConnection } from '../connection/connect.js';
import { sessionFailure } from '../connection/failure.js';
import { startForwards } from '../connection/forwards.js';
import { connectionFlags, sshConnectionOptions } from '../connection/options.js';
import { UsageError } from '../errors.js';
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
    description: 'Ask for a pty (-tt: even without a terminal)',
  },
  { name: 'no-tty', short: 'T', type: 'boolean', description: 'Never ask for a pty' },
];

/** The shell's channel: with a pty through invokeShell, without one as a bare `shell` request. */
async function openShell(conn: Connection, pty: boolean, io: CliIo) {
  const env = sessionEnvironment(conn.host, io.env);
  if (pty) return conn.client.invokeShell({ ...ptySize(io), env });
  const channel = await conn.client.transport.openSession();
  if (!(await channel.request('shell', true))) {
    await channel.close().catch(() => {});
    throw new Error('the server refused to start a shell');
  }
  return channel;
}

export const shellCommand: Command = {
  name: 'shell',
  summary: 'Open an interactive shell on a server (ssh host)',
  usage: ['sshts shell [options] [user@]host[:port]'],
  options,
  leadingPositionals: 1,
  notes: ['The exit status is the shell’s; 255 when connecting failed.'],
  async run(args, io) {
    const destination = destinationArgument(args, 'shell');
    if (args.positionals.length > 1) {
      throw new UsageError('shell takes no command (sshts exec -t runs one on a pty)', 'shell');
    }
    const conn = await openConnection(connectionFlags(args.values, 'shell'), destination, io, 'shell');
    try {
      const choice = choosePty({
        forceCount: count(args.values.tty),
        refuse: args.values['no-tty'] === true,
        requestTTY: conn.host.requestTTY,
        shell: true,
        stdinIsTerminal: io.stdin.isTTY === true,
      });
      if (choice.warning) conn.warn(choice.warning);
      const forwards = await startForwards(conn);
      try {
        const channel = await openShell(conn, choice.pty, io);
        const exit = await runSession(channel, io, { stdin: true, pty: choice.pty });
        if (choice.pty) conn.warn(`Connection to ${conn.host.hostname} closed.`);
        return exitCodeFor(exit);
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
