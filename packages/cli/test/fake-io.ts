// A CliIo made of in-memory streams, for running commands in this process: stdin and stdout can
// pretend to be a terminal (isTTY, setRawMode, columns/rows, 'resize').
import { PassThrough } from 'node:stream';
import type { CliInput, CliIo, CliOutput } from '../src/io.js';

export class FakeTerminalInput extends PassThrough implements CliInput {
  readonly rawModes: boolean[] = [];
  constructor(readonly isTTY: boolean) {
    super();
  }
  setRawMode(raw: boolean): this {
    this.rawModes.push(raw);
    return this;
  }
}

export class FakeOutput extends PassThrough implements CliOutput {
  readonly chunks: Buffer[] = [];
  constructor(
    readonly isTTY: boolean,
    public columns = 80,
    public rows = 24,
  ) {
    super();
    this.on('data', (d: Buffer) => this.chunks.push(d));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  /** A window change: the new size, then 'resize' as a TTY WriteStream emits it on SIGWINCH. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export interface FakeIo extends CliIo {
  readonly stdin: FakeTerminalInput;
  readonly stdout: FakeOutput;
  readonly stderr: FakeOutput;
}

export function fakeIo(options: { home: string; tty?: boolean; columns?: number; rows?: number }): FakeIo {
  const tty = options.tty ?? false;
  return {
    stdin: new FakeTerminalInput(tty),
    stdout: new FakeOutput(tty, options.columns, options.rows),
    stderr: new FakeOutput(false),
    env: { HOME: options.home, TERM: 'xterm-256color' },
    cwd: options.home,
    homeDir: options.home,
    now: () => Date.now(),
  };
}

/** Resolves once `read()` satisfies `test`, polling; rejects after `ms`. */
export async function waitFor(
  read: () => string,
  test: (text: string) => boolean,
  ms = 15_000,
): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = read();
    if (test(text)) return text;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting; have: ${JSON.stringify(text.slice(-500))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
