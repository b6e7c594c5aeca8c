import { parsePrivateKey, parsePublicKey, SSHServer } from 'sshts';
import { packageVersion } from '../package-version.js';
import type { RunningServer, ServerSetup } from './protocol.js';

/**
 * Our SSHServer with one ed25519 host key and publickey auth of one key. The exec handler answers
 * in-process (no child process: a thousand of them would measure the machine, not the server):
 * "ok\n", then it keeps the session open until the client's EOF, so that every idle connection
 * holds an open session channel while memory is measured, and exits 0 after it.
 */
export async function startSshtsServer(setup: ServerSetup): Promise<RunningServer> {
  const allowed = parsePublicKey(setup.userKey);
  let execs = 0;
  const server = new SSHServer({
    hostKeys: [parsePrivateKey(setup.hostKey)],
    auth: { publicKey: (user, key) => user === setup.user && key.equals(allowed) },
    exec: async (_command, session) => {
      execs++;
      await session.write('ok\n');
      await session.stdin.bytes();
      await session.exit(0);
    },
    // The default (1024) would refuse BENCH_SESSIONS above it; authTimeout's default (120 s) is
    // far above what one login takes even with 50 handshakes in flight.
    limits: { maxConnections: setup.maxConnections },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    port,
    version: `sshts ${packageVersion('sshts')}`,
    connections: () => server.connectionCount,
    execs: () => execs,
  };
}
