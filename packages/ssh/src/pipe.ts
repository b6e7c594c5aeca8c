// Joins two byte streams both ways, as forwarding does with a channel and a local socket: each
// direction ends (EOF, not close) when its source ends, so half-closed connections work, and an
// error on either side tears down both. Backpressure flows through pipeTo in each direction.
import type { ByteStream } from '@sshts/transport';

/** Resolves when both directions have finished (ended or failed). */
export async function pipeBoth(a: ByteStream, b: ByteStream): Promise<void> {
  await Promise.allSettled([a.readable.pipeTo(b.writable), b.readable.pipeTo(a.writable)]);
}
