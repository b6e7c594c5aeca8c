import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCommand, oneLine, run } from './commands.js';

const LOCK_FILE = join(tmpdir(), 'sshts-test-peers-apt.lock');
const UPDATED_MARKER = join(tmpdir(), 'sshts-test-peers-apt-updated');
const LOCK_WAIT_MS = 15 * 60_000;
const UPDATE_FRESH_MS = 60 * 60_000;
const APT_TIMEOUT_MS = 10 * 60_000;

let updatedThisProcess = false;
/** In-process serialization; the lock file serializes across processes (vitest workers). */
let queue: Promise<unknown> = Promise.resolve();

/** Whether automatic installation may be tried (root, apt-get, not disabled by SSHTS_TEST_PEERS_INSTALL=0). */
export function installBlocker(): string | undefined {
  if (process.env.SSHTS_TEST_PEERS_INSTALL === '0')
    return 'automatic install disabled (SSHTS_TEST_PEERS_INSTALL=0)';
  if (process.platform !== 'linux')
    return `automatic install needs Linux with apt-get (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'automatic install needs root';
  if (!findCommand('apt-get')) return 'automatic install needs apt-get';
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withFileLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(LOCK_FILE, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(LOCK_FILE, 'utf8'), 10);
      } catch {
        // Vanished or half-written: retry below.
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
        try {
          unlinkSync(LOCK_FILE);
        } catch {
          // Someone else removed the stale lock first.
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_FILE} (held by pid ${owner})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(LOCK_FILE);
    } catch {
      // Already gone.
    }
  }
}

function updateIsFresh(): boolean {
  try {
    return Date.now() - statSync(UPDATED_MARKER).mtimeMs < UPDATE_FRESH_MS;
  } catch {
    return false;
  }
}

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const APT_OPTS = ['-o', 'DPkg::Lock::Timeout=300'];

/**
 * `apt-get update` (once per process, and not when another process did it in the last hour), then
 * `apt-get install -y -q PACKAGES`, serialized in-process and across processes. Returns an error
 * line or undefined on success.
 */
export function aptInstall(packages: string[]): Promise<string | undefined> {
  const task = queue.then(() =>
    withFileLock(async () => {
      const aptGet = findCommand('apt-get');
      if (!aptGet) return 'apt-get not found';
      if (!updatedThisProcess && !updateIsFresh()) {
        const r = await run(aptGet, [...APT_OPTS, 'update', '-q'], {
          env: APT_ENV,
          timeoutMs: APT_TIMEOUT_MS,
        });
        if (r.code !== 0) return `apt-get update failed: ${oneLine(r.stderr || r.stdout)}`;
        updatedThisProcess = true;
        try {
          closeSync(openSync(UPDATED_MARKER, 'a'));
          const now = new Date();
          utimesSync(UPDATED_MARKER, now, now);
        } catch {
          // The marker only saves time.
        }
      }
      const r = await run(aptGet, [...APT_OPTS, 'install', '-y', '-q', ...packages], {
        env: APT_ENV,
        timeoutMs: APT_TIMEOUT_MS,
      });
      if (r.code !== 0)
        return `apt-get install ${packages.join(' ')} failed: ${oneLine(r.stderr || r.stdout)}`;
      return undefined;
    }),
  );
  queue = task.catch(() => {});
  return task.catch((e: unknown) => `apt-get install ${packages.join(' ')} failed: ${oneLine(String(e))}`);
}
