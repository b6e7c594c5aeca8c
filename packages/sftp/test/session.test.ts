// The request engine (session.ts) driven byte by byte from a scripted server: INIT / VERSION
// (draft-02 §4), id matching, and the bad input of protocol-checklist §12 part E.
import { MalformedMessageError, PacketLengthError, ProtocolError, SFTPError, SSHError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { SFTPClient } from '../src/index.js';
import {
  concat,
  FX,
  frame,
  MemoryServer,
  msg,
  outcome,
  pattern,
  type Request,
  ScriptedServer,
  sameBytes,
  scriptedClient,
  T,
  text,
  tick,
  within,
} from './scripted-server.js';

function header(length: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length >>> 0);
  return out;
}

/** Handshake failures: fromChannel must reject with `check`'s error and close both directions. */
async function failedStart(reply: Uint8Array | ((s: ScriptedServer) => void)) {
  const server = new ScriptedServer();
  const pending = outcome(within(SFTPClient.fromChannel(server.channel), 3000, 'fromChannel'));
  const init = await server.next();
  expect(init.type).toBe(T.INIT);
  if (typeof reply === 'function') reply(server);
  else server.send(reply);
  const result = await pending;
  expect(result.ok).toBe(false);
  return { server, error: (result as { error: unknown }).error };
}

/** A READ request's fields. */
function readFields(r: Request) {
  const rd = r.reader();
  return { handle: text(rd.string()), offset: Number(rd.uint64()), length: rd.uint32() };
}

