// Helpers for the issue-7 conformance tests of real clients against our server (server-*.test.ts):
// an SSHServer on 127.0.0.1:0 with a host key of every type, password and publickey auth,
// systemShell() exec / shell, an SFTP root and forwarding; a throwaway directory holding the
// client's HOME (so nothing reads or writes /root/.ssh), known_hosts files in the formats each
// client reads, the user key in the formats each client loads; and an async spawn (the server runs
// in this process: a synchronous spawn would block its event loop and deadlock).
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kexMethods } from '@sshts/kex';
import {
  generatePrivateKey,
  type PrivateKey,
  type PublicKey,
  writeOpenSSHPrivateKey,
  writePpk,
} from '@sshts/keys';
import { peerAvailability, type ToolName, toolAvailability } from '@sshts/test-peers';
import { type Negotiated, nobleProvider } from '@sshts/transport';
import { SSHServer, type SSHServerOptions, systemShell } from '../src/node/index.js';

export const USER = 'sshts-tester';
export const PASSWORD = 'correct horse battery staple';

export const HOST_KEY_TYPES = ['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa'] as const;
export type HostKeyType = (typeof HOST_KEY_TYPES)[number];

/** Every algorithm our server implements, legacy ones included (offered only when listed). */
export const OUR_ALGORITHMS = {
  kex: kexMethods.map((m) => m.name),
  hostKey: [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ],
  cipher: nobleProvider.ciphers.map((c) => c.name),
  mac: nobleProvider.macs.map((m) => m.name),
};

let keysOnce:
  | Promise<{ host: Record<HostKeyType, PrivateKey>; user: Record<'ed25519' | 'ecdsa' | 'rsa', PrivateKey> }>
  | undefined;

/** The host keys (one per type) and the user's keys, generated once per test file. */
export function testKeys() {
  keysOnce ??= (async () => ({
    host: {
      ed25519: await generatePrivateKey('ed25519'),
      ecdsa256: await generatePrivateKey('ecdsa', { bits: 256 }),
      ecdsa384: await generatePrivateKey('ecdsa', { bits: 384 }),
      ecdsa521: await generatePrivateKey('ecdsa', { bits: 521 }),
      rsa: await generatePrivateKey('rsa', { bits: 2048 }),
    },
    user: {
      ed25519: await generatePrivateKey('ed25519', { comment: 'user-ed25519' }),
      ecdsa: await generatePrivateKey('ecdsa', { bits: 256, comment: 'user-ecdsa' }),
      rsa: await generatePrivateKey('rsa', { bits: 2048, comment: 'user-rsa' }),
    },
  }))();
  return keysOnce;
}

export interface AuthAttempt {
  method: 'password' | 'publickey';
  user: string;
  ok: boolean;
}

/** What the server's logger reported about one connection. */
export interface ConnectionRecord {
  id: number;
  /** The client's identification string. */
  remote?: string;
  /** Each key exchange's outcome, the first one first. */
  negotiated: Negotiated[];
  /** DISCONNECTs sent or received. */
  disconnects: { reason: number; description: string; fromPeer: boolean }[];
}

export interface ServerFixture {
  server: SSHServer;
  host: '127.0.0.1';
  port: number;
  /** The throwaway directory holding everything below. */
  dir: string;
  /** The SFTP root (realpath). */
  root: string;
  /** The clients' HOME. */
  home: string;
  /** Where exec'd commands and shells start. */
  cwd: string;
  /** The local side of the clients (files to put, where gets land). */
  local: string;
  hostKeys: Record<HostKeyType, PrivateKey>;
  userKeys: Record<'ed25519' | 'ecdsa' | 'rsa', PrivateKey>;
  /** openssh-key-v1 files of the user keys (mode 600), and a PPK of the ed25519 one. */
  userKeyFiles: Record<'ed25519' | 'ecdsa' | 'rsa', string>;
  userKeyPpk: string;
  /** `[127.0.0.1]:PORT type base64` for every host key (OpenSSH, paramiko, AsyncSSH). */
  knownHostsFile: string;
  /** Every auth callback call, in order. */
  authAttempts: AuthAttempt[];
  /** Every connection the server saw, by its logger, in order. */
  connections: ConnectionRecord[];
  /** The latest connection's record (throws when there is none). */
  lastConnection(): ConnectionRecord;
  /** The client env: PATH, HOME, LANG=C; nothing from the test's own environment. */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Server options replacing the defaults (auth, exec, shell, sftp, forwarding, algorithms, limits…). */
  server?: Partial<SSHServerOptions>;
  /** Offer every algorithm we implement, legacy included (the algorithm matrices). */
  allAlgorithms?: boolean;
}

