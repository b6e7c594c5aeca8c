// The WebSocket-to-TCP proxy (`createProxy`, also `sshts proxy`): each WebSocket connection becomes
// one TCP connection to an allowed target, its binary frames relayed both ways unchanged. The proxy
// sees only SSH ciphertext. It is not an open relay: a target must be on the allow-list; a browser
// page must come from an allowed Origin (cross-site WebSocket hijacking); a token must be shown
// before any TCP connection is made; connections, bytes and idle time are bounded. Backpressure
// holds both ways: a slow TCP target pauses the WebSocket, a slow WebSocket client pauses the TCP
// socket. Conventions shared with the browser side: ../proxy-protocol.ts.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type Socket, connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { CloseCode, SUBPROTOCOL, tokenFromSubprotocol } from '../proxy-protocol.js';
import { requestedTarget, type Target, type TargetAllowList, targetPolicy } from './target-policy.js';

export interface ProxyOptions {
  /** Where to listen (default 127.0.0.1, port 0: the system picks; see `port`). */
  host?: string;
  port?: number;
  /** Serve on this HTTP(S) server's upgrades instead of a server of our own. */
  server?: Server;
  /** Only upgrades for this path (default: any). */
  path?: string;
  /** The TCP targets allowed: `host:port`, `[v6]:port`, `host:*`, or a function. Required. */
  targets: TargetAllowList;
  /** The target when the URL names none (`?host=&port=`); it must still be allowed. */
  defaultTarget?: string;
  /**
   * Allowed page origins (exact `scheme://host[:port]`), or a function. Default: requests with no
   * Origin (not from a browser) and same-origin pages (Origin's host equals the Host header).
   */
  origins?: string[] | ((origin: string | undefined, request: IncomingMessage) => boolean);
  /** The token a client must present (subprotocol or first message); false: none needed. */
  token:
    | string
    | string[]
    | ((token: string, request: IncomingMessage) => boolean | Promise<boolean>)
    | false;
  /** Milliseconds to wait for a first-message token (default 10 000). */
  tokenTimeout?: number;
  /** WebSocket connections at once (default 256); more get HTTP 503. */
  maxConnections?: number;
  /** Bytes per connection, both directions together (default: no limit). */
  maxBytes?: number;
  /** Milliseconds to connect to the target (default 10 000). */
  connectTimeout?: number;
  /** Milliseconds with nothing relayed either way before the connection is closed (default: none). */
  idleTimeout?: number;
  /** Bytes buffered toward the WebSocket client before the TCP socket is paused (default 1 MiB). */
  highWaterMark?: number;
  logger?: (event: ProxyEvent) => void;
}

export type ProxyEvent =
  | { kind: 'refused'; status?: number; closeCode?: number; reason: string; origin?: string; remote?: string }
  | { kind: 'open'; target: Target; remote?: string }
  | { kind: 'close'; target?: Target; bytesIn: number; bytesOut: number; closeCode: number; reason: string };

