/**
 * The server process of the session benchmark, started by server-process.ts with --expose-gc and
 * an IPC channel. It starts the server it is told to (ours or ssh2's; only that library is
 * loaded), and on each `measure` collects garbage until the heap settles and reports
 * process.memoryUsage() with how many connections and execs the server has seen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { requireOpenFiles } from '../fd-limit.js';
import type { Command, Memory, Report, RunningServer, ServerSetup } from './protocol.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('sessions/child.ts needs node --expose-gc');

function send(report: Report): void {
  process.send!(report);
}

async function start(setup: ServerSetup): Promise<RunningServer> {
  // The server's sockets, the listener and Node's own descriptors.
  requireOpenFiles(setup.maxConnections + 64, `${setup.kind} server process`);
  if (setup.kind === 'sshts') return (await import('./server-sshts.js')).startSshtsServer(setup);
  return (await import('./server-ssh2.js')).startSsh2Server(setup);
}

/**
 * Full collections with pauses between them, so that weak callbacks and ArrayBuffer frees that a
 * collection schedules have run before the next one and before the reading.
 */
async function settledMemory(): Promise<Memory> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await sleep(50);
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

let server: RunningServer | undefined;
process.on('message', (command: Command) => {
  void (async () => {
    if (command.type === 'start') {
      server = await start(command.setup);
      send({ type: 'listening', port: server.port, version: server.version });
    } else if (command.type === 'measure') {
      if (!server) throw new Error('measure before start');
      const memory = await settledMemory();
      send({
        type: 'memory',
        label: command.label,
        memory,
        connections: server.connections(),
        execs: server.execs(),
      });
    }
  })().catch((error: unknown) => send({ type: 'error', message: String((error as Error)?.stack ?? error) }));
});
// The driver going away (crash, ^C) ends this process with it.
process.on('disconnect', () => process.exit(0));
