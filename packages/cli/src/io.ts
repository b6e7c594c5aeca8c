// What a command may touch of the outside world, passed in so commands run against real process
// streams (node-io.ts) or test doubles alike. Nothing below src/commands reads `process` directly.
import type { Readable, Writable } from 'node:stream';

/** Standard input: a byte stream, a terminal when `isTTY` (then raw mode can be switched). */
export interface CliInput extends Readable {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

/** Standard output or error: a terminal when `isTTY`, with its size and 'resize' events. */
export interface CliOutput extends Writable {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface CliIo {
  readonly stdin: CliInput;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** The environment (TERM, SSH_AUTH_SOCK, USER, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory relative local paths resolve against. */
  readonly cwd: string;
  /** The home directory `~` means: $HOME, as tests point it at a throwaway directory. */
  readonly homeDir: string;
  /** Milliseconds since the epoch (progress rates, ETAs). */
  now(): number;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM): long-running commands (serve) end then. */
  interrupted?(): Promise<void>;
}

/** Writes text to a stream, waiting when its buffer is full. */
export async function writeOut(out: Writable, data: string | Uint8Array): Promise<void> {
  if (out.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    out.once('drain', onDrain);
    out.once('error', done);
  });
}

/** Writes lines of text (each followed by '\n'). */
export function writeLines(out: Writable, lines: readonly string[]): Promise<void> {
  return lines.length === 0 ? Promise.resolve() : writeOut(out, `${lines.join('\n')}\n`);
}
