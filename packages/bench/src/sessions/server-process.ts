import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command, Memory, Report, ServerSetup } from './protocol.js';

export interface ServerProcess {
  port: number;
  version: string;
  /** Asks the child for its settled memory and what its server has seen. */
  measure(label: string): Promise<{ memory: Memory; connections: number; execs: number }>;
  /** Kills the child and waits for it to exit. */
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * Starts sessions/child.ts in a Node process of its own with --expose-gc, under the same loader
 * flags as this one (tsx and --conditions=sshts-source: process.execArgv), and the server in it.
 */
export async function startServerProcess(setup: ServerSetup): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', CHILD], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const listening = await next(child, 'listening', { type: 'start', setup });
    return {
      port: listening.port,
      version: listening.version,
      measure: async (label) => {
        const { memory, connections, execs } = await next(child, 'memory', { type: 'measure', label });
        return { memory, connections, execs };
      },
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

/** Sends `command` and resolves with the child's next report of type `type`. */
function next<T extends Report['type']>(
  child: ChildProcess,
  type: T,
  command: Command,
): Promise<Extract<Report, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: Report) => {
      if (report.type === 'error') done(new Error(`server process: ${report.message}`));
      else if (report.type === type) done(undefined, report as Extract<Report, { type: T }>);
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`server process exited (${code ?? signal}) before answering ${command.type}`));
    const done = (error?: Error, report?: Extract<Report, { type: T }>) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(report!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(command);
  });
}
