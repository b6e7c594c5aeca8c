// Test helpers: a message-level stand-in for TransportConnection that a test scripts as the server,
// node:crypto signers (independent of @sshts/keys signing), and server messages built by hand from
// the RFC layouts.
import { generateKeyPairSync, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { type PublicKey, parsePublicKeyBlob, type Signer } from '@sshts/keys';
import type { TransportConnection } from '@sshts/transport';
import { ConnectionLostError, MessageType, SSHError, SSHReader, SSHWriter } from '@sshts/wire';
import type { BindableConnection } from '../src/agent/agent-client.js';
import type { AuthConnection } from '../src/client-auth-types.js';

export interface CloseInfo {
  reason: string;
  code?: number;
  error?: SSHError;
}

/**
 * What TransportConnection does around onMessage: false → UNIMPLEMENTED (recorded), a throw →
 * DISCONNECT with that error and close. The test plays the server with nextSent() and deliver().
 */
export class FakeConnection implements AuthConnection {
  onMessage: (payload: Uint8Array) => boolean = () => false;
  sessionId: Uint8Array | undefined = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  hostKey: PublicKey | undefined;
  serverSigAlgs: string[] | undefined;
  readonly extensions = new Map<string, Uint8Array>();
  readonly servicesRequested: string[] = [];
  readonly unimplemented: number[] = [];
  setAuthenticatedCalls = 0;
  disconnectedWith: SSHError | undefined;
  /** What onMessage threw, as thrown. */
  thrown: unknown;
  readonly closed: Promise<CloseInfo>;
  private resolveClosed!: (info: CloseInfo) => void;
  private isClosed = false;
  private readonly outbox: Uint8Array[] = [];
  private readonly takers: ((payload: Uint8Array) => void)[] = [];

  constructor() {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  requestService(name: string): Promise<void> {
    if (this.isClosed) return Promise.reject(new SSHError('ERR_CLOSED', 'closed'));
    this.servicesRequested.push(name);
    return Promise.resolve();
  }

  send(payload: Uint8Array): void {
    if (this.isClosed) throw new SSHError('ERR_CLOSED', 'the connection is closed');
    const copy = payload.slice();
    const taker = this.takers.shift();
    if (taker) taker(copy);
    else this.outbox.push(copy);
  }

  setAuthenticated(): void {
    this.setAuthenticatedCalls++;
  }

  /** The next message the client sends. */
  nextSent(): Promise<Uint8Array> {
    const ready = this.outbox.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** Messages sent but not yet taken. */
  get pendingSent(): number {
    return this.outbox.length;
  }

  /** A server message arrives. */
  deliver(payload: Uint8Array): void {
    if (this.isClosed) return;
    try {
      if (!this.onMessage(payload)) this.unimplemented.push(payload[0] ?? 0);
    } catch (error) {
      this.thrown = error;
      const err = error instanceof SSHError ? error : new SSHError('ERR_TEST', String(error));
      this.disconnectedWith = err;
      this.close(err);
    }
  }

  /** The connection ends (socket closed, DISCONNECT from the server, ...). */
  close(error: SSHError = new ConnectionLostError('connection closed by peer')): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.resolveClosed({ reason: error.message, error });
  }
}

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// --- server messages, written from RFC 4252 / RFC 4256 layouts ---

export function failure(methods: string[], partial = false): Uint8Array {
  return new SSHWriter().byte(51).nameList(methods).boolean(partial).finish().slice();
}

export function success(): Uint8Array {
  return Uint8Array.of(52);
}

export function banner(message: string, language = 'en'): Uint8Array {
  return new SSHWriter().byte(53).string(message).string(language).finish().slice();
}

export function pkOk(algorithm: string, blob: Uint8Array): Uint8Array {
  return new SSHWriter().byte(60).string(algorithm).string(blob).finish().slice();
}

export function changeRequest(prompt: string): Uint8Array {
  return new SSHWriter().byte(60).string(prompt).string('').finish().slice();
}

export function infoRequest(
  name: string,
  instruction: string,
  prompts: { prompt: string; echo: boolean }[],
): Uint8Array {
  const w = new SSHWriter().byte(60).string(name).string(instruction).string('').uint32(prompts.length);
  for (const p of prompts) w.string(p.prompt).boolean(p.echo);
  return w.finish().slice();
}

/** A USERAUTH_REQUEST as the server reads it (RFC 4252 §5), method fields left in `rest`. */
export function readRequest(payload: Uint8Array): {
  user: string;
  service: string;
  method: string;
  rest: SSHReader;
} {
  const r = new SSHReader(payload);
  if (r.byte() !== MessageType.USERAUTH_REQUEST) throw new Error(`not a USERAUTH_REQUEST: ${payload[0]}`);
  return { user: r.utf8(), service: r.utf8(), method: r.utf8(), rest: r };
}

// --- node:crypto signers ---

export interface TestSigner extends Signer {
  /** Data passed to sign(), in order. */
  readonly signed: { data: Uint8Array; algorithm: string | undefined }[];
  sign(data: Uint8Array, algorithm?: string): Uint8Array;
  /** Verifies a signature blob with node:crypto. */
  verify(data: Uint8Array, signatureBlob: Uint8Array): boolean;
}

function mpintBytes(base64url: string): Uint8Array {
  const raw = new Uint8Array(Buffer.from(base64url, 'base64url'));
  return (raw[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...raw) : raw;
}

const RSA_HASH: Record<string, string> = {
  'rsa-sha2-512': 'sha512',
  'rsa-sha2-256': 'sha256',
  'ssh-rsa': 'sha1',
};

export function nodeSigner(type: 'ed25519' | 'rsa'): TestSigner {
  const signed: { data: Uint8Array; algorithm: string | undefined }[] = [];
  let blob: Uint8Array;
  let privateKey: KeyObject;
  let signRaw: (data: Uint8Array, algorithm: string) => Uint8Array;
  let verifyRaw: (data: Uint8Array, algorithm: string, signature: Uint8Array) => boolean;
  if (type === 'ed25519') {
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    const x = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url');
    blob = new SSHWriter().string('ssh-ed25519').string(new Uint8Array(x)).finish().slice();
    signRaw = (data) => new Uint8Array(nodeSign(null, data, privateKey));
    verifyRaw = (data, _alg, sig) => nodeVerify(null, data, pair.publicKey, sig);
  } else {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    blob = new SSHWriter()
      .string('ssh-rsa')
      .string(mpintBytes(jwk.e!))
      .string(mpintBytes(jwk.n!))
      .finish()
      .slice();
    signRaw = (data, alg) => new Uint8Array(nodeSign(RSA_HASH[alg]!, data, privateKey));
    verifyRaw = (data, alg, sig) => nodeVerify(RSA_HASH[alg]!, data, pair.publicKey, sig);
  }
  const publicKey = parsePublicKeyBlob(blob);
  return {
    publicKey,
    signed,
    sign(data: Uint8Array, algorithm?: string): Uint8Array {
      signed.push({ data: data.slice(), algorithm });
      const alg = algorithm ?? publicKey.signatureAlgorithms[0]!;
      return new SSHWriter().string(alg).string(signRaw(data, alg)).finish().slice();
    },
    verify(data: Uint8Array, signatureBlob: Uint8Array): boolean {
      const r = new SSHReader(signatureBlob);
      const alg = r.utf8();
      return verifyRaw(data, alg, r.string());
    },
  };
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RFC 4251 §5 string, written by hand (not with SSHWriter) for layout checks. */
export function sshString(value: Uint8Array | string): Uint8Array {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

// Compile-time checks: the real transport satisfies what ClientAuth and AgentClient.bindSession need.
export const transportFitsAuth = (c: TransportConnection): AuthConnection => c;
export const transportFitsBind = (c: TransportConnection): BindableConnection => c;
