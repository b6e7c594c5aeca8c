#!/usr/bin/env node
// The `sshts` executable: run the command line against this process, then exit with its code once
// stdout and stderr are flushed (stdin, a terminal or a pipe nobody closed, must not keep us alive).
import { constants } from 'node:os';
import { runCli } from './main.js';
import { nodeIo } from './node-io.js';

// A reader that went away (`sshts exec host cat big | head`): end as a process killed by SIGPIPE
// would, instead of with an unhandled stream error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(128 + constants.signals.SIGPIPE);
    throw error;
  });
}

const code = await runCli(process.argv.slice(2), nodeIo());
process.stdout.write('', () => {
  process.stderr.write('', () => process.exit(code));
});