describe('INIT and VERSION (§4)', () => {
  it('sends INIT version 3 with no extensions, exactly 9 bytes', async () => {
    const server = new ScriptedServer();
    void SFTPClient.fromChannel(server.channel).catch(() => {});
    const init = await server.next();
    expect(Array.from(init.raw)).toEqual([0, 0, 0, 5, 1, 0, 0, 0, 3]);
    server.end();
  });

  it('sends the INIT extension pairs it is given', async () => {
    const server = new ScriptedServer();
    void SFTPClient.fromChannel(server.channel, { initExtensions: { 'a@example.com': '7' } }).catch(() => {});
    const init = await server.next();
    expect(init.raw).toEqual(frame((w) => w.byte(1).uint32(3).string('a@example.com').string('7')));
    server.end();
  });

  it('parses VERSION extensions, even when VERSION arrives one byte at a time', async () => {
    const { client, server } = await scriptedClient({
      extensions: { 'posix-rename@openssh.com': '1', 'statvfs@openssh.com': '2', 'x@y': '' },
      wire: { maxChunk: 1 },
    });
    expect({ ...client.extensions }).toEqual({
      'posix-rename@openssh.com': '1',
      'statvfs@openssh.com': '2',
      'x@y': '',
    });
    expect(client.limits).toBeUndefined();
    expect(server.received.length).toBe(1);
    await client.close();
  });

  it('a duplicate extension name keeps the last value', async () => {
    const server = new ScriptedServer();
    const pending = SFTPClient.fromChannel(server.channel);
    await server.next();
    server.send(
      msg.version(3, [
        ['a', '1'],
        ['a', '2'],
      ]),
    );
    const client = await pending;
    expect(client.extensions.a).toBe('2');
    await client.close();
  });

  for (const version of [0, 1, 2, 4, 5, 6, 0xffffffff]) {
    it(`refuses VERSION ${version} with ERR_SFTP_VERSION and closes the pipe`, async () => {
      const { server, error } = await failedStart(msg.version(version));
      expect(error).toBeInstanceOf(SSHError);
      expect((error as SSHError).code).toBe('ERR_SFTP_VERSION');
      expect(server.pipeClosed).toBe(true);
    });
  }

  const malformed: [string, Uint8Array][] = [
    ['a name without data', frame((w) => w.byte(T.VERSION).uint32(3).string('posix-rename@openssh.com'))],
    [
      'a truncated name length',
      frame((w) =>
        w
          .byte(T.VERSION)
          .uint32(3)
          .raw(new Uint8Array([0, 0])),
      ),
    ],
    [
      'a name longer than the message',
      frame((w) => w.byte(T.VERSION).uint32(3).uint32(100).raw(pattern(10))),
    ],
    [
      'data longer than the message',
      frame((w) => w.byte(T.VERSION).uint32(3).string('a').uint32(50).raw(pattern(3))),
    ],
    [
      'a name that is not UTF-8',
      frame((w) =>
        w
          .byte(T.VERSION)
          .uint32(3)
          .string(new Uint8Array([0xff, 0xfe]))
          .string('1'),
      ),
    ],
    [
      'a pair then 3 stray bytes',
      frame((w) => w.byte(T.VERSION).uint32(3).string('a').string('1').raw(pattern(3))),
    ],
  ];
  for (const [what, bytes] of malformed) {
    it(`refuses a VERSION with ${what} (MalformedMessageError) and closes the pipe`, async () => {
      const { server, error } = await failedStart(bytes);
      expect(error).toBeInstanceOf(MalformedMessageError);
      expect((error as MalformedMessageError).field).toMatch(/^VERSION\.extension-/);
      expect(server.pipeClosed).toBe(true);
    });
  }

  it('refuses a VERSION with more than 256 extensions', async () => {
    const pairs = Array.from({ length: 257 }, (_, i) => [`e${i}`, '1'] as [string, string]);
    const { server, error } = await failedStart(msg.version(3, pairs));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(server.pipeClosed).toBe(true);
  });

  it('accepts 256 extensions', async () => {
    const server = new ScriptedServer();
    const pending = SFTPClient.fromChannel(server.channel);
    await server.next();
    server.send(
      msg.version(
        3,
        Array.from({ length: 256 }, (_, i) => [`e${i}`, '1'] as [string, string]),
      ),
    );
    const client = await pending;
    expect(Object.keys(client.extensions).length).toBe(256);
    await client.close();
  });

  it('refuses a first message that is not VERSION', async () => {
    const { server, error } = await failedStart(msg.status(3, FX.OK));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(server.pipeClosed).toBe(true);
  });

  it('refuses a VERSION too short to hold the version (type only, padded to 5 bytes by garbage type)', async () => {
    // 5 bytes: VERSION with a 4-byte version is the smallest; a VERSION of 5 bytes holding only
    // 3 bytes of version cannot exist, so send type 2 + 4 bytes of a *different* message kind: the
    // only short form left is a length under 5, which the framing refuses.
    const { error } = await failedStart(concat([header(3), new Uint8Array([2, 0, 0])]));
    expect(error).toBeInstanceOf(PacketLengthError);
  });

  it('fails with ECONNRESET (status 7) when the server ends before VERSION', async () => {
    const { error, server } = await failedStart((s) => s.end());
    expect(error).toBeInstanceOf(SFTPError);
    expect((error as SFTPError).status).toBe(7);
    expect((error as SFTPError).code).toBe('ECONNRESET');
    // The server ended the readable itself; the client closed its writable.
    expect(server.writableClosed).toBe(true);
  });

  it('refuses a VERSION length over 256 KiB before reading it', async () => {
    const { error } = await failedStart(concat([header(300_000), new Uint8Array([2, 0, 0, 0, 3])]));
    expect(error).toBeInstanceOf(PacketLengthError);
  });

  it('a reply that came in the same chunk as VERSION answers nothing: the session fails', async () => {
    const server = new ScriptedServer();
    const pending = SFTPClient.fromChannel(server.channel);
    await server.next();
    server.send(msg.version(3), msg.status(0, FX.OK));
    const client = await pending;
    const r = await outcome(within(client.stat('/a')));
    expect(r.ok).toBe(false);
    expect((r as { error: unknown }).error).toBeInstanceOf(ProtocolError);
  });
});

