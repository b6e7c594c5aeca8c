import { expect } from 'vitest';
import { MalformedMessageError } from '../src/index.js';

/** Bytes from a hex string; spaces are ignored. Independent of the code under test. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new Error(`odd hex ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
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

/** A big-endian uint32 length prefix, built without SSHWriter. */
export function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** A length-prefixed SSH string built without SSHWriter. */
export function sshString(body: Uint8Array | string): Uint8Array {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return concat(u32(bytes.length), bytes);
}

/** Asserts `fn` throws MalformedMessageError for `field`, and returns the error. */
export function expectMalformed(fn: () => unknown, field: string): MalformedMessageError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a MalformedMessageError').toBeInstanceOf(MalformedMessageError);
  const err = caught as MalformedMessageError;
  expect(err.field).toBe(field);
  expect(err.code).toBe('ERR_MALFORMED_MESSAGE');
  return err;
}
