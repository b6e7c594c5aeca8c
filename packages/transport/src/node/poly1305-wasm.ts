// Poly1305 (RFC 8439 §2.5) in WebAssembly for the node:crypto provider; see poly1305.wat for why
// and for the memory layout. One module instance serves the whole process: calls are synchronous
// and never re-entered, so the key, tag and message areas are simply overwritten each time.
import { POLY1305_WASM_BASE64 } from './poly1305-wasm-bytes.js';

const KEY_OFFSET = 0;
const TAG_OFFSET = 32;
const MESSAGE_OFFSET = 64;
const PAGE = 64 * 1024;

interface Poly1305Exports {
  memory: WebAssembly.Memory;
  mac(length: number): void;
}

let instance: { exports: Poly1305Exports; bytes: Uint8Array } | undefined;

function load(): { exports: Poly1305Exports; bytes: Uint8Array } {
  // Synchronous compile: the module is ~3 KB, and the provider's primitives are synchronous.
  const module = new WebAssembly.Module(Buffer.from(POLY1305_WASM_BASE64, 'base64'));
  const exports = new WebAssembly.Instance(module).exports as unknown as Poly1305Exports;
  return { exports, bytes: new Uint8Array(exports.memory.buffer) };
}

/** Poly1305 of `data` under the 32-byte one-time `key`, written into `out` (16 bytes). */
export function wasmPoly1305(key: Uint8Array, data: Uint8Array, out: Uint8Array): void {
  wasmPoly1305Parts(key, [data], out);
}

/**
 * Poly1305 of the concatenation of `parts`, written into `out`: the parts are copied straight into
 * the module's memory, so a packet held as pieces (length field, ciphertext) needs no join first.
 */
export function wasmPoly1305Parts(key: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array): void {
  if (key.length !== 32) throw new RangeError(`Poly1305 key must be 32 bytes, not ${key.length}`);
  instance ??= load();
  let length = 0;
  for (const part of parts) length += part.length;
  const padded = (length + 15) & ~15;
  const needed = MESSAGE_OFFSET + padded;
  if (needed > instance.bytes.length) {
    instance.exports.memory.grow(Math.ceil((needed - instance.bytes.length) / PAGE));
    // Growing detaches the old ArrayBuffer.
    instance.bytes = new Uint8Array(instance.exports.memory.buffer);
  }
  const mem = instance.bytes;
  mem.set(key, KEY_OFFSET);
  let at = MESSAGE_OFFSET;
  for (const part of parts) {
    mem.set(part, at);
    at += part.length;
  }
  // RFC 8439 §2.5.1: a last partial block is followed by one 0x01 byte, then zeros to 16 bytes.
  if (padded !== length) mem.fill(0, MESSAGE_OFFSET + length + 1, needed)[MESSAGE_OFFSET + length] = 1;
  instance.exports.mac(length);
  out.set(mem.subarray(TAG_OFFSET, TAG_OFFSET + 16));
  // The one-time key must not outlive the call in the module's memory.
  mem.fill(0, KEY_OFFSET, KEY_OFFSET + 32);
}