describe('requests and replies matched by id (§6.1)', () => {
  it('matches replies sent in any order to their requests', async () => {
    const { client, server } = await scriptedClient();
    const stats = ['/a', '/b', '/c', '/d'].map((p) => client.stat(p));
    const reqs = await server.take(4);
    expect(reqs.map((r) => [r.type, text(r.reader().string())])).toEqual([
      [T.STAT, '/a'],
      [T.STAT, '/b'],
      [T.STAT, '/c'],
      [T.STAT, '/d'],
    ]);
    expect(new Set(reqs.map((r) => r.id)).size).toBe(4);
    for (const [i, r] of [...reqs.entries()].reverse()) server.send(msg.attrs(r.id, { size: i * 10 }));
    expect((await Promise.all(stats)).map((a) => a.size)).toEqual([0, 10, 20, 30]);
    await client.close();
  });

  it('a reply to an id never sent fails every pending request and every later one with a ProtocolError', async () => {
    const { client, server } = await scriptedClient();
    const a = outcome(within(client.stat('/a')));
    const b = outcome(within(client.lstat('/b')));
    const reqs = await server.take(2);
    const unknown = Math.max(...reqs.map((r) => r.id)) + 100;
    server.send(msg.status(unknown, FX.OK));
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.ok || rb.ok).toBe(false);
    const error = (ra as { error: unknown }).error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('ERR_PROTOCOL');
    expect((rb as { error: unknown }).error).toBe(error);
    const later = await outcome(within(client.stat('/c')));
    expect((later as { error: unknown }).error).toBe(error);
    // Nothing more was sent, and the pipe is closed.
    await tick();
    expect(server.received.length).toBe(3);
    expect(server.pipeClosed).toBe(true);
  });

  it('a reply sent twice fails the other pending requests and later ones', async () => {
    const { client, server } = await scriptedClient();
    const a = client.stat('/a');
    const b = outcome(within(client.stat('/b')));
    const [ra, rb] = await server.take(2);
    server.send(msg.attrs(ra!.id, { size: 1 }));
    expect((await a).size).toBe(1);
    server.send(msg.attrs(ra!.id, { size: 2 }));
    const result = await b;
    expect(result.ok).toBe(false);
    expect((result as { error: unknown }).error).toBeInstanceOf(ProtocolError);
    expect(rb).toBeDefined();
    const later = await outcome(within(client.stat('/c')));
    expect((later as { error: unknown }).error).toBe((result as { error: unknown }).error);
  });

  it('a reply of the wrong type fails only that request', async () => {
    const { client, server } = await scriptedClient();
    const a = outcome(client.stat('/a'));
    const [ra] = await server.take(1);
    server.send(msg.handle(ra!.id, 'h'));
    const result = await a;
    expect((result as { error: unknown }).error).toBeInstanceOf(ProtocolError);
    const b = client.stat('/b');
    const [rb] = await server.take(1);
    server.send(msg.attrs(rb!.id, { size: 5 }));
    expect((await b).size).toBe(5);
    await client.close();
  });

  it('STATUS OK where ATTRS was expected is a ProtocolError', async () => {
    const { client, server } = await scriptedClient();
    const a = outcome(client.stat('/a'));
    server.send(msg.status((await server.next()).id, FX.OK));
    expect((await a).ok).toBe(false);
    expect(((await a) as { error: unknown }).error).toBeInstanceOf(ProtocolError);
    await client.close();
  });

  it('gives every in-flight request a distinct id, and skips ids still in flight when the counter wraps', async () => {
    const { client, server } = await scriptedClient();
    const first = client.stat('/first');
    const [r0] = await server.take(1);
    expect(r0!.id).toBe(0);
    // Move the counter to the end of the uint32 range (a private field: only a test does this).
    (client as unknown as { session: { nextId: number } }).session.nextId = 0xffffffff;
    const more = [client.stat('/x'), client.stat('/y'), client.stat('/z')];
    const reqs = await server.take(3);
    expect(reqs.map((r) => r.id)).toEqual([0xffffffff, 1, 2]);
    for (const r of [r0!, ...reqs]) server.send(msg.attrs(r.id, { size: r.id === 0 ? 100 : 1 }));
    expect((await first).size).toBe(100);
    await Promise.all(more);
    await client.close();
  });

  it('never reuses an id in flight across a thousand mixed concurrent requests answered in random order', async () => {
    const server = new MemoryServer({ order: 'shuffle', seed: 7 });
    for (let i = 0; i < 20; i++) server.fs.writeFile(`/f${i}`, pattern(i * 100));
    const client = await server.connect();
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      const p = `/f${i % 20}`;
      ops.push(i % 3 === 0 ? client.stat(p) : i % 3 === 1 ? client.lstat(p) : client.realpath(p));
    }
    const results = await within(Promise.all(ops), 10_000);
    expect((results[0] as { size: number }).size).toBe(0);
    expect((results[3] as { size: number }).size).toBe(300);
    expect(results[2]).toBe('/f2');
    expect(server.duplicateIds).toEqual([]);
    expect(server.maxInFlight).toBeGreaterThan(100);
    await client.close();
  });
});

