// Issue 5: dynamic forwarding (ssh -D). First the SOCKS handshake parser alone (RFC 1928 SOCKS5,
// SOCKS4 and 4a: every request form, each failure reply code, bounded and typed errors on arbitrary
// input), then forwardDynamic through the real sshd with curl (an independent SOCKS client) and a
// hand-written SOCKS5/SOCKS4a client, to a local HTTP server on loopback.
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedReader } from '../src/forwarding/buffered-reader.js';
import { readSocksRequest, type SocksConnectRequest, SocksError } from '../src/forwarding/socks.js';
import type { Forward, SSHClient } from '../src/node/index.js';
import { formatIPv6 } from '../src/ssh-config/address.js';
import { closedPort } from './forward-helpers.js';
import { type Connected, connectClient, waitFor, within } from './session-helpers.js';

const bytes = (...parts: (readonly number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

/** Runs the parser on `input` (delivered in `chunkSize` pieces); returns the request or error and what it wrote. */
async function parse(
  input: Uint8Array,
  chunkSize = input.length || 1,
): Promise<{ request?: SocksConnectRequest; error?: unknown; written: number[]; rest: Uint8Array }> {
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < input.length; i += chunkSize) controller.enqueue(input.slice(i, i + chunkSize));
      controller.close();
    },
  });
  const written: number[] = [];
  const reader = new BufferedReader(readable, (message) => new SocksError(message));
  const result = await readSocksRequest(reader, async (b) => {
    written.push(...b);
  }).then(
    (request) => ({ request }),
    (error: unknown) => ({ error }),
  );
  return { ...result, written, rest: new Uint8Array(await new Response(reader.rest()).arrayBuffer()) };
}

const GREETING = [5, 1, 0];
const S5_OK = [5, 0];