/** Starts our server with the fixture's defaults; close() stops it and removes the directory. */
export async function startServer(options: FixtureOptions = {}): Promise<ServerFixture> {
  const keys = await testKeys();
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'sshts-server-')));
  const root = join(dir, 'root');
  const home = join(dir, 'home');
  const cwd = join(dir, 'cwd');
  const local = join(dir, 'local');
  for (const d of [root, home, cwd, local, join(home, '.ssh')])
    await mkdir(d, { recursive: true, mode: 0o700 });
  const authAttempts: AuthAttempt[] = [];
  const authorized = Object.values(keys.user).map((k) => k.publicKey);
  // /bin/sh, not $SHELL: the CI machine runs without $SHELL (dash), so a bash-ism in a test command
  // fails here too rather than only there.
  const shell = systemShell({ cwd, shell: '/bin/sh' });
  const connections: ConnectionRecord[] = [];
  const byId = new Map<number, ConnectionRecord>();
  const record = (id: number) => {
    let r = byId.get(id);
    if (!r) {
      r = { id, negotiated: [], disconnects: [] };
      byId.set(id, r);
      connections.push(r);
    }
    return r;
  };
  const userLogger = options.server?.logger;
  const server = new SSHServer({
    hostKeys: Object.values(keys.host),
    auth: {
      password: (user, password) => {
        const ok = user === USER && password === PASSWORD;
        authAttempts.push({ method: 'password', user, ok });
        return ok;
      },
      publicKey: (user: string, key: PublicKey) => {
        const ok = user === USER && authorized.some((k) => k.equals(key));
        authAttempts.push({ method: 'publickey', user, ok });
        return ok;
      },
    },
    exec: shell.exec,
    shell: shell.shell,
    sftp: { root },
    forwarding: { local: true, remote: true },
    ...(options.allAlgorithms ? { algorithms: OUR_ALGORITHMS } : {}),
    ...options.server,
    logger: (event) => {
      const r = record(event.connection);
      if (event.kind === 'identification') r.remote = event.remote;
      else if (event.kind === 'negotiated') r.negotiated.push(event.negotiated);
      else if (event.kind === 'disconnect')
        r.disconnects.push({
          reason: event.reason,
          description: event.description,
          fromPeer: event.fromPeer,
        });
      userLogger?.(event);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');

  const userKeyFiles = {} as ServerFixture['userKeyFiles'];
  for (const [type, key] of Object.entries(keys.user) as [
    keyof ServerFixture['userKeyFiles'],
    PrivateKey,
  ][]) {
    const file = join(home, '.ssh', `id_${type}`);
    await writeFile(file, writeOpenSSHPrivateKey(key), { mode: 0o600 });
    await writeFile(`${file}.pub`, `${key.publicKey.toString()}\n`);
    userKeyFiles[type] = file;
  }
  const userKeyPpk = join(home, 'id_ed25519.ppk');
  await writeFile(userKeyPpk, writePpk(keys.user.ed25519), { mode: 0o600 });
  const knownHostsFile = join(home, 'known_hosts');
  await writeFile(
    knownHostsFile,
    Object.values(keys.host)
      .map((k) => `[127.0.0.1]:${port} ${k.publicKey.toString()}\n`)
      .join(''),
  );
  // Dropbear's dbclient reads $HOME/.ssh/known_hosts and matches the bare host name.
  await writeFile(
    join(home, '.ssh', 'known_hosts'),
    Object.values(keys.host)
      .map((k) => `127.0.0.1 ${k.publicKey.toString()}\n`)
      .join(''),
  );
  await chmod(join(home, '.ssh'), 0o700);

  return {
    server,
    host: '127.0.0.1',
    port,
    dir,
    root,
    home,
    cwd,
    local,
    hostKeys: keys.host,
    userKeys: keys.user,
    userKeyFiles,
    userKeyPpk,
    knownHostsFile,
    authAttempts,
    connections,
    lastConnection: () => {
      const last = connections.at(-1);
      if (!last) throw new Error('the server has seen no connection');
      return last;
    },
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C',
      ...extra,
    }),
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** ssh / sftp / scp options: only this fixture's files, the host key checked, no agent, no prompts. */
export function opensshOptions(
  fx: ServerFixture,
  key: keyof ServerFixture['userKeyFiles'] = 'ed25519',
): string[] {
  return [
    '-F',
    '/dev/null',
    ...['Port', 'User', 'IdentityFile', 'UserKnownHostsFile'].flatMap((name) => [
      '-o',
      `${name}=${{ Port: fx.port, User: USER, IdentityFile: fx.userKeyFiles[key], UserKnownHostsFile: fx.knownHostsFile }[name]}`,
    ]),
    ...[
      'IdentitiesOnly=yes',
      'IdentityAgent=none',
      'GlobalKnownHostsFile=/dev/null',
      'StrictHostKeyChecking=yes',
      'BatchMode=yes',
      'ConnectTimeout=20',
      'ControlMaster=no',
      'ControlPath=none',
    ].flatMap((o) => ['-o', o]),
  ];
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<Ran>;
  /** Resolves with stdout (or stderr) once it matches (rejects when the process ends first or after `ms`). */
  waitFor(pattern: RegExp, ms?: number, stream?: 'stdout' | 'stderr'): Promise<string>;
  kill(): void;
}

export interface SpawnOptions {
  env: Record<string, string>;
  input?: string | Uint8Array;
  /** Keep stdin open (write to child.stdin yourself). */
  keepStdin?: boolean;
  cwd?: string;
  /** Killed (SIGKILL, the whole process group) after this long; the result then says so. */
  timeoutMs?: number;
}

/** Spawns a client in its own process group, asynchronously; never throws for a non-zero exit. */
export function spawnClient(command: string, args: string[], options: SpawnOptions): Spawned {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    stdout += d;
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: string) => {
    stderr += d;
    for (const w of waiters) w();
  });
  child.stdin!.on('error', () => {});
  if (!options.keepStdin) child.stdin!.end(options.input ?? '');
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const done = new Promise<Ran>((resolve, reject) => {
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      kill();
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void done.finally(() => {
    ended = true;
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
    kill,
    waitFor: (pattern, ms = 20_000, stream = 'stdout') =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const text = stream === 'stdout' ? stdout : stderr;
          if (pattern.test(text)) {
            cleanup();
            resolve(text);
          } else if (ended || child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`${command} ended before printing ${pattern}: ${stdout} | ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${command}: ${pattern} not printed within ${ms} ms: ${stdout} | ${stderr}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Runs a client to completion. */
export function runClient(command: string, args: string[], options: SpawnOptions): Promise<Ran> {
  return spawnClient(command, args, options).done;
}

/** A one-line description of a run, for assertion messages. */
export function describeRun(r: Ran): string {
  return `exit ${r.code ?? r.signal}; stdout ${JSON.stringify(r.stdout.slice(-1500))}; stderr ${JSON.stringify(r.stderr.slice(-1500))}`;
}

/** The tool's absolute path, or undefined outside CI when it cannot be installed (CI=true: throws). */
export async function tool(name: ToolName): Promise<string | undefined> {
  const a = await toolAvailability(name);
  return a.available ? a.path : undefined;
}

/** /usr/bin/python3 when it can import `module` (paramiko, asyncssh); the same CI rule. */
export async function pythonWith(module: 'paramiko' | 'asyncssh'): Promise<string | undefined> {
  const a = await peerAvailability(module);
  return a.available ? '/usr/bin/python3' : undefined;
}

/** Why a tool is missing, for a skipped test's title. */
export async function missingReason(name: ToolName | 'paramiko' | 'asyncssh'): Promise<string> {
  const a =
    name === 'paramiko' || name === 'asyncssh' ? await peerAvailability(name) : await toolAvailability(name);
  return a.available ? '' : a.reason;
}

/** The host key type for a host-key algorithm. */
export function keyTypeFor(algorithm: string): HostKeyType {
  if (algorithm === 'ssh-ed25519') return 'ed25519';
  const m = /^ecdsa-sha2-nistp(256|384|521)$/.exec(algorithm);
  if (m) return `ecdsa${m[1]}` as HostKeyType;
  return 'rsa';
}

/** A paramiko / AsyncSSH client process (python/<lib>_client.py) answering one JSON request per line. */
export interface PythonClient {
  // biome-ignore lint/suspicious/noExplicitAny: the script's JSON replies, checked by the tests
  request(request: Record<string, unknown>, ms?: number): Promise<any>;
  /** Its stderr so far (tracebacks, warnings). */
  readonly stderr: string;
  close(): Promise<void>;
}

export async function startPythonClient(
  python: string,
  lib: 'paramiko' | 'asyncssh',
  fx: ServerFixture,
): Promise<PythonClient> {
  const config = join(fx.dir, `${lib}-client.json`);
  await writeFile(
    config,
    JSON.stringify({
      host: fx.host,
      port: fx.port,
      user: USER,
      password: PASSWORD,
      knownHosts: fx.knownHostsFile,
      keys: fx.userKeyFiles,
      local: fx.local,
    }),
  );
  const script = fileURLToPath(new URL(`./python/${lib}_client.py`, import.meta.url));
  const p = spawnClient(python, ['-u', script, config], {
    env: fx.env({ PYTHONWARNINGS: 'ignore', PYTHONDONTWRITEBYTECODE: '1' }),
    keepStdin: true,
    cwd: fx.local,
    timeoutMs: 600_000,
  });
  // Replies are whole lines; each request takes the next one.
  const lines: string[] = [];
  let partial = '';
  let wake: (() => void) | undefined;
  p.child.stdout!.on('data', (d: string) => {
    partial += d;
    let nl = partial.indexOf('\n');
    while (nl >= 0) {
      lines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
      nl = partial.indexOf('\n');
    }
    wake?.();
  });
  void p.done.then(() => wake?.());
  let exited = false;
  void p.done.finally(() => {
    exited = true;
  });
  return {
    get stderr() {
      return p.stderr;
    },
    async request(request, ms = 60_000) {
      p.child.stdin!.write(`${JSON.stringify(request)}\n`);
      const deadline = Date.now() + ms;
      while (lines.length === 0) {
        if (exited) throw new Error(`${lib} client exited: ${p.stderr.slice(-2000)}`);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `${lib} client: no reply to ${JSON.stringify(request)} in ${ms} ms | ${p.stderr.slice(-2000)}`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return JSON.parse(lines.shift()!);
    },
    async close() {
      p.child.stdin!.end();
      const timer = setTimeout(() => p.kill(), 10_000);
      await p.done.catch(() => {});
      clearTimeout(timer);
    },
  };
}