describe('maxOutstanding', () => {
  it('keeps no more than maxOutstanding requests in flight (counted at the server)', async () => {
    const server = new MemoryServer({ order: 'reverse' });
    server.fs.writeFile('/a', 'abc');
    const client = await server.connect({ maxOutstanding: 5 });
    const results = await within(Promise.all(Array.from({ length: 60 }, () => client.stat('/a'))));
    expect(results.every((a) => a.size === 3)).toBe(true);
    expect(server.maxInFlight).toBe(5);
    expect(server.count(T.STAT)).toBe(60);
    await client.close();
  });

  it('bounds a pipelined readFile whose concurrency is higher than maxOutstanding', async () => {
    const server = new MemoryServer({ order: 'reverse' });
    const data = pattern(100_000);
    server.fs.writeFile('/big', data);
    const client = await server.connect({ maxOutstanding: 3, chunkSize: 1000, concurrency: 32 });
    expect(sameBytes(await within(client.readFile('/big')), data)).toBeUndefined();
    expect(server.maxInFlight).toBe(3);
    await client.close();
  });

  it('with maxOutstanding 1, requests still all complete in order of issue', async () => {
    const { client, server } = await scriptedClient({ maxOutstanding: 1 });
    const ps = [client.stat('/1'), client.stat('/2'), client.stat('/3')];
    for (let i = 1; i <= 3; i++) {
      const r = await server.next();
      expect(text(r.reader().string())).toBe(`/${i}`);
      await tick();
      expect(server.untaken).toBe(0); // the next one waits for this reply
      server.send(msg.attrs(r.id, { size: i }));
    }
    expect((await Promise.all(ps)).map((a) => a.size)).toEqual([1, 2, 3]);
    await client.close();
  });
});

