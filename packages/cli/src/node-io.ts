// CliIo bound to this process: its standard streams, environment, working and home directories.
import { homedir } from 'node:os';
import type { CliIo } from './io.js';

export function nodeIo(): CliIo {
  return {
    // A getter: process.stdin is set up on first use, and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    now: () => Date.now(),
    interrupted: () =>
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
