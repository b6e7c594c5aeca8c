// Test helpers for ServerAuth: ClientAuth and ServerAuth wired through two in-memory connections
// (messages handed across as microtasks, one session id), a manual clock, and keys.
import { generateKeyPairSync } from 'node:crypto';
import { generatePrivateKey, type PrivateKey, type PublicKey, parsePrivateKey } from '@sshts/keys';
import type { TransportConnection } from '@sshts/transport';
import { ConnectionLostError, DisconnectError, DisconnectReason, SSHError, SSHWriter } from '@sshts/wire';
import { ClientAuth } from '../src/client-auth.js';
import type { AuthConnection } from '../src/client-auth-types.js';
import { ServerAuth } from '../src/server-auth.js';
import type { AuthTimer } from '../src/server-auth-timer.js';
import type { ServerAuthConnection, ServerAuthOptions } from '../src/server-auth-types.js';

interface CloseInfo {
  reason: string;
  code?: number;
  error?: SSHError;
}

function closable(): { closed: Promise<CloseInfo>; close(info: CloseInfo): boolean } {
  let resolve!: (info: CloseInfo) => void;
  let done = false;
  const closed = new Promise<CloseInfo>((r) => {
    resolve = r;
  });
  return {
    closed,
    close(info) {
      if (done) return false;
      done = true;
      resolve(info);
      return true;
    },
  };
}

/** A clock the test moves: scheduled calls run in time order as advance() passes them. */
export class ManualTimer implements AuthTimer {
  time = 0;
  private tasks: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  schedule(ms: number, fn: () => void): () => void {
    const task = { at: this.time + ms, fn, seq: this.seq++ };
    this.tasks.push(task);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== task);
    };
  }

  /** Delays of the calls waiting, from now. */
  get pending(): number[] {
    return this.tasks.map((t) => t.at - this.time);
  }

  /** Moves time forward by `ms`, running each due call (and letting promises settle after each). */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const due = this.tasks.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
    await settle();
  }
}

/** Lets queued microtasks and timers at 0 run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export const SESSION_ID = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 7) & 0xff);

/** The server's end: what a TransportConnection in the server role does around onMessage. */
export class ServerEnd implements ServerAuthConnection {
  onMessage: (payload: Uint8Array) => boolean = () => false;
  sessionId: Uint8Array | undefined = SESSION_ID;
  hostKey: PublicKey | undefined;
  peer: ClientEnd | undefined;
  /** Everything ServerAuth sent, in order. */
  readonly sent: Uint8Array[] = [];
  readonly disconnects: { reason: number; description: string }[] = [];
  readonly thrown: unknown[] = [];
  readonly unimplemented: number[] = [];
  setAuthenticatedCalls = 0;
  /** Sent message numbers at the time setAuthenticated() was called. */
  sentWhenAuthenticated: number[] | undefined;
  readonly closed: Promise<CloseInfo>;
  private readonly closer = closable();
  isClosed = false;

  constructor() {
    this.closed = this.closer.closed;
  }

  send(payload: Uint8Array): void {
    if (this.isClosed) throw new SSHError('ERR_CLOSED', 'the connection is closed');
    const copy = payload.slice();
    this.sent.push(copy);
    const peer = this.peer;
    if (peer) queueMicrotask(() => peer.deliver(copy));
  }

  setAuthenticated(): void {
    this.setAuthenticatedCalls++;
    this.sentWhenAuthenticated = this.sent.map((m) => m[0] ?? 0);
  }

  disconnect(reason: number, description: string): void {
    if (this.isClosed) return;
    this.disconnects.push({ reason, description });
    this.end({ reason: description, code: reason, error: new DisconnectError(reason, description, false) });
    this.peer?.end({
      reason: description,
      code: reason,
      error: new DisconnectError(reason, description, true),
    });
  }

  /** A client message arrives (as the transport hands it over). */
  deliver(payload: Uint8Array): void {
    if (this.isClosed) return;
    try {
      if (!this.onMessage(payload)) this.unimplemented.push(payload[0] ?? 0);
    } catch (error) {
      this.thrown.push(error);
      const reason = (error as { reason?: number }).reason ?? DisconnectReason.PROTOCOL_ERROR;
      this.disconnect(reason, String((error as Error).message));
    }
  }

  end(info: CloseInfo): void {
    this.isClosed = true;
    this.closer.close(info);
  }

  /** Message numbers sent so far. */
  get sentTypes(): number[] {
    return this.sent.map((m) => m[0] ?? 0);
  }
}

