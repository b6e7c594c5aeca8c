// sshts serve: an SSH and SFTP server on sshts's SSHServer. The host key is generated on the first
// run and kept (as sshd's ssh-keygen -A), logins are by password (--password, or $SSHTS_PASSWORD)
// and/or authorized_keys (default ~/.ssh/authorized_keys), SFTP is rooted at a folder (default the
// working directory; the client sees it as "/"), and commands and shells run through the system
// shell only with --exec. It prints the one line a client needs, then serves until interrupted.
import { stringValue } from '../args/options.js';
import { ExitCode, UsageError } from '../errors.js';
import { writeLines } from '../io.js';
import { localPath } from '../local-path.js';
import { startServer } from '../server/start-server.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run an SSH/SFTP server (host key kept, password or authorized_keys, SFTP rooted at a folder)',
  usage: [
    'sshts serve [-p port] [-b address] [--root dir] [--password pw] [--authorized-keys file] [--exec]',
  ],
  options: [
    {
      name: 'port',
      short: 'p',
      type: 'string',
      value: '<port>',
      description: 'TCP port (default 2222; 0: any free port)',
    },
    {
      name: 'bind',
      short: 'b',
      type: 'string',
      value: '<address>',
      description: 'Address to listen on (default 127.0.0.1)',
    },
    {
      name: 'root',
      type: 'string',
      value: '<dir>',
      description: 'SFTP root folder (default: the working directory)',
    },
    {
      name: 'host-key',
      type: 'string',
      value: '<file>',
      description: 'Host key file, made on first use (default ~/.config/sshts/ssh_host_ed25519_key)',
    },
    {
      name: 'password',
      type: 'string',
      value: '<password>',
      description: 'Accept this password (or $SSHTS_PASSWORD) for any user name',
    },
    {
      name: 'authorized-keys',
      type: 'string',
      value: '<file>',
      description: 'Accept the keys in this file (default ~/.ssh/authorized_keys when it exists)',
    },
    {
      name: 'exec',
      type: 'boolean',
      description: 'Run commands and shells through the system shell, as the server user',
    },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Print nothing but errors' },
  ],
  notes: ['Stop it with Ctrl-C. Without --exec, only SFTP is served (exec and shell requests are refused).'],
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'serve');
    const portText = stringValue(args.values.port) ?? '2222';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`bad port '${portText}'`, 'serve');
    const hostKey = stringValue(args.values['host-key']);
    const keys = stringValue(args.values['authorized-keys']);
    const server = await startServer(io, {
      port,
      host: stringValue(args.values.bind) ?? '127.0.0.1',
      root: localPath(io, stringValue(args.values.root) ?? '.'),
      hostKeyPath: hostKey === undefined ? undefined : localPath(io, hostKey),
      password: stringValue(args.values.password) ?? io.env.SSHTS_PASSWORD,
      authorizedKeysPath: keys === undefined ? undefined : localPath(io, keys),
      exec: args.values.exec === true,
    });
    if (args.values.quiet !== true) await writeLines(io.stderr, server.banner());
    await (io.interrupted?.() ?? new Promise<void>(() => {}));
    await server.close();
    return ExitCode.OK;
  },
};
