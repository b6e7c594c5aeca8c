// The options get and put share (scp(1)/sftp(1)'s -r and -p; sftp's reget/reput as --resume).
import type { OptionSpec } from '../args/options.js';
import { sftpConnectionOptions } from '../connection/options.js';

export const transferOptions: readonly OptionSpec[] = [
  ...sftpConnectionOptions,
  { name: 'recursive', short: 'r', type: 'boolean', description: 'Copy a directory and everything in it' },
  { name: 'resume', type: 'boolean', description: 'Continue a partial transfer from the size already there' },
  { name: 'preserve', short: 'p', type: 'boolean', description: 'Keep permissions and modification times' },
];