/** The client's end, for ClientAuth. */
export class ClientEnd implements AuthConnection {
  onMessage: (payload: Uint8Array) => boolean = () => false;
  sessionId: Uint8Array | undefined = SESSION_ID;
  hostKey: PublicKey | undefined;
  serverSigAlgs: string[] | undefined;
  readonly extensions = new Map<string, Uint8Array>();
  readonly closed: Promise<CloseInfo>;
  peer: ServerEnd | undefined;
  readonly thrown: unknown[] = [];
  private readonly closer = closable();
  isClosed = false;

  constructor() {
    this.closed = this.closer.closed;
  }

  requestService(): Promise<void> {
    return this.isClosed ? Promise.reject(new SSHError('ERR_CLOSED', 'closed')) : Promise.resolve();
  }

  send(payload: Uint8Array): void {
    if (this.isClosed) throw new SSHError('ERR_CLOSED', 'the connection is closed');
    const copy = payload.slice();
    const peer = this.peer;
    if (peer) queueMicrotask(() => peer.deliver(copy));
  }

  setAuthenticated(): void {}

  deliver(payload: Uint8Array): void {
    if (this.isClosed) return;
    try {
      this.onMessage(payload);
    } catch (error) {
      this.thrown.push(error);
      this.end({ reason: String(error), error: error instanceof SSHError ? error : undefined });
      this.peer?.end({
        reason: 'client disconnected',
        error: new ConnectionLostError('client disconnected'),
      });
    }
  }

  end(info: CloseInfo): void {
    this.isClosed = true;
    this.closer.close(info);
  }
}

export interface Pair {
  server: ServerEnd;
  client: ClientEnd;
  serverAuth: ServerAuth;
  clientAuth: ClientAuth;
  timer: ManualTimer;
}

/**
 * ClientAuth and ServerAuth connected (with `raw`, the test plays the client: server.deliver()
 * feeds ServerAuth, server.sent shows what it answered). Defaults for the tests: no failure delay and a manual clock
 * (so no real timer runs); `hostKey` makes the server accept, and the client use, publickey-hostbound.
 */
export function pair(
  options: ServerAuthOptions = {},
  setup: { hostKey?: PublicKey; raw?: boolean } = {},
): Pair {
  const server = new ServerEnd();
  const client = new ClientEnd();
  if (!setup.raw) server.peer = client;
  client.peer = server;
  if (setup.hostKey) {
    server.hostKey = setup.hostKey;
    client.hostKey = setup.hostKey;
    client.extensions.set('publickey-hostbound@openssh.com', new TextEncoder().encode('0'));
  }
  const timer = new ManualTimer();
  const serverAuth = new ServerAuth(server, { failureDelay: 0, timer, ...options });
  const clientAuth = new ClientAuth(client);
  return { server, client, serverAuth, clientAuth, timer };
}

/** A USERAUTH_REQUEST header followed by method fields written by `fields`. */
export function request(
  user: string,
  method: string,
  fields: (w: SSHWriter) => void = () => {},
  service = 'ssh-connection',
): Uint8Array {
  const w = new SSHWriter().byte(50).string(user).string(service).string(method);
  fields(w);
  return w.finish().slice();
}

const keyCache = new Map<string, Promise<PrivateKey>>();

/** A private key of each type (RSA through node:crypto, which generates faster than BigInt code). */
export function testKey(
  type: 'ed25519' | 'ecdsa256' | 'ecdsa384' | 'ecdsa521' | 'rsa',
  slot = 0,
): Promise<PrivateKey> {
  const id = `${type}/${slot}`;
  let key = keyCache.get(id);
  if (!key) {
    if (type === 'rsa') {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      key = Promise.resolve(parsePrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()));
    } else if (type === 'ed25519') {
      key = generatePrivateKey('ed25519');
    } else {
      key = generatePrivateKey('ecdsa', { bits: Number(type.slice(5)) });
    }
    keyCache.set(id, key);
  }
  return key;
}

/** Exactly this key may log in (compared by blob). */
export function onlyKey(key: PublicKey): (user: string, offered: PublicKey) => boolean {
  return (_user, offered) => offered.equals(key);
}

// Compile-time check: the real transport fits what ServerAuth needs.
export const transportFitsServerAuth = (c: TransportConnection): ServerAuthConnection => c;

/** ServerAuth alone: the test sends with server.deliver() and reads server.sent. */
export function raw(options: ServerAuthOptions = {}, setup: { hostKey?: PublicKey } = {}): Pair {
  return pair(options, { ...setup, raw: true });
}
