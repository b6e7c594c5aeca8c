/**
 * OpenSSH's `ssh` as a whole process per run, the way a shell script uses it: `ssh host cat <
 * src > dst` for exec-cat, `ssh host true` for connect. Every run pays process start, key
 * exchange and authentication; the cat benchmark also times `ssh host true` (connectOnly) to
 * subtract. `-F /dev/null`: no user or system ssh_config, only the options given here.
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { toolAvailability } from '@sshts/test-peers';
import type { CatContender, CatTarget, ConnectContender } from '../exec-contender.js';
import type { SshdLogin } from '../sshd.js';

async function sshTool(): Promise<{ path: string; version: string }> {
  const ssh = await toolAvailability('ssh');
  if (!ssh.available) throw new Error(ssh.reason);
  // `ssh -V` prints e.g. "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.17 1 Jul 2025" on stderr.
  const version = (await run(ssh.path, ['-V'], ['ignore', 'ignore', 'pipe'])).trim();
  return { path: ssh.path, version };
}

/** The options every run shares; `extra` goes before the destination, `command` after it. */
function sshArgs(t: SshdLogin, extra: string[], command: string): string[] {
  return [
    '-F',
    '/dev/null',
    '-p',
    String(t.port),
    '-i',
    t.privateKeyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${t.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'UpdateHostKeys=no',
    '-o',
    'BatchMode=yes',
    // No pty (a command gets none anyway; -T makes it explicit): bytes pass through unchanged.
    '-T',
    ...extra,
    `${t.user}@${t.host}`,
    command,
  ];
}

export class OpenSshCat implements CatContender {
  readonly name = 'OpenSSH ssh cat';
  private target: CatTarget | undefined;
  private ssh = { path: 'ssh', version: '' };

  note(): string {
    return `${this.name}: ${this.ssh.version || this.ssh.path}, \`ssh -c CIPHER host cat < src > dst\` per transfer (ssh's default buffers); the time is the whole process, "minus setup" subtracts the median of \`ssh -c CIPHER host true\``;
  }

  async setup(target: CatTarget): Promise<void> {
    this.ssh = await sshTool();
    this.target = target;
  }

  async teardown(): Promise<void> {
    this.target = undefined;
  }

  async cat(source: string, dest: string, cipher: string): Promise<void> {
    const t = this.requireTarget();
    // The files are ssh's own stdin and stdout, as with `< src > dst`: no pipe through Node.
    const input = await open(source, 'r');
    try {
      const output = await open(dest, 'w');
      try {
        await run(this.ssh.path, sshArgs(t, ['-c', cipher], 'cat'), [input.fd, output.fd, 'pipe']);
      } finally {
        await output.close();
      }
    } finally {
      await input.close();
    }
  }

  async connectOnly(cipher: string): Promise<void> {
    await run(this.ssh.path, sshArgs(this.requireTarget(), ['-c', cipher], 'true'), [
      'ignore',
      'ignore',
      'pipe',
    ]);
  }

  private requireTarget(): CatTarget {
    if (!this.target) throw new Error(`${this.name}: setup() first`);
    return this.target;
  }
}

export class OpenSshConnect implements ConnectContender {
  readonly name = 'OpenSSH ssh true';
  private target: SshdLogin | undefined;
  private ssh = { path: 'ssh', version: '' };
  private negotiatedKex: string | undefined;

  note(): string {
    return `${this.name}: ${this.ssh.version || this.ssh.path}, \`ssh host true\` per connection with its defaults, for context: each time includes spawning the ssh process`;
  }

  async setup(target: SshdLogin): Promise<void> {
    this.ssh = await sshTool();
    this.target = target;
    // One untimed run with -v, only to learn the kex ssh's defaults pick against this server.
    const log = await run(this.ssh.path, sshArgs(target, ['-v'], 'true'), ['ignore', 'ignore', 'pipe']);
    this.negotiatedKex = /debug1: kex: algorithm: (\S+)/.exec(log)?.[1];
  }

  async teardown(): Promise<void> {
    this.target = undefined;
  }

  async once(): Promise<void> {
    if (!this.target) throw new Error(`${this.name}: setup() first`);
    await run(this.ssh.path, sshArgs(this.target, [], 'true'), ['ignore', 'ignore', 'pipe']);
  }

  kex(): string | undefined {
    return this.negotiatedKex;
  }
}

/** Runs a command to completion (stderr piped); resolves with its stderr, rejects unless it exits 0. */
function run(
  command: string,
  args: string[],
  stdio: [number | 'ignore', number | 'ignore', 'pipe'],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stderr);
      else reject(new Error(`${command} exited ${code ?? signal}: ${stderr.trim().slice(-500)}`));
    });
  });
}
