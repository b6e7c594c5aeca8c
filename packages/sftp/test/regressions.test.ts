// Regression tests for bugs found while the @sshts/sftp tests were written: each failed against
// the first version of the client and passes since its fix. The comment above each says what was
// wrong and how it was fixed.
import { PacketLengthError, type SSHError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { SFTPClient } from '../src/index.js';
import {
  FX,
  frame,
  MemoryServer,
  msg,
  outcome,
  pattern,
  readOffset,
  sameBytes,
  scriptedClient,
  T,
  text,
  tick,
  utf8,
  within,
} from './scripted-server.js';

describe('regressions (bugs found by review)', () => {
  // write-pipeline.ts:33 — the constructor only adds an 'abort' listener, which never fires for a
  // signal that is already aborted; readRange (read-pipeline.ts) checks `signal.aborted`, the write
  // side does not. transfers.ts writeFile / uploadFrom also open (and truncate) before looking.
  // Fix: in the WritePipeline constructor, `if (options.signal?.aborted) this.fail(options.signal.reason)`;
  // and `o.signal?.throwIfAborted()` before client.open in writeFile / uploadFrom / writeStream.
  it('writeFile with an already aborted signal rejects with its reason', async () => {
    const server = new MemoryServer();
    server.fs.writeFile('/f', 'keep me');
    const client = await server.connect();
    const reason = new Error('aborted before the call');
    const r = await outcome(
      within(client.writeFile('/f', 'new content', { signal: AbortSignal.abort(reason) })),
    );
    expect(r.ok).toBe(false);
    expect((r as { error: unknown }).error).toBe(reason);
    expect(server.count(T.WRITE)).toBe(0);
    await client.close();
  });

  it('writeFile aborted while its OPEN is in flight rejects with the reason', async () => {
    const server = new MemoryServer();
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    const ac = new AbortController();
    const reason = new Error('aborted during OPEN');
    const p = outcome(within(client.writeFile('/f', pattern(100_000), { signal: ac.signal })));
    ac.abort(reason); // the OPEN has been sent, not yet answered
    const r = await p;
    expect(r.ok).toBe(false);
    expect((r as { error: unknown }).error).toBe(reason);
    await client.close();
  });

  // streams.ts:89–104 — when a WRITE fails (or the signal aborts), WritePipeline.push rejects, so
  // the sink's write() rejects and the WritableStream becomes errored. The Streams spec then calls
  // neither the sink's close() nor its abort() (abort only runs for a pending abort request), so
  // `close()` — the only thing that sends CLOSE — never runs: the remote handle leaks for the life
  // of the session. Fix: in write(), catch the failure, close the file (await pipeline.finish()
  // first), and rethrow; e.g. `try { await pipeline!.push(chunk) } catch (e) { await
  // pipeline!.finish().catch(() => {}); await close!().catch(() => {}); throw e }`.
  it('createWriteStream closes its remote handle when a WRITE fails', async () => {
    const server = new MemoryServer({
      intercept: (r) =>
        r.type === T.WRITE && readOffset(r) === 0
          ? msg.status(r.id, FX.FAILURE, 'disk full', 'en')
          : undefined,
    });
    const client = await server.connect({ chunkSize: 100, concurrency: 2 });
    const writer = client.createWriteStream('/f').getWriter();
    let failed: unknown;
    for (let i = 0; i < 5 && failed === undefined; i++) {
      const r = await outcome(writer.write(pattern(300)));
      if (!r.ok) failed = r.error;
      await tick();
    }
    expect((failed as SSHError).code).toBe('EFAILURE');
    await outcome(writer.close());
    for (let i = 0; i < 5; i++) await tick();
    expect(server.count(T.CLOSE)).toBe(1);
    expect(server.openHandles).toBe(0);
    await client.close();
  });

  // session.ts:121–127 with write-pipeline.ts:43–47 — SftpSession.request() waits for a free slot
  // (maxOutstanding) *before* it runs `body`, the code that copies the WRITE data into the message.
  // WritePipeline.push() does not wait for that: it returns once its own `concurrency` allows, so
  // createWriteStream's write() resolves while the chunk is still only referenced. A caller that
  // reuses its buffer after `await writer.write(buf)` (normal for streams) uploads the new
  // contents. It takes the session's slots being full: maxOutstanding below a transfer's
  // concurrency, or several transfers at once (default 1024 slots = 16 transfers of 64).
  // Fix: serialise the message synchronously in request() before waiting (build it, then wait for
  // the slot, then assign the id — e.g. patch the id into the built bytes), or copy the piece in
  // WritePipeline.send(), or have push() await the request having been written.
  it('createWriteStream uploads the bytes given to write(), even if the caller reuses the buffer after', async () => {
    const server = new MemoryServer();
    const client = await server.connect({ chunkSize: 4, concurrency: 4, maxOutstanding: 1 });
    const writer = client.createWriteStream('/f').getWriter();
    const buffer = utf8('AAAAAAAAAAAA');
    await writer.write(buffer);
    buffer.fill(0x42); // 'B': the caller reuses its buffer once write() resolved
    await writer.write(utf8('CC'));
    await within(writer.close());
    expect(text(server.fs.readFile('/f'))).toBe('AAAAAAAAAAAACC');
    await client.close();
  });

  // write-pipeline.ts:46 (and :55) — the file's header says "The first failure stops new writes;
  // those in flight are awaited before it is thrown", but push() throws as soon as `failed` is set,
  // without waiting for the WRITEs still in flight. writeFile / SFTPFile.write / put then reject
  // and send CLOSE (and put even REMOVE) while earlier WRITEs are unanswered; on a server that
  // processes same-handle requests in parallel (draft-02 §6.1 allows it for non-overlapping
  // writes) the late WRITEs can land after the caller saw the failure and, e.g., retried.
  // Fix: in push(), on failure `while (this.inFlight > 0) await this.slot();` before throwing
  // (or make callers always go through finish()).
  it('writeFile rejects only after every WRITE already in flight has been answered', async () => {
    const events: string[] = [];
    const server: MemoryServer = new MemoryServer({
      intercept: (r, s) => {
        if (r.type === T.CLOSE) events.push('CLOSE sent by the client');
        if (r.type !== T.WRITE) return undefined;
        const offset = readOffset(r);
        if (offset === 0) return msg.status(r.id, FX.FAILURE, 'disk full', 'en');
        const reply = s.respond(r); // done now, answered 30 ms later
        setTimeout(() => {
          events.push(`WRITE ${offset} answered`);
          s.sendReply(r, reply);
        }, 30);
        return null;
      },
    });
    const client = await server.connect({ chunkSize: 100, concurrency: 4 });
    const r = await outcome(within(client.writeFile('/f', pattern(1000))));
    expect((r as { error: SSHError }).error.code).toBe('EFAILURE');
    const unanswered = [...server.inFlight.values()].filter((t) => t === T.WRITE).length;
    events.push(`writeFile rejected with ${unanswered} WRITEs unanswered`);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(events).toEqual([
      'WRITE 100 answered',
      'WRITE 200 answered',
      'WRITE 300 answered',
      // writeFile's finally closes the file (awaiting the reply) before it rejects.
      'CLOSE sent by the client',
      'writeFile rejected with 0 WRITEs unanswered',
    ]);
    await client.close();
  });

  // client.ts:505–506 (and transfers.ts:55, :72 for per-transfer options) — a chunkSize given by
  // the caller is used as it is. A READ of N bytes is answered by a DATA message of N + 9 bytes,
  // so any chunkSize over 262135 makes a conforming server's reply exceed our own 256 KiB
  // MAX_MESSAGE_LENGTH: PacketLengthError, and the whole session dies. (A WRITE of that size is
  // also over OpenSSH sftp-server's SFTP_MAX_MSG_LENGTH, which makes it exit.) OpenSSH's client
  // sizes to SFTP_MAX_MSG_LENGTH − 1024 for the same reason.
  // Fix: clamp readChunk / writeChunk (and o.chunkSize) to MAX_CHUNK_SIZE (or maxMessageLength −
  // 1024), or refuse larger values with a RangeError up front.
  it('a chunkSize over 256 KiB − 9 does not kill the session with our own PacketLengthError', async () => {
    const server = new MemoryServer();
    const data = pattern(600_000);
    server.fs.writeFile('/f', data);
    const connected = await outcome(server.connect({ chunkSize: 256 * 1024 }));
    if (!connected.ok) {
      // Refusing the option up front is a fix too.
      expect(connected.error).toBeInstanceOf(RangeError);
      return;
    }
    const client = connected.value;
    const r = await outcome(within(client.readFile('/f')));
    expect(r.ok ? undefined : r.error).not.toBeInstanceOf(PacketLengthError);
    expect(r.ok && sameBytes(r.value, data)).toBeUndefined();
    await client.writeFile('/w', data);
    const longest = Math.max(
      ...server.wire.received.filter((q) => q.type === T.WRITE).map((q) => q.raw.length - 4),
    );
    expect(longest).toBeLessThanOrEqual(256 * 1024);
    await client.close();
  });

  // client.ts:280–283 — readdir sends READDIR again for as long as the server answers with a NAME,
  // including a NAME of zero entries. Draft-02 §6.7 says a NAME carries "one or more names"; a
  // server that keeps answering with empty NAMEs (a bug or hostile) makes readdir spin forever,
  // growing nothing but never ending. OpenSSH's client (sftp-client.c do_lsreaddir) treats
  // count 0 as the end: `if (count == 0) break;`. (read-pipeline.ts does the same for an empty
  // DATA: "a zero-length DATA reply does not loop forever".)
  // Fix: `if (batch === undefined || batch.length === 0) break;`.
  it('readdir treats an empty NAME as the end of the listing instead of asking again and again', async () => {
    let readdirs = 0;
    const server = new MemoryServer({
      intercept: (r) => {
        if (r.type !== T.READDIR) return undefined;
        readdirs++;
        return readdirs < 1000 ? msg.name(r.id, []) : msg.status(r.id, FX.EOF, '', '');
      },
    });
    server.fs.mkdir('/d');
    const client = await server.connect();
    expect(await within(client.readdir('/d'))).toEqual([]);
    expect(readdirs).toBeLessThanOrEqual(2);
    await client.close();
  });

  // transfers.ts:95 and :117 — readFile ignores the end offset readToEnd resolves with and trims
  // to the furthest byte delivered instead. When the EOF found is below data already delivered —
  // a short read, the file then shrinks (or is rewritten) before the re-request of the rest — it
  // returns bytes past the EOF with a hole of zeros that never was in the file. SFTPFile.read and
  // createReadStream stop at the EOF in the same situation (SFTPFile.read uses `endedAt`).
  // Fix: `const end = await readToEnd(...)`, then `buffer.slice(0, Math.min(length, end))`.
  // (get() has the same shape: data beyond the EOF is already in the local file.)
  it('readFile stops at the EOF it found, never returning a hole of zeros past it', async () => {
    let shrunk = false;
    const server: MemoryServer = new MemoryServer({
      // The first READ is answered short (as a server clamping its reads would) …
      shortRead: (offset, length) => (offset === 0 ? 500 : length),
      intercept: (r, s) => {
        // … and before the client asks for the rest of that range, the file is truncated to 500.
        if (r.type === T.READ && readOffset(r) === 500 && !shrunk) {
          shrunk = true;
          s.fs.setContent('/f', pattern(500));
        }
        return undefined;
      },
    });
    server.fs.writeFile('/f', pattern(4000));
    const client = await server.connect({ chunkSize: 1000, concurrency: 4 });
    const got = await within(client.readFile('/f'));
    // SFTPFile.read in the same situation stops at 500 (pipelines.test.ts checks it).
    expect(got.length).toBe(500);
    expect(sameBytes(got, pattern(500))).toBeUndefined();
    await client.close();
  });

  // client.ts:188–206 — get / put / uploadDir / downloadDir are declared to return a Promise but
  // are not `async`: `this.local()` throws synchronously when no LocalFiles is set (the
  // browser-safe entry). `client.get(a, b).catch(handle)` then throws past the handler.
  // Fix: make the four methods `async` (or wrap in `Promise.resolve().then(...)`).
  it('get / put / uploadDir / downloadDir without local files reject instead of throwing synchronously', async () => {
    const server = new MemoryServer();
    const client = await server.connect();
    expect(SFTPClient.localFiles).toBeUndefined();
    const calls: [string, () => Promise<unknown>][] = [
      ['get', () => client.get('/a', '/b')],
      ['put', () => client.put('/a', '/b')],
      ['uploadDir', () => client.uploadDir('/a', '/b')],
      ['downloadDir', () => client.downloadDir('/a', '/b')],
    ];
    for (const [name, call] of calls) {
      let thrown: unknown;
      let promise: Promise<unknown> | undefined;
      try {
        promise = call();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `${name} threw synchronously`).toBeUndefined();
      const r = await outcome(promise!);
      expect((r as { error: SSHError }).error.code).toBe('ERR_NO_LOCAL_FILES');
    }
    await client.close();
  });

  // session.ts:188 vs replies.ts:60 — the same DATA reply is judged differently depending on how
  // the transport cut it. Inside one chunk it goes through expectData, which reads the string and
  // ignores anything after it; split across chunks (with ≥ 9 bytes in the first piece) it goes
  // through dispatchParts, which demands `dataLength === length − 9` and otherwise throws from the
  // read loop — ending the whole session for every request in flight. So a DATA with one trailing
  // byte works or kills the connection according to TCP / channel packet boundaries.
  // Fix: one rule for both paths — e.g. in dispatchParts accept `dataLength <= length − 9` (drop
  // the tail, as expectData does), or make expectData refuse trailing bytes (reader.end()) too.
  it('a DATA reply with a trailing byte gets the same outcome whether or not it arrives in one chunk', async () => {
    const outcomes: string[] = [];
    for (const split of [false, true]) {
      const { client, server } = await scriptedClient({ chunkSize: 100 });
      const open = client.open('/f');
      server.send(msg.handle((await server.next()).id, 'h'));
      const file = await open;
      const p = outcome(within(file.read(50, 0)));
      const r = await server.next();
      const reply = frame((w) => w.byte(T.DATA).uint32(r.id).string(pattern(50)).byte(0));
      if (split) {
        server.sendBytes(reply.subarray(0, 20));
        server.sendBytes(reply.subarray(20));
      } else server.send(reply);
      const result = await p;
      outcomes.push(result.ok ? `read ${result.value.length} bytes` : `${(result.error as Error).name}`);
      await client.close();
    }
    expect(outcomes[1]).toBe(outcomes[0]);
  });

  // client.ts:151 — open() with an append flag ('a', 'a+', 'ax', 'ax+') stats the new handle to
  // start at the end; when that FSTAT fails, the error propagates and the handle just opened is
  // never closed (the caller has no SFTPFile to close). Fix: `try { … await file.stat() … } catch
  // (e) { await file.close().catch(() => {}); throw e; }`.
  it('open(…, "a") closes the handle it opened when the FSTAT for the end position fails', async () => {
    const server = new MemoryServer({
      intercept: (r) => (r.type === T.FSTAT ? msg.status(r.id, FX.FAILURE, 'io error', 'en') : undefined),
    });
    server.fs.writeFile('/f', 'x');
    const client = await server.connect();
    const r = await outcome(within(client.open('/f', 'a')));
    expect((r as { error: SSHError }).error.code).toBe('EFAILURE');
    await tick();
    expect(server.count(T.CLOSE)).toBe(1);
    expect(server.openHandles).toBe(0);
    await client.close();
  });
});
