import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { SshdLogin } from '../sshd.js';
import type { CatRun } from './cat-run.js';
import type { PatternSource } from './source.js';

/** `ssh` options: only these files, the host key checked, no agent, no prompts, verbose for the kex count. */
function sshArgs(login: SshdLogin, cipher: string, rekeyLimit: string, command: string): string[] {
  return [
    '-F',
    '/dev/null',
    '-v',
    '-p',
    String(login.port),
    '-i',
    login.privateKeyPath,
    '-c',
    cipher,
    ...[
      'IdentitiesOnly=yes',
      'IdentityAgent=none',
      `UserKnownHostsFile=${login.knownHostsPath}`,
      'GlobalKnownHostsFile=/dev/null',
      'StrictHostKeyChecking=yes',
      'UpdateHostKeys=no',
      'BatchMode=yes',
      'ControlMaster=no',
      'ControlPath=none',
      `RekeyLimit=${rekeyLimit}`,
    ].flatMap((o) => ['-o', o]),
    `${login.user}@${login.host}`,
    command,
  ];
}

/**
 * OpenSSH's `ssh -o RekeyLimit=… -c CIPHER host cat`, its own process: the generator piped into
 * its stdin, its stdout hashed here. The time is the whole process (start, connect, key exchange,
 * auth, the transfer); sshTrue() times the same without the transfer. Rekeys are counted from its
 * -v log: one "SSH2_MSG_NEWKEYS received" per key exchange.
 */
export async function opensshCat(
  ssh: string,
  login: SshdLogin,
  cipher: string,
  rekeyLimit: string,
  source: PatternSource,
): Promise<CatRun> {
  const t0 = performance.now();
  const child = spawn(ssh, sshArgs(login, cipher, rekeyLimit, 'cat'), { stdio: ['pipe', 'pipe', 'pipe'] });
  const back = createHash('sha256');
  let bytesBack = 0;
  child.stdout.on('data', (d: Buffer) => {
    back.update(d);
    bytesBack += d.length;
  });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    log += d;
  });
  // A broken pipe shows as the exit status below.
  child.stdin.on('error', () => {});
  Readable.from(source.chunks(), { objectMode: false }).pipe(child.stdin);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const ms = performance.now() - t0;
  if (exitCode !== 0) throw new Error(`ssh cat exited ${exitCode}: ${tail(log)}`);
  const kexes = log.match(/SSH2_MSG_NEWKEYS received/g)?.length ?? 0;
  return {
    ms,
    bytesBack,
    sentSha256: source.digest(),
    receivedSha256: back.digest('hex'),
    exitCode,
    rekeys: Math.max(0, kexes - 1),
  };
}

/** Milliseconds for `ssh … true` with the same options: what opensshCat's time includes besides the transfer. */
export async function sshTrue(
  ssh: string,
  login: SshdLogin,
  cipher: string,
  rekeyLimit: string,
): Promise<number> {
  const t0 = performance.now();
  const child = spawn(ssh, sshArgs(login, cipher, rekeyLimit, 'true'), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    log += d;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`ssh true exited ${code}: ${tail(log)}`);
  return performance.now() - t0;
}

function tail(log: string): string {
  return log.trim().split('\n').slice(-8).join('\n');
}
