import { spawn } from 'node:child_process';
import { toolAvailability } from '@sshts/test-peers';
import type { Contender, SftpBenchTarget } from '../contender.js';

/**
 * OpenSSH's `sftp` in batch mode, one process per transfer: `-b -` reads the commands from stdin,
 * so a get or put is the whole process — start, connect, key exchange, authentication, SFTP
 * init, the transfer, exit. connectOnly() runs the same with an empty batch, so the report can
 * show that setup and the transfer rate without it. Buffer size and request count are sftp's
 * defaults: sftp(1) says -B 32768 and -R 64, but against a server offering limits@openssh.com, as
 * 9.2's internal-sftp does, sftp takes its read/write size from that reply (`sftp -vvv`: "server
 * upload/download buffer sizes 261120 / 261120; using 261120 / 261120").
 */
export class OpenSshSftp implements Contender {
  readonly name = 'OpenSSH sftp';
  private target: SftpBenchTarget | undefined;
  private sftpPath = 'sftp';
  private version = '';

  note(): string {
    return `${this.name}: ${this.version || this.sftpPath}, \`sftp -b - -c CIPHER\` per transfer, defaults (64 requests of the server's limits@openssh.com size, 255 KiB from 9.2); get/put time the whole process`;
  }

  async setup(target: SftpBenchTarget): Promise<void> {
    const sftp = await toolAvailability('sftp');
    if (!sftp.available) throw new Error(sftp.reason);
    const ssh = await toolAvailability('ssh');
    this.sftpPath = sftp.path;
    this.target = target;
    // `ssh -V` prints e.g. "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.17 1 Jul 2025" on stderr;
    // sftp is from the same package.
    if (ssh.available) this.version = (await runSftp(ssh.path, ['-V'], '')).trim();
  }

  async teardown(): Promise<void> {
    this.target = undefined;
  }

  get(remote: string, local: string, cipher: string): Promise<void> {
    return this.batch(`get ${quote(remote)} ${quote(local)}\n`, cipher);
  }

  put(local: string, remote: string, cipher: string): Promise<void> {
    return this.batch(`put ${quote(local)} ${quote(remote)}\n`, cipher);
  }

  connectOnly(cipher: string): Promise<void> {
    return this.batch('', cipher);
  }

  private async batch(commands: string, cipher: string): Promise<void> {
    const t = this.target;
    if (!t) throw new Error(`${this.name}: setup() first`);
    await runSftp(
      this.sftpPath,
      [
        // No user or system ssh_config: only what is given here.
        '-F',
        '/dev/null',
        '-b',
        '-',
        '-c',
        cipher,
        '-P',
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
        `${t.user}@${t.host}`,
      ],
      commands,
    );
  }
}

/** sftp's batch syntax takes double-quoted arguments (sftp.c makeargv); our paths have no quotes. */
function quote(path: string): string {
  if (/["\\\n]/.test(path)) throw new Error(`cannot quote ${JSON.stringify(path)} for an sftp batch`);
  return `"${path}"`;
}

/** Runs a command to completion with `input` on stdin; resolves with its stderr, rejects on failure. */
function runSftp(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stderr);
      else reject(new Error(`${command} exited ${code ?? signal}: ${stderr.trim().slice(-500)}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
