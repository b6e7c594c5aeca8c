// Issue 7: SSHServer's limits and lifecycle with our own client on both ends — accept() over an
// in-memory stream pair (no sockets: what a browser or a test of another project does) with the
// in-memory SFTP filesystem, maxConnections, authTimeout (LoginGraceTime), idleTimeout both ways,
// and close(): every connected client sees the DISCONNECT and `closed` resolves.
import { connect as tcpConnect } from 'node:net';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { MemoryFileSystem } from '@sshts/sftp';
import type { ByteStream } from '@sshts/transport';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts, SSHClient, SSHServer, type SSHServerOptions } from '../src/node/index.js';

const USER = 'tester';
const PASSWORD = 'pw';
let hostKey: PrivateKey;
beforeAll(async () => {
  hostKey = await generatePrivateKey('ed25519');
});

const servers: SSHServer[] = [];
const clients: SSHClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function server(options: Partial<SSHServerOptions> = {}): SSHServer {
  const s = new SSHServer({
    hostKeys: [hostKey],
    auth: { password: (user, password) => user === USER && password === PASSWORD },
    exec: async (command, session) => {
      await session.write(`ran ${command}\n`);
      await session.exit(0);
    },
    ...options,
  });
  servers.push(s);
  return s;
}

function client(): SSHClient {
  const c = new SSHClient({ knownHosts: KnownHosts.parse(`* ${hostKey.publicKey.toString()}\n`) });
  clients.push(c);
  return c;
}

/** Two ByteStreams joined back to back, as a socket's two ends. */
function streamPair(): [ByteStream, ByteStream] {
  const aToB = new TransformStream<Uint8Array, Uint8Array>();
  const bToA = new TransformStream<Uint8Array, Uint8Array>();
  return [
    { readable: bToA.readable, writable: aToB.writable },
    { readable: aToB.readable, writable: bToA.writable },
  ];
}

const login = { username: USER, password: PASSWORD, lookForKeys: false, agent: false as const };

/** Milliseconds until `promise` settles (its outcome ignored). */
async function timeTo(promise: Promise<unknown>): Promise<number> {
  const start = Date.now();
  await promise.catch(() => {});
  return Date.now() - start;
}

describe('SSHServer over any stream', () => {
  it('accept(stream): exec and SFTP on a MemoryFileSystem with no socket at all', async () => {
    const fs = new MemoryFileSystem();
    fs.writeFile('/hello.txt', 'from memory\n');
    const s = server({ sftp: fs });
    const [ours, theirs] = streamPair();
    const served = s.accept(theirs);
    const c = client();
    await c.connect({ host: 'memory', stream: ours, ...login });
    expect(s.connectionCount).toBe(1);
    expect(await c.exec('anything')).toMatchObject({ stdout: 'ran anything\n', exitCode: 0 });
    const sftp = await c.openSftp();
    expect(new TextDecoder().decode(await sftp.readFile('/hello.txt'))).toBe('from memory\n');
    await sftp.writeFile('/up.txt', 'written over sftp');
    expect(new TextDecoder().decode(fs.readFile('/up.txt'))).toBe('written over sftp');
    await c.close();
    await served; // accept() resolves once that connection has closed
    expect(s.connectionCount).toBe(0);
  });
});

describe('SSHServer limits', () => {
  it('maxConnections: one more is dropped before the identification; a freed slot is usable again', async () => {
    const s = server({ limits: { maxConnections: 2 } });
    const { port } = await s.listen(0);
    const first = client();
    const second = client();
    await first.connect({ host: '127.0.0.1', port, ...login });
    await second.connect({ host: '127.0.0.1', port, ...login });
    expect(s.connectionCount).toBe(2);
    await expect(client().connect({ host: '127.0.0.1', port, ...login, timeout: 5000 })).rejects.toThrow();
    await first.close();
    for (let i = 0; i < 50 && s.connectionCount > 1; i++) await new Promise((r) => setTimeout(r, 20));
    const third = client();
    await third.connect({ host: '127.0.0.1', port, ...login });
    expect((await third.exec('x')).stdout).toBe('ran x\n');
  });

  it('authTimeout: a client that never authenticates is disconnected after the grace time', async () => {
    const s = server({ limits: { authTimeout: 400 } });
    const { port } = await s.listen(0);
    // A raw TCP client that sends its identification and then nothing.
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.on('data', () => {});
    socket.write('SSH-2.0-silent\r\n');
    const elapsed = await timeTo(new Promise((resolve) => socket.once('close', resolve)));
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(5000);
    expect(s.connectionCount).toBe(0);
  });

  it('idleTimeout: a silent authenticated connection is closed; one with traffic is kept', async () => {
    const s = server({ limits: { idleTimeout: 500 } });
    const { port } = await s.listen(0);
    const busy = client();
    await busy.connect({ host: '127.0.0.1', port, ...login });
    const idle = client();
    await idle.connect({ host: '127.0.0.1', port, ...login });
    const idleClosed = idle.transport.closed;
    let busyClosed = false;
    void busy.transport.closed.then(() => {
      busyClosed = true;
    });
    // The busy client runs a command every 150 ms for 1.5 s: three idle periods' worth.
    const start = Date.now();
    while (Date.now() - start < 1500) {
      expect((await busy.exec('tick')).stdout).toBe('ran tick\n');
      await new Promise((r) => setTimeout(r, 150));
    }
    const info = await idleClosed;
    expect(info.reason).toMatch(/idle timeout/);
    expect(busyClosed).toBe(false);
  });

  it('idleTimeout counts output too: a command printing to a silent client is not idle', async () => {
    const s = server({
      limits: { idleTimeout: 400 },
      exec: async (_command, session) => {
        for (let i = 0; i < 8; i++) {
          await session.write(`${i}\n`);
          await new Promise((r) => setTimeout(r, 150));
        }
        await session.exit(0);
      },
    });
    const { port } = await s.listen(0);
    const c = client();
    await c.connect({ host: '127.0.0.1', port, ...login });
    // 1.2 s of output, nothing from the client after the request (the window is never short).
    expect(await c.exec('count')).toMatchObject({ stdout: '0\n1\n2\n3\n4\n5\n6\n7\n', exitCode: 0 });
  });

  it('close(): stops listening, disconnects every client (BY_APPLICATION) and resolves', async () => {
    const s = server();
    const { port } = await s.listen(0);
    const a = client();
    const b = client();
    await a.connect({ host: '127.0.0.1', port, ...login });
    await b.connect({ host: '127.0.0.1', port, ...login });
    await s.close();
    const [ia, ib] = await Promise.all([a.transport.closed, b.transport.closed]);
    for (const info of [ia, ib]) expect(info.reason).toMatch(/server shutting down/);
    expect(s.connectionCount).toBe(0);
    await expect(client().connect({ host: '127.0.0.1', port, ...login, timeout: 3000 })).rejects.toThrow();
  });
});
