// The node provider's WebAssembly Poly1305 (src/node/poly1305.wat): RFC 8439's vectors (§2.5.2 and
// Appendix A.3, including the ones built to hit the final reduction's edge cases), agreement with
// noble's audited Poly1305 on random and extreme inputs of every length class, and the embedded
// bytes being exactly what the .wat assembles to.

import { readFileSync } from 'node:fs';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTES_PATH, poly1305WasmModuleSource } from '../scripts/poly1305-wasm-source.mjs';
import { wasmPoly1305, wasmPoly1305Parts } from '../src/node/poly1305-wasm.js';
import { bytesToHex, hexToBytes } from './helpers.js';

const tag = (key: Uint8Array, data: Uint8Array) => {
  const out = new Uint8Array(16);
  wasmPoly1305(key, data, out);
  return bytesToHex(out);
};

// RFC 8439 §2.5.2 and Appendix A.3 (test vectors #1, #5–#10): key (r ‖ s), message, tag.
const RFC_8439: [string, string, string, string][] = [
  [
    '§2.5.2',
    '85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b',
    bytesToHex(new TextEncoder().encode('Cryptographic Forum Research Group')),
    'a8061dc1305136c6c22b8baf0c0127a9',
  ],
  ['A.3 #1', '00'.repeat(32), '00'.repeat(64), '00'.repeat(16)],
  ['A.3 #5', `02${'00'.repeat(31)}`, 'ff'.repeat(16), `03${'00'.repeat(15)}`],
  ['A.3 #6', `02${'00'.repeat(15)}${'ff'.repeat(16)}`, `02${'00'.repeat(15)}`, `03${'00'.repeat(15)}`],
  [
    'A.3 #7',
    `01${'00'.repeat(31)}`,
    `${'ff'.repeat(16)}f0${'ff'.repeat(15)}11${'00'.repeat(15)}`,
    `05${'00'.repeat(15)}`,
  ],
  [
    'A.3 #8',
    `01${'00'.repeat(31)}`,
    `${'ff'.repeat(16)}fb${'fe'.repeat(15)}${'01'.repeat(16)}`,
    '00'.repeat(16),
  ],
  ['A.3 #9', `02${'00'.repeat(31)}`, `fd${'ff'.repeat(15)}`, `fa${'ff'.repeat(15)}`],
  [
    'A.3 #10',
    `0100000000000000040000000000000000${'00'.repeat(15)}`,
    `e33594d7505e43b9000000000000000033${'94d7505e4379cd01'}${'00'.repeat(7)}${'00'.repeat(16)}01${'00'.repeat(15)}`,
    '14000000000000005500000000000000',
  ],
];

describe('WebAssembly Poly1305', () => {
  for (const [name, key, message, expected] of RFC_8439) {
    it(`RFC 8439 ${name}`, () => {
      expect(tag(hexToBytes(key), hexToBytes(message))).toBe(expected);
    });
  }

  it('agrees with noble on random keys and messages of 0–300 bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, data) => tag(key, data) === bytesToHex(poly1305(data, key)),
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with noble where the limbs are at their largest (all-ones keys and messages)', () => {
    for (let length = 0; length <= 80; length++) {
      for (const [k, m] of [
        [0xff, 0xff],
        [0xff, 0x00],
        [0x00, 0xff],
      ] as const) {
        const key = new Uint8Array(32).fill(k);
        const data = new Uint8Array(length).fill(m);
        expect(tag(key, data), `key ${k}, data ${m} × ${length}`).toBe(bytesToHex(poly1305(data, key)));
      }
    }
  });

  // The three-lane part (two SIMD lanes and a scalar one, 48 bytes a step) starts at 240 bytes and
  // leaves up to two full blocks and the partial one to the scalar loop: every length to well past
  // the threshold, and around 32 KiB, hits each split. All-0xff keys clamp r to its largest limbs
  // and all-0xff data gives the largest message limbs, so a carry that the lazy reduction drops or
  // a sum that overflows 64 bits would show.
  it('agrees with noble at every length from 0 to 400 bytes, random and extreme', () => {
    const random = fc.sample(fc.uint8Array({ minLength: 32 + 400, maxLength: 32 + 400 }), {
      numRuns: 3,
      seed: 1,
    });
    for (let length = 0; length <= 400; length++) {
      const cases: [Uint8Array, Uint8Array][] = [
        [new Uint8Array(32).fill(0xff), new Uint8Array(length).fill(0xff)],
        [new Uint8Array(32).fill(0xff, 0, 16), new Uint8Array(length).fill(0xff)],
        ...random.map((r): [Uint8Array, Uint8Array] => [r.subarray(0, 32), r.subarray(32, 32 + length)]),
      ];
      for (const [key, data] of cases) {
        expect(tag(key, data), `${length} bytes`).toBe(bytesToHex(poly1305(data, key)));
      }
    }
  });

  it('agrees with noble on 32 KiB ± 1..48 bytes, random and extreme', () => {
    const random = new Uint8Array(32 + 32_768 + 48).map((_, k) => (k * 2_654_435_761) >>> 24);
    const ones = new Uint8Array(32_768 + 48).fill(0xff);
    const onesKey = new Uint8Array(32).fill(0xff);
    for (let delta = -48; delta <= 48; delta++) {
      const length = 32_768 + delta;
      const key = random.subarray(0, 32);
      const data = random.subarray(32, 32 + length);
      expect(tag(key, data), `random, ${length} bytes`).toBe(bytesToHex(poly1305(data, key)));
      const max = ones.subarray(0, length);
      expect(tag(onesKey, max), `0xff, ${length} bytes`).toBe(bytesToHex(poly1305(max, onesKey)));
    }
  });

  it('handles messages longer than its first memory page, then short ones again', () => {
    const key = new Uint8Array(32).map((_, i) => i * 7);
    for (const length of [65_536 - 64, 65_536, 300_000, 17, 32_768 + 5]) {
      const data = new Uint8Array(length).map((_, i) => (i * 31) & 0xff);
      expect(tag(key, data), `${length} bytes`).toBe(bytesToHex(poly1305(data, key)));
    }
  });

  it('writes only the 16-byte tag and leaves its inputs alone', () => {
    const key = new Uint8Array(32).fill(3);
    const data = new Uint8Array(45).fill(9);
    const out = new Uint8Array(20).fill(0xee);
    wasmPoly1305(key, data, out.subarray(2, 18));
    expect(bytesToHex(out.subarray(0, 2))).toBe('eeee');
    expect(bytesToHex(out.subarray(18))).toBe('eeee');
    expect(bytesToHex(out.subarray(2, 18))).toBe(bytesToHex(poly1305(data, key)));
    expect(key.every((b) => b === 3) && data.every((b) => b === 9)).toBe(true);
  });

  it('over parts, equals noble over their concatenation, wherever the cuts fall', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 5 }),
        (key, parts) => {
          const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            joined.set(p, at);
            at += p.length;
          }
          const out = new Uint8Array(16);
          wasmPoly1305Parts(key, parts, out);
          return bytesToHex(out) === bytesToHex(poly1305(joined, key));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => wasmPoly1305(new Uint8Array(16), new Uint8Array(1), new Uint8Array(16))).toThrow(RangeError);
  });

  it('embeds exactly the bytes poly1305.wat assembles to', async () => {
    expect(readFileSync(BYTES_PATH, 'utf8')).toBe(await poly1305WasmModuleSource());
  });
});
