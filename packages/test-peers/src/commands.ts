import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The Debian python3-paramiko / python3-asyncssh modules import only with the system interpreter. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const EXTRA_DIRS = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
  '/usr/lib/openssh',
];

const overrides = new Map<string, string>();
const listeners: (() => void)[] = [];

/**
 * Test seam: look `name` up as `replacement` instead (a bare name is searched like any other, an
 * absolute path is used as is); `undefined` removes the override.
 */
export function overrideCommand(name: string, replacement: string | undefined): void {
  if (replacement === undefined) overrides.delete(name);
  else overrides.set(name, replacement);
  for (const listener of listeners) listener();
}

/** `name`, or `name (looked up as X)` while overridden, for messages. */
export function commandLabel(name: string): string {
  const o = overrides.get(name);
  return o ? `${name} (looked up as ${o})` : name;
}

/** Called whenever an override changes (availability caches listen). */
export function onOverrideChange(listener: () => void): void {
  listeners.push(listener);
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of an executable: PATH plus the usual sbin/lib dirs; undefined when missing. */
export function findCommand(name: string): string | undefined {
  const wanted = overrides.get(name) ?? (name === 'python3' ? SYSTEM_PYTHON : name);
  if (isAbsolute(wanted)) return isExecutableFile(wanted) ? wanted : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, wanted);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Like findCommand, but throws a one-line error. */
export function requireCommand(name: string): string {
  const path = findCommand(name);
  if (!path) throw new Error(`${commandLabel(name)} not found (searched PATH and ${EXTRA_DIRS.join(', ')})`);
  return path;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs a short-lived command to completion (bounded by timeoutMs, default 15 s). */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command and returns its stdout; throws a one-line error on failure. */
export async function runOk(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const r = await run(command, args, options);
  if (r.code !== 0) {
    const detail = oneLine(r.stderr || r.stdout) || `exit ${r.code ?? r.signal}`;
    throw new Error(`${command} ${args.join(' ')} failed: ${detail}`);
  }
  return r.stdout;
}

/** Collapses whitespace (newlines included) so a message fits one line, and bounds its length. */
export function oneLine(text: string, max = 300): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
