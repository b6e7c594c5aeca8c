// The sshts command line: picks the subcommand, parses its options, runs it, and turns every
// failure into a message on stderr and an exit code. Everything it touches comes through CliIo, so
// the whole command runs in-process in tests as it does from the bin entry (index.ts).
import { readFileSync } from 'node:fs';
import { parseOptions } from './args/options.js';
import { commands, findCommand } from './commands/index.js';
import { CliError, ExitCode, UsageError } from './errors.js';
import { commandHelp, HELP_OPTION, mainHelp } from './help.js';
import type { CliIo } from './io.js';

export type { Command } from './commands/command.js';
export { CliError, ExitCode, UsageError } from './errors.js';
export type { CliInput, CliIo, CliOutput } from './io.js';

/** This package's version (package.json sits one level above both src/ and dist/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    const where = error.command === '' ? 'sshts' : `sshts ${error.command}`;
    io.stderr.write(`${where}: ${error.message}\nTry '${where} --help'.\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`sshts: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.FAILURE;
}

/** Runs `sshts …argv`; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(mainHelp(commands, VERSION));
    return ExitCode.USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.stdout.write(mainHelp(commands, VERSION));
    return ExitCode.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`sshts ${VERSION}\n`);
    return ExitCode.OK;
  }
  try {
    if (name === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout.write(mainHelp(commands, VERSION));
        return ExitCode.OK;
      }
      const command = findCommand(topic);
      if (!command) throw new UsageError(`unknown command '${topic}'`);
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command '${name}'`);
    const args = parseOptions([...command.options, HELP_OPTION], rest, {
      command: name,
      ...(command.leadingPositionals === undefined ? {} : { leadingPositionals: command.leadingPositionals }),
    });
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    return await command.run(args, io);
  } catch (error) {
    return report(error, io);
  }
}
