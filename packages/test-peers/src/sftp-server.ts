import { realpath } from 'node:fs/promises';
import { toolAvailability } from './availability.js';
import { killGroup, LogBuffer, makeTempDir, removeTempDir, spawnTracked } from './process.js';
import type { PeerConnection } from './types.js';

export interface SftpServerOptions {
  /**
   * The start directory (`-d`, and the process's cwd): relative SFTP paths resolve against it.
   * Default: a fresh temp dir, removed by close(); a directory given here is left in place.
   */
  dir?: string;
  /** `-R`: sftp-server(8)'s read-only mode; opening for write and every change is refused. */
  readOnly?: boolean;
  /** More sftp-server(8) flags, e.g. `['-u', '077']` or `['-P', 'remove,rmdir']`. */
  extraArgs?: string[];
}

/** OpenSSH's sftp-server speaking SFTP over its stdin/stdout, with no SSH around it. */
export interface SftpServerProcess extends PeerConnection {
  /** Where relative paths land, realpath(3)'d: what SSH_FXP_REALPATH "." answers. */
  readonly dir: string;
  /** The absolute path of the sftp-server binary that runs. */
  readonly path: string;
  readonly pid: number;
  /** Its DEBUG3 log so far (`-e -l DEBUG3`: every request, one line each, on stderr). */
  log(): string;
  /** Resolves once the process has exited: on EOF from us, on close(), or by itself. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `/usr/lib/openssh/sftp-server -e -l DEBUG3 -d DIR [-R] [extraArgs]` with stdio pipes
 * (TARGETS.md: "spawned, stdio piped to our SFTP client"). The server takes the SSH_FXP_INIT as
 * its first input. Like startPeer it installs openssh-sftp-server when missing (root + apt), and
 * throws when it is still missing (under CI=true toolAvailability throws first).
 *
 * The server runs as this process's user; its `home-directory` extension answers that user's
 * real home (the passwd entry), not `dir`.
 */
export async function startSftpServer(options: SftpServerOptions = {}): Promise<SftpServerProcess> {
  const tool = await toolAvailability('sftp-server');
  if (!tool.available) throw new Error(tool.reason);
  const owned = options.dir === undefined ? await makeTempDir('sftp-server') : undefined;
  try {
    const dir = await realpath(options.dir ?? owned!);
    // sftp-server(8): -e logs to stderr instead of syslog; -d is the start directory (it chdir()s
    // there itself; the cwd is set as well so a failing chdir still lands in `dir`).
    const args = ['-e', '-l', 'DEBUG3', '-d', dir, ...(options.readOnly ? ['-R'] : [])];
    args.push(...(options.extraArgs ?? []));
    const child = spawnTracked(tool.path, args, { marker: dir, cwd: dir });
    const log = new LogBuffer();
    log.attach(child.stderr);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    if (!child.stdout || !child.stdin || child.pid === undefined) throw new Error('sftp-server has no stdio');
    let closing: Promise<void> | undefined;
    return {
      input: child.stdout,
      output: child.stdin,
      dir,
      path: tool.path,
      pid: child.pid,
      log: () => log.toString(),
      exited,
      close: () => {
        closing ??= (async () => {
          await killGroup(child);
          if (owned) await removeTempDir(owned);
        })();
        return closing;
      },
    };
  } catch (e) {
    if (owned) await removeTempDir(owned);
    throw e;
  }
}
