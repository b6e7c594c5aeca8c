import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { packageVersion } from '../package-version.js';
import type { RunningServer, ServerSetup } from './protocol.js';

/**
 * npm ssh2's Server set up as server-sshts.ts sets up ours: the same ed25519 host key, publickey
 * auth of the same one key (the signature checked as ssh2's README does), and an exec answered
 * in-process with "ok\n", held open until the client's EOF, then exit status 0. Everything else is
 * ssh2's default (its 15 s keepalive to clients included).
 */
export async function startSsh2Server(setup: ServerSetup): Promise<RunningServer> {
  // ssh2 is CommonJS and Node's named-export detection misses Server and utils (Client it finds).
  const { Server, utils } = ssh2;
  const allowed = utils.parseKey(setup.userKey);
  if (allowed instanceof Error) throw allowed;
  const allowedBlob = allowed.getPublicSSH();
  let connections = 0;
  let execs = 0;
  const server = new Server({ hostKeys: [setup.hostKey] }, (client) => {
    connections++;
    client.once('close', () => connections--);
    // A client that vanishes must not crash the server.
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (
        ctx.method === 'publickey' &&
        ctx.username === setup.user &&
        ctx.key.algo === allowed.type &&
        ctx.key.data.equals(allowedBlob) &&
        (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true)
      ) {
        ctx.accept();
      } else {
        ctx.reject(['publickey']);
      }
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (acceptExec) => {
          execs++;
          const stream = acceptExec();
          stream.write('ok\n');
          stream.on('data', () => {});
          stream.once('end', () => {
            stream.exit(0);
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    version: `ssh2 ${packageVersion('ssh2')}`,
    connections: () => connections,
    execs: () => execs,
  };
}
