// mpint, RFC 4251 §5, and OpenSSH's reading rules (sshbuf-getput-basic.c, checklist §2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_MPINT_BITS, decodeMpint, encodeMpint, SSHReader, SSHWriter } from '../src/index.js';
import { concat, expectMalformed, hex, sshString, toHex, u32 } from './helpers.js';

// The examples table of RFC 4251 §5 (value → full encoding, length prefix included).
const rfcVectors: [bigint, string][] = [
  [0n, '00000000'],
  [0x9a378f9b2e332a7n, '0000000809a378f9b2e332a7'],
  [0x80n, '000000020080'],
  [-0x1234n, '00000002edcc'],
  [-0xdeadbeefn, '00000005ff21524111'],
];

describe('RFC 4251 §5 known answers', () => {
  it.each(rfcVectors)('writer encodes %s', (v, encoding) => {
    expect(toHex(new SSHWriter().mpint(v).finish())).toBe(encoding);
    expect(toHex(encodeMpint(v))).toBe(encoding.slice(8));
  });

  it.each(rfcVectors)('signedMpint reads %s', (v, encoding) => {
    const r = new SSHReader(hex(encoding));
    expect(r.signedMpint()).toBe(v);
    r.end();
    expect(decodeMpint(hex(encoding).subarray(4))).toBe(v);
  });

  it.each(rfcVectors.filter(([v]) => v >= 0n))('mpint reads non-negative %s', (v, encoding) => {
    const r = new SSHReader(hex(encoding));
    expect(r.mpint()).toBe(v);
    r.end();
  });

  it('small boundary values', () => {
    const cases: [bigint, string][] = [
      [1n, '01'],
      [0x7fn, '7f'],
      [0xffn, '00ff'],
      [0x7fffn, '7fff'],
      [0x8000n, '008000'],
      [-1n, 'ff'],
      [-0x80n, '80'],
      [-0x81n, 'ff7f'],
      [-0x8000n, '8000'],
      [-0x8001n, 'ff7fff'],
      [-0x100n, 'ff00'],
    ];
    for (const [v, content] of cases) {
      expect(toHex(encodeMpint(v)), `${v}`).toBe(content);
      expect(decodeMpint(hex(content))).toBe(v);
    }
  });
});

