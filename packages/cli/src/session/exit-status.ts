// The local exit code for a remote command's end, as a shell reports a child's: its exit status,
// or 128 + the signal's number when a signal killed it (RFC 4254 §6.10 exit-signal names the signal
// without "SIG"). A session that ends with neither is a failure, 255, as ssh(1) exits.
import { constants } from 'node:os';
import { ExitCode } from '../errors.js';

export interface RemoteExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/** The signal's number here (SIGKILL 9, …), or undefined for a name this system does not have. */
export function signalNumber(name: string): number | undefined {
  const key = `SIG${name}` as keyof typeof constants.signals;
  return Object.hasOwn(constants.signals, key) ? constants.signals[key] : undefined;
}

export function exitCodeFor(exit: RemoteExit): number {
  if (exit.exitCode !== null) return exit.exitCode & 0xff;
  if (exit.signal !== null) {
    const n = signalNumber(exit.signal);
    return n === undefined ? ExitCode.CONNECTION : 128 + n;
  }
  return ExitCode.CONNECTION;
}
