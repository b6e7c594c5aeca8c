// The pipelined paths (read-pipeline.ts, write-pipeline.ts, read-to-end.ts, streams.ts) against
// the in-memory server with replies out of order, short reads, capped READs and replies cut into
// 1..N-byte chunks: every path returns exactly the file's bytes and never has more than
// `concurrency` requests in flight.
import { SFTPError } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concat,
  drain,
  FX,
  MemoryServer,
  type MemoryServerOptions,
  msg,
  outcome,
  pattern,
  readOffset,
  sameBytes,
  T,
  tick,
  within,
  writeAll,
} from './scripted-server.js';

/** Offsets that land short reads at many places but not everywhere. */
const someShortReads = (seed: number) => (offset: number, length: number) =>
  ((offset * 2654435761 + seed) >>> 0) % 3 === 0 ? Math.max(1, Math.floor(length / 3)) : length;

describe('byte-exact transfers under hostile scheduling (property)', () => {
  it('readFile, SFTPFile.read, createReadStream, writeFile and createWriteStream move exactly the bytes', async () => {
    const chunk = fc.constantFrom(512, 1000, 4096);
    const caseArb = chunk.chain((c) =>
      fc.record({
        chunkSize: fc.constant(c),
        size: fc.oneof(
          fc.constantFrom(0, 1, c - 1, c, c + 1, 2 * c - 1, 2 * c, 2 * c + 1, 7 * c, 7 * c + 1),
          fc.integer({ min: 0, max: 40 * c }),
        ),
        concurrency: fc.integer({ min: 1, max: 12 }),
        order: fc.constantFrom('fifo', 'reverse', 'shuffle') as fc.Arbitrary<MemoryServerOptions['order']>,
        short: fc.boolean(),
        maxRead: fc.option(fc.integer({ min: 1, max: 2 * c }), { nil: undefined }),
        maxChunk: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 3000 })),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
        pos: fc.nat(),
        len: fc.nat(),
        start: fc.nat(),
        span: fc.nat(),
        writes: fc.array(fc.integer({ min: 1, max: 3 * c }), { minLength: 1, maxLength: 5 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(caseArb, async (k) => {
        // One-byte chunks make every reply thousands of reads: keep those cases small.
        const size = k.maxChunk === 1 ? Math.min(k.size, 6000) : k.size;
        const server = new MemoryServer({
          order: k.order,
          shortRead: k.short ? someShortReads(k.seed) : undefined,
          maxRead: k.maxRead,
          maxChunk: k.maxChunk,
          seed: k.seed,
        });
        const data = pattern(size, k.seed & 0xff);
        server.fs.writeFile('/f', data);
        const client = await server.connect({ chunkSize: k.chunkSize, concurrency: k.concurrency });

        const whole = await within(client.readFile('/f'), 5000, 'readFile');
        expect(sameBytes(whole, data)).toBeUndefined();

        const pos = size === 0 ? 0 : k.pos % (size + 2);
        const len = k.len % (3 * k.chunkSize + 5);
        const file = await client.open('/f');
        const part = await within(file.read(len, pos), 5000, 'SFTPFile.read');
        expect(sameBytes(part, data.subarray(pos, pos + len))).toBeUndefined();
        await file.close();

        const start = size === 0 ? 0 : k.start % (size + 1);
        const end = start + (k.span % (3 * k.chunkSize));
        const ranged = await within(drain(client.createReadStream('/f', { start, end })), 5000, 'stream');
        expect(sameBytes(ranged, data.subarray(start, end + 1))).toBeUndefined();
        const streamed = await within(drain(client.createReadStream('/f')), 5000, 'stream');
        expect(sameBytes(streamed, data)).toBeUndefined();

        const upload = pattern(size, (k.seed + 1) & 0xff);
        await within(client.writeFile('/w', upload), 5000, 'writeFile');
        expect(sameBytes(server.fs.readFile('/w'), upload)).toBeUndefined();
        await within(writeAll(client.createWriteStream('/s'), upload, k.writes), 5000, 'write stream');
        expect(sameBytes(server.fs.readFile('/s'), upload)).toBeUndefined();

        expect(server.maxOf(T.READ)).toBeLessThanOrEqual(k.concurrency);
        expect(server.maxOf(T.WRITE)).toBeLessThanOrEqual(k.concurrency);
        expect(server.duplicateIds).toEqual([]);
        expect(server.openHandles).toBe(0);
        await client.close();
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it('moves several MiB with the default sizes, replies reversed and short, and fills the pipeline exactly', async () => {
    const server = new MemoryServer({
      order: 'reverse',
      shortRead: someShortReads(3),
      maxChunk: 65536,
      seed: 5,
    });
    const data = pattern(5 * 1024 * 1024 + 12345, 77);
    server.fs.writeFile('/big', data);
    const client = await server.connect();
    expect(client.transferSizes).toEqual({ readChunk: 32768, writeChunk: 32768, concurrency: 64 });
    expect(sameBytes(await within(client.readFile('/big'), 10_000), data)).toBeUndefined();
    expect(server.maxOf(T.READ)).toBe(64);
    await within(client.writeFile('/copy', data), 10_000);
    expect(sameBytes(server.fs.readFile('/copy'), data)).toBeUndefined();
    expect(server.maxOf(T.WRITE)).toBe(64);
    // Every WRITE carried at most one chunk.
    const writes = server.replies.filter((r) => r.request.type === T.WRITE);
    expect(writes.length).toBe(Math.ceil(data.length / 32768));
    await client.close();
  }, 20_000);

  it('keeps exactly `concurrency` READs and WRITEs in flight, never more', async () => {
    for (const concurrency of [1, 2, 7]) {
      const server = new MemoryServer({ order: 'reverse' });
      const data = pattern(64 * 1000);
      server.fs.writeFile('/f', data);
      const client = await server.connect({ chunkSize: 1000, concurrency });
      await client.readFile('/f');
      await drain(client.createReadStream('/f'));
      const file = await client.open('/f');
      await file.read(20_000, 0);
      await file.close();
      expect(server.maxOf(T.READ)).toBe(concurrency);
      await client.writeFile('/w', data);
      await writeAll(client.createWriteStream('/s'), data, [5000]);
      expect(server.maxOf(T.WRITE)).toBe(concurrency);
      await client.close();
    }
  });

  it('a per-transfer concurrency and chunk size override the client’s (readFile options)', async () => {
    const server = new MemoryServer({ order: 'reverse' });
    server.fs.writeFile('/f', pattern(50_000));
    const client = await server.connect({ chunkSize: 1000, concurrency: 8 });
    await client.readFile('/f', { concurrency: 2, chunkSize: 500 } as { signal?: AbortSignal });
    expect(server.maxOf(T.READ)).toBe(2);
    const lengths = server.replies
      .filter((r) => r.request.type === T.READ)
      .map((r) => {
        const rd = r.request.reader();
        rd.string();
        rd.uint64();
        return rd.uint32();
      });
    expect(Math.max(...lengths)).toBe(500);
    await client.close();
  });
});

describe('reading to the end (read-to-end.ts)', () => {
  const chunkSize = 1000;
  const real = 10_000;
  for (const reported of [25_000, 10_001, 10_000, 9_999, 9_000, 3_000, 1, 0, undefined]) {
    it(`reads a ${real}-byte file exactly when FSTAT reports ${reported ?? 'no size'}`, async () => {
      const server = new MemoryServer({
        order: 'reverse',
        intercept: (r) =>
          r.type === T.FSTAT
            ? msg.attrs(
                r.id,
                reported === undefined
                  ? { permissions: 0o100644 }
                  : { size: reported, permissions: 0o100644 },
              )
            : undefined,
      });
      const data = pattern(real, 4);
      server.fs.writeFile('/f', data);
      const client = await server.connect({ chunkSize, concurrency: 4 });
      expect(sameBytes(await within(client.readFile('/f')), data)).toBeUndefined();
      expect(sameBytes(await within(drain(client.createReadStream('/f'))), data)).toBeUndefined();
      expect(
        sameBytes(await within(drain(client.createReadStream('/f', { start: 2500 }))), data.subarray(2500)),
      ).toBeUndefined();
      // Bounded work: about one READ per chunk, plus the probe and EOFs.
      expect(server.count(T.READ)).toBeLessThan(3 * (real / chunkSize + 2 * 4 + 2) + 30);
      await client.close();
    });
  }

  // With one READ in flight the count is exact: the size's READs, then one probe past it (the EOF
  // that ends a file that shrank needs no probe; a file that grew is read on to its EOF).
  for (const [reported, reads] of [
    [10_000, 10 + 1],
    [25_000, 10 + 1],
    [3_000, 3 + 1 + 6 + 1],
    [0, 1 + 9 + 1],
  ] as const) {
    it(`a 10000-byte file reported as ${reported} takes exactly ${reads} READs of 1000 at concurrency 1`, async () => {
      const server = new MemoryServer({
        intercept: (r) =>
          r.type === T.FSTAT ? msg.attrs(r.id, { size: reported, permissions: 0o100644 }) : undefined,
      });
      server.fs.writeFile('/f', pattern(10_000));
      const client = await server.connect({ chunkSize: 1000, concurrency: 1 });
      expect(sameBytes(await within(client.readFile('/f')), pattern(10_000))).toBeUndefined();
      expect(server.count(T.READ)).toBe(reads);
      await client.close();
    });
  }

  it('reads a file that grows while it is read', async () => {
    let grown = false;
    const server = new MemoryServer({
      intercept: (r, s) => {
        if (r.type === T.READ && !grown && readOffset(r) >= 2000) {
          grown = true;
          s.fs.setContent('/f', pattern(7_654, 1)); // same bytes up to 5000, then more
        }
        return undefined;
      },
    });
    server.fs.writeFile('/f', pattern(5_000, 1));
    const client = await server.connect({ chunkSize: 1000, concurrency: 2 });
    expect(sameBytes(await within(client.readFile('/f')), pattern(7_654, 1))).toBeUndefined();
    await client.close();
  });

  it('reads a file that shrinks while it is read', async () => {
    let shrunk = false;
    const server = new MemoryServer({
      order: 'reverse',
      intercept: (r, s) => {
        if (r.type === T.READ && !shrunk) {
          shrunk = true;
          s.fs.setContent('/f', pattern(4_321, 1));
        }
        return undefined;
      },
    });
    server.fs.writeFile('/f', pattern(20_000, 1));
    const client = await server.connect({ chunkSize: 1000, concurrency: 8 });
    expect(sameBytes(await within(client.readFile('/f')), pattern(4_321, 1))).toBeUndefined();
    await client.close();
  });

  it('SFTPFile.read stops at the EOF found by a re-request after a short read, when the file shrank in between', async () => {
    let shrunk = false;
    const server: MemoryServer = new MemoryServer({
      shortRead: (offset, length) => (offset === 0 ? 500 : length),
      intercept: (r, s) => {
        if (r.type === T.READ && readOffset(r) === 500 && !shrunk) {
          shrunk = true;
          s.fs.setContent('/f', pattern(500));
        }
        return undefined;
      },
    });
    server.fs.writeFile('/f', pattern(4000));
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    const file = await client.open('/f');
    expect((await within(file.read(4000, 0))).length).toBe(500);
    await file.close();
    await client.close();
  });

  it('an empty file takes one probe READ and gives an empty array', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/e', new Uint8Array(0));
    const client = await server.connect();
    const got = await client.readFile('/e');
    expect(got).toBeInstanceOf(Uint8Array);
    expect(got.length).toBe(0);
    expect(server.count(T.READ)).toBe(1);
    expect(server.count(T.CLOSE)).toBe(1);
    await client.close();
  });

  it('a zero-length DATA reply ends the read there instead of looping', async () => {
    const server = new MemoryServer({ shortRead: (offset, length) => (offset >= 3000 ? 0 : length) });
    server.fs.writeFile('/f', pattern(10_000));
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    const got = await within(client.readFile('/f'), 2000, 'readFile');
    expect(sameBytes(got, pattern(3000))).toBeUndefined();
    const file = await client.open('/f');
    expect(sameBytes(await within(file.read(10_000, 0), 2000), pattern(3000))).toBeUndefined();
    expect((await within(file.read(100, 5000), 2000)).length).toBe(0);
    await file.close();
    expect(
      sameBytes(await within(drain(client.createReadStream('/f')), 2000), pattern(3000)),
    ).toBeUndefined();
    expect(server.count(T.READ)).toBeLessThan(40);
    await client.close();
  });

  it('always-empty DATA gives an empty file, quickly', async () => {
    const server = new MemoryServer({ shortRead: () => 0 });
    server.fs.writeFile('/f', pattern(10_000));
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    expect((await within(client.readFile('/f'), 2000)).length).toBe(0);
    expect(server.count(T.READ)).toBeLessThanOrEqual(5);
    await client.close();
  });
});

describe('SFTPFile positions', () => {
  it('read and write without a position advance it; with a position leave it', async () => {
    const server = new MemoryServer({ order: 'reverse', shortRead: someShortReads(1) });
    server.fs.writeFile('/f', pattern(5000));
    const client = await server.connect({ chunkSize: 700, concurrency: 3 });
    const file = await client.open('/f', 'r+');
    expect(sameBytes(await file.read(1000), pattern(5000).subarray(0, 1000))).toBeUndefined();
    expect(file.position).toBe(1000);
    expect(sameBytes(await file.read(100, 4000), pattern(5000).subarray(4000, 4100))).toBeUndefined();
    expect(file.position).toBe(1000);
    await file.write(new Uint8Array([9, 9, 9]));
    expect(file.position).toBe(1003);
    await file.write('xy', 10);
    expect(file.position).toBe(1003);
    // Past the end: short, then empty.
    expect((await file.read(2000, 4500)).length).toBe(500);
    const p = file.position;
    expect((await file.read(10, 9000)).length).toBe(0);
    file.position = 4990;
    expect((await file.read(100)).length).toBe(10);
    expect(file.position).toBe(5000);
    expect((await file.read(100)).length).toBe(0);
    expect(file.position).toBe(5000);
    expect(p).toBe(1003);
    await file.close();
    const want = pattern(5000);
    want.set([9, 9, 9], 1000);
    want.set([120, 121], 10);
    expect(sameBytes(server.fs.readFile('/f'), want)).toBeUndefined();
    await client.close();
  });

  it('a zero-length read sends nothing and returns an empty array', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', 'abc');
    const client = await server.connect();
    const file = await client.open('/f');
    expect((await file.read(0, 0)).length).toBe(0);
    expect(server.count(T.READ)).toBe(0);
    await file.close();
    await client.close();
  });

  it("opening with 'a' starts at the end", async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', 'hello');
    const client = await server.connect();
    const file = await client.open('/f', 'a');
    expect(file.position).toBe(5);
    await file.write(' world');
    await file.close();
    expect(new TextDecoder().decode(server.fs.readFile('/f'))).toBe('hello world');
    await client.close();
  });
});

describe('streams', () => {
  it('createReadStream: start and end are inclusive', async () => {
    const server = new MemoryServer({ order: 'reverse' });
    const data = pattern(3000);
    server.fs.writeFile('/f', data);
    const client = await server.connect({ chunkSize: 256, concurrency: 4 });
    const cases: [{ start?: number; end?: number }, Uint8Array][] = [
      [{ start: 10, end: 10 }, data.subarray(10, 11)],
      [{ start: 0, end: 0 }, data.subarray(0, 1)],
      [{ end: 255 }, data.subarray(0, 256)],
      [{ end: 256 }, data.subarray(0, 257)],
      [{ start: 2999 }, data.subarray(2999)],
      [{ start: 3000 }, new Uint8Array(0)],
      [{ start: 5000 }, new Uint8Array(0)],
      [{ start: 100, end: 10_000 }, data.subarray(100)],
      [{ start: 5 }, data.subarray(5)],
    ];
    for (const [o, want] of cases) {
      expect(
        sameBytes(await within(drain(client.createReadStream('/f', o))), want),
        JSON.stringify(o),
      ).toBeUndefined();
    }
    expect(server.openHandles).toBe(0);
    await client.close();
  });

  it('createReadStream of a missing file errors the stream with ENOENT', async () => {
    const server = new MemoryServer();
    const client = await server.connect();
    const r = await outcome(within(drain(client.createReadStream('/missing'))));
    expect((r as { error: SFTPError }).error.code).toBe('ENOENT');
    await client.close();
  });

  it('createReadStream stops asking when the consumer does not read (backpressure)', async () => {
    const server = new MemoryServer();
    const data = pattern(1 << 20);
    server.fs.writeFile('/f', data);
    const client = await server.connect({ chunkSize: 1024, concurrency: 4 });
    const reader = client.createReadStream('/f').getReader();
    const first = await reader.read();
    for (let i = 0; i < 20; i++) await tick();
    // One chunk taken, 16 queued, and at most a pipeline's worth held back.
    expect(server.count(T.READ)).toBeLessThanOrEqual(1 + 16 + 4 + 4);
    const rest: Uint8Array[] = [first.value!];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest.push(value);
    }
    expect(sameBytes(concat(rest), data)).toBeUndefined();
    await client.close();
  });

  it('cancelling a read stream stops the reads and closes the handle', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', pattern(1 << 20));
    const client = await server.connect({ chunkSize: 1024, concurrency: 4 });
    const reader = client.createReadStream('/f').getReader();
    await reader.read();
    await reader.cancel('enough');
    for (let i = 0; i < 10; i++) await tick();
    const reads = server.count(T.READ);
    for (let i = 0; i < 10; i++) await tick();
    expect(server.count(T.READ)).toBe(reads);
    expect(reads).toBeLessThan(40);
    expect(server.openHandles).toBe(0);
    await client.close();
  });

  it("createWriteStream with flags 'a' appends, and with start writes there", async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', 'hello');
    const client = await server.connect({ chunkSize: 2 });
    await writeAll(client.createWriteStream('/f', { flags: 'a' }), new TextEncoder().encode(' world'), [3]);
    expect(new TextDecoder().decode(server.fs.readFile('/f'))).toBe('hello world');
    await writeAll(
      client.createWriteStream('/f', { flags: 'r+', start: 6 }),
      new TextEncoder().encode('W'),
      [1],
    );
    expect(new TextDecoder().decode(server.fs.readFile('/f'))).toBe('hello World');
    await writeAll(client.createWriteStream('/g', { mode: 0o600 }), new TextEncoder().encode('x'), [1]);
    expect(server.fs.lookup('/g', true).node?.meta.perm).toBe(0o600);
    await client.close();
  });
});

