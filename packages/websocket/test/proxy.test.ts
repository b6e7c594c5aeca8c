// Issue 8: the WebSocket-to-TCP proxy and the browser-side ByteStream, driven here by `ws`'s
// WebSocket class (the WHATWG API: Node 20 has no global WebSocket). Targets are local TCP servers.
// Refusals: a target outside the allow-list, a wrong Origin, a missing or wrong token, too many
// connections, the byte limit and idleness; backpressure both ways with memory bounded.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import {
  CloseCode,
  connectWebSocket,
  createProxy,
  type ProxyEvent,
  type ProxyOptions,
  proxyUrl,
  tokenFromSubprotocol,
  tokenSubprotocol,
  type WebSocketConstructor,
  WebSocketError,
  type WebSocketProxy,
} from '../src/node/index.js';

const WebSocket = WsWebSocket as unknown as WebSocketConstructor;
const TOKEN = 'a-secret token/with+odd=chars é';

interface TcpTarget {
  port: number;
  accepted: number;
  sockets: Socket[];
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1: `echo` sends back what it reads; `sink` never reads; `source` writes `source` bytes. */
async function tcpTarget(mode: 'echo' | 'sink' | { source: number }): Promise<TcpTarget> {
  const sockets: Socket[] = [];
  const target: TcpTarget = { port: 0, accepted: 0, sockets, close: async () => {} };
  const server: Server = createServer((socket) => {
    target.accepted++;
    sockets.push(socket);
    socket.on('error', () => {});
    if (mode === 'echo') socket.pipe(socket);
    else if (mode === 'sink') socket.pause();
    else {
      const chunk = Buffer.alloc(64 * 1024, 7);
      let left = mode.source;
      const pump = () => {
        while (left > 0) {
          left -= chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.port = (server.address() as { port: number }).port;
  target.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
  return target;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function proxy(options: Partial<ProxyOptions> & Pick<ProxyOptions, 'targets'>) {
  const events: ProxyEvent[] = [];
  const p = await createProxy({ token: TOKEN, logger: (e) => events.push(e), ...options });
  cleanups.push(() => p.close());
  return Object.assign(p, { events }) as WebSocketProxy & { events: ProxyEvent[] };
}

async function target(mode: Parameters<typeof tcpTarget>[0]) {
  const t = await tcpTarget(mode);
  cleanups.push(() => t.close());
  return t;
}

/** Reads everything until the stream ends or errors (resolving with the error). */
async function readAll(
  readable: ReadableStream<Uint8Array>,
  until?: number,
): Promise<{ bytes: Buffer; error?: unknown }> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
      if (until !== undefined && n >= until) break;
    }
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  } finally {
    reader.releaseLock();
  }
}

/** The HTTP status the proxy answers an upgrade with (101 when it upgrades). */
function upgradeStatus(port: number, headers: Record<string, string>, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the token subprotocol', () => {
  it('round-trips any UTF-8 token through base64url, and uses only token characters (RFC 6455 §4.1)', () => {
    for (const t of ['x', TOKEN, '\u{1F511}'.repeat(40), '']) {
      const p = tokenSubprotocol(t);
      expect(p).toMatch(/^sshts\.token\.[A-Za-z0-9_-]*$/);
      expect(tokenFromSubprotocol(p)).toBe(t);
    }
    expect(tokenFromSubprotocol('sshts')).toBeUndefined();
    expect(tokenFromSubprotocol('sshts.token.%%%')).toBeUndefined();
  });
});

describe('WebSocket-to-TCP proxy', () => {
  it('relays bytes both ways unchanged (4 MiB through an echo target), TCP_NODELAY, clean close', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`] });
    const stream = await connectWebSocket(proxyUrl(p.url, '127.0.0.1', echo.port), {
      token: TOKEN,
      WebSocket,
    });
    const data = randomBytes(4 << 20);
    const writer = stream.writable.getWriter();
    const reading = readAll(stream.readable, data.length);
    for (let i = 0; i < data.length; i += 100_000) await writer.write(data.subarray(i, i + 100_000));
    const back = await reading;
    expect(back.error).toBeUndefined();
    expect(sha(back.bytes)).toBe(sha(data));
    expect(p.connections).toBe(1);
    await writer.close();
    for (let i = 0; i < 100 && p.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(p.connections).toBe(0);
    expect(p.events).toContainEqual(
      expect.objectContaining({ kind: 'open', target: { host: '127.0.0.1', port: echo.port } }),
    );
    expect(p.events).toContainEqual(
      expect.objectContaining({
        kind: 'close',
        bytesIn: data.length,
        bytesOut: data.length,
        closeCode: 1000,
      }),
    );
  });

  it('the token as the first message works too, and frames sent before the target answers are kept', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`] });
    const stream = await connectWebSocket(proxyUrl(p.url, '127.0.0.1', echo.port), {
      token: TOKEN,
      tokenVia: 'message',
      WebSocket,
    });
    const writer = stream.writable.getWriter();
    await writer.write(new TextEncoder().encode('SSH-2.0-early\r\n'));
    const back = await readAll(stream.readable, 15);
    expect(back.bytes.toString()).toBe('SSH-2.0-early\r\n');
    await writer.close();
  });