describe('bad replies (checklist §12 E)', () => {
  it('a message over 256 KiB fails the session with PacketLengthError before it is read', async () => {
    const { client, server } = await scriptedClient();
    const a = outcome(within(client.stat('/a')));
    const r = await server.next();
    server.send(concat([header(256 * 1024 + 1), new Uint8Array([T.ATTRS]), header(r.id)]));
    const result = await a;
    expect((result as { error: unknown }).error).toBeInstanceOf(PacketLengthError);
    expect((result as { error: PacketLengthError }).error.length).toBe(262145);
    const later = await outcome(within(client.stat('/b')));
    expect((later as { error: unknown }).error).toBe((result as { error: unknown }).error);
    await tick();
    expect(server.pipeClosed).toBe(true);
  });

  for (const length of [0, 4]) {
    it(`a message of ${length} bytes fails the session with PacketLengthError`, async () => {
      const { client, server } = await scriptedClient();
      const a = outcome(within(client.stat('/a')));
      await server.next();
      server.send(concat([header(length), pattern(length)]));
      const error = ((await a) as { error: unknown }).error;
      expect(error).toBeInstanceOf(PacketLengthError);
      expect((error as PacketLengthError).length).toBe(length);
    });
  }

  it('accepts a reply of exactly 256 KiB (message length 262144), delivered in pieces', async () => {
    const { client, server } = await scriptedClient({ wire: { maxChunk: 50_000 } });
    const p = client.realpath('.');
    const r = await server.next();
    // type + id + count + filename (4 + L) + longname (4) + ATTRS flags (4) = 21 + L bytes.
    const name = 'n'.repeat(262144 - 21);
    const reply = msg.name(r.id, [{ filename: name, longname: '' }]);
    expect(new DataView(reply.buffer).getUint32(0)).toBe(262144);
    server.send(reply);
    expect((await within(p)).length).toBe(262123);
    await client.close();
  });

  it('NAME with count 2^32 − 1 is a MalformedMessageError, refused at once', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.realpath('.'), 1000));
    server.send(msg.name((await server.next()).id, [{ filename: 'x' }], 0xffffffff));
    const error = ((await p) as { error: unknown }).error;
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect((error as MalformedMessageError).field).toBe('NAME.count');
    await client.close();
  });

  it('NAME in a READDIR with a count the message cannot hold is a MalformedMessageError', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.readdir('/d'), 1000));
    server.send(msg.handle((await server.next()).id, 'dh'));
    const rd = await server.next();
    expect(rd.type).toBe(T.READDIR);
    server.send(msg.name(rd.id, [{ filename: 'a' }, { filename: 'b' }], 3));
    const close = await server.next();
    expect(close.type).toBe(T.CLOSE);
    server.send(msg.status(close.id, FX.OK));
    const error = ((await p) as { error: unknown }).error;
    expect(error).toBeInstanceOf(MalformedMessageError);
  });

  it('ATTRS with a huge extended count is a MalformedMessageError', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.stat('/a'), 1000));
    server.send(
      msg.attrs((await server.next()).id, { size: 1, extended: [['a', 'b']], extendedCount: 0xfffffff0 }),
    );
    const error = ((await p) as { error: unknown }).error;
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect((error as MalformedMessageError).field).toBe('ATTRS.extended_count');
    await client.close();
  });

  it('a HANDLE over 256 bytes is a MalformedMessageError (draft-02 §6.2)', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.open('/a')));
    server.send(msg.handle((await server.next()).id, pattern(257)));
    expect(((await p) as { error: unknown }).error).toBeInstanceOf(MalformedMessageError);
    const q = client.open('/b');
    server.send(msg.handle((await server.next()).id, pattern(256)));
    expect((await q).handle).toEqual(pattern(256));
    await client.close();
  });

  it('STATUS without message and language (pre-v3) still gives the right SFTPError', async () => {
    const { client, server } = await scriptedClient();
    const cases: [() => Promise<unknown>, number, string][] = [
      [() => client.stat('/nope'), FX.NO_SUCH_FILE, 'ENOENT'],
      [() => client.setstat('/locked', { mode: 0o600 }), FX.PERMISSION_DENIED, 'EACCES'],
      [() => client.lstat('/bad'), FX.BAD_MESSAGE, 'EBADMSG'],
      [() => client.readlink('/unsupported'), FX.OP_UNSUPPORTED, 'ENOSYS'],
      [() => client.stat('/weird'), 99, 'EFAILURE'],
    ];
    for (const [op, status, code] of cases) {
      const p = outcome(within(op()));
      const r = await server.next();
      const path = text(r.reader().string());
      server.send(msg.bareStatus(r.id, status));
      const error = ((await p) as { error: SFTPError }).error;
      expect(error).toBeInstanceOf(SFTPError);
      expect({
        status: error.status,
        code: error.code,
        serverMessage: error.serverMessage,
        path: error.path,
      }).toEqual({
        status,
        code,
        serverMessage: '',
        path,
      });
    }
    // A bare OK is success, and a bare EOF ends a directory listing.
    const set = client.setstat('/x', { mode: 0o600 });
    server.send(msg.bareStatus((await server.next()).id, FX.OK));
    await set;
    const list = client.readdir('/d');
    server.send(msg.handle((await server.next()).id, 'd'));
    server.send(msg.name((await server.next()).id, [{ filename: 'only', longname: 'l' }]));
    server.send(msg.bareStatus((await server.next()).id, FX.EOF));
    server.send(msg.bareStatus((await server.next()).id, FX.OK));
    expect((await list).map((e) => e.filename)).toEqual(['only']);
    await client.close();
  });

  it('STATUS with a message but no language tag keeps the message', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(client.stat('/x'));
    const r = await server.next();
    server.send(frame((w) => w.byte(T.STATUS).uint32(r.id).uint32(FX.NO_SUCH_FILE).string('gone')));
    const error = ((await p) as { error: SFTPError }).error;
    expect([error.code, error.serverMessage, error.path]).toEqual(['ENOENT', 'gone', '/x']);
    expect(error.message).toBe('ENOENT: gone, /x');
    await client.close();
  });

  it('DATA longer than the READ asked for is a ProtocolError', async () => {
    const { client, server } = await scriptedClient();
    const open = client.open('/f');
    server.send(msg.handle((await server.next()).id, 'h'));
    const file = await open;
    const p = outcome(within(file.read(10, 0)));
    const r = await server.next();
    expect(readFields(r)).toEqual({ handle: 'h', offset: 0, length: 10 });
    server.send(msg.data(r.id, pattern(11)));
    const error = ((await p) as { error: unknown }).error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).not.toBeInstanceOf(SFTPError);
    await client.close();
  });

  it('a DATA reply split across chunks (the zero-copy path) arrives whole; longer than asked is still a ProtocolError', async () => {
    const { client, server } = await scriptedClient({ chunkSize: 1000 });
    const open = client.open('/f');
    server.send(msg.handle((await server.next()).id, 'h'));
    const file = await open;
    const good = file.read(1000, 0);
    const r1 = await server.next();
    const reply = msg.data(r1.id, pattern(1000, 3));
    for (const [a, b] of [
      [0, 20],
      [20, 21],
      [21, 500],
      [500, reply.length],
    ])
      server.sendBytes(reply.subarray(a, b));
    expect(sameBytes(await within(good), pattern(1000, 3))).toBeUndefined();
    const bad = outcome(within(file.read(10, 0)));
    const r2 = await server.next();
    const long = msg.data(r2.id, pattern(11));
    server.sendBytes(long.subarray(0, 12));
    server.sendBytes(long.subarray(12));
    const error = ((await bad) as { error: unknown }).error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).not.toBeInstanceOf(SFTPError);
    await client.close();
  });

  it('a split DATA reply whose data length disagrees with the message is a MalformedMessageError', async () => {
    const { client, server } = await scriptedClient({ chunkSize: 100 });
    const open = client.open('/f');
    server.send(msg.handle((await server.next()).id, 'h'));
    const file = await open;
    const p = outcome(within(file.read(50, 0)));
    const r = await server.next();
    // Says 60 bytes of data, carries 40.
    const reply = frame((w) => w.byte(T.DATA).uint32(r.id).uint32(60).raw(pattern(40)));
    server.sendBytes(reply.subarray(0, 20));
    server.sendBytes(reply.subarray(20));
    expect(((await p) as { error: unknown }).error).toBeInstanceOf(MalformedMessageError);
    await client.close();
  });

  it('DATA whose string is longer than the message is a MalformedMessageError', async () => {
    const { client, server } = await scriptedClient();
    const open = client.open('/f');
    server.send(msg.handle((await server.next()).id, 'h'));
    const file = await open;
    const p = outcome(within(file.read(10, 0)));
    const r = await server.next();
    server.send(frame((w) => w.byte(T.DATA).uint32(r.id).uint32(10).raw(pattern(4))));
    expect(((await p) as { error: unknown }).error).toBeInstanceOf(MalformedMessageError);
    await client.close();
  });
});

