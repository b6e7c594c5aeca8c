// A running session channel joined to the local process until the remote side is done: its stdout
// and stderr copied out, stdin forwarded (or EOF at once), and for a pty the local terminal raw and
// its size followed. Resolves with the remote exit; the terminal is restored however it ends.
import type { Channel } from 'sshts';
import type { CliIo } from '../io.js';
import type { RemoteExit } from './exit-status.js';
import { copyToOutput, forwardInput } from './streams.js';
import { enterRawMode, followWindowSize } from './terminal.js';

export interface SessionIoOptions {
  /** Forward stdin (false: send EOF at once, as `ssh -n`). */
  readonly stdin: boolean;
  /** The channel has a pty: raw local terminal, window size followed. */
  readonly pty: boolean;
}

export async function runSession(
  channel: Channel,
  io: CliIo,
  options: SessionIoOptions,
): Promise<RemoteExit> {
  const restore = options.pty ? enterRawMode(io) : () => {};
  const unfollow = options.pty
    ? followWindowSize(io, (cols, rows) => void channel.resizePty(cols, rows).catch(() => {}))
    : () => {};
  const input = options.stdin ? forwardInput(io.stdin, channel.stdin) : undefined;
  if (!input) void channel.end().catch(() => {});
  try {
    const [exit] = await Promise.all([
      channel.exit,
      copyToOutput(channel.stdout, io.stdout),
      copyToOutput(channel.stderr, io.stderr),
    ]);
    return exit;
  } finally {
    input?.stop();
    unfollow();
    restore();
    await channel.close().catch(() => {});
  }
}
