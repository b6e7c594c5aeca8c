// The zlib codec of @sshts/transport/zlib on its own: round trips (fast-check), many payloads on
// one stream, interop with the real zlib (node:zlib, which OpenSSH links) in both directions — each
// of our payloads inflates on its own with Z_SYNC_FLUSH, and payloads deflated with
// Z_PARTIAL_FLUSH (OpenSSH's flush) inflate here — the inflate bound (a decompression bomb is a
// PacketLengthError, and the buffer never grows past the limit), corrupt input as a typed error,
// and the per-direction state machine (PacketCompression: delayed start, fresh streams per keys).
import { constants, createDeflate, createInflate, deflateSync } from 'node:zlib';
import { DisconnectReason, PacketLengthError, ProtocolError, SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressionPreferences, PacketCompression } from '../src/compression.js';
import { ZlibCompressor, ZlibDecompressor, zlib, zlibOpenSSH } from '../src/zlib/index.js';
import { patternBytes } from './helpers.js';

const LIMIT = 256 * 1024;

/** Payloads: random bytes, runs of one byte, and text-like repetitive data, 1 byte to 36 KB. */
const payload = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 1024 }),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 36_000 }))
    .map(([b, n]) => new Uint8Array(n).fill(b)),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 200 }))
    .map(([s, n]) => new TextEncoder().encode(s.repeat(n))),
);

/** Byte equality without vitest's element-by-element deep equal (slow on 36 KB arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** node:zlib inflate of one stream, packet by packet, each flushed with Z_SYNC_FLUSH. */
async function nodeInflateEach(packets: Uint8Array[]): Promise<Uint8Array[]> {
  const inflate = createInflate();
  const got: Buffer[] = [];
  inflate.on('data', (c: Buffer) => got.push(c));
  const out: Uint8Array[] = [];
  for (const p of packets) {
    inflate.write(p);
    await new Promise<void>((resolve) => inflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    out.push(new Uint8Array(Buffer.concat(got.splice(0))));
  }
  inflate.destroy();
  return out;
}

/** node:zlib deflate of one stream, each payload flushed with Z_PARTIAL_FLUSH (OpenSSH's flush). */
async function nodeDeflateEach(payloads: Uint8Array[]): Promise<Uint8Array[]> {
  const deflate = createDeflate({ level: 6 });
  const got: Buffer[] = [];
  deflate.on('data', (c: Buffer) => got.push(c));
  const out: Uint8Array[] = [];
  for (const p of payloads) {
    deflate.write(p);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_PARTIAL_FLUSH, () => resolve()));
    out.push(new Uint8Array(Buffer.concat(got.splice(0))));
  }
  deflate.destroy();
  return out;
}

