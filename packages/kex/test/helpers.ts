// Shared test helpers: the known-answer vectors, replayed randomness, contexts and a driver that
// runs a client against a server.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KexContext, KexMethod, KexResult, KexServerContext } from '@sshts/transport';
import { DisconnectReason, MalformedMessageError, ProtocolError } from '@sshts/wire';
import { expect } from 'vitest';

export const VECTORS_DIR = join(import.meta.dirname, '../../../test-vectors/kex');

export interface KexVector {
  source: string;
  generator: string;
  command: string;
  method: string;
  hash: string;
  V_C: string;
  V_S: string;
  I_C: string;
  I_S: string;
  exchangeHashPrefix: string;
  hostKeyBlob: string;
  client: { random: string; private: string };
  server: { random: string; private: string };
  groupSizes?: { min: number; preferred: number; max: number };
  group?: { p: string; g: number; source: string };
  messages: { from: 'client' | 'server'; name: string; payload: string }[];
  K: string;
  sharedSecret: string;
  exchangeHash: string;
  signature: string;
  derivedKeys: { letter: string; length: number; sessionId: string; value: string }[];
}

export function vectorFiles(): string[] {
  return readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function loadVector(file: string): KexVector {
  return JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8')) as KexVector;
}

export function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `value` (0 ≤ value < 2^(8·length)) as exactly `length` big-endian bytes. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  return hex(value.toString(16).padStart(length * 2, '0'));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** randomBytes() that hands out exactly the recorded bytes, in order. */
export function replayRandom(recorded: string): {
  randomBytes: (n: number) => Uint8Array;
  remaining(): number;
} {
  const bytes = hex(recorded);
  let at = 0;
  return {
    randomBytes(n: number) {
      if (at + n > bytes.length)
        throw new Error(`replayed randomness exhausted: asked ${n} at ${at}/${bytes.length}`);
      const out = bytes.slice(at, at + n);
      at += n;
      return out;
    },
    remaining: () => bytes.length - at,
  };
}

export function secureRandom(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Stand-ins for the transport's prefix and the host key: the kex methods treat both as opaque. */
export const FAKE_PREFIX = hex('0000000453534821');
export const FAKE_HOST_KEY = hex(
  '0000000b7373682d65643235353139000000200102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
);

export function clientContext(overrides: Partial<KexContext> = {}): KexContext {
  return { randomBytes: secureRandom, exchangeHashPrefix: FAKE_PREFIX, ...overrides };
}

/** A server context whose "signature" is `sig:` followed by H, so tests can see what was signed. */
export function serverContext(overrides: Partial<KexServerContext> = {}): KexServerContext {
  return {
    randomBytes: secureRandom,
    exchangeHashPrefix: FAKE_PREFIX,
    hostKeyBlob: FAKE_HOST_KEY,
    sign: (h) => concat(new TextEncoder().encode('sig:'), h),
    ...overrides,
  };
}

/** Runs a method's client against its server until both have a result. */
export async function runExchange(
  method: KexMethod,
  client: KexContext = clientContext(),
  server: KexServerContext = serverContext(),
): Promise<{ client: KexResult; server: KexResult; messages: Uint8Array[] }> {
  const c = method.client(client);
  const s = method.server(server);
  const messages: Uint8Array[] = [];
  let toServer = [...(await c.start())];
  let toClient = [...(await s.start())];
  let clientResult: KexResult | undefined;
  let serverResult: KexResult | undefined;
  for (let round = 0; round < 8 && !(clientResult && serverResult); round++) {
    for (const m of toServer) {
      messages.push(m);
      const step = await s.receive(m);
      toClient.push(...step.send);
      serverResult ??= step.result;
    }
    toServer = [];
    for (const m of toClient) {
      messages.push(m);
      const step = await c.receive(m);
      toServer.push(...step.send);
      clientResult ??= step.result;
    }
    toClient = [];
  }
  if (!clientResult || !serverResult) throw new Error('exchange did not finish');
  return { client: clientResult, server: serverResult, messages };
}

export type Failure = 'kex' | 'malformed' | 'protocol';

/**
 * Expects `run` to throw or reject with: 'kex' — ProtocolError with reason KEY_EXCHANGE_FAILED;
 * 'malformed' — MalformedMessageError; 'protocol' — a plain ProtocolError (reason PROTOCOL_ERROR).
 */
export async function expectFailure(run: () => unknown, kind: Failure): Promise<ProtocolError> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a failure').toBeInstanceOf(ProtocolError);
  const e = error as ProtocolError;
  if (kind === 'kex') {
    expect(e).not.toBeInstanceOf(MalformedMessageError);
    expect(e.reason).toBe(DisconnectReason.KEY_EXCHANGE_FAILED);
    expect(e.code).toBe('ERR_KEY_EXCHANGE');
  } else if (kind === 'malformed') {
    expect(e).toBeInstanceOf(MalformedMessageError);
  } else {
    expect(e).not.toBeInstanceOf(MalformedMessageError);
    expect(e.reason).toBe(DisconnectReason.PROTOCOL_ERROR);
    expect(e.code).toBe('ERR_PROTOCOL');
  }
  return e;
}
