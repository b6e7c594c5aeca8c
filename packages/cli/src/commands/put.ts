// sshts put: upload a file (or with -r a directory) over SFTP, with a progress line on stderr.
import { stat } from 'node:fs/promises';
import { parseRemotePath } from '../args/destination.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { localPath } from '../local-path.js';
import { transferFailure } from '../transfer/failure.js';
import { runTransfer } from '../transfer/run-transfer.js';
import { withSftp } from '../transfer/sftp-session.js';
import { localBasename, remoteTarget } from '../transfer/targets.js';
import { transferOptions } from '../transfer/transfer-options.js';
import type { Command } from './command.js';

export const putCommand: Command = {
  name: 'put',
  summary: 'Upload a file or directory over SFTP (scp local host:remote)',
  usage: ['sshts put [options] local [user@]host:[remote]'],
  options: transferOptions,
  notes: [
    'A remote destination that is a directory (or empty, `host:`, the login directory) receives the',
    'file under its own name. Progress goes to stderr: a live bar on a terminal, one line otherwise.',
  ],
  async run(args, io) {
    const [source, destination, ...extra] = args.positionals;
    if (source === undefined || destination === undefined) {
      throw new UsageError('put needs a local source and a [user@]host:path destination', 'put');
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, 'put');
    const remote = parseRemotePath(destination);
    if (remote === undefined) {
      throw new UsageError(`the destination must be remote, [user@]host:path (got '${destination}')`, 'put');
    }
    const local = localPath(io, source);
    const st = await stat(local).catch((error: unknown) => {
      throw transferFailure(error);
    });
    const recursive = args.values.recursive === true;
    if (st.isDirectory() && !recursive)
      throw new CliError(`sshts: ${source}: is a directory (use -r)`, ExitCode.FAILURE);
    const name = localBasename(local);
    return withSftp(args.values, remote, io, 'put', async (sftp) => {
      const target = await remoteTarget(sftp, remote.path, name);
      await runTransfer(
        {
          name,
          quiet: args.values.quiet === true,
          options: { resume: args.values.resume === true, preserve: args.values.preserve === true },
          transfer: (options) =>
            st.isDirectory() ? sftp.uploadDir(local, target, options) : sftp.put(local, target, options),
        },
        io,
      );
      return ExitCode.OK;
    });
  },
};
