// Every subcommand, in the order `sshts help` lists them.
import type { Command } from './command.js';
import { demoCommand } from './demo.js';
import { execCommand } from './exec.js';
import { getCommand } from './get.js';
import { keygenCommand } from './keygen.js';
import { keyscanCommand } from './keyscan.js';
import { lsCommand } from './ls.js';
import { proxyCommand } from './proxy.js';
import { putCommand } from './put.js';
import { serveCommand } from './serve.js';
import { shellCommand } from './shell.js';

export type { Command } from './command.js';

export const commands: readonly Command[] = [
  execCommand,
  shellCommand,
  getCommand,
  putCommand,
  lsCommand,
  keyscanCommand,
  keygenCommand,
  serveCommand,
  proxyCommand,
  demoCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
