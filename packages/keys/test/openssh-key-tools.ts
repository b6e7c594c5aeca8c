// Helpers for the private-key tests that drive ssh-keygen and /usr/bin/python3 in a temporary
// directory. Expected values come from those tools, never from the code under test.
import { execFileSync, spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** A throwaway directory (the same helper the PEM/PPK tests use). */
export { TempDir as ScratchDir } from './key-file-tools.js';

/** Runs a command (stdin `input`, default empty) and returns stdout; throws with stderr on failure. */
export function exec(command: string, args: string[], input: string | Uint8Array = ''): string {
  return execFileSync(command, args, { input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 }).toString();
}

/** Exit status and combined output, without throwing. */
export function execStatus(
  command: string,
  args: string[],
  input: string | Uint8Array = '',
): { status: number; output: string } {
  const r = spawnSync(command, args, { input, timeout: 120_000 });
  return { status: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Runs a Python snippet with Debian's interpreter, feeding `input` as JSON; returns parsed JSON. */
export function python<T>(script: string, input: unknown): T {
  return JSON.parse(exec(PYTHON, ['-c', script], JSON.stringify(input))) as T;
}

/** `type base64` of an OpenSSH public key line (comment dropped). */
export function keyOfLine(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  return `${type} ${blob}`;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
