// sshts ls: list a remote directory over SFTP, as sftp(1)'s ls: names (dot files with -a), or with
// -l the server's long lines (readdir longname, ls -l style), sorted by name.
import { type Destination, parseDestination, parseRemotePath } from '../args/destination.js';
import { sftpConnectionOptions } from '../connection/options.js';
import { ExitCode, UsageError } from '../errors.js';
import { writeLines } from '../io.js';
import { longFormat } from '../listing/long-format.js';
import { transferFailure } from '../transfer/failure.js';
import { withSftp } from '../transfer/sftp-session.js';
import type { Command } from './command.js';

function operand(text: string): (Destination & { path: string }) | undefined {
  const remote = parseRemotePath(text);
  if (remote) return remote;
  const destination = parseDestination(text);
  return destination && destination.port === undefined ? { ...destination, path: '' } : undefined;
}

export const lsCommand: Command = {
  name: 'ls',
  summary: 'List a remote directory over SFTP (sftp ls)',
  usage: ['sshts ls [options] [user@]host[:path]'],
  options: [
    ...sftpConnectionOptions,
    { name: 'long', short: 'l', type: 'boolean', description: 'Long listing (mode, owner, size, time)' },
    { name: 'all', short: 'a', type: 'boolean', description: 'Include names starting with a dot' },
  ],
  async run(args, io) {
    const [target, ...extra] = args.positionals;
    if (target === undefined) throw new UsageError('missing [user@]host[:path]', 'ls');
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, 'ls');
    const remote = operand(target);
    if (remote === undefined) throw new UsageError(`bad operand '${target}'`, 'ls');
    const long = args.values.long === true;
    const all = args.values.all === true;
    return withSftp(args.values, remote, io, 'ls', async (sftp) => {
      const path = remote.path === '' ? '.' : remote.path;
      const nowS = Math.floor(io.now() / 1000);
      try {
        const attrs = await sftp.stat(path);
        if (!attrs.isDirectory()) {
          await writeLines(io.stdout, [long ? longFormat(path, attrs, nowS) : path]);
          return ExitCode.OK;
        }
        const entries = (await sftp.readdir(path))
          .filter((e) => e.filename !== '.' && e.filename !== '..')
          .filter((e) => all || !e.filename.startsWith('.'))
          .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
        await writeLines(
          io.stdout,
          entries.map((e) => (long ? e.longname || longFormat(e.filename, e.attrs, nowS) : e.filename)),
        );
      } catch (error) {
        throw transferFailure(error);
      }
      return ExitCode.OK;
    });
  },
};
