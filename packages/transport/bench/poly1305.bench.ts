// Poly1305 throughput: the node provider's WebAssembly module (src/node/poly1305.wat) beside the
// scalar module it replaced and noble's pure-JS poly1305, in the same process.
//
//   npx tsx packages/transport/bench/poly1305.bench.ts
//
// The scalar module's bytes are kept below (what poly1305.wat assembled to before the three-lane
// SIMD + scalar design), so the comparison stays reproducible. Each size runs 5 rounds of
// ~50 ms per implementation, alternating so machine noise hits all three alike; MiB/s of the
// median round is printed. The scalar module is driven by a copy of poly1305-wasm.ts's wrapper
// (copy in, pad, mac, copy out, wipe the key), so only the modules differ.

import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { wasmPoly1305 } from '../src/node/poly1305-wasm.js';

// 26-bit-limb scalar Poly1305, one block at a time (poly1305.wat before the SIMD lanes).
const SCALAR_WASM_BASE64 =
  'AGFzbQEAAAABBQFgAX8AAwIBAAUDAQABBxACBm1lbW9yeQIAA21hYwAACp0IAZoIAgN/G35BADUCAEL///8fgyEEQQA1AgNC' +
  'AohCg/7/H4MhBUEANQIGQgSIQv+B/x+DIQZBADUCCUIGiEL//8AfgyEHQQA1AgxCCIhC//8/gyEIIAVCBX4hCSAGQgV+IQog' +
  'B0IFfiELIAhCBX4hDEHAACEBQcAAIABqIQNBwAAgAEEPakFwcWohAgJAA0AgASACTw0BQoCAgAhCACABQRBqIANNGyEdIA0g' +
  'ATUCAEL///8fg3whDSAOIAE1AgNCAohC////H4N8IQ4gDyABNQIGQgSIQv///x+DfCEPIBAgATUCCUIGiEL///8fg3whECAR' +
  'IAE1AgxCCIggHYR8IREgDSAEfiAOIAx+fCAPIAt+fCAQIAp+fCARIAl+fCESIA0gBX4gDiAEfnwgDyAMfnwgECALfnwgESAK' +
  'fnwhEyANIAZ+IA4gBX58IA8gBH58IBAgDH58IBEgC358IRQgDSAHfiAOIAZ+fCAPIAV+fCAQIAR+fCARIAx+fCEVIA0gCH4g' +
  'DiAHfnwgDyAGfnwgECAFfnwgESAEfnwhFiASQhqIIRwgEkL///8fgyENIBMgHHwhEyATQhqIIRwgE0L///8fgyEOIBQgHHwh' +
  'FCAUQhqIIRwgFEL///8fgyEPIBUgHHwhFSAVQhqIIRwgFUL///8fgyEQIBYgHHwhFiAWQhqIIRwgFkL///8fgyERIA0gHEIF' +
  'fnwhDSANQhqIIRwgDUL///8fgyENIA4gHHwhDiABQRBqIQEMAAsLIA5CGoghHCAOQv///x+DIQ4gDyAcfCEPIA9CGoghHCAP' +
  'Qv///x+DIQ8gECAcfCEQIBBCGoghHCAQQv///x+DIRAgESAcfCERIBFCGoghHCARQv///x+DIREgDSAcQgV+fCENIA1CGogh' +
  'HCANQv///x+DIQ0gDiAcfCEOIA1CBXwhFyAXQhqIIRwgF0L///8fgyEXIA4gHHwhGCAYQhqIIRwgGEL///8fgyEYIA8gHHwh' +
  'GSAZQhqIIRwgGUL///8fgyEZIBAgHHwhGiAaQhqIIRwgGkL///8fgyEaIBEgHHxCgICAIH0hGyAbQj+HIR4gDSAegyAXIB5C' +
  'f4WDhCENIA4gHoMgGCAeQn+Fg4QhDiAPIB6DIBkgHkJ/hYOEIQ8gECAegyAaIB5Cf4WDhCEQIBEgHoMgGyAeQn+Fg4QhESAN' +
  'IA5CGoaEQv////8PgyESIA5CBoggD0IUhoRC/////w+DIRMgD0IMiCAQQg6GhEL/////D4MhFCAQQhKIIBFCCIaEQv////8P' +
  'gyEVIBJBADUCEHwhEiATQQA1AhR8IBJCIIh8IRMgFEEANQIYfCATQiCIfCEUIBVBADUCHHwgFEIgiHwhFUEAIBI+AiBBACAT' +
  'PgIkQQAgFD4CKEEAIBU+AiwL';

