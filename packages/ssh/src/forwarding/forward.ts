// What every kind of forwarding shares: the Forward handle callers get back (API.md), the context a
// forwarding needs from SSHClient (its channels and runtime services), and Bridges, which joins a
// channel to a local socket and remembers the pair so that closing the forward closes them too.
import { type Channel, type ChannelMux, channelStream } from '@sshts/channel';
import type { ByteStream } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { asyncDispose } from '../dispose.js';
import { pipeBoth } from '../pipe.js';
import type { ClientPlatform } from '../platform.js';

/**
 * A running port or socket forwarding. `host`/`port` is the listening side (the local listener for
 * -L and -D, the server's bound address for -R: with port 0 requested, the port the server chose);
 * for a Unix-socket listener `path` is set and `host` is '' and `port` 0.
 */
export interface Forward {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
  /** Stops accepting (for -R: cancels the request on the server) and closes the forwarded connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options every forwarding takes. */
export interface ForwardErrorOptions {
  /**
   * Called with each forwarded connection that could not be set up: a channel open the server
   * refused (ChannelOpenError, e.g. CONNECT_FAILED), a local connect that failed, a bad SOCKS
   * request. The failed connection is closed; the forward keeps running.
   */
  onError?: (error: unknown) => void;
}

/** What forwarding needs from the connection; Transport has all of it. */
export interface ForwardingConnection {
  readonly channels: ChannelMux;
  openChannel(type: string, data?: Uint8Array): Promise<Channel>;
  readonly closed: Promise<unknown>;
}

export interface ForwardContext {
  connection: ForwardingConnection;
  platform: ClientPlatform;
}

/** A platform service (bound to its platform), or a typed error saying this runtime lacks it (the browser). */
export function requireService<K extends 'listen' | 'connectTcp' | 'connectUnix'>(
  platform: ClientPlatform,
  name: K,
  what: string,
): NonNullable<ClientPlatform[K]> {
  const service = platform[name] as ((...args: never[]) => unknown) | undefined;
  if (!service) throw new SSHError('ERR_NO_PLATFORM_SERVICE', `${what} needs Node.js (platform.${name})`);
  return service.bind(platform) as NonNullable<ClientPlatform[K]>;
}

/** Closes both directions of a stream nobody will use. */
export function discardStream(stream: ByteStream): void {
  void stream.writable.abort().catch(() => {});
  void stream.readable.cancel().catch(() => {});
}

/** Calls the user's error callback; an exception from it must not break the forward. */
export function report(options: ForwardErrorOptions, error: unknown): void {
  try {
    options.onError?.(error);
  } catch {
    // The callback's own failure is the caller's business.
  }
}

/** The forwarded connections of one forward, each a channel piped both ways to a local stream. */
export class Bridges {
  readonly #active = new Set<() => Promise<void>>();

  /** Pipes `channel` and `stream` until both directions end; then the channel is closed (§5.3). */
  start(channel: Channel, stream: ByteStream): void {
    const stop = async () => {
      discardStream(stream);
      await channel.close().catch(() => {});
    };
    this.#active.add(stop);
    void pipeBoth(channelStream(channel), stream)
      .then(() => channel.close())
      .catch(() => {})
      .finally(() => this.#active.delete(stop));
  }

  get size(): number {
    return this.#active.size;
  }

  /** Tears down every forwarded connection (a local socket that was destroyed may never end by itself). */
  async closeAll(): Promise<void> {
    const all = [...this.#active];
    this.#active.clear();
    await Promise.all(all.map((stop) => stop()));
  }
}

/** A Forward whose close() runs `stop` once, however often it is called. */
export function makeForward(
  address: { host: string; port: number; path?: string },
  stop: () => Promise<void>,
): Forward {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= stop();
    return closing;
  };
  return {
    host: address.host,
    port: address.port,
    ...(address.path === undefined ? {} : { path: address.path }),
    close,
    [asyncDispose]: close,
  };
}
