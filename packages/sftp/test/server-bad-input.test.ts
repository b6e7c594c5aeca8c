// SFTPServer against a hostile or broken client (checklist §12 E, turned around): framing
// errors end the session, malformed requests get BAD_MESSAGE and the session goes on, handles
// are validated (libssh CVE-2025-5318), READ lengths are clamped (libssh CVE-2026-59844's class),
// counts are checked against the bytes present, and nothing throws out of the server.
import { PacketLengthError, ProtocolError, type SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryFileSystem, SFTPServer } from '../src/index.js';
import { FX, PF, T, utf8, within } from './scripted-server.js';
import { frame, pipePair, RawClient, type RawReply, request, statusOf } from './server-helpers.js';

function server(setup?: (fs: MemoryFileSystem) => void, options = {}) {
  const fs = new MemoryFileSystem();
  setup?.(fs);
  return { fs, server: new SFTPServer(fs, options) };
}

/** OPEN path with pflags; returns the handle bytes. */
async function openHandle(
  raw: RawClient,
  id: number,
  path: string,
  pflags: number = PF.READ,
): Promise<Uint8Array> {
  const reply = await raw.ask(T.OPEN, id, (w) => w.string(path).uint32(pflags).uint32(0));
  expect(reply.type).toBe(T.HANDLE);
  return reply.r.string().slice();
}

describe('SFTPServer: framing and session errors', () => {
  it('answers INIT with VERSION 3 and the extensions, whatever version the client asks', async () => {
    for (const asked of [3, 6, 0xffffffff]) {
      const { raw, version } = await RawClient.connect(server().server, asked);
      expect(version.type).toBe(T.VERSION);
      expect(version.id).toBe(3); // the uint32 after the type is the version here
      const names: string[] = [];
      while (version.r.remaining > 0) {
        names.push(version.r.utf8());
        version.r.utf8();
      }
      expect(names).toContain('limits@openssh.com');
      await raw.end();
      await raw.served;
    }
  });

  it('a message over 256 KiB ends the session (PacketLengthError), one of exactly 256 KiB is served', async () => {
    const { server: s, fs } = server((fs) => fs.writeFile('/f', ''));
    const { raw } = await RawClient.connect(s);
    const h = await openHandle(raw, 1, '/f', PF.WRITE);
    // uint32 length 262144: type, id, handle string, offset, data string filling the rest.
    const dataLength = 262144 - (1 + 4 + 4 + h.length + 8 + 4);
    const ok = await raw.ask(T.WRITE, 2, (w) => w.string(h).uint64(0).string(new Uint8Array(dataLength)));
    expect(statusOf(ok)).toBe(FX.OK);
    expect(fs.readFile('/f').length).toBe(dataLength);
    const header = new Uint8Array([0x00, 0x04, 0x00, 0x01, T.WRITE]); // 262145
    raw.send(header);
    expect(await raw.endsWithin()).toBe(true);
    await expect(raw.served).rejects.toBeInstanceOf(PacketLengthError);
  });

  it.each([0, 1, 4])('a message of %i bytes ends the session', async (length) => {
    const { raw } = await RawClient.connect(server().server);
    raw.send(new Uint8Array([0, 0, 0, length, 1, 2, 3, 4]));
    expect(await raw.endsWithin()).toBe(true);
    await expect(raw.served).rejects.toBeInstanceOf(PacketLengthError);
  });

  it('a length of 2^32 − 1 ends the session before anything is allocated', async () => {
    const { raw } = await RawClient.connect(server().server);
    raw.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, T.READ]));
    expect(await raw.endsWithin()).toBe(true);
    await expect(raw.served).rejects.toBeInstanceOf(PacketLengthError);
  });

  it('a request before INIT, or a second INIT, ends the session', async () => {
    const raw = new RawClient(server().server);
    raw.send(raw.request(T.STAT, 1, (w) => w.string('/')));
    expect(await raw.endsWithin()).toBe(true);
    await expect(raw.served).rejects.toBeInstanceOf(ProtocolError);
    const { raw: again } = await RawClient.connect(server().server);
    again.send(again.frame((w) => w.byte(T.INIT).uint32(3)));
    expect(await again.endsWithin()).toBe(true);
    await expect(again.served).rejects.toBeInstanceOf(ProtocolError);
  });

  it('EOF mid-message ends the session quietly; an AbortSignal ends it at once', async () => {
    const { raw } = await RawClient.connect(server().server);
    raw.send(new Uint8Array([0, 0, 0, 50, T.STAT]));
    await raw.end();
    await expect(within(raw.served)).resolves.toBeUndefined();

    const { server: s } = server();
    const controller = new AbortController();
    const { client: c, server: p } = pipePair();
    const served = s.serve(p, { signal: controller.signal });
    const w = c.writable.getWriter();
    await w.write(new Uint8Array([0, 0, 0, 5, T.INIT, 0, 0, 0, 3]));
    controller.abort();
    await expect(within(served)).resolves.toBeUndefined();
  });
});

