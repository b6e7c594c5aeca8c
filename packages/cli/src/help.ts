// The help texts: `sshts help` (every command) and `sshts <command> --help` (usage, options, notes).
import { formatOptions } from './args/options.js';
import type { Command } from './commands/command.js';

export const HELP_OPTION = {
  name: 'help',
  short: 'h',
  type: 'boolean',
  description: 'Show this help',
} as const;

export function commandHelp(command: Command): string {
  const lines = [
    ...command.usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`),
    '',
    command.summary,
    '',
    'Options:',
    ...formatOptions([...command.options, HELP_OPTION]),
  ];
  if (command.notes && command.notes.length > 0) lines.push('', ...command.notes);
  return `${lines.join('\n')}\n`;
}

export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `${[
    `sshts ${version} — SSH from the command line, on sshts (TypeScript, no native code)`,
    '',
    'usage: sshts <command> [options] [arguments]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show help for a command (sshts help <command>, or sshts <command> --help)`,
    '',
    'Connections use ~/.ssh/config, ~/.ssh/known_hosts and the agent as ssh(1) does.',
  ].join('\n')}\n`;
}