describe('zlib codec', () => {
  it('round-trips any sequence of payloads on one stream (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), (payloads) => {
        const c = new ZlibCompressor();
        const d = new ZlibDecompressor({ maxPayloadLength: LIMIT });
        for (const p of payloads) {
          const packed = c.compress([p]).slice(); // the view is reused by the next call
          expect(same(d.decompress(packed), p)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('compresses a payload given in parts exactly as the joined payload', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 4 }), (parts) => {
        const whole = concat(parts);
        const a = new ZlibCompressor().compress(parts).slice();
        const b = new ZlibCompressor().compress([whole]).slice();
        expect(same(new ZlibDecompressor({ maxPayloadLength: LIMIT }).decompress(a), whole)).toBe(true);
        expect(same(a, b)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('each payload inflates on its own with the real zlib (Z_PARTIAL_FLUSH per packet)', async () => {
    const payloads = fc.sample(payload, { numRuns: 30, seed: 42 });
    const c = new ZlibCompressor();
    const packets = payloads.map((p) => c.compress([p]).slice());
    const inflated = await nodeInflateEach(packets);
    for (let i = 0; i < payloads.length; i++)
      expect(same(inflated[i]!, payloads[i]!), `packet ${i}`).toBe(true);
  });

  it('inflates what the real zlib deflates with Z_PARTIAL_FLUSH, packet by packet', async () => {
    const payloads = fc.sample(payload, { numRuns: 30, seed: 7 });
    const packets = await nodeDeflateEach(payloads);
    const d = new ZlibDecompressor({ maxPayloadLength: LIMIT });
    for (let i = 0; i < payloads.length; i++) {
      expect(same(d.decompress(packets[i]!), payloads[i]!), `packet ${i}`).toBe(true);
    }
  });

  it('keeps one dictionary for the whole stream: 500 similar packets, later ones tiny', () => {
    const c = new ZlibCompressor();
    const d = new ZlibDecompressor({ maxPayloadLength: LIMIT });
    const line = (i: number) =>
      new TextEncoder().encode(`-rw-r--r-- 1 user group 4096 Jan  1 file-${i % 7}.txt\n`);
    const sizes: number[] = [];
    for (let i = 0; i < 500; i++) {
      const p = line(i);
      const packed = c.compress([p]);
      sizes.push(packed.length);
      expect(same(d.decompress(packed), p)).toBe(true);
    }
    expect(sizes[0]).toBeGreaterThan(30);
    expect(Math.max(...sizes.slice(100))).toBeLessThan(16);
  });

  it('incompressible payloads grow by a few bytes only (a 32 KiB channel packet still fits)', () => {
    const c = new ZlibCompressor();
    const p = patternBytes(32 * 1024 + 9, 3);
    expect(c.compress([p]).length).toBeLessThan(p.length + 64);
  });

  it('payloads up to the limit inflate; one byte more is a PacketLengthError', () => {
    for (const [n, ok] of [
      [LIMIT, true],
      [LIMIT + 1, false],
    ] as const) {
      const packed = new ZlibCompressor().compress([new Uint8Array(n).fill(0x41)]).slice();
      const d = new ZlibDecompressor({ maxPayloadLength: LIMIT });
      if (ok) expect(d.decompress(packed).length).toBe(n);
      else expect(() => d.decompress(packed)).toThrow(PacketLengthError);
    }
  });

  it('a decompression bomb (16 MiB of zeros in ~16 KB) fails without growing past the limit', () => {
    const c = new ZlibCompressor();
    const zeros = new Uint8Array(1024 * 1024);
    const parts = Array.from({ length: 16 }, () => zeros);
    const bomb = c.compress(parts).slice();
    expect(bomb.length).toBeLessThan(20_000);
    const d = new ZlibDecompressor({ maxPayloadLength: LIMIT });
    let error: unknown;
    try {
      d.decompress(bomb);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PacketLengthError);
    expect((error as PacketLengthError).code).toBe('ERR_PACKET_LENGTH');
    const buffer = (d as unknown as { output: Uint8Array }).output;
    expect(buffer.length).toBeLessThanOrEqual(LIMIT + 1);
  });

  it('corrupt input is a ProtocolError with reason COMPRESSION_ERROR', () => {
    const c = new ZlibCompressor();
    const good = c.compress([new TextEncoder().encode('hello, world')]).slice();
    const bad = good.slice();
    bad[0] = 0x00; // not a zlib header
    const expectCompressionError = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        expect((e as ProtocolError).reason).toBe(DisconnectReason.COMPRESSION_ERROR);
        expect((e as ProtocolError).code).toBe('ERR_COMPRESSION');
        return;
      }
      throw new Error('no error');
    };
    expectCompressionError(() => new ZlibDecompressor({ maxPayloadLength: LIMIT }).decompress(bad));
    // A stream the peer ended (Z_FINISH) cannot carry the next packet.
    const finished = new Uint8Array(deflateSync(Buffer.from('the end')));
    expectCompressionError(() => new ZlibDecompressor({ maxPayloadLength: LIMIT }).decompress(finished));
    // Nothing but the header: no payload at all.
    expectCompressionError(() =>
      new ZlibDecompressor({ maxPayloadLength: LIMIT }).decompress(good.subarray(0, 2)),
    );
  });

  it('random garbage never escapes as anything but an SSHError (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 4 }), (packets) => {
        const d = new ZlibDecompressor({ maxPayloadLength: 4096 });
        for (const p of [new Uint8Array([0x78, 0x9c]), ...packets]) {
          try {
            const out = d.decompress(p);
            expect(out.length).toBeLessThanOrEqual(4096);
          } catch (e) {
            expect(e).toBeInstanceOf(SSHError);
            return;
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('PacketCompression (the per-direction state)', () => {
  it('none and no algorithm: nothing runs', () => {
    const pc = new PacketCompression([], LIMIT);
    pc.keys(0, 'none');
    pc.keys(1, 'none');
    pc.start(0);
    pc.start(1);
    expect(pc.compressor).toBeUndefined();
    expect(pc.decompressor).toBeUndefined();
  });

  it('zlib starts at NEWKEYS; zlib@openssh.com waits for USERAUTH_SUCCESS, per direction', () => {
    const plain = new PacketCompression([zlib], LIMIT);
    plain.keys(0, 'zlib');
    plain.keys(1, 'zlib');
    expect(plain.compressor).toBeDefined();
    expect(plain.decompressor).toBeDefined();

    const delayed = new PacketCompression([zlibOpenSSH], LIMIT);
    delayed.keys(0, 'zlib@openssh.com');
    delayed.keys(1, 'zlib@openssh.com');
    expect(delayed.compressor).toBeUndefined();
    expect(delayed.decompressor).toBeUndefined();
    delayed.start(1);
    expect(delayed.decompressor).toBeDefined();
    expect(delayed.compressor).toBeUndefined();
    delayed.start(0);
    expect(delayed.compressor).toBeDefined();
  });

  it('every later NEWKEYS starts a fresh stream at once (RFC 4253 §6.2, OpenSSH ssh_set_newkeys)', () => {
    const pc = new PacketCompression([zlibOpenSSH], LIMIT);
    pc.keys(0, 'zlib@openssh.com');
    pc.start(0);
    const first = pc.compressor!;
    first.compress([new TextEncoder().encode('abc')]);
    pc.keys(0, 'zlib@openssh.com');
    const second = pc.compressor!;
    expect(second).not.toBe(first);
    // A fresh stream starts with a zlib header again.
    expect(second.compress([new TextEncoder().encode('abc')])[0]).toBe(0x78);
    pc.keys(0, 'none');
    expect(pc.compressor).toBeUndefined();
  });

  it('preferences: names then none by default; an explicit list must name implemented algorithms', () => {
    expect(compressionPreferences([], undefined)).toEqual(['none']);
    expect(compressionPreferences([zlibOpenSSH, zlib], undefined)).toEqual([
      'zlib@openssh.com',
      'zlib',
      'none',
    ]);
    expect(compressionPreferences([zlibOpenSSH], ['none', 'zlib@openssh.com'])).toEqual([
      'none',
      'zlib@openssh.com',
    ]);
    expect(() => compressionPreferences([], ['zlib@openssh.com', 'none'])).toThrow(TypeError);
  });
});
