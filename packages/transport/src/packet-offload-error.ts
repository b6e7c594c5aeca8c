// A typed error across the offload thread's boundary (packet-offload.ts): described as plain data
// on the thread, rebuilt as the same class on the connection's side.
import { MacError, MalformedMessageError, PacketLengthError } from '@sshts/wire';
import type { OffloadError } from './packet-offload.js';

export function describeOffloadError(e: unknown): OffloadError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof MacError) return { name: 'MacError', message };
  if (e instanceof PacketLengthError) return { name: 'PacketLengthError', message, length: e.length };
  if (e instanceof MalformedMessageError) {
    // Its constructor prefixes "malformed <field>: " again.
    return {
      name: 'MalformedMessageError',
      message: message.replace(`malformed ${e.field}: `, ''),
      field: e.field,
    };
  }
  return { name: 'Error', message };
}

/** The error the main thread throws for a batch's `error`: the same class as on the thread. */
export function offloadErrorToThrow(error: OffloadError): Error {
  if (error.name === 'MacError') return new MacError(error.message);
  if (error.name === 'PacketLengthError') return new PacketLengthError(error.length ?? 0, error.message);
  if (error.name === 'MalformedMessageError')
    return new MalformedMessageError(error.field ?? '', error.message);
  return new Error(error.message);
}
