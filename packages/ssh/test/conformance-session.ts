// The per-cell check of the conformance matrix (TARGETS.md), after a handshake: log in with a key,
// run `cat; echo err >&2; exit 3` and stream 1 MiB through it with a key exchange forced halfway.
// What comes back on stdout must hash like what went out, stderr must be "err\n" and the exit
// status 3. One session channel does it all: tinysshd allows one per connection.
import { createHash } from 'node:crypto';
import { encodeString } from '@sshts/channel';
import type { Signer } from '@sshts/keys';
import type { Transport } from '../src/node/index.js';

const CHUNK = 64 * 1024;
const TOTAL = 1024 * 1024;
const COMMAND = 'cat; echo err >&2; exit 3';

export interface SessionReport {
  exitCode: number | null;
  stderr: string;
  /** Key exchanges completed during the transfer (at least our forced one). */
  rekeys: number;
}

/** Authenticates `transport` as `user` with `key`, then runs the exec + cat + rekey check. */
export async function sessionChecks(transport: Transport, user: string, key: Signer): Promise<SessionReport> {
  await transport.authPublicKey(user, key);
  const kexBefore = transport.connection.kexCount;
  const channel = await transport.openSession();
  if (!(await channel.request('exec', true, encodeString(COMMAND)))) throw new Error(`exec refused`);
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let receivedBytes = 0;
  const reading = (async () => {
    for await (const chunk of channel.stdout) {
      received.update(chunk);
      receivedBytes += chunk.length;
    }
  })();
  const stderr = channel.stderr.text();
  let rekey: Promise<void> | undefined;
  for (let offset = 0; offset < TOTAL; offset += CHUNK) {
    if (offset === TOTAL / 2) rekey = transport.rekey();
    const chunk = new Uint8Array(CHUNK);
    for (let i = 0; i < CHUNK; i += 4096) new DataView(chunk.buffer).setUint32(i, offset + i);
    sent.update(chunk);
    await channel.write(chunk);
  }
  await channel.end();
  await rekey;
  await reading;
  const exit = await channel.exit;
  await channel.close();
  if (receivedBytes !== TOTAL) throw new Error(`cat returned ${receivedBytes} of ${TOTAL} bytes`);
  if (received.digest('hex') !== sent.digest('hex')) throw new Error('cat returned different bytes');
  return { exitCode: exit.exitCode, stderr: await stderr, rekeys: transport.connection.kexCount - kexBefore };
}