describe('minimal form', () => {
  const anyBig = fc.oneof(
    fc.bigInt({ min: -(2n ** 1100n), max: 2n ** 1100n }),
    fc.bigInt({ min: -70000n, max: 70000n }),
    fc
      .integer({ min: 0, max: 1100 })
      .chain((k) =>
        fc.constantFrom(2n ** BigInt(k), 2n ** BigInt(k) - 1n, -(2n ** BigInt(k)), -(2n ** BigInt(k)) - 1n),
      ),
  );

  it('never has a redundant leading 0x00 or 0xFF, and zero is empty', () => {
    fc.assert(
      fc.property(anyBig, (v) => {
        const c = encodeMpint(v);
        if (v === 0n) {
          expect(c.length).toBe(0);
          return;
        }
        expect(c.length).toBeGreaterThan(0);
        const b0 = c[0]!;
        // The sign bit of the first byte matches the sign of v.
        expect((b0 & 0x80) !== 0).toBe(v < 0n);
        if (c.length >= 2) {
          const b1 = c[1]!;
          expect(b0 === 0x00 && (b1 & 0x80) === 0, 'redundant 0x00').toBe(false);
          expect(b0 === 0xff && (b1 & 0x80) !== 0, 'redundant 0xFF').toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('uses the fewest bytes n with -2^(8n-1) <= v < 2^(8n-1), and decodes back', () => {
    fc.assert(
      fc.property(anyBig, (v) => {
        const n = encodeMpint(v).length;
        const fits = (k: number) => k > 0 && -(2n ** BigInt(8 * k - 1)) <= v && v < 2n ** BigInt(8 * k - 1);
        if (v !== 0n) {
          expect(fits(n)).toBe(true);
          expect(fits(n - 1)).toBe(false);
        }
        expect(decodeMpint(encodeMpint(v))).toBe(v);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reader rules', () => {
  it('mpint() rejects negative values by default', () => {
    for (const enc of ['0000000180', '00000002edcc', '00000001ff', '00000005ff21524111']) {
      const r = new SSHReader(hex(enc));
      const err = expectMalformed(() => r.mpint(), 'mpint');
      expect(err.message).toMatch(/negative/);
      expect(r.position).toBe(0);
      expect(r.signedMpint()).toBeLessThan(0n);
    }
    expectMalformed(() => new SSHReader(hex('0000000180')).mpint('KEXDH_REPLY.f'), 'KEXDH_REPLY.f');
  });

  it('accepts surplus leading zeros and returns the right value', () => {
    expect(new SSHReader(hex('00000001 00')).mpint()).toBe(0n);
    expect(new SSHReader(hex('00000003 000000')).mpint()).toBe(0n);
    expect(new SSHReader(hex('00000003 000001')).mpint()).toBe(1n);
    expect(new SSHReader(hex('00000004 0000 0080')).mpint()).toBe(0x80n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n }), fc.integer({ min: 1, max: 8 }), (v, zeros) => {
        const content = concat(new Uint8Array(zeros), encodeMpint(v));
        const r = new SSHReader(sshString(content));
        expect(r.mpint()).toBe(v);
        r.end();
      }),
    );
  });

  it('default limit: 16384 bits, i.e. 2048 bytes plus one leading 0x00', () => {
    expect(DEFAULT_MAX_MPINT_BITS).toBe(16384);
    const max = 2n ** 16384n - 1n;
    // 2049 bytes: 0x00 then 2048 x 0xFF — exactly 16384 bits, accepted.
    const okContent = new Uint8Array(2049).fill(0xff);
    okContent[0] = 0;
    expect(toHex(encodeMpint(max))).toBe(toHex(okContent));
    expect(new SSHReader(sshString(okContent)).mpint()).toBe(max);
    // 2049 bytes: 0x01 then 2048 bytes — 16385 bits, rejected.
    const big = new Uint8Array(2049);
    big[0] = 1;
    expectMalformed(() => new SSHReader(sshString(big)).mpint(), 'mpint');
    // 2^16384 written by our own writer is also over the limit.
    expectMalformed(() => new SSHReader(new SSHWriter().mpint(2n ** 16384n).finish()).mpint(), 'mpint');
    // 2050 bytes, even if all leading zeros: over the length limit (OpenSSH: len > 2048 + 1).
    const long = new Uint8Array(2050);
    long[2049] = 1;
    expectMalformed(() => new SSHReader(sshString(long)).mpint(), 'mpint');
  });

  it('configurable maxBits', () => {
    expect(new SSHReader(hex('00000002 00ff')).mpint('m', 8)).toBe(255n);
    expectMalformed(() => new SSHReader(hex('00000002 0100')).mpint('m', 8), 'm');
    expectMalformed(() => new SSHReader(hex('00000003 000100')).mpint('m', 8), 'm');
    expect(new SSHReader(hex('00000001 7f')).mpint('m', 7)).toBe(127n);
    expectMalformed(() => new SSHReader(hex('00000002 0080')).mpint('m', 7), 'm');
    // signed: magnitude bounded both ways
    expect(new SSHReader(hex('00000001 80')).signedMpint('m', 7)).toBe(-128n);
    expectMalformed(() => new SSHReader(hex('00000002 ff7f')).signedMpint('m', 7), 'm');
    expect(() => new SSHReader(hex('00000000')).mpint('m', -1)).toThrow(RangeError);
  });

  it('signedMpint accepts non-minimal forms', () => {
    expect(new SSHReader(hex('00000002 ffff')).signedMpint()).toBe(-1n);
    expect(new SSHReader(hex('00000003 00007f')).signedMpint()).toBe(127n);
  });

  it('a declared length of 2^32-1 fails fast with the field named', () => {
    const data = concat(u32(0xffffffff), new Uint8Array(10));
    expectMalformed(() => new SSHReader(data).mpint(), 'mpint');
    expectMalformed(() => new SSHReader(data).signedMpint('e'), 'e');
  });
});