describe('SOCKS request parsing (RFC 1928, SOCKS4/4a)', () => {
  it('SOCKS5 CONNECT by domain, IPv4 and IPv6; bytes after the request are kept', async () => {
    const domain = await parse(bytes(GREETING, [5, 1, 0, 3, 9], 'localhost', [0x1f, 0x90], 'GET /'), 1);
    expect(domain.request).toEqual({ version: 5, host: 'localhost', port: 8080 });
    expect(domain.written).toEqual(S5_OK);
    expect(new TextDecoder().decode(domain.rest)).toBe('GET /');
    const v4 = await parse(bytes([5, 2, 2, 0], [5, 1, 0, 1, 10, 0, 0, 1, 0, 80]));
    expect(v4.request).toEqual({ version: 5, host: '10.0.0.1', port: 80 });
    const v6 = await parse(bytes(GREETING, [5, 1, 0, 4], [...new Array(15).fill(0), 1], [1, 0]));
    expect(v6.request).toEqual({ version: 5, host: '::1', port: 256 });
  });

  it('SOCKS4 and SOCKS4a (user id skipped, host name after it)', async () => {
    const v4 = await parse(bytes([4, 1, 0, 22, 192, 168, 1, 2], 'alice', [0]));
    expect(v4.request).toEqual({ version: 4, host: '192.168.1.2', port: 22 });
    expect(v4.written).toEqual([]);
    const v4a = await parse(bytes([4, 1, 1, 0, 0, 0, 0, 7], 'bob', [0], 'example.org', [0], 'x'), 2);
    expect(v4a.request).toEqual({ version: 4, host: 'example.org', port: 256 });
    expect([...v4a.rest]).toEqual([...bytes('x')]);
  });

  it.each([
    ['no acceptable method', bytes([5, 1, 2]), [5, 0xff]],
    ['BIND', bytes(GREETING, [5, 2, 0, 1, 1, 2, 3, 4, 0, 80]), [...S5_OK, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0]],
    [
      'UDP ASSOCIATE',
      bytes(GREETING, [5, 3, 0, 1, 1, 2, 3, 4, 0, 80]),
      [...S5_OK, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0],
    ],
    [
      'address type 2',
      bytes(GREETING, [5, 1, 0, 2, 1, 2, 3, 4, 0, 80]),
      [...S5_OK, 5, 8, 0, 1, 0, 0, 0, 0, 0, 0],
    ],
    ['an empty domain', bytes(GREETING, [5, 1, 0, 3, 0, 0, 80]), [...S5_OK, 5, 1, 0, 1, 0, 0, 0, 0, 0, 0]],
    [
      'a request with version 4',
      bytes(GREETING, [4, 1, 0, 1, 1, 2, 3, 4, 0, 80]),
      [...S5_OK, 5, 1, 0, 1, 0, 0, 0, 0, 0, 0],
    ],
    ['SOCKS4 BIND', bytes([4, 2, 0, 80, 1, 2, 3, 4, 0]), [0, 91, 0, 0, 0, 0, 0, 0]],
  ])('%s gets its failure reply and a SocksError', async (_, input, reply) => {
    const r = await parse(input);
    expect(r.error).toBeInstanceOf(SocksError);
    expect(r.written).toEqual(reply);
  });

  it.each([
    ['an unknown version', bytes([6, 1, 0])],
    ['zero methods', bytes([5, 0])],
    ['a truncated greeting', bytes([5, 3, 0])],
    ['a truncated request', bytes(GREETING, [5, 1, 0, 3, 20], 'short')],
    ['a SOCKS4 user id over 255 bytes', bytes([4, 1, 0, 80, 1, 2, 3, 4], 'u'.repeat(300), [0])],
    ['a SOCKS4a host over 255 bytes', bytes([4, 1, 0, 80, 0, 0, 0, 1, 0], 'h'.repeat(256), [0])],
    ['a SOCKS4 user id never terminated', bytes([4, 1, 0, 80, 1, 2, 3, 4], 'abc')],
  ])('%s is a SocksError', async (_, input) => {
    expect((await parse(input)).error).toBeInstanceOf(SocksError);
  });

  it('arbitrary input yields a request or an SSHError, never another exception', async () => {
    const prefix = fc.constantFrom([], [5], [5, 1, 0], [5, 1, 0, 5, 1, 0], [4], [4, 1]);
    await fc.assert(
      fc.asyncProperty(
        prefix,
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 64 }),
        async (p, tail, chunk) => {
          const r = await parse(bytes(p, [...tail]), chunk);
          if (r.request === undefined) expect(r.error).toBeInstanceOf(SSHError);
          else expect(r.request.port).toBeLessThan(65536);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('formats IPv6 per RFC 5952', () => {
    const v6 = (groups: number[]) => formatIPv6(Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 255])));
    expect(v6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(v6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(v6([0xfe80, 0, 0, 0, 0, 0, 0, 0])).toBe('fe80::');
  });
});

/** A hand-written SOCKS client: handshake bytes out, exact reply bytes in, then raw data. */
class RawSocket {
  readonly socket: Socket;
  #data = Buffer.alloc(0);
  #ended = false;
  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => {
      this.#data = Buffer.concat([this.#data, chunk]);
    });
    this.socket.on('end', () => {
      this.#ended = true;
    });
    this.socket.on('error', () => {
      this.#ended = true;
    });
  }
  async read(n: number): Promise<number[]> {
    await waitFor(() => this.#data.length >= n || this.#ended, 10_000, `${n} bytes`);
    const out = [...this.#data.subarray(0, n)];
    this.#data = this.#data.subarray(n);
    return out;
  }
  /** Everything until the server closes. */
  async rest(): Promise<string> {
    await waitFor(() => this.#ended, 10_000, 'end');
    return this.#data.toString('utf8');
  }
}

const httpGet = (path: string) => `GET ${path} HTTP/1.0\r\nHost: test\r\n\r\n`;

async function socks5(
  proxyPort: number,
  address: number[],
  port: number,
): Promise<{ reply: number[]; socket: RawSocket }> {
  const s = new RawSocket(proxyPort);
  s.socket.write(Uint8Array.from(GREETING));
  expect(await s.read(2)).toEqual(S5_OK);
  s.socket.write(Uint8Array.from([5, 1, 0, ...address, port >> 8, port & 255]));
  return { reply: await s.read(10), socket: s };
}

const curl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();

function runCurl(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(curl, ['-sS', '--max-time', '15', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

async function listenHttp(host: string): Promise<HttpServer | undefined> {
  const server = createHttpServer((req, res) => {
    res.setHeader('connection', 'close');
    res.end(`hello ${req.url} from ${req.socket.remoteAddress}`);
  });
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(0, host, () => resolve(server));
  });
}

const portOf = (server: HttpServer) => {
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
};

const openssh = await peerAvailability('openssh');
// Hosts without an IPv6 loopback skip the one end-to-end IPv6 test (the parser tests above still run).
const ipv6 = await listenHttp('::1').then((server) => {
  server?.close();
  return server !== undefined;
});

describe.skipIf(!openssh.available)('dynamic forwarding (SOCKS) through OpenSSH sshd', () => {
  let key: PrivateKey;
  let peer: Peer;
  let connected: Connected;
  let client: SSHClient;
  let http: HttpServer;
  let http6: HttpServer | undefined;
  let forward: Forward;
  const errors: unknown[] = [];

  beforeAll(async () => {
    key = await generatePrivateKey('ed25519');
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
      sshdConfig: ['AllowTcpForwarding yes'],
    });
    connected = await connectClient(peer, key);
    client = connected.client;
    http = (await listenHttp('127.0.0.1'))!;
    http6 = await listenHttp('::1'); // undefined where this host has no IPv6 loopback
    forward = await client.forwardDynamic({ localPort: 0, onError: (e) => errors.push(e) });
  }, 60_000);
  afterAll(async () => {
    await forward?.close();
    await connected?.close();
    await peer?.close();
    http?.close();
    http6?.close();
  });

  // curl is not one of the tools test-peers installs: where it is missing the test is skipped,
  // except under CI=true, where it runs and fails. The hand-written client below covers the rest.
  it.skipIf(!curl && !process.env.CI)(
    'curl through -D: SOCKS5 with remote DNS, SOCKS5, SOCKS4, SOCKS4a',
    async () => {
      const url = `http://localhost:${portOf(http)}/curl`;
      for (const flag of ['--socks5-hostname', '--socks5', '--socks4', '--socks4a']) {
        const r = await runCurl([
          flag,
          `127.0.0.1:${forward.port}`,
          url.replace(
            'localhost',
            flag === '--socks4a' || flag === '--socks5-hostname' ? 'localhost' : '127.0.0.1',
          ),
        ]);
        expect({ flag, code: r.code, out: r.stdout }).toEqual({
          flag,
          code: 0,
          out: 'hello /curl from 127.0.0.1',
        });
      }
    },
    40_000,
  );

  it('SOCKS5 CONNECT by domain and by IPv4 reaches the server; the reply says succeeded', async () => {
    const port = portOf(http);
    const name = [...new TextEncoder().encode('localhost')];
    for (const address of [
      [3, name.length, ...name],
      [1, 127, 0, 0, 1],
    ]) {
      const { reply, socket } = await socks5(forward.port, address, port);
      expect(reply).toEqual([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
      socket.socket.write(httpGet('/socks5'));
      expect(await within(socket.rest(), 10_000, 'response')).toMatch(/hello \/socks5 from 127\.0\.0\.1$/);
    }
  });

  it.skipIf(!ipv6)('SOCKS5 CONNECT to an IPv6 address', async () => {
    const { reply, socket } = await socks5(forward.port, [4, ...new Array(15).fill(0), 1], portOf(http6!));
    expect(reply[1]).toBe(0);
    socket.socket.write(httpGet('/v6'));
    expect(await within(socket.rest(), 10_000, 'response')).toMatch(/hello \/v6 from ::1$/);
  });

  it('SOCKS4a CONNECT by name reaches the server (reply 90)', async () => {
    const port = portOf(http);
    const s = new RawSocket(forward.port);
    s.socket.write(
      bytes([4, 1, port >> 8, port & 255, 0, 0, 0, 1], 'user', [0], 'localhost', [0], httpGet('/4a')),
    );
    expect((await s.read(8))[1]).toBe(90);
    expect(await within(s.rest(), 10_000, 'response')).toMatch(/hello \/4a from 127\.0\.0\.1$/);
  });

  it('a refused target gets reply 5 (connection refused) / 91, and is reported', async () => {
    const dead = await closedPort();
    const before = errors.length;
    const { reply, socket } = await socks5(forward.port, [1, 127, 0, 0, 1], dead);
    expect(reply).toEqual([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(await within(socket.rest(), 10_000, 'close')).toBe('');
    const s4 = new RawSocket(forward.port);
    s4.socket.write(bytes([4, 1, dead >> 8, dead & 255, 127, 0, 0, 1, 0]));
    expect((await s4.read(8))[1]).toBe(91);
    await waitFor(() => errors.length >= before + 2, 5_000, 'onError');
  });

  it('a client that never finishes its request is dropped after handshakeTimeout; close() aborts handshakes', async () => {
    const seen: unknown[] = [];
    await using slow = await client.forwardDynamic({
      localPort: 0,
      handshakeTimeout: 300,
      onError: (e) => seen.push(e),
    });
    const idle = new RawSocket(slow.port);
    idle.socket.write(Uint8Array.of(5)); // half a greeting
    await within(idle.rest(), 5_000, 'dropped');
    await waitFor(() => seen.length > 0, 5_000, 'onError');
    expect(seen[0]).toBeInstanceOf(SocksError);
    expect(String(seen[0])).toMatch(/within 300 ms/);

    const other = await client.forwardDynamic({ localPort: 0, onError: (e) => seen.push(e) });
    const waiting = new RawSocket(other.port);
    waiting.socket.write(Uint8Array.of(5));
    await new Promise((resolve) => setTimeout(resolve, 100)); // accepted, reading the greeting
    await other.close();
    await within(waiting.rest(), 5_000, 'closed');
    await waitFor(() => seen.some((e) => (e as SSHError).code === 'ERR_FORWARD_CLOSED'), 5_000, 'aborted');
  });

  it('close() stops the SOCKS listener', async () => {
    const other = await client.forwardDynamic({ localPort: 0 });
    await other.close();
    const s = new RawSocket(other.port);
    await waitFor(() => s.socket.destroyed, 5_000, 'refused');
  });
});