describe('SFTPServer: malformed requests get BAD_MESSAGE and the session goes on', () => {
  const cases: [string, number, (w: SSHWriter) => void][] = [
    ['OPEN with a name longer than the message', T.OPEN, (w) => w.uint32(1000).raw(utf8('/f'))],
    ['OPEN without pflags', T.OPEN, (w) => w.string('/f')],
    ['OPEN with truncated ATTRS', T.OPEN, (w) => w.string('/f').uint32(1).uint32(0x4)],
    ['READ without a length', T.READ, (w) => w.string(new Uint8Array(8)).uint64(0)],
    ['WRITE with data past the end', T.WRITE, (w) => w.string(new Uint8Array(8)).uint64(0).uint32(99)],
    [
      'SETSTAT with 2^32 − 1 extended pairs',
      T.SETSTAT,
      (w) => w.string('/f').uint32(0x80000000).uint32(0xffffffff),
    ],
    [
      'SETSTAT with a size past 2^53',
      T.SETSTAT,
      (w) =>
        w
          .string('/f')
          .uint32(1)
          .uint64(2n ** 60n),
    ],
    ['a path that is not UTF-8', T.STAT, (w) => w.string(new Uint8Array([0x2f, 0xff, 0xfe]))],
    ['a path with NUL', T.STAT, (w) => w.string(utf8('/f\0/etc/passwd'))],
    ['a handle over 256 bytes', T.CLOSE, (w) => w.string(new Uint8Array(300))],
    ['SYMLINK with one path', T.SYMLINK, (w) => w.string('/x')],
    ['EXTENDED without a name', T.EXTENDED, () => {}],
    [
      'users-groups-by-id with 5 bytes of uint32s',
      T.EXTENDED,
      (w) => w.string('users-groups-by-id@openssh.com').string(new Uint8Array(5)).string(''),
    ],
    ['copy-data truncated', T.EXTENDED, (w) => w.string('copy-data').string(new Uint8Array(8)).uint64(0)],
  ];
  it.each(cases)('%s', async (_label, type, build) => {
    // (names given, so users-groups-by-id is offered and its fields are parsed)
    const fs = new MemoryFileSystem({ users: { 0: 'root' } });
    fs.writeFile('/f', 'data');
    const { raw } = await RawClient.connect(new SFTPServer(fs));
    const reply = await raw.ask(type, 7, build);
    expect([reply.id, statusOf(reply)]).toEqual([7, FX.BAD_MESSAGE]);
    const after = await raw.ask(T.STAT, 8, (w) => w.string('/f'));
    expect(after.type).toBe(T.ATTRS);
    expect(fs.readFile('/f').length).toBe(4);
    await raw.end();
    await raw.served;
  });

  it('users-groups-by-id: a bad packing is BAD_MESSAGE where the extension is offered', async () => {
    const fs = new MemoryFileSystem({ users: { 0: 'root' } });
    const { raw } = await RawClient.connect(new SFTPServer(fs));
    const bad = await raw.ask(T.EXTENDED, 1, (w) =>
      w.string('users-groups-by-id@openssh.com').string(new Uint8Array(5)).string(''),
    );
    expect(statusOf(bad)).toBe(FX.BAD_MESSAGE);
    // 65 000 ids fit in a request; with no names their reply fits too …
    const ids = new Uint8Array(4 * 65_000);
    for (let i = 0; i < 65_000; i++) new DataView(ids.buffer).setUint32(i * 4, i + 1);
    const many = await raw.ask(T.EXTENDED, 2, (w) =>
      w.string('users-groups-by-id@openssh.com').string(ids).string(''),
    );
    expect(many.type).toBe(T.EXTENDED_REPLY);
    expect(many.r.string().length).toBe(65_000 * 4);
    // … but 65 000 × "root" would not: FAILURE rather than a reply over 256 KiB.
    const roots = await raw.ask(T.EXTENDED, 3, (w) =>
      w
        .string('users-groups-by-id@openssh.com')
        .string(new Uint8Array(4 * 65_000))
        .string(''),
    );
    expect(statusOf(roots)).toBe(FX.FAILURE);
    await raw.end();
  });

  it('unknown request types and unknown extensions are OP_UNSUPPORTED', async () => {
    const { raw } = await RawClient.connect(server().server);
    for (const [id, type] of [
      [1, 0],
      [2, 21],
      [3, T.STATUS],
      [4, T.VERSION],
      [5, 250],
    ] as const) {
      const reply = await raw.ask(type, id, (w) => w.string('junk'));
      expect([reply.id, statusOf(reply)]).toEqual([id, FX.OP_UNSUPPORTED]);
    }
    const ext = await raw.ask(T.EXTENDED, 9, (w) => w.string('nonsense@example.com').string('x'));
    expect(statusOf(ext)).toBe(FX.OP_UNSUPPORTED);
    await raw.end();
  });

  it('trailing bytes after a request are ignored, as sftp-server does', async () => {
    const { raw } = await RawClient.connect(server().server);
    const reply = await raw.ask(T.REALPATH, 1, (w) => w.string('/').raw(new Uint8Array(50)));
    expect(reply.type).toBe(T.NAME);
    await raw.end();
  });

  it('a client before v3 gets STATUS without message and language strings', async () => {
    const { raw } = await RawClient.connect(server().server, 2);
    const reply = await raw.ask(T.STAT, 1, (w) => w.string('/missing'));
    expect(statusOf(reply)).toBe(FX.NO_SUCH_FILE);
    expect(reply.r.remaining).toBe(0);
    await raw.end();
  });

  it('random bytes as requests never crash the server: each gets a reply or ends the session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (messages) => {
          const { fs, server: s } = server((fs) => {
            fs.writeFile('/f', 'data');
            fs.mkdirp('/d');
          });
          const { raw } = await RawClient.connect(s);
          let id = 0;
          for (const [type, body] of messages) {
            if (type === T.INIT) continue;
            const reply = await within(
              raw.ask(type, ++id, (w) => w.raw(body)),
              2000,
              'reply',
            );
            expect(reply.id).toBe(id);
          }
          await raw.end();
          await within(raw.served);
          expect(fs.readFile('/f').length).toBeLessThanOrEqual(300);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('SFTPServer: handles', () => {
  it('unknown, closed, truncated and wrong-kind handles are FAILURE for every handle request', async () => {
    const { server: s } = server((fs) => {
      fs.writeFile('/f', 'data');
      fs.mkdirp('/d');
    });
    const { raw } = await RawClient.connect(s);
    const file = await openHandle(raw, 1, '/f', PF.READ | PF.WRITE);
    const dirReply = await raw.ask(T.OPENDIR, 2, (w) => w.string('/d'));
    const dir = dirReply.r.string().slice();
    const closed = await openHandle(raw, 3, '/f');
    expect(statusOf(await raw.ask(T.CLOSE, 4, (w) => w.string(closed)))).toBe(FX.OK);
    const bogus = [
      new Uint8Array(0),
      new Uint8Array(8).fill(0xff),
      closed,
      file.subarray(0, 4),
      new Uint8Array(256),
    ];
    let id = 10;
    for (const h of bogus) {
      const requests: [number, (w: SSHWriter) => void][] = [
        [T.READ, (w) => w.string(h).uint64(0).uint32(10)],
        [T.WRITE, (w) => w.string(h).uint64(0).string('x')],
        [T.FSTAT, (w) => w.string(h)],
        [T.FSETSTAT, (w) => w.string(h).uint32(0)],
        [T.READDIR, (w) => w.string(h)],
        [T.CLOSE, (w) => w.string(h)],
        [T.EXTENDED, (w) => w.string('fsync@openssh.com').string(h)],
        [T.EXTENDED, (w) => w.string('fstatvfs@openssh.com').string(h)],
      ];
      for (const [type, fields] of requests) {
        const n = ++id;
        const reply = await raw.ask(type, n, fields);
        expect([reply.id, statusOf(reply)]).toEqual([n, FX.FAILURE]);
      }
    }
    // The wrong kind: a directory handle to READ, a file handle to READDIR.
    expect(statusOf(await raw.ask(T.READ, 90, (w) => w.string(dir).uint64(0).uint32(10)))).toBe(FX.FAILURE);
    expect(statusOf(await raw.ask(T.READDIR, 91, (w) => w.string(file)))).toBe(FX.FAILURE);
    // The real ones still work.
    expect((await raw.ask(T.READ, 92, (w) => w.string(file).uint64(0).uint32(10))).type).toBe(T.DATA);
    expect((await raw.ask(T.READDIR, 93, (w) => w.string(dir))).type).toBe(T.NAME);
    await raw.end();
    await raw.served;
  });

  it('handles are never reused within a session', async () => {
    const { server: s } = server((fs) => fs.writeFile('/f', 'x'));
    const { raw } = await RawClient.connect(s);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const h = await openHandle(raw, i * 2, '/f');
      seen.add([...h].join(','));
      expect(statusOf(await raw.ask(T.CLOSE, i * 2 + 1, (w) => w.string(h)))).toBe(FX.OK);
    }
    expect(seen.size).toBe(50);
    await raw.end();
  });
});

describe('SFTPServer: bounded replies', () => {
  it('a READ of 2^32 − 1 bytes returns at most 261120 (sftp-server SFTP_MAX_READ_LENGTH)', async () => {
    const big = new Uint8Array(600_000).fill(7);
    const { server: s } = server((fs) => fs.writeFile('/big', big));
    const { raw } = await RawClient.connect(s);
    const h = await openHandle(raw, 1, '/big');
    const reply = await raw.ask(T.READ, 2, (w) => w.string(h).uint64(0).uint32(0xffffffff));
    expect(reply.type).toBe(T.DATA);
    expect(reply.r.string().length).toBe(261120);
    expect(reply.length).toBeLessThanOrEqual(262144);
    const tail = await raw.ask(T.READ, 3, (w) => w.string(h).uint64(590_000).uint32(0xffffffff));
    expect(tail.r.string().length).toBe(10_000);
    expect(statusOf(await raw.ask(T.READ, 4, (w) => w.string(h).uint64(600_000).uint32(10)))).toBe(FX.EOF);
    expect(
      statusOf(
        await raw.ask(T.READ, 5, (w) =>
          w
            .string(h)
            .uint64(2n ** 64n - 1n)
            .uint32(10),
        ),
      ),
    ).toBe(FX.EOF);
    const empty = await raw.ask(T.READ, 6, (w) => w.string(h).uint64(0).uint32(0));
    expect([empty.type, empty.r.string().length]).toEqual([T.DATA, 0]);
    await raw.end();
  });

  it('a WRITE at an offset past 2^53 is FAILURE, not a crash or a huge allocation', async () => {
    const { server: s, fs } = server((fs) => fs.writeFile('/f', ''));
    const { raw } = await RawClient.connect(s);
    const h = await openHandle(raw, 1, '/f', PF.WRITE);
    expect(
      statusOf(
        await raw.ask(T.WRITE, 2, (w) =>
          w
            .string(h)
            .uint64(2n ** 63n)
            .string('x'),
        ),
      ),
    ).toBe(FX.FAILURE);
    expect(fs.usedBytes).toBe(0);
    await raw.end();
  });

  it('NAME replies stay under 256 KiB whatever the names (long names over several READDIRs)', async () => {
    const { server: s } = server((fs) => {
      fs.mkdirp('/d');
      for (let i = 0; i < 600; i++) fs.writeFile(`/d/${String(i).padStart(4, '0')}${'n'.repeat(250)}`, '');
    });
    const { raw } = await RawClient.connect(s);
    const h = (await raw.ask(T.OPENDIR, 1, (w) => w.string('/d'))).r.string().slice();
    let total = 0;
    for (let id = 2; ; id++) {
      const reply = await raw.ask(T.READDIR, id, (w) => w.string(h));
      if (reply.type === T.STATUS) {
        expect(statusOf(reply)).toBe(FX.EOF);
        break;
      }
      expect(reply.length).toBeLessThanOrEqual(262144);
      total += reply.r.uint32();
    }
    expect(total).toBe(602);
    await raw.end();
  });
});

describe('SFTPServer: ordering and flow control (draft-02 §6.1)', () => {
  /** A MemoryFileSystem whose file reads take a random while: shared READs overlap. */
  function slowReads(fs: MemoryFileSystem, seed: number): MemoryFileSystem {
    let x = seed;
    const rand = () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x / 0x7fffffff;
    };
    const open = fs.open.bind(fs);
    fs.open = async (path, flags, mode) => {
      const f = await open(path, flags, mode);
      const read = f.read.bind(f);
      f.read = async (buffer, position) => {
        await new Promise((r) => setTimeout(r, rand() * 5));
        return read(buffer, position);
      };
      return f;
    };
    return fs;
  }

  it('replies for one handle come in request order; a WRITE is seen by the READs after it', async () => {
    const fs = slowReads(new MemoryFileSystem(), 42);
    fs.writeFile('/a', new Uint8Array(64 * 1024).fill(1));
    fs.writeFile('/b', new Uint8Array(64 * 1024).fill(2));
    const { raw } = await RawClient.connect(new SFTPServer(fs));
    const a = await openHandle(raw, 1, '/a', PF.READ | PF.WRITE);
    const b = await openHandle(raw, 2, '/b');
    const sent: { id: number; handle: 'a' | 'b'; at: number }[] = [];
    let id = 100;
    for (let i = 0; i < 40; i++) {
      const h = i % 3 === 0 ? 'b' : 'a';
      const n = ++id;
      sent.push({ id: n, handle: h, at: (i * 1000) % 60000 });
      raw.send(
        raw.request(T.READ, n, (w) =>
          w
            .string(h === 'a' ? a : b)
            .uint64((i * 1000) % 60000)
            .uint32(1000),
        ),
      );
      if (i === 20)
        raw.send(
          raw.request(T.WRITE, 999, (w) =>
            w
              .string(a)
              .uint64(0)
              .string(new Uint8Array(64 * 1024).fill(9)),
          ),
        );
    }
    const replies: RawReply[] = [];
    for (let i = 0; i < 41; i++) replies.push(await raw.next());
    const order = (h: 'a' | 'b') =>
      replies
        .map((r) => r.id)
        .filter((rid) => sent.find((s) => s.id === rid)?.handle === h || (h === 'a' && rid === 999));
    const expectedA = [...sent.filter((s) => s.handle === 'a').map((s) => s.id)];
    expectedA.splice(
      expectedA.findIndex((n) => n > 100 + 21),
      0,
      999,
    );
    expect(order('a')).toEqual(expectedA);
    expect(order('b')).toEqual(sent.filter((s) => s.handle === 'b').map((s) => s.id));
    for (const r of replies) {
      if (r.id === 999) continue;
      const s = sent.find((x) => x.id === r.id)!;
      const data = r.r.string();
      const want = s.handle === 'b' ? 2 : r.id > 121 ? 9 : 1;
      expect(
        data.every((byte) => byte === want),
        `reply ${r.id}`,
      ).toBe(true);
    }
    await raw.end();
  });

  it('a client that stops reading replies stops the server reading requests (bounded memory)', async () => {
    const fs = new MemoryFileSystem();
    fs.writeFile('/big', new Uint8Array(300_000));
    const s = new SFTPServer(fs);
    const { client, server: p } = pipePair();
    // Count what the server takes from its input.
    let taken = 0;
    const counted = p.readable.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          taken += chunk.length;
          c.enqueue(chunk);
        },
      }),
    );
    const served = s.serve({ readable: counted, writable: p.writable });
    served.catch(() => {});
    const writer = client.writable.getWriter();
    const reader = client.readable.getReader();
    void writer.write(frame((w) => w.byte(T.INIT).uint32(3)));
    await reader.read(); // VERSION
    void writer.write(request(T.OPEN, 1, (w) => w.string('/big').uint32(PF.READ).uint32(0)));
    const handleMsg = (await reader.read()).value!;
    const h = handleMsg.subarray(13, 13 + new DataView(handleMsg.buffer, handleMsg.byteOffset).getUint32(9));
    const one = request(T.READ, 2, (w) => w.string(h).uint64(0).uint32(261120));
    // 20 000 READs of 255 KiB: 5 GB of replies if the server answered them all into memory.
    let sent = 0;
    for (let i = 0; i < 20_000; i++) {
      void writer.write(one).catch(() => {});
      sent += one.length;
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(taken).toBeLessThan(sent / 10);
    const before = taken;
    await new Promise((r) => setTimeout(r, 200));
    expect(taken).toBe(before); // stalled, not creeping on
    await reader.cancel();
    await writer.abort().catch(() => {});
    await within(served.catch(() => {}));
  });
});
