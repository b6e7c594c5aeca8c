import type { ChildProcess } from 'node:child_process';
import { createServer, connect as netConnect } from 'node:net';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { oneLine } from './commands.js';
import {
  exited,
  findProcesses,
  killGroup,
  killPids,
  LogBuffer,
  removeTempDir,
  type SpawnedOptions,
  spawnTracked,
} from './process.js';
import type { Peer, PeerConnection, PeerHostKey, PeerName, SftpHome, SupportedAlgorithms } from './types.js';
import { readIdentification } from './wire.js';

export const STARTUP_TIMEOUT_MS = 15_000;

/** What a peer starter sets up; startPeer turns it into a Peer. */
export interface StartedPeer {
  hostKeys: PeerHostKey[];
  hostCertificateAuthority?: string;
  supported: SupportedAlgorithms;
  connect(): Promise<PeerConnection>;
  /** The 127.0.0.1 port of a listening server, when there is one besides connect(). */
  port?: number;
  /** Where the peer's SFTP starts (Peer.sftp), when it serves SFTP into a throwaway directory. */
  sftp?: SftpHome;
  /** Full log; default: the context's in-memory log. */
  log?(): string;
}

/** Owns everything one peer starts: processes, connections, the temp dir, the in-memory log. */
export class PeerContext {
  readonly user = userInfo().username;
  readonly log = new LogBuffer();
  /** Process-group leaders not yet exited. */
  private readonly leaders = new Map<number, ChildProcess>();
  private readonly connections = new Set<PeerConnection>();
  private connectionCount = 0;
  closed = false;

  constructor(
    readonly name: PeerName,
    readonly dir: string,
  ) {}

  /** Spawns a process in its own group, its stderr into the log. */
  spawn(
    command: string,
    args: string[],
    options: Omit<SpawnedOptions, 'marker'> = {},
    logPrefix = '',
  ): ChildProcess {
    if (this.closed) throw new Error(`${this.name}: peer is closed`);
    const child = spawnTracked(command, args, { ...options, marker: this.dir });
    const pid = child.pid;
    if (pid !== undefined) {
      this.leaders.set(pid, child);
      child.once('exit', () => {
        this.leaders.delete(pid);
        // Reap forks the leader left in its group (e.g. sshd's privsep child).
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Group already empty.
        }
      });
    }
    this.log.attach(child.stderr, logPrefix);
    return child;
  }

  nextConnectionId(): number {
    return ++this.connectionCount;
  }

  /** Tracks a connection so close() can end it; its own close() untracks it. */
  track(connection: PeerConnection): PeerConnection {
    const tracked: PeerConnection = {
      input: connection.input,
      output: connection.output,
      close: async () => {
        this.connections.delete(tracked);
        await connection.close();
      },
    };
    this.connections.add(tracked);
    return tracked;
  }

  processes(): number[] {
    return findProcesses(this.leaders.keys(), this.dir);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.connections].map((c) => c.close()));
    await Promise.allSettled([...this.leaders.values()].map((c) => killGroup(c)));
    for (let i = 0; i < 20; i++) {
      const left = this.processes();
      if (left.length === 0) break;
      killPids(left);
      await sleep(50);
    }
    await removeTempDir(this.dir);
  }
}

/** A connection over a per-connection process's stdio (sshd -i, tinysshd). */
export function stdioConnection(child: ChildProcess): PeerConnection {
  if (!child.stdout || !child.stdin) throw new Error('child has no stdio pipes');
  return { input: child.stdout, output: child.stdin, close: () => killGroup(child) };
}

/** A TCP connection to 127.0.0.1:port with TCP_NODELAY. */
export function tcpConnection(port: number, timeoutMs = STARTUP_TIMEOUT_MS): Promise<PeerConnection> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to 127.0.0.1:${port} timed out`));
    }, timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve({
        input: socket,
        output: socket,
        close: () =>
          new Promise<void>((done) => {
            if (socket.destroyed && socket.closed) return done();
            socket.once('close', () => done());
            socket.destroy();
          }),
      });
    });
  });
}

/** A port that was free a moment ago (bind 127.0.0.1:0, read, close); callers retry on EADDRINUSE. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Resolves when 127.0.0.1:port accepts a connection; rejects if `child` exits first or on timeout. */
export async function waitForPort(port: number, child: ChildProcess, describe: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited(child))
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}): ${describe()}`);
    try {
      const c = await tcpConnection(port, 1000);
      await c.close();
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`server did not listen on ${port} within ${STARTUP_TIMEOUT_MS} ms: ${describe()}`);
      await sleep(50);
    }
  }
}

/** Reads the first `count` lines of a child's stdout (bounded), failing if the child exits first. */
export function readStdoutLines(
  child: ChildProcess,
  count: number,
  describe: () => string,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const out = child.stdout;
    if (!out) return reject(new Error('no stdout'));
    let buffered = '';
    const cleanup = () => {
      clearTimeout(timer);
      out.off('data', onData);
      child.off('exit', onExit);
      // Keep draining so a chatty child never blocks on a full pipe.
      out.resume();
    };
    const onData = (b: Buffer) => {
      buffered += b.toString('utf8');
      const lines = buffered.split('\n');
      if (lines.length > count) {
        cleanup();
        resolve(lines.slice(0, count));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`server exited (${code ?? signal}) during startup: ${describe()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no startup output within ${STARTUP_TIMEOUT_MS} ms: ${describe()}`));
    }, STARTUP_TIMEOUT_MS);
    out.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Rejects after ms with a message; clears its timer when `promise` settles first. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last lines of a log, one line, for error messages. */
export function logTail(log: string, chars = 600): string {
  return oneLine(log.slice(-chars), chars);
}

class RunningPeer implements Peer {
  constructor(
    private readonly ctx: PeerContext,
    private readonly started: StartedPeer,
    readonly version: string,
  ) {}
  get name(): PeerName {
    return this.ctx.name;
  }
  get user(): string {
    return this.ctx.user;
  }
  get dir(): string {
    return this.ctx.dir;
  }
  get port(): number | undefined {
    return this.started.port;
  }
  get sftp(): SftpHome | undefined {
    return this.started.sftp;
  }
  get hostKeys(): PeerHostKey[] {
    return this.started.hostKeys;
  }
  get hostCertificateAuthority(): string | undefined {
    return this.started.hostCertificateAuthority;
  }
  get supported(): SupportedAlgorithms {
    return this.started.supported;
  }
  async connect(): Promise<PeerConnection> {
    if (this.ctx.closed) throw new Error(`${this.name}: peer is closed`);
    return this.ctx.track(await this.started.connect());
  }
  log(): string {
    return this.started.log ? this.started.log() : this.ctx.log.toString();
  }
  processes(): number[] {
    return this.ctx.processes();
  }
  close(): Promise<void> {
    return this.ctx.close();
  }
}

/** Probes one connection for the identification line (proves the server works) and builds the Peer. */
export async function finishPeer(ctx: PeerContext, started: StartedPeer): Promise<Peer> {
  const probe = await started.connect();
  try {
    const { line } = await readIdentification(probe.input, STARTUP_TIMEOUT_MS);
    let version = line.replace(/^SSH-2\.0-/, '');
    // tinysshd appends a random per-connection token as the comment ("tinyssh_20230101-1 hbIdLF6S").
    if (ctx.name === 'tinysshd') version = version.split(' ')[0]!;
    return new RunningPeer(ctx, started, version);
  } finally {
    await probe.close();
  }
}
