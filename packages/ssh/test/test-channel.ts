// Runs a command on a session channel of the real channel layer (@sshts/channel), feeding it a
// generated input one write at a time, for tests that need a hook between writes (rekey tests
// await a key exchange there).
import { encodeString } from '@sshts/channel';
import type { Transport } from '../src/node/index.js';

const PACKET = 32 * 1024;

export interface ExecResult {
  stdout: Uint8Array;
  exitStatus: number | null;
}

/**
 * Runs `command`, writes `total` bytes produced by `chunkAt(offset, length)` to its stdin in
 * writes of at most 32 KiB (each resolving within the peer's window), then EOF; resolves with what
 * it printed and its exit status. `onProgress` runs after each write (e.g. to await a key exchange).
 */
export async function execWithInput(
  transport: Transport,
  command: string,
  total: number,
  chunkAt: (offset: number, length: number) => Uint8Array,
  onProgress?: (sent: number) => Promise<void> | void,
): Promise<ExecResult> {
  const channel = await transport.openSession();
  if (!(await channel.request('exec', true, encodeString(command))))
    throw new Error(`exec ${command} refused`);
  const [stdout] = await Promise.all([
    channel.stdout.bytes(),
    channel.stderr.bytes(),
    (async () => {
      for (let sent = 0; sent < total; ) {
        const n = Math.min(PACKET, total - sent);
        await channel.write(chunkAt(sent, n));
        sent += n;
        await onProgress?.(sent);
      }
      await channel.end();
    })(),
  ]);
  const { exitCode } = await channel.exit;
  await channel.close();
  return { stdout, exitStatus: exitCode };
}
