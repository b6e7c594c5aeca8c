// A ByteStream over a WebSocket (API.md: `ConnectOptions.stream`), for browsers and any runtime
// with the WHATWG WebSocket (Node ≥ 22, Deno, Bun; in Node 20 pass `ws`'s class). Binary frames in
// both directions; writes wait while more than `highWaterMark` bytes are buffered (the WebSocket
// API has no drain event, so bufferedAmount is polled); closes and failures become WebSocketError.
// The WebSocket API cannot pause reading: what arrives is queued, bounded in practice by the SSH
// channel windows (RFC 4254 §5.2) the client grants.
import type { ByteStream } from '@sshts/transport';
import { SUBPROTOCOL, tokenSubprotocol } from './proxy-protocol.js';
import { WebSocketError } from './websocket-error.js';

/** The part of the WHATWG WebSocket this module uses (the DOM class and `ws` both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly protocol: string;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
  // biome-ignore lint/suspicious/noExplicitAny: DOM and ws event types differ; fields are read defensively
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketConnectOptions {
  /** Sent to the proxy as a subprotocol (default) or as the first message. */
  token?: string;
  tokenVia?: 'subprotocol' | 'message';
  /** More subprotocols to offer, after `sshts`. */
  protocols?: string[];
  /** The WebSocket class (default: globalThis.WebSocket). */
  WebSocket?: WebSocketConstructor;
  /** Milliseconds for the WebSocket to open (default 20 000). */
  timeout?: number;
  signal?: AbortSignal;
  /** Bytes buffered by the WebSocket before write() waits (default 1 MiB). */
  highWaterMark?: number;
}

const OPEN = 1;
const DEFAULT_HIGH_WATER_MARK = 1 << 20;

/** Opens `url` and resolves with its ByteStream once the WebSocket is open. */
export function connectWebSocket(
  url: string | URL,
  options: WebSocketConnectOptions = {},
): Promise<ByteStream> {
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
  if (!WebSocketClass) {
    return Promise.reject(
      new WebSocketError(
        'ERR_WEBSOCKET_CONNECT',
        'no WebSocket here: pass options.WebSocket (in Node 20, `ws`)',
      ),
    );
  }
  const protocols = [SUBPROTOCOL, ...(options.protocols ?? [])];
  if (options.token !== undefined && (options.tokenVia ?? 'subprotocol') === 'subprotocol') {
    protocols.push(tokenSubprotocol(options.token));
  }
  const ws = new WebSocketClass(String(url), protocols);
  ws.binaryType = 'arraybuffer';
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended: WebSocketError | 'clean' | undefined;
  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      // The reader is gone: later events must not touch the controller.
      ended ??= 'clean';
      ws.close(1000);
    },
  });
  const closedError = () =>
    ended instanceof WebSocketError
      ? ended
      : new WebSocketError('ERR_WEBSOCKET_CLOSED', 'the WebSocket is closed');
  const drained = () =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (ws.readyState !== OPEN) reject(closedError());
        else if (ws.bufferedAmount <= highWaterMark / 2) resolve();
        else setTimeout(check, 4);
      };
      setTimeout(check, 1);
    });
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      if (ws.readyState !== OPEN) throw closedError();
      ws.send(chunk);
      if (ws.bufferedAmount > highWaterMark) await drained();
    },
    close() {
      ws.close(1000);
    },
    abort() {
      ws.close(1000);
    },
  });

  ws.addEventListener('message', (event: { data: unknown }) => {
    if (ended) return;
    if (event.data instanceof ArrayBuffer) controller.enqueue(new Uint8Array(event.data));
    else if (ArrayBuffer.isView(event.data)) {
      const view = event.data;
      controller.enqueue(new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice());
    } else {
      // The proxy sends only binary frames; text is not SSH and is not ours to guess at.
      ended = new WebSocketError('ERR_WEBSOCKET_CLOSED', 'the proxy sent a text frame');
      controller.error(ended);
      ws.close(1003);
    }
  });
  ws.addEventListener('close', (event: { code?: number; reason?: string }) => {
    if (ended) return;
    const code = event.code ?? 1006;
    const reason = event.reason ?? '';
    if (code === 1000 || code === 1005) {
      ended = 'clean';
      controller.close();
      return;
    }
    ended = new WebSocketError(
      code >= 4000 && code < 5000 ? 'ERR_WEBSOCKET_REFUSED' : 'ERR_WEBSOCKET_CLOSED',
      `WebSocket closed: ${code}${reason ? ` ${reason}` : ''}`,
      { closeCode: code, closeReason: reason },
    );
    controller.error(ended);
  });

  return new Promise<ByteStream>((resolve, reject) => {
    let opened = false;
    const timer = setTimeout(
      () => fail(new WebSocketError('ERR_WEBSOCKET_TIMEOUT', `${url} did not open in time`)),
      options.timeout ?? 20_000,
    );
    const onAbort = () =>
      fail(new WebSocketError('ERR_WEBSOCKET_CONNECT', 'aborted', { cause: options.signal?.reason }));
    const settle = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    function fail(error: WebSocketError) {
      settle();
      ws.close(1000);
      reject(error);
    }
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.addEventListener('open', () => {
      opened = true;
      settle();
      if (options.token !== undefined && options.tokenVia === 'message') ws.send(options.token);
      resolve({ readable, writable });
    });
    // Before 'open', an error or close means the handshake failed; browsers do not say why.
    ws.addEventListener('close', (event: { code?: number; reason?: string }) => {
      if (!opened)
        fail(
          new WebSocketError(
            'ERR_WEBSOCKET_CONNECT',
            `${url}: the WebSocket did not open (${event.code ?? 1006})`,
            {
              closeCode: event.code,
              closeReason: event.reason,
            },
          ),
        );
    });
    ws.addEventListener('error', () => {
      if (!opened) fail(new WebSocketError('ERR_WEBSOCKET_CONNECT', `${url}: the WebSocket did not open`));
    });
  });
}
