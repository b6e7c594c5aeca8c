// Building and opening key-exchange messages (numbers 30–49). Every message built starts with its
// number; every message opened must carry the expected number and be consumed to the last byte.
import { ProtocolError, SSHReader, SSHWriter } from '@sshts/wire';

/** A whole message payload: the number, then whatever `write` adds. */
export function buildMessage(type: number, write: (w: SSHWriter) => void): Uint8Array {
  const w = new SSHWriter(512);
  w.byte(type);
  write(w);
  return w.finish().slice();
}

/**
 * A reader positioned after the message number. Throws ProtocolError when the number is not
 * `type` (the message is legal SSH but not what this step of the exchange expects).
 */
export function openMessage(payload: Uint8Array, type: number, name: string): SSHReader {
  const r = new SSHReader(payload);
  const got = r.byte(`${name} message number`);
  if (got !== type) throw new ProtocolError(`expected ${name} (${type}), got message ${got}`);
  return r;
}

/** Throws MalformedMessageError if anything follows the last field. */
export function closeMessage(r: SSHReader, name: string): void {
  r.end(name);
}

/** The error for a message that arrives when the exchange expects none (or after it finished). */
export function unexpectedMessage(payload: Uint8Array, state: string): ProtocolError {
  return new ProtocolError(`unexpected key-exchange message ${payload[0] ?? '(empty)'} ${state}`);
}
