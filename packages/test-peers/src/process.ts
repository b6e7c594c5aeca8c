import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCommand } from './commands.js';

/** Every child still running, and every temp dir not yet removed, for the process 'exit' hook. */
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function cleanupSync(): void {
  for (const child of liveChildren) signalGroup(child, 'SIGKILL');
  liveChildren.clear();
  for (const dir of liveDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort while exiting.
    }
  }
  liveDirs.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', cleanupSync);
  // A signal's default action skips 'exit' handlers: clean up, then let the signal do what it
  // would have done (die) unless someone else handles it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupSync();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** The environment variable every spawned process carries, so leftovers can be found. */
export const MARKER_VAR = 'SSHTS_TEST_PEER';

export async function makeTempDir(prefix: string): Promise<string> {
  installExitHook();
  const dir = await mkdtemp(join(tmpdir(), `sshts-${prefix}-`));
  liveDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child) || child.pid === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM to the child's process group, SIGKILL after graceMs; resolves when it has exited. */
export async function killGroup(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (!exited(child) && child.pid !== undefined) {
    signalGroup(child, 'SIGTERM');
    if (!(await waitExit(child, graceMs))) {
      signalGroup(child, 'SIGKILL');
      await waitExit(child, 5000);
    }
  }
  // Forks left in the group (sshd's privsep child) are gone once they notice the closed pipes;
  // make sure anyway.
  signalGroup(child, 'SIGKILL');
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
  liveChildren.delete(child);
}

export interface SpawnedOptions {
  /** Value of the marker variable (the peer's temp dir). */
  marker: string;
  /** Extra environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill it when this Node thread dies, even by SIGKILL (long-lived servers): `setpriv --pdeathsig KILL`. */
  dieWithParent?: boolean;
}

/**
 * Spawns a child in its own process group (so close() can kill its forks too), stdio piped,
 * tracked for the exit hook.
 */
export function spawnTracked(command: string, args: string[], options: SpawnedOptions): ChildProcess {
  installExitHook();
  let cmd = command;
  let argv = args;
  const setpriv = options.dieWithParent ? findCommand('setpriv') : undefined;
  if (setpriv) {
    cmd = setpriv;
    argv = ['--pdeathsig', 'KILL', '--', command, ...args];
  }
  const spawnOptions: SpawnOptions = {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    cwd: options.cwd,
    env: { ...process.env, ...options.env, [MARKER_VAR]: options.marker },
  };
  const child = spawn(cmd, argv, spawnOptions);
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
  // An 'error' (e.g. ENOENT) is reported through exit/close handling by the callers.
  child.on('error', () => liveChildren.delete(child));
  child.stdin?.on('error', () => {});
  child.stdout?.on('error', () => {});
  child.stderr?.on('error', () => {});
  return child;
}

/**
 * Live processes belonging to the given process groups or carrying MARKER_VAR=marker in their
 * environment (Linux /proc; empty elsewhere). Zombies are not counted.
 */
export function findProcesses(groups: Iterable<number>, marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const wanted = new Set(groups);
  const needle = `${MARKER_VAR}=${marker}\0`;
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0];
      const pgrp = Number(fields[2]);
      if (state === 'Z' || state === 'X') continue;
      if (wanted.has(pgrp)) {
        found.push(pid);
        continue;
      }
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (`${environ}\0`.includes(needle)) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Sends SIGKILL to each pid (best effort). */
export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}

/** An in-memory log that keeps the last `max` characters. */
export class LogBuffer {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly max = 4 * 1024 * 1024) {}
  append(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > this.max * 2) {
      const all = this.parts.join('').slice(-this.max);
      this.parts = [all];
      this.size = all.length;
    }
  }
  attach(stream: NodeJS.ReadableStream | null | undefined, prefix = ''): void {
    stream?.on('data', (b: Buffer | string) => {
      const text = b.toString();
      this.append(prefix ? text.replace(/^(?=.)/gm, prefix) : text);
    });
  }
  toString(): string {
    const all = this.parts.join('');
    return all.length > this.max ? all.slice(-this.max) : all;
  }
}
