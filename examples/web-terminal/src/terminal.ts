// The terminal: an xterm.js Terminal bound to an SSH shell channel (pty + shell, RFC 4254 §6.2 and
// §6.5). Keystrokes go to the channel in order; the channel's output is written to the terminal
// as bytes (xterm decodes UTF-8 itself, split sequences included).
import { Terminal } from '@xterm/xterm';
import type { Channel, SSHClient } from 'sshts';

export const COLS = 100;
export const ROWS = 30;

export function createTerminal(element: HTMLElement): Terminal {
  const terminal = new Terminal({
    cols: COLS,
    rows: ROWS,
    convertEol: false,
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
    fontSize: 14,
    scrollback: 5000,
  });
  terminal.open(element);
  return terminal;
}

/** The visible lines and scrollback, right-trimmed (what the example's tests read). */
export function terminalText(terminal: Terminal): string[] {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  return lines;
}

/** Opens a shell on `client` and connects it to `terminal` until either side ends. */
export async function attachShell(
  client: SSHClient,
  terminal: Terminal,
): Promise<{ channel: Channel; detach(): void }> {
  const channel = await client.invokeShell({
    term: 'xterm-256color',
    cols: terminal.cols,
    rows: terminal.rows,
  });
  let writes = Promise.resolve();
  const send = (data: string | Uint8Array) => {
    writes = writes.then(() => channel.write(data)).catch(() => {});
  };
  const subscriptions = [
    terminal.onData((data) => send(data)),
    // onBinary: non-UTF-8 input such as some mouse reports, one byte per char code.
    terminal.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
    terminal.onResize(({ cols, rows }) => void channel.resizePty(cols, rows).catch(() => {})),
  ];
  const pump = async (reader: AsyncIterable<Uint8Array>) => {
    for await (const chunk of reader) terminal.write(chunk);
  };
  // With a pty the server merges stderr into stdout, but an unread stream would stall the window.
  void Promise.allSettled([pump(channel.stdout), pump(channel.stderr)]);
  void channel.exit.then(
    ({ exitCode, signal }) =>
      terminal.write(
        `\r\n\x1b[2m[shell exited${signal ? ` on ${signal}` : ` with ${exitCode ?? '?'}`}]\x1b[0m\r\n`,
      ),
    () => {},
  );
  terminal.focus();
  return {
    channel,
    detach: () => {
      for (const s of subscriptions) s.dispose();
    },
  };
}