describe('the pipe ending', () => {
  async function readFileInFlight() {
    const { client, server } = await scriptedClient({ chunkSize: 1024, concurrency: 8 });
    const reading = outcome(within(client.readFile('/big'), 3000, 'readFile'));
    const open = await server.next();
    expect(open.type).toBe(T.OPEN);
    server.send(msg.handle(open.id, 'h'));
    const fstat = await server.next();
    expect(fstat.type).toBe(T.FSTAT);
    server.send(msg.attrs(fstat.id, { size: 1 << 20, permissions: 0o100644 }));
    const reads = await server.take(8);
    expect(reads.every((r) => r.type === T.READ)).toBe(true);
    // Answer the first, so a transfer is really in progress.
    server.send(msg.data(reads[0]!.id, pattern(1024)));
    await server.next();
    const stat = outcome(within(client.stat('/other'), 3000, 'stat'));
    await tick();
    return { client, server, reading, stat };
  }

  it('EOF mid-transfer rejects every pending operation with SFTPError status 7 ECONNRESET', async () => {
    const { client, server, reading, stat } = await readFileInFlight();
    server.end();
    for (const result of [await reading, await stat]) {
      expect(result.ok).toBe(false);
      const error = (result as { error: SFTPError }).error;
      expect(error).toBeInstanceOf(SFTPError);
      expect([error.status, error.code]).toEqual([7, 'ECONNRESET']);
    }
    const later = await outcome(within(client.stat('/again')));
    expect((later as { error: SFTPError }).error.code).toBe('ECONNRESET');
    expect(server.writableClosed).toBe(true);
  });

  it('EOF in the middle of a message says so', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.stat('/a')));
    const r = await server.next();
    server.send(msg.attrs(r.id, { size: 1 }).subarray(0, 7));
    server.end();
    const error = ((await p) as { error: SFTPError }).error;
    expect(error.code).toBe('ECONNRESET');
    expect(error.serverMessage).toMatch(/mid-message/);
    await client.close();
  });

  it('the readable failing rejects everything with ECONNRESET, the cause kept', async () => {
    const { server, reading, stat } = await readFileInFlight();
    const cause = new TypeError('socket reset');
    server.fail(cause);
    for (const result of [await reading, await stat]) {
      const error = (result as { error: SFTPError }).error;
      expect([error.status, error.code]).toEqual([7, 'ECONNRESET']);
      expect(error.cause).toBe(cause);
    }
  });

  it('an SSHError from the pipe passes through as it is', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.stat('/a')));
    await server.next();
    const cause = new SSHError('ERR_DISCONNECT', 'peer went away');
    server.fail(cause);
    expect(((await p) as { error: unknown }).error).toBe(cause);
    await client.close();
  });

  it('a read stream and a write in progress reject too, and nothing hangs', async () => {
    const { client, server } = await scriptedClient({ chunkSize: 100, concurrency: 4 });
    const stream = client.createReadStream('/f', { start: 0, end: 999 });
    const reader = stream.getReader();
    const first = reader.read();
    server.send(msg.handle((await server.next()).id, 'r'));
    const reads = await server.take(4);
    server.send(msg.data(reads[0]!.id, pattern(100)));
    expect((await first).value?.length).toBe(100);
    const writing = outcome(within(client.writeFile('/w', pattern(1000))));
    server.send(msg.handle((await server.next()).id, 'w'));
    await server.next();
    server.end();
    const streamed = await outcome(within(reader.read()));
    expect((streamed as { error: SFTPError }).error.code).toBe('ECONNRESET');
    expect(((await writing) as { error: SFTPError }).error.code).toBe('ECONNRESET');
  });

  it('close() rejects pending requests with NO_CONNECTION (6, ENOTCONN) and closes the pipe', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.stat('/a')));
    await server.next();
    await within(client.close());
    const error = ((await p) as { error: SFTPError }).error;
    expect([error.status, error.code]).toEqual([6, 'ENOTCONN']);
    expect(server.pipeClosed).toBe(true);
    const later = await outcome(client.stat('/b'));
    expect((later as { error: SFTPError }).error.code).toBe('ENOTCONN');
    await client.close(); // twice is fine
  });

  it('requests waiting for a slot reject when the session ends', async () => {
    const { client, server } = await scriptedClient({ maxOutstanding: 1 });
    const a = outcome(within(client.stat('/a')));
    const b = outcome(within(client.stat('/b')));
    await server.next();
    server.end();
    for (const r of [await a, await b]) expect((r as { error: SFTPError }).error.code).toBe('ECONNRESET');
    expect(server.received.length).toBe(2); // INIT + the first stat: /b was never sent
  });
});