export interface WebSocketProxy {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port/` (path included when one was set). */
  readonly url: string;
  /** WebSocket connections open now. */
  readonly connections: number;
  /** Stops accepting, closes every connection (1001) and, if it made one, the HTTP server. */
  close(): Promise<void>;
}

/** Frames from the client buffered while the target connection is being made. */
const MAX_PENDING_BYTES = 1 << 20;

export async function createProxy(options: ProxyOptions): Promise<WebSocketProxy> {
  if (options.targets === undefined)
    throw new TypeError('createProxy needs targets: an allow-list, never an open relay');
  if (options.token === undefined)
    throw new TypeError('createProxy needs token: a string, a list, a check, or false');
  const allowed = targetPolicy(options.targets);
  const maxConnections = options.maxConnections ?? 256;
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const log = options.logger ?? (() => {});
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false, // ciphertext does not compress; and no decompression bombs
    maxPayload: 1 << 20,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const live = new Set<{ ws: WebSocket; tcp?: Socket }>();
  let closing = false;
  let pendingUpgrades = 0;

  const ownServer = options.server === undefined;
  const server = options.server ?? createServer((_request, response) => response.writeHead(426).end());
  const refuseUpgrade = (
    socket: Duplex,
    status: number,
    text: string,
    request: IncomingMessage,
    reason: string,
  ) => {
    log({
      kind: 'refused',
      status,
      reason,
      origin: request.headers.origin,
      remote: request.socket.remoteAddress,
    });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://proxy.invalid');
    if (options.path !== undefined && url.pathname !== options.path) {
      // Another handler on a shared server may own this path.
      if (ownServer) refuseUpgrade(socket, 404, 'Not Found', request, 'path');
      return;
    }
    if (!originAllowed(options.origins, request))
      return refuseUpgrade(socket, 403, 'Forbidden', request, 'origin');
    if (closing || live.size + pendingUpgrades >= maxConnections)
      return refuseUpgrade(socket, 503, 'Service Unavailable', request, 'connection limit');
    pendingUpgrades++;
    wss.handleUpgrade(request, socket, head, (ws) => {
      pendingUpgrades--;
      void relay(ws, request, url);
    });
  };
  server.on('upgrade', onUpgrade);

  async function relay(ws: WebSocket, request: IncomingMessage, url: URL): Promise<void> {
    const entry: { ws: WebSocket; tcp?: Socket } = { ws };
    live.add(entry);
    let bytesIn = 0; // client → target
    let bytesOut = 0; // target → client
    let target: Target | undefined;
    let finished = false;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (closeCode: number, reason: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(idleTimer);
      live.delete(entry);
      if (!target || closeCode >= 4400)
        log({
          kind: 'refused',
          closeCode,
          reason,
          origin: request.headers.origin,
          remote: request.socket.remoteAddress,
        });
      log({ kind: 'close', target, bytesIn, bytesOut, closeCode, reason });
      entry.tcp?.destroy();
      // A paused WebSocket (its target was slow) would never read the close handshake.
      ws.resume();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(closeCode, reason);
    };
    // Each relayed frame only stamps the time; one timer re-checks when the period could have run out.
    let lastActivity = Date.now();
    const touch = () => {
      lastActivity = Date.now();
    };
    const idleTimeout = options.idleTimeout;
    const checkIdle = () => {
      if (idleTimeout === undefined) return;
      const idle = Date.now() - lastActivity;
      if (idle >= idleTimeout) finish(CloseCode.IDLE, 'idle');
      else idleTimer = setTimeout(checkIdle, idleTimeout - idle);
    };
    if (idleTimeout !== undefined) idleTimer = setTimeout(checkIdle, idleTimeout);
    /** After bytes were counted: restarts the idle timer; false (and closed) past the byte limit. */
    const withinLimits = () => {
      touch();
      if (options.maxBytes !== undefined && bytesIn + bytesOut > options.maxBytes) {
        finish(CloseCode.BYTE_LIMIT, 'byte limit');
        return false;
      }
      return true;
    };

    // Frames that arrive before the target is connected wait here (bounded).
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    let firstMessage: ((text: string | undefined) => void) | undefined;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (finished) return; // frames still queued behind the close: the target is gone
      if (!isBinary) {
        if (firstMessage) firstMessage(data.toString('utf8'));
        else finish(1003, 'text frames are not SSH');
        return;
      }
      bytesIn += data.length;
      if (!withinLimits()) return;
      if (entry.tcp) {
        if (!entry.tcp.write(data)) ws.pause(); // resumed on the socket's 'drain'
        return;
      }
      pendingBytes += data.length;
      if (pendingBytes > MAX_PENDING_BYTES) return finish(CloseCode.BYTE_LIMIT, 'too much before connect');
      pending.push(data);
    });
    ws.on('close', (code: number, reason: Buffer) =>
      finish(code === 1005 ? 1000 : code, reason.toString() || 'client closed'),
    );
    ws.on('error', () => finish(1002, 'WebSocket error'));
    touch();

    // 1. The token, before anything else: an unauthenticated client learns nothing about targets.
    if (options.token !== false) {
      const offered = (request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => tokenFromSubprotocol(p.trim()))
        .find((t) => t !== undefined);
      const token =
        offered ??
        (await new Promise<string | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), options.tokenTimeout ?? 10_000);
          firstMessage = (text) => {
            clearTimeout(timer);
            firstMessage = undefined;
            resolve(text);
          };
          ws.once('close', () => firstMessage?.(undefined));
        }));
      if (finished) return;
      if (token === undefined)
        return finish(offered === undefined ? CloseCode.TOKEN_TIMEOUT : CloseCode.BAD_TOKEN, 'no token');
      if (!(await tokenAccepted(options.token, token, request)))
        return finish(CloseCode.BAD_TOKEN, 'bad token');
      if (finished) return;
    }
    firstMessage = undefined;

    // 2. The target, on the allow-list.
    const wanted = requestedTarget(url, options.defaultTarget);
    if (!wanted) return finish(CloseCode.BAD_TARGET, 'no target');
    if (!(await allowed(wanted))) return finish(CloseCode.TARGET_NOT_ALLOWED, 'target not allowed');
    if (finished) return;
    target = wanted;

    // 3. The TCP connection, then the relay.
    const tcp = tcpConnect({ host: target.host, port: target.port, allowHalfOpen: false });
    entry.tcp = tcp;
    tcp.setNoDelay(true);
    const connectTimer = setTimeout(
      () => finish(CloseCode.TARGET_UNREACHABLE, 'connect timeout'),
      options.connectTimeout ?? 10_000,
    );
    tcp.once('connect', () => {
      clearTimeout(connectTimer);
      if (finished) return;
      log({ kind: 'open', target: target!, remote: request.socket.remoteAddress });
      for (const data of pending.splice(0)) if (!tcp.write(data)) ws.pause();
      pendingBytes = 0;
    });
    tcp.on('drain', () => ws.resume());
    tcp.on('data', (data: Buffer) => {
      bytesOut += data.length;
      if (!withinLimits()) return;
      ws.send(data, { binary: true }, () => {
        if (ws.bufferedAmount <= highWaterMark / 2 && tcp.isPaused()) tcp.resume();
      });
      if (ws.bufferedAmount > highWaterMark) tcp.pause();
    });
    tcp.once('error', (error) => {
      clearTimeout(connectTimer);
      finish(
        CloseCode.TARGET_UNREACHABLE,
        tcp.connecting ? `connect failed: ${error.message}` : 'target error',
      );
    });
    tcp.once('close', () => {
      clearTimeout(connectTimer);
      finish(1000, 'target closed');
    });
  }

  if (ownServer) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }
  const address = server.address();
  const host = typeof address === 'object' && address ? address.address : (options.host ?? '127.0.0.1');
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `ws://${urlHost}:${port}${options.path ?? '/'}`,
    get connections() {
      return live.size;
    },
    async close() {
      closing = true;
      server.off('upgrade', onUpgrade);
      for (const { ws, tcp } of [...live]) {
        tcp?.destroy();
        ws.resume();
        ws.close(CloseCode.GOING_AWAY, 'proxy closing');
      }
      // Give the close frames a moment, then make sure nothing is left.
      await new Promise((r) => setTimeout(r, 50));
      for (const { ws } of [...live]) ws.terminate();
      live.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (ownServer) {
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

function originAllowed(origins: ProxyOptions['origins'], request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (typeof origins === 'function') return origins(origin, request) === true;
  if (Array.isArray(origins)) return origin !== undefined && origins.includes(origin);
  // Default: not from a browser, or a page served by this same host.
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

async function tokenAccepted(expected: ProxyOptions['token'], token: string, request: IncomingMessage) {
  if (expected === false) return true;
  if (typeof expected === 'function') return (await expected(token, request)) === true;
  const given = Buffer.from(token, 'utf8');
  // Constant time per candidate; every candidate is compared.
  let ok = false;
  for (const candidate of Array.isArray(expected) ? expected : [expected]) {
    const want = Buffer.from(candidate, 'utf8');
    if (want.length === given.length && timingSafeEqual(want, given)) ok = true;
  }
  return ok;
}
