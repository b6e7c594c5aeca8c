// sshts get: download a file (or with -r a directory) over SFTP, with a progress line on stderr.
import { parseRemotePath } from '../args/destination.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { localPath } from '../local-path.js';
import { transferFailure } from '../transfer/failure.js';
import { runTransfer } from '../transfer/run-transfer.js';
import { withSftp } from '../transfer/sftp-session.js';
import { localTarget, remoteBasename } from '../transfer/targets.js';
import { transferOptions } from '../transfer/transfer-options.js';
import type { Command } from './command.js';

export const getCommand: Command = {
  name: 'get',
  summary: 'Download a file or directory over SFTP (scp host:remote local)',
  usage: ['sshts get [options] [user@]host:remote [local]'],
  options: transferOptions,
  notes: [
    'A local destination that is a directory receives the file under its own name (default: the',
    'working directory). Progress goes to stderr: a live bar on a terminal, one line otherwise.',
  ],
  async run(args, io) {
    const [source, destination = '.', ...extra] = args.positionals;
    if (source === undefined) throw new UsageError('missing source [user@]host:path', 'get');
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, 'get');
    const remote = parseRemotePath(source);
    if (remote === undefined)
      throw new UsageError(`the source must be remote, [user@]host:path (got '${source}')`, 'get');
    const recursive = args.values.recursive === true;
    return withSftp(args.values, remote, io, 'get', async (sftp) => {
      const path = remote.path === '' ? '.' : remote.path;
      const attrs = await sftp.stat(path).catch((error: unknown) => {
        throw transferFailure(error);
      });
      if (attrs.isDirectory() && !recursive) {
        throw new CliError(`sshts: ${path}: is a directory (use -r)`, ExitCode.FAILURE);
      }
      const name = remoteBasename(path);
      const target = await localTarget(localPath(io, destination), name);
      await runTransfer(
        {
          name,
          quiet: args.values.quiet === true,
          options: { resume: args.values.resume === true, preserve: args.values.preserve === true },
          transfer: (options) =>
            attrs.isDirectory() ? sftp.downloadDir(path, target, options) : sftp.get(path, target, options),
        },
        io,
      );
      return ExitCode.OK;
    });
  },
};