describe('write failures', () => {
  it('a WRITE failing mid-file rejects writeFile with that SFTPError; the rest settle, the handle closes', async () => {
    const chunk = 1000;
    const server = new MemoryServer({
      order: 'reverse',
      intercept: (r) =>
        r.type === T.WRITE && readOffset(r) === 5 * chunk
          ? msg.status(r.id, FX.FAILURE, 'disk full', 'en')
          : undefined,
    });
    const client = await server.connect({ chunkSize: chunk, concurrency: 4 });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const r = await outcome(within(client.writeFile('/out', pattern(20 * chunk))));
      const error = (r as { error: SFTPError }).error;
      expect(error).toBeInstanceOf(SFTPError);
      expect([error.status, error.code, error.serverMessage, error.path]).toEqual([
        4,
        'EFAILURE',
        'disk full',
        '/out',
      ]);
      for (let i = 0; i < 10; i++) await tick();
      expect(server.inFlight.size).toBe(0);
      expect(server.openHandles).toBe(0);
      // No new WRITEs after the failure came back: at most the ones already in flight.
      expect(server.count(T.WRITE)).toBeLessThanOrEqual(6 + 4);
      expect(unhandled).toEqual([]);
      // The session is still usable.
      expect((await client.stat('/out')).size).toBeGreaterThan(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    await client.close();
  });

  it('SFTPFile.write rejects with the failing WRITE’s error and does not move the position', async () => {
    const server = new MemoryServer({
      intercept: (r) =>
        r.type === T.WRITE && readOffset(r) === 200
          ? msg.status(r.id, FX.PERMISSION_DENIED, 'no', 'en')
          : undefined,
    });
    const client = await server.connect({ chunkSize: 100, concurrency: 2 });
    const file = await client.open('/f', 'w');
    const r = await outcome(file.write(pattern(1000)));
    expect((r as { error: SFTPError }).error.code).toBe('EACCES');
    expect(file.position).toBe(0);
    await file.close();
    await client.close();
  });
});

describe('abort', () => {
  it('aborting readFile rejects with the abort reason and closes the handle', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', pattern(1 << 20));
    const client = await server.connect({ chunkSize: 1024, concurrency: 4 });
    const ac = new AbortController();
    const reason = new Error('stop now');
    let reads = 0;
    const p = outcome(within(client.readFile('/f', { signal: ac.signal })));
    while (server.count(T.READ) < 8) await tick();
    ac.abort(reason);
    const r = await p;
    expect((r as { error: unknown }).error).toBe(reason);
    reads = server.count(T.READ);
    for (let i = 0; i < 5; i++) await tick();
    expect(server.count(T.READ)).toBe(reads);
    expect(server.openHandles).toBe(0);
    await client.close();
  });

  it('readFile with an already aborted signal rejects with its reason', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', pattern(10_000));
    const client = await server.connect();
    const reason = new Error('before');
    const r = await outcome(within(client.readFile('/f', { signal: AbortSignal.abort(reason) })));
    expect((r as { error: unknown }).error).toBe(reason);
    expect(server.count(T.READ)).toBe(0);
    expect(server.openHandles).toBe(0);
    await client.close();
  });

  it('aborting while replies are held rejects once they come, with the reason', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', pattern(100_000));
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    const ac = new AbortController();
    const p = outcome(within(client.readFile('/f', { signal: ac.signal })));
    while (server.count(T.READ) < 1) await tick();
    server.holding = true;
    await tick();
    ac.abort('reason string');
    await tick();
    server.release();
    expect(((await p) as { error: unknown }).error).toBe('reason string');
    await client.close();
  });

  it('aborting createReadStream errors the stream with the reason', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', pattern(1 << 20));
    const client = await server.connect({ chunkSize: 1024, concurrency: 4 });
    const ac = new AbortController();
    const reason = new Error('stream stop');
    const reader = client.createReadStream('/f', { signal: ac.signal }).getReader();
    await reader.read();
    ac.abort(reason);
    let error: unknown;
    try {
      for (;;) if ((await within(reader.read())).done) break;
    } catch (e) {
      error = e;
    }
    expect(error).toBe(reason);
    for (let i = 0; i < 5; i++) await tick();
    expect(server.openHandles).toBe(0);
    await client.close();
  });

  it('aborting writeFile mid-transfer rejects with the reason', async () => {
    const server = new MemoryServer();
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    const ac = new AbortController();
    const reason = new Error('write stop');
    const p = outcome(within(client.writeFile('/w', pattern(1 << 20), { signal: ac.signal })));
    while (server.count(T.WRITE) < 8) await tick();
    ac.abort(reason);
    expect(((await p) as { error: unknown }).error).toBe(reason);
    expect(server.count(T.WRITE)).toBeLessThan(1 << 10);
    for (let i = 0; i < 5; i++) await tick();
    expect(server.openHandles).toBe(0);
    await client.close();
  });
});