function scalarPoly1305(): (key: Uint8Array, data: Uint8Array, out: Uint8Array) => void {
  const module = new WebAssembly.Module(Buffer.from(SCALAR_WASM_BASE64, 'base64'));
  const exports = new WebAssembly.Instance(module).exports as unknown as {
    memory: WebAssembly.Memory;
    mac(length: number): void;
  };
  let mem = new Uint8Array(exports.memory.buffer);
  // wasmPoly1305(key, data, out) = wasmPoly1305Parts(key, [data], out), line for line.
  const parts = (key: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array): void => {
    if (key.length !== 32) throw new RangeError(`Poly1305 key must be 32 bytes, not ${key.length}`);
    let length = 0;
    for (const part of parts) length += part.length;
    const padded = (length + 15) & ~15;
    const needed = 64 + padded;
    if (needed > mem.length) {
      exports.memory.grow(Math.ceil((needed - mem.length) / 65_536));
      mem = new Uint8Array(exports.memory.buffer);
    }
    mem.set(key, 0);
    let at = 64;
    for (const part of parts) {
      mem.set(part, at);
      at += part.length;
    }
    if (padded !== length) mem.fill(0, 64 + length + 1, needed)[64 + length] = 1;
    exports.mac(length);
    out.set(mem.subarray(32, 48));
    mem.fill(0, 0, 32);
  };
  return (key, data, out) => parts(key, [data], out);
}

type Mac = (key: Uint8Array, data: Uint8Array, out: Uint8Array) => void;
const implementations: [string, Mac][] = [
  ['scalar wasm (before)', scalarPoly1305()],
  ['wasm (current)', wasmPoly1305],
  ['noble', (key, data, out) => out.set(poly1305(data, key))],
];

const key = new Uint8Array(32).map((_, i) => (i * 29 + 7) & 0xff);
const out = new Uint8Array(16);
const expected = new Uint8Array(16);
for (const size of [32 * 1024, 1024, 64]) {
  const data = new Uint8Array(size).map((_, i) => (i * 131 + 17) & 0xff);
  // Same tag from all three, or the numbers mean nothing.
  expected.set(poly1305(data, key));
  for (const [name, mac] of implementations) {
    mac(key, data, out);
    if (out.some((b, i) => b !== expected[i]))
      throw new Error(`${name} disagrees with noble at ${size} bytes`);
  }
  // Calls per round for each implementation: ~50 ms, estimated after a warm-up.
  const counts = implementations.map(([, mac]) => {
    let calls = 8;
    for (;;) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) mac(key, data, out);
      const ms = performance.now() - start;
      if (ms > 10) return Math.ceil((calls * 50) / ms);
      calls *= 2;
    }
  });
  const rounds = implementations.map((): number[] => []);
  for (let round = 0; round < 5; round++) {
    implementations.forEach(([, mac], j) => {
      const calls = counts[j] ?? 0;
      const start = performance.now();
      for (let i = 0; i < calls; i++) mac(key, data, out);
      rounds[j]?.push(performance.now() - start);
    });
  }
  const mibs = rounds.map((ms, j) => {
    const median = ms.sort((a, b) => a - b)[2] ?? Number.NaN;
    return (size * (counts[j] ?? 0)) / (median / 1000) / 2 ** 20;
  });
  const [before = 0, current = 0] = mibs;
  const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
  const cells = implementations.map(([name], j) => `${name} ${(mibs[j] ?? 0).toFixed(0).padStart(5)} MiB/s`);
  console.log(
    `${label.padStart(6)}: ${cells.join('   ')}   (current / before ${(current / before).toFixed(2)}×)`,
  );
}