describe('limits@openssh.com at start', () => {
  it('a malformed limits reply fails fromChannel and closes the pipe', async () => {
    const server = new ScriptedServer();
    const pending = outcome(within(SFTPClient.fromChannel(server.channel)));
    await server.next();
    server.send(msg.version(3, { 'limits@openssh.com': '1' }));
    const req = await server.next();
    expect(req.raw).toEqual(frame((w) => w.byte(T.EXTENDED).uint32(req.id).string('limits@openssh.com')));
    server.send(msg.extendedReply(req.id, (w) => w.uint64(1).uint64(2)));
    const result = await pending;
    expect((result as { error: unknown }).error).toBeInstanceOf(MalformedMessageError);
    await tick();
    expect(server.pipeClosed).toBe(true);
  });

  it('a STATUS instead of the limits reply fails fromChannel with that status', async () => {
    const server = new ScriptedServer();
    const pending = outcome(within(SFTPClient.fromChannel(server.channel)));
    await server.next();
    server.send(msg.version(3, { 'limits@openssh.com': '1' }));
    server.send(msg.status((await server.next()).id, FX.OP_UNSUPPORTED, 'no'));
    const error = ((await pending) as { error: SFTPError }).error;
    expect([error.status, error.code]).toEqual([8, 'ENOSYS']);
  });
});
