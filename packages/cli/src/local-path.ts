// Local paths from the command line: `~` and `~/…` are the home directory, relative paths are
// relative to the working directory (CliIo), so nothing depends on the process's own state.
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIo } from './io.js';

export function localPath(io: Pick<CliIo, 'cwd' | 'homeDir'>, path: string): string {
  if (path === '~') return io.homeDir;
  if (path.startsWith('~/')) return join(io.homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}
