// Bytes between the local process and a channel: a channel stream copied to stdout/stderr at the
// pace the local side takes it, and stdin forwarded at the pace the channel's window allows.
import type { Writable } from 'node:stream';
import type { ChannelWriter } from 'sshts';
import { type CliInput, writeOut } from '../io.js';

/** Copies a channel stream to `out` until its EOF. */
export async function copyToOutput(reader: AsyncIterable<Uint8Array>, out: Writable): Promise<void> {
  for await (const chunk of reader) await writeOut(out, chunk);
}

export interface InputForwarding {
  /** Resolves when the input ended (EOF sent) or forwarding stopped. */
  readonly done: Promise<void>;
  /** Stops reading the input (the remote side has finished). */
  stop(): void;
}

/**
 * Forwards `input` to the channel, pausing the input while a write waits for window space; the
 * input's end becomes the channel's EOF. A channel that has closed ends the forwarding quietly.
 */
export function forwardInput(input: CliInput, writer: ChannelWriter): InputForwarding {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let stopped = false;
  const cleanup = () => {
    stopped = true;
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('error', onFailure);
    input.pause();
    finish();
  };
  function onData(chunk: Uint8Array | string) {
    input.pause();
    writer.write(chunk).then(
      () => {
        if (!stopped) input.resume();
      },
      () => cleanup(),
    );
  }
  function onEnd() {
    if (stopped) return;
    cleanup();
    void writer.end().catch(() => {});
  }
  function onFailure() {
    onEnd();
  }
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onFailure);
  input.resume();
  return { done, stop: cleanup };
}
