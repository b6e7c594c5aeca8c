// Test helpers: the real `sshts` command run as a child process on its TypeScript sources (node with
// tsx's loader and the sshts-source condition) or in this process with in-memory streams, always
// with HOME in a throwaway directory so nothing reads or writes the real ~/.ssh, and an OpenSSH
// sshd from @sshts/test-peers to run it against. A child process costs about a second of CPU
// (tsx compiles the sources each time), so only tests about the process itself spawn one.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Peer, startPeer } from '@sshts/test-peers';
import { runCli as runCliInProcess } from '../src/main.js';
import { fakeIo } from './fake-io.js';

export const execFileAsync = promisify(execFile);

const require = createRequire(import.meta.url);
const tsxPackage = require.resolve('tsx/package.json');
const tsxLoader = pathToFileURL(
  join(
    dirname(tsxPackage),
    (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { exports: { '.': string } }).exports['.'],
  ),
).href;

/** The bin entry's source. */
export const CLI_ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** `node … src/index.ts`: the argv that runs the CLI from source. */
export function cliCommand(args: readonly string[]): string[] {
  return [process.execPath, '--conditions=sshts-source', '--import', tsxLoader, CLI_ENTRY, ...args];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  home: string;
  input?: string | Uint8Array;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment a CLI child gets: PATH, HOME and no agent (tests never see the real one). */
export function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C', ...extra };
}

/** Runs `sshts …args` to completion with `input` as stdin (closed at once when none). */
export function runCli(args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  const [command, ...argv] = cliCommand(args) as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: options.cwd ?? options.home,
      env: cliEnv(options.home, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {}); // a command that exits without reading its stdin
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

export interface TempHome {
  /** $HOME for the CLI: an empty directory with ~/.ssh (0700). */
  dir: string;
  remove(): Promise<void>;
}

export async function tempHome(prefix: string): Promise<TempHome> {
  const dir = await mkdtemp(join(tmpdir(), `sshts-cli-${prefix}-`));
  await mkdir(join(dir, '.ssh'), { mode: 0o700 });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Server {
  peer: Peer;
  port: number;
  /** The client key's path (unencrypted ed25519 from ssh-keygen), authorized on the server. */
  key: string;
  /** known_hosts lines for every host key of the server, under [127.0.0.1]:port. */
  knownHosts: string;
  close(): Promise<void>;
}

/** sshd listening on 127.0.0.1 that accepts an ssh-keygen key written into `home`'s ~/.ssh. */
export async function startServer(keygen: string, home: string): Promise<Server> {
  const key = join(home, '.ssh', 'id_test');
  await execFileAsync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'sshts-cli-test', '-f', key]);
  const peer = await startPeer('openssh', {
    listen: true,
    authorizedKeys: [(await readFile(`${key}.pub`, 'utf8')).trim()],
  });
  const port = peer.port;
  if (port === undefined) throw new Error('the peer does not listen');
  return {
    peer,
    port,
    key,
    knownHosts: peer.hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey}\n`).join(''),
    close: () => peer.close(),
  };
}

/**
 * An ssh_config naming the test server as `Host alias`, with its key, its port and a known_hosts
 * file that lists it; returns the config path.
 */
export async function writeClientConfig(home: string, server: Server, alias = 'testhost'): Promise<string> {
  const knownHosts = join(home, '.ssh', 'known_hosts_test');
  await writeFile(knownHosts, server.knownHosts, { mode: 0o600 });
  const config = join(home, '.ssh', 'config_test');
  await writeFile(
    config,
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${server.port}`,
      `  User ${server.peer.user}`,
      `  IdentityFile ${server.key}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile none',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return config;
}

/**
 * Runs `sshts …args` in this process (runCli with in-memory streams): the same code without a
 * process start, for the cases where the process itself is not what is tested. The agent is never
 * used here: SSHClient would read $SSH_AUTH_SOCK from this process's environment.
 */
export async function runInProcess(
  args: readonly string[],
  options: { home: string; input?: string | Uint8Array; cwd?: string },
): Promise<CliResult> {
  delete process.env.SSH_AUTH_SOCK;
  const io = fakeIo({ home: options.home });
  const cwdIo = options.cwd === undefined ? io : { ...io, cwd: options.cwd };
  if (options.input !== undefined) io.stdin.end(options.input);
  else io.stdin.end();
  const code = await runCliInProcess(args, cwdIo);
  return { code, signal: null, stdout: io.stdout.text(), stderr: io.stderr.text() };
}
