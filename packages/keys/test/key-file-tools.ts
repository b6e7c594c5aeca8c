// Helpers for private key file tests that drive real tools (ssh-keygen, openssl, puttygen) in a
// temporary directory. Expected values always come from the tools, never from the code under test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSHWriter } from '@sshts/wire';

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'sshts-keyfiles-'));
  file(name: string): string {
    return join(this.path, name);
  }
  write(name: string, content: string | Uint8Array): string {
    const p = this.file(name);
    writeFileSync(p, content, { mode: 0o600 });
    return p;
  }
  read(name: string): string {
    return readFileSync(this.file(name), 'utf8');
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Runs a tool and returns stdout; throws with stderr on a non-zero exit. stdin is empty. */
export function run(command: string, args: string[], cwd?: string): string;
export function run(command: string, args: string[], cwd: string | undefined, as: 'buffer'): Buffer;
export function run(command: string, args: string[], cwd?: string, as?: 'buffer'): string | Buffer {
  const out = execFileSync(command, args, {
    cwd,
    input: '',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return as === 'buffer' ? out : out.toString();
}

/** Like run, but returns the exit status and output instead of throwing. */
export function tryRun(command: string, args: string[]): { status: number; output: string } {
  try {
    return { status: 0, output: run(command, args) };
  } catch (e) {
    const err = e as { status?: number; stderr?: Buffer; stdout?: Buffer };
    return { status: err.status ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** `type base64` of an OpenSSH public key line (comment dropped). */
export function keyOfLine(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  return `${type} ${blob}`;
}

/** The OpenSSH public line of an Ed25519 key given its raw 32-byte public key. */
export function ed25519Line(raw: Uint8Array): string {
  const blob = new SSHWriter().string('ssh-ed25519').string(raw).finish();
  return `ssh-ed25519 ${Buffer.from(blob).toString('base64')}`;
}

/** `ssh-keygen -y`: the public key line of a private key file (any format OpenSSH reads). */
export function sshKeygenPublic(sshKeygen: string, path: string, passphrase = ''): string {
  return keyOfLine(run(sshKeygen, ['-y', '-P', passphrase, '-f', path]));
}

/** The raw Ed25519 public key of a PKCS#8 file, from `openssl pkey -pubout` (SPKI, RFC 8410 §4). */
export function opensslEd25519Public(openssl: string, path: string, passphrase = ''): string {
  const spki = execFileSync(openssl, [
    'pkey',
    '-in',
    path,
    '-passin',
    `pass:${passphrase}`,
    '-pubout',
    '-outform',
    'DER',
  ]);
  return ed25519Line(new Uint8Array(spki.subarray(spki.length - 32)));
}

/** `puttygen -O text` of a key: name=value lines as a map of bigints (hex) and strings. */
export function puttygenDump(puttygen: string, path: string, passphraseFile?: string): Map<string, string> {
  const args = [path, '-O', 'text'];
  if (passphraseFile !== undefined) args.push('--old-passphrase', passphraseFile);
  const out = new Map<string, string>();
  for (const line of run(puttygen, args).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1).replace(/^"|"$/g, ''));
  }
  return out;
}
