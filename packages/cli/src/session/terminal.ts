// The local terminal during an interactive session: raw mode (keys go to the remote pty as typed,
// Ctrl-C included) restored on every way out, the pty sized from the local window and resized on
// SIGWINCH (Node's 'resize' event on a TTY output stream).
import type { CliIo, CliOutput } from '../io.js';

export interface PtySize {
  readonly term: string;
  readonly cols: number;
  readonly rows: number;
}

/** The output stream that is a terminal, whose size is the window's. */
function terminalOutput(io: CliIo): CliOutput | undefined {
  if (io.stdout.isTTY) return io.stdout;
  if (io.stderr.isTTY) return io.stderr;
  return undefined;
}

/** pty-req values: $TERM (as ssh sends it; "dumb" if unset) and the window size (80×24 if unknown). */
export function ptySize(io: CliIo): PtySize {
  const out = terminalOutput(io);
  return {
    term: io.env.TERM || 'dumb',
    cols: out?.columns || 80,
    rows: out?.rows || 24,
  };
}

/** Switches stdin to raw mode when it is a terminal; returns the function that switches it back. */
export function enterRawMode(io: CliIo): () => void {
  const stdin = io.stdin;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return () => {};
  stdin.setRawMode(true);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stdin.setRawMode?.(false);
  };
}

/** Calls `resize` with the new size on every window change; returns the function that stops it. */
export function followWindowSize(io: CliIo, resize: (cols: number, rows: number) => void): () => void {
  const out = terminalOutput(io);
  if (!out) return () => {};
  const onResize = () => {
    if (out.columns && out.rows) resize(out.columns, out.rows);
  };
  out.on('resize', onResize);
  return () => {
    out.off('resize', onResize);
  };
}