  it('the default target is used when the URL names none', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`], defaultTarget: `127.0.0.1:${echo.port}` });
    const stream = await connectWebSocket(p.url, { token: TOKEN, WebSocket });
    const writer = stream.writable.getWriter();
    await writer.write(new Uint8Array([1, 2, 3]));
    expect([...(await readAll(stream.readable, 3)).bytes]).toEqual([1, 2, 3]);
    await writer.close();
  });

  /** Connects and returns the WebSocketError the stream ends with. */
  async function refusal(url: string, options: Parameters<typeof connectWebSocket>[1] = {}) {
    const stream = await connectWebSocket(url, { WebSocket, ...options });
    const { error } = await readAll(stream.readable);
    expect(error).toBeInstanceOf(WebSocketError);
    return error as WebSocketError;
  }

  it('refuses a target outside the allow-list (4403) and never connects to it', async () => {
    const allowedEcho = await target('echo');
    const other = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${allowedEcho.port}`, 'localhost:*'] });
    const e = await refusal(proxyUrl(p.url, '127.0.0.1', other.port), { token: TOKEN });
    expect(e).toMatchObject({ code: 'ERR_WEBSOCKET_REFUSED', closeCode: CloseCode.TARGET_NOT_ALLOWED });
    // Another name for the same address is not on the list either.
    const e2 = await refusal(proxyUrl(p.url, '127.1', allowedEcho.port), { token: TOKEN });
    expect(e2.closeCode).toBe(CloseCode.TARGET_NOT_ALLOWED);
    const e3 = await refusal(`${p.url}?host=127.0.0.1&port=99999`, { token: TOKEN });
    expect(e3.closeCode).toBe(CloseCode.BAD_TARGET);
    expect(other.accepted).toBe(0);
    expect(allowedEcho.accepted).toBe(0);
  });

  it('refuses a missing token (subprotocol or message never sent) and a wrong one, before any TCP connection', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`], tokenTimeout: 300 });
    const url = proxyUrl(p.url, '127.0.0.1', echo.port);
    expect((await refusal(url)).closeCode).toBe(CloseCode.TOKEN_TIMEOUT);
    expect((await refusal(url, { token: 'wrong' })).closeCode).toBe(CloseCode.BAD_TOKEN);
    expect((await refusal(url, { token: 'wrong', tokenVia: 'message' })).closeCode).toBe(CloseCode.BAD_TOKEN);
    expect((await refusal(url, { token: `${TOKEN}x` })).closeCode).toBe(CloseCode.BAD_TOKEN);
    expect(echo.accepted).toBe(0);
  });

  it('refuses a wrong Origin with HTTP 403 before the upgrade; allows listed and non-browser origins', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`], origins: ['https://app.example'] });
    expect(await upgradeStatus(p.port, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(p.port, {})).toBe(403); // a list given: an Origin is required
    expect(await upgradeStatus(p.port, { Origin: 'https://app.example' })).toBe(101);
    // The ByteStream side sees a typed connect error.
    const WithOrigin = class extends WsWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { origin: 'https://evil.example' });
      }
    } as unknown as WebSocketConstructor;
    await expect(
      connectWebSocket(proxyUrl(p.url, '127.0.0.1', echo.port), { token: TOKEN, WebSocket: WithOrigin }),
    ).rejects.toMatchObject({ code: 'ERR_WEBSOCKET_CONNECT' });
    expect(p.events).toContainEqual(
      expect.objectContaining({ kind: 'refused', status: 403, origin: 'https://evil.example' }),
    );
    expect(echo.accepted).toBe(0);
  });

  it('by default accepts same-origin pages and non-browser clients, and refuses cross-origin pages', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`] });
    expect(await upgradeStatus(p.port, {})).toBe(101);
    expect(await upgradeStatus(p.port, { Origin: `http://127.0.0.1:${p.port}` })).toBe(101);
    expect(await upgradeStatus(p.port, { Origin: 'http://127.0.0.1:1' })).toBe(403);
  });

  it('refuses connections past maxConnections with HTTP 503', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`], maxConnections: 2 });
    const url = proxyUrl(p.url, '127.0.0.1', echo.port);
    const a = await connectWebSocket(url, { token: TOKEN, WebSocket });
    const b = await connectWebSocket(url, { token: TOKEN, WebSocket });
    await expect(connectWebSocket(url, { token: TOKEN, WebSocket })).rejects.toMatchObject({
      code: 'ERR_WEBSOCKET_CONNECT',
    });
    expect(p.events).toContainEqual(expect.objectContaining({ kind: 'refused', status: 503 }));
    for (const s of [a, b]) await s.writable.close();
  });

  it('closes a connection at the byte limit (4509) and after the idle timeout (4510)', async () => {
    const echo = await target('echo');
    const p = await proxy({ targets: [`127.0.0.1:${echo.port}`], maxBytes: 100_000, idleTimeout: 300 });
    const url = proxyUrl(p.url, '127.0.0.1', echo.port);
    const big = await connectWebSocket(url, { token: TOKEN, WebSocket });
    const w = big.writable.getWriter();
    const reading = readAll(big.readable);
    for (let i = 0; i < 10; i++) await w.write(new Uint8Array(20_000)).catch(() => {});
    const r = await reading;
    expect((r.error as WebSocketError).closeCode).toBe(CloseCode.BYTE_LIMIT);
    expect(r.bytes.length).toBeLessThanOrEqual(100_000);
    const idle = await connectWebSocket(url, { token: TOKEN, WebSocket });
    const started = Date.now();
    expect(((await readAll(idle.readable)).error as WebSocketError).closeCode).toBe(CloseCode.IDLE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('backpressure toward the target: a target that stops reading stops the writer, memory bounded', async () => {
    const sink = await target('sink');
    const p = await proxy({ targets: [`127.0.0.1:${sink.port}`] });
    const stream = await connectWebSocket(proxyUrl(p.url, '127.0.0.1', sink.port), {
      token: TOKEN,
      WebSocket,
      highWaterMark: 256 * 1024,
    });
    const writer = stream.writable.getWriter();
    const chunk = new Uint8Array(64 * 1024);
    let written = 0;
    const rssBefore = process.memoryUsage().rss;
    const pumping = (async () => {
      for (let i = 0; i < 2048; i++) {
        await writer.write(chunk);
        written += chunk.length;
      }
    })().catch(() => {});
    await new Promise((r) => setTimeout(r, 1500));
    const stalledAt = written;
    await new Promise((r) => setTimeout(r, 500));
    // 128 MiB offered; the writer stalls after kernel buffers + the proxy's and WebSocket's windows.
    console.log(`target not reading: writer stalled at ${(stalledAt / 2 ** 20).toFixed(1)} MiB of 128 MiB`);
    expect(written).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(48 << 20);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 << 20);
    // Then it drains once the target reads.
    for (const s of sink.sockets) s.resume();
    await pumping;
    expect(written).toBe(2048 * chunk.length);
    await writer.close();
  });

  it('backpressure toward the client: a client that stops reading pauses the target socket', async () => {
    const source = await target({ source: 256 << 20 });
    const p = await proxy({ targets: [`127.0.0.1:${source.port}`], highWaterMark: 256 * 1024 });
    // A raw ws client that pauses its socket: the proxy's bufferedAmount grows, so it pauses TCP.
    const ws = new WsWebSocket(proxyUrl(p.url, '127.0.0.1', source.port), ['sshts', tokenSubprotocol(TOKEN)]);
    let received = 0;
    let pausedOnce = false;
    ws.on('message', (d: Buffer) => {
      received += d.length;
      if (received > 1 << 20 && !pausedOnce) {
        pausedOnce = true;
        ws.pause();
      }
    });
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 2000));
    const stalled = source.sockets[0]!.bytesWritten - source.sockets[0]!.writableLength;
    console.log(`client not reading: the target could send ${(stalled / 2 ** 20).toFixed(1)} MiB of 256 MiB`);
    expect(stalled).toBeLessThan(64 << 20);
    ws.resume();
    await new Promise((r) => ws.once('close', r));
    expect(received).toBe(256 << 20);
  });

  it('rejects a missing allow-list or token setting at once (no open relay by accident)', async () => {
    await expect(createProxy({ token: false } as ProxyOptions)).rejects.toThrow(/allow-list/);
    await expect(createProxy({ targets: ['x:1'] } as ProxyOptions)).rejects.toThrow(/token/);
    await expect(createProxy({ targets: ['no-port'], token: false })).rejects.toThrow(/bad proxy target/);
  });

  it('close(): every relayed connection ends with 1001', async () => {
    const echo = await target('echo');
    const p = await createProxy({ targets: [`127.0.0.1:${echo.port}`], token: false });
    const stream = await connectWebSocket(proxyUrl(p.url, '127.0.0.1', echo.port), { WebSocket });
    const w = stream.writable.getWriter();
    await w.write(new Uint8Array([9]));
    await readAll(stream.readable, 1).catch(() => {});
    const reading = connectWebSocket(proxyUrl(p.url, '127.0.0.1', echo.port), { WebSocket }).then((s) =>
      readAll(s.readable),
    );
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    expect(((await reading).error as WebSocketError).closeCode).toBe(CloseCode.GOING_AWAY);
  });
});
