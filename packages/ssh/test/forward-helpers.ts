// Helpers for the forwarding tests (forward-*.test.ts): local echo servers on 127.0.0.1 or a Unix
// socket, byte-exact round trips through a socket, and a remote command that connects back.
import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface EchoServer {
  port: number;
  path?: string;
  /** Connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

/** An echo server on 127.0.0.1:0 or at `path`; each connection echoes until the client ends. */
export async function echoServer(path?: string): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const state = { accepted: 0 };
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    state.accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (path) server.listen(path, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    ...(path ? { path } : {}),
    get accepted() {
      return state.accepted;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** `size` bytes of a pattern that differs between connections (`seed`), so mixed-up streams show. */
export function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 255;
  return out;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Connects to `target`, writes `data`, reads until as many bytes came back (or the peer ends),
 * then ends; `halfClose` ends right after writing instead (the echo then must still come back).
 */
export function roundTrip(
  target: { port: number; host?: string } | { path: string },
  data: Uint8Array,
  halfClose = false,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      'path' in target ? { path: target.path } : { host: target.host ?? '127.0.0.1', port: target.port },
    );
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = () => resolve(new Uint8Array(Buffer.concat(chunks)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= data.length && !halfClose) socket.end();
    });
    socket.once('end', finish);
    socket.once('close', finish);
    socket.once('error', reject);
    socket.write(data);
    if (halfClose) socket.end();
  });
}

/**
 * roundTrip to a port a client process is still setting up (ssh -L, dbclient -L): retried every
 * 100 ms for up to 10 s; undefined when it never answered.
 */
export async function roundTripWhenListening(
  port: number,
  data: Uint8Array,
): Promise<Uint8Array | undefined> {
  for (let i = 0; i < 100; i++) {
    const back = await roundTrip({ port }, data).catch(() => undefined);
    if (back) return back;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** Connects to `port` and resolves with whether the connection was closed (end or reset) without data. */
export function closedWithoutData(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = 0;
    socket.on('data', (chunk: Buffer) => {
      got += chunk.length;
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(got === 0));
  });
}

/**
 * A python3 program (run on the server side) that connects to a TCP port or a Unix socket, sends
 * `size` bytes of a fixed pattern from a thread, half-closes, reads to EOF and prints
 * "<bytes received> <sha256 of them>", or "refused" when nothing listens, or "reset" when the
 * connection was reset.
 */
export function remoteRoundTripScript(target: { port: number } | { path: string }, size: number): string {
  const address = 'path' in target ? JSON.stringify(target.path) : `("127.0.0.1", ${target.port})`;
  const family = 'path' in target ? 'socket.AF_UNIX' : 'socket.AF_INET';
  const program = [
    'import hashlib, socket, threading',
    `data = bytes((i * 13 + (i >> 10)) & 255 for i in range(${size}))`,
    `s = socket.socket(${family}, socket.SOCK_STREAM)`,
    'try:',
    `    s.connect(${address})`,
    'except (ConnectionRefusedError, FileNotFoundError):',
    '    print("refused"); raise SystemExit(0)',
    'def send():',
    '    try: s.sendall(data); s.shutdown(socket.SHUT_WR)',
    '    except OSError: pass',
    't = threading.Thread(target=send); t.start()',
    'got = bytearray()',
    'while True:',
    '    try: b = s.recv(65536)',
    '    except ConnectionResetError: print("reset"); raise SystemExit(0)',
    '    if not b: break',
    '    got += b',
    't.join()',
    'print(len(got), hashlib.sha256(got).hexdigest())',
  ].join('\n');
  return `python3 -c '${program}'`;
}

/** What remoteRoundTripScript prints when everything `size` bytes came back intact. */
export function remoteRoundTripExpected(size: number): string {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 13 + (i >> 10)) & 255;
  return `${size} ${sha256(data)}\n`;
}
