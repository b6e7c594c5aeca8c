// What each SFTPClient method puts on the wire (draft-02 §6, PROTOCOL §4.1–§4.12), compared byte
// for byte with messages built here from the specs, and how each reply is decoded.
import { MalformedMessageError, SFTPError, SSHError, type SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { type SFTPClient, type SFTPClientOptions, unsafeName } from '../src/index.js';
import {
  ATTR,
  decodeAttrs,
  FX,
  frame,
  MemoryServer,
  msg,
  OPENSSH_EXTENSIONS,
  outcome,
  PF,
  packStrings,
  pattern,
  type ScriptedServer,
  sameBytes,
  scriptedClient,
  T,
  text,
  tick,
  utf8,
  within,
} from './scripted-server.js';

/** A request message as the spec lays it out: length, type, id, then `fields`. */
const request = (type: number, id: number, fields: (w: SSHWriter) => void) =>
  frame((w) => {
    w.byte(type).uint32(id);
    fields(w);
  });

/** Opens a file on a scripted server, answering the OPEN with `handle`. */
async function openScripted(client: SFTPClient, server: ScriptedServer, handle: string, path = '/f') {
  const p = client.open(path, 'r+');
  server.send(msg.handle((await server.next()).id, handle));
  return p;
}

describe('symlink argument order (PROTOCOL §4.1)', () => {
  const cases: [string, SFTPClientOptions, 'openssh' | 'standard'][] = [
    ['default', {}, 'openssh'],
    ['an OpenSSH server', { serverVersion: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' }, 'openssh'],
    ['an AsyncSSH server', { serverVersion: 'SSH-2.0-AsyncSSH_2.10.1' }, 'standard'],
    ['asyncssh in lower case', { serverVersion: 'SSH-2.0-asyncssh_2.14' }, 'standard'],
    ["symlinkOrder 'standard'", { symlinkOrder: 'standard' }, 'standard'],
    [
      "symlinkOrder 'openssh' over AsyncSSH",
      { symlinkOrder: 'openssh', serverVersion: 'SSH-2.0-AsyncSSH_2.10.1' },
      'openssh',
    ],
  ];
  for (const [what, options, order] of cases) {
    it(`${what}: sends ${order === 'openssh' ? '(target, link)' : '(link, target)'}`, async () => {
      const { client, server } = await scriptedClient(options);
      const p = client.symlink('the/target', '/the/link');
      const r = await server.next();
      const [first, second] = order === 'openssh' ? ['the/target', '/the/link'] : ['/the/link', 'the/target'];
      expect(r.raw).toEqual(request(T.SYMLINK, r.id, (w) => w.string(first).string(second)));
      server.send(msg.status(r.id, FX.OK));
      await p;
      await client.close();
    });
  }

  it('creates the right link on servers of either order', async () => {
    for (const order of ['openssh', 'standard'] as const) {
      const server = new MemoryServer({ symlinkOrder: order });
      server.fs.writeFile('/target', 'abc');
      const client = await server.connect({ symlinkOrder: order });
      await client.symlink('/target', '/link');
      expect(await client.readlink('/link')).toBe('/target');
      expect((await client.lstat('/link')).isSymbolicLink()).toBe(true);
      expect((await client.stat('/link')).isFile()).toBe(true);
      expect(text(await client.readFile('/link'))).toBe('abc');
      await client.close();
    }
  });
});

describe('extensions (PROTOCOL §4.3–§4.12)', () => {
  async function withAll() {
    const { 'limits@openssh.com': _, ...rest } = OPENSSH_EXTENSIONS;
    return scriptedClient({ extensions: rest });
  }

  it('posix-rename@openssh.com: string old, string new → STATUS', async () => {
    const { client, server } = await withAll();
    const p = client.rename('/old', '/new');
    const r = await server.next();
    expect(r.raw).toEqual(
      request(T.EXTENDED, r.id, (w) => w.string('posix-rename@openssh.com').string('/old').string('/new')),
    );
    server.send(msg.status(r.id, FX.OK));
    await p;
    await client.close();
  });

  it('without posix-rename, rename sends RENAME (18)', async () => {
    const { client, server } = await scriptedClient({ extensions: { 'posix-rename@openssh.com': '2' } });
    const p = client.rename('/old', '/new');
    const r = await server.next();
    expect(r.raw).toEqual(request(T.RENAME, r.id, (w) => w.string('/old').string('/new')));
    server.send(msg.status(r.id, FX.OK));
    await p;
    await client.close();
  });

  const statvfsReply = (w: SSHWriter) => {
    for (const v of [4096, 512, 1e6, 5e5, 4e5, 1000, 900, 800]) w.uint64(v);
    w.uint64(0xfedcba9876543210n).uint64(3).uint64(255);
  };
  const statvfsValue = {
    bsize: 4096,
    frsize: 512,
    blocks: 1e6,
    bfree: 5e5,
    bavail: 4e5,
    files: 1000,
    ffree: 900,
    favail: 800,
    fsid: 0xfedcba9876543210n,
    flag: 3,
    namemax: 255,
  };

  it('statvfs@openssh.com: string path → 11 × uint64', async () => {
    const { client, server } = await withAll();
    const p = client.statvfs('/mnt');
    const r = await server.next();
    expect(r.raw).toEqual(request(T.EXTENDED, r.id, (w) => w.string('statvfs@openssh.com').string('/mnt')));
    server.send(msg.extendedReply(r.id, statvfsReply));
    expect(await p).toEqual(statvfsValue);
    await client.close();
  });

  it('statvfs: a truncated reply is a MalformedMessageError; huge counts are clamped to 2^53 − 1', async () => {
    const { client, server } = await withAll();
    const p = outcome(client.statvfs('/'));
    server.send(msg.extendedReply((await server.next()).id, (w) => w.uint64(1).uint64(2)));
    expect(((await p) as { error: unknown }).error).toBeInstanceOf(MalformedMessageError);
    const q = client.statvfs('/');
    server.send(
      msg.extendedReply((await server.next()).id, (w) => {
        for (let i = 0; i < 11; i++) w.uint64(2n ** 64n - 1n);
      }),
    );
    const v = await q;
    expect(v.blocks).toBe(Number.MAX_SAFE_INTEGER);
    expect(v.fsid).toBe(2n ** 64n - 1n);
    await client.close();
  });

  it('fstatvfs@openssh.com: string handle → 11 × uint64', async () => {
    const { client, server } = await withAll();
    const file = await openScripted(client, server, 'H1');
    const p = file.statvfs();
    const r = await server.next();
    expect(r.raw).toEqual(request(T.EXTENDED, r.id, (w) => w.string('fstatvfs@openssh.com').string('H1')));
    server.send(msg.extendedReply(r.id, statvfsReply));
    expect(await p).toEqual(statvfsValue);
    await client.close();
  });

  it('hardlink@openssh.com: string old, string new → STATUS', async () => {
    const { client, server } = await withAll();
    const p = client.hardlink('/a', '/b');
    const r = await server.next();
    expect(r.raw).toEqual(
      request(T.EXTENDED, r.id, (w) => w.string('hardlink@openssh.com').string('/a').string('/b')),
    );
    server.send(msg.status(r.id, FX.OK));
    await p;
    await client.close();
  });

  it('fsync@openssh.com: string handle → STATUS', async () => {
    const { client, server } = await withAll();
    const file = await openScripted(client, server, 'H2');
    const p = file.fsync();
    const r = await server.next();
    expect(r.raw).toEqual(request(T.EXTENDED, r.id, (w) => w.string('fsync@openssh.com').string('H2')));
    server.send(msg.status(r.id, FX.FAILURE, 'io'));
    const e = ((await outcome(p)) as { error: SFTPError }).error;
    expect([e.status, e.serverMessage, e.path]).toEqual([4, 'io', '/f']);
    await client.close();
  });

  it('lsetstat@openssh.com: string path, ATTRS → STATUS', async () => {
    const { client, server } = await withAll();
    const p = client.lsetstat('/l', { mode: 0o600, atime: 1, mtime: 2 });
    const r = await server.next();
    expect(r.raw).toEqual(
      request(T.EXTENDED, r.id, (w) =>
        w
          .string('lsetstat@openssh.com')
          .string('/l')
          .uint32(ATTR.PERMISSIONS | ATTR.ACMODTIME)
          .uint32(0o600)
          .uint32(1)
          .uint32(2),
      ),
    );
    server.send(msg.status(r.id, FX.OK));
    await p;
    await client.close();
  });

  it('expand-path@openssh.com: string path → NAME', async () => {
    const { client, server } = await withAll();
    const p = client.expandPath('~/x');
    const r = await server.next();
    expect(r.raw).toEqual(
      request(T.EXTENDED, r.id, (w) => w.string('expand-path@openssh.com').string('~/x')),
    );
    server.send(msg.name(r.id, [{ filename: '/home/me/x', longname: '' }]));
    expect(await p).toBe('/home/me/x');
    await client.close();
  });

  it('copy-data: string read-handle, uint64 offset, uint64 length, string write-handle, uint64 offset', async () => {
    const { client, server } = await withAll();
    const from = await openScripted(client, server, 'R', '/src');
    const to = await openScripted(client, server, 'W', '/dst');
    const p = client.copyData(from, 10, 0, to, 2 ** 40);
    const r = await server.next();
    expect(r.raw).toEqual(
      request(T.EXTENDED, r.id, (w) =>
        w
          .string('copy-data')
          .string('R')
          .uint64(10)
          .uint64(0)
          .string('W')
          .uint64(2 ** 40),
      ),
    );
    server.send(msg.status(r.id, FX.OK));
    await p;
    await client.close();
  });

  it('home-directory: string username → NAME', async () => {
    const { client, server } = await withAll();
    const p = client.homeDirectory('alice');
    const r = await server.next();
    expect(r.raw).toEqual(request(T.EXTENDED, r.id, (w) => w.string('home-directory').string('alice')));
    server.send(msg.name(r.id, [{ filename: '/home/alice' }]));
    expect(await p).toBe('/home/alice');
    await client.close();
  });

  it('users-groups-by-id@openssh.com: packed uint32 ids → packed names', async () => {
    const { client, server } = await withAll();
    const p = client.usersGroupsById([0, 1000, 0xffffffff], [5]);
    const r = await server.next();
    const uids = new Uint8Array([0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0xff, 0xff, 0xff, 0xff]);
    expect(r.raw).toEqual(
      request(T.EXTENDED, r.id, (w) =>
        w
          .string('users-groups-by-id@openssh.com')
          .string(uids)
          .string(new Uint8Array([0, 0, 0, 5])),
      ),
    );
    server.send(
      msg.extendedReply(r.id, (w) => w.string(packStrings(['root', 'me', ''])).string(packStrings(['grp']))),
    );
    expect(await p).toEqual({ users: ['root', 'me', ''], groups: ['grp'] });
    await client.close();
  });

  it('users-groups-by-id: a wrong name count or a truncated name is a MalformedMessageError', async () => {
    const { client, server } = await withAll();
    const bad: ((w: SSHWriter) => void)[] = [
      (w) => w.string(packStrings(['a'])).string(packStrings([])), // 1 user for 2 ids
      (w) => w.string(new Uint8Array([0, 0, 0, 9, 0x61])).string(packStrings([])), // name past the string
      (w) => w.string(new Uint8Array([0, 0])).string(packStrings([])), // truncated length
      (w) => w.string(packStrings(['a', 'b'])), // groups missing
    ];
    for (const body of bad) {
      const p = outcome(client.usersGroupsById([1, 2], []));
      server.send(msg.extendedReply((await server.next()).id, body));
      expect(((await p) as { error: unknown }).error).toBeInstanceOf(MalformedMessageError);
    }
    await client.close();
  });

  it('every extension the server did not offer rejects with ENOSYS (status 8) and sends nothing', async () => {
    // Offered, but in a version whose format we do not speak: the same as not offered.
    const { client, server } = await scriptedClient({
      extensions: { 'statvfs@openssh.com': '1', 'fstatvfs@openssh.com': '1', 'hardlink@openssh.com': '2' },
    });
    const file = await openScripted(client, server, 'H');
    const before = server.received.length;
    const calls: [string, () => Promise<unknown>][] = [
      ['statvfs@openssh.com', () => client.statvfs('/')],
      ['fstatvfs@openssh.com', () => file.statvfs()],
      ['hardlink@openssh.com', () => client.hardlink('/a', '/b')],
      ['fsync@openssh.com', () => file.fsync()],
      ['lsetstat@openssh.com', () => client.lsetstat('/a', { mode: 1 })],
      ['expand-path@openssh.com', () => client.expandPath('~')],
      ['copy-data', () => client.copyData(file, 0, 0, file, 0)],
      ['home-directory', () => client.homeDirectory('me')],
      ['users-groups-by-id@openssh.com', () => client.usersGroupsById([0], [0])],
    ];
    for (const [name, call] of calls) {
      const r = await outcome(call());
      const e = (r as { error: SFTPError }).error;
      expect(e, name).toBeInstanceOf(SFTPError);
      expect([e.status, e.code]).toEqual([8, 'ENOSYS']);
      expect(e.serverMessage).toContain(name);
    }
    await tick();
    expect(server.received.length).toBe(before);
    await client.close();
  });

  it('the in-memory server agrees: extensions work end to end', async () => {
    const server = new MemoryServer({ extensions: OPENSSH_EXTENSIONS });
    server.fs.writeFile('/a', 'hello');
    server.fs.writeFile('/b', 'other');
    const client = await server.connect();
    await client.rename('/a', '/b'); // posix-rename replaces
    expect(text(server.fs.readFile('/b'))).toBe('hello');
    await client.hardlink('/b', '/c');
    expect(text(await client.readFile('/c'))).toBe('hello');
    expect((await client.statvfs('/')).namemax).toBe(255);
    expect(await client.expandPath('~')).toBe('/home/me');
    expect(await client.homeDirectory('me')).toBe('/home/me');
    expect(await client.usersGroupsById([0, 1000, 7], [1000])).toEqual({
      users: ['root', 'me', ''],
      groups: ['me'],
    });
    const src = await client.open('/b');
    const dst = await client.open('/d', 'w');
    await client.copyData(src, 1, 3, dst, 0);
    await dst.fsync();
    expect((await dst.statvfs()).fsid).toBe(0x1234567890abcdefn);
    await src.close();
    await dst.close();
    expect(text(server.fs.readFile('/d'))).toBe('ell');
    await client.close();
  });
});

describe('limits@openssh.com sizes the transfers', () => {
  const cases: [
    string,
    { packet: number; read: number; write: number; handles: number },
    SFTPClientOptions,
    object,
  ][] = [
    [
      'OpenSSH’s',
      { packet: 262144, read: 261120, write: 261120, handles: 1019 },
      {},
      { readChunk: 261120, writeChunk: 261120, concurrency: 64 },
    ],
    [
      'small',
      { packet: 34000, read: 1000, write: 2000, handles: 3 },
      {},
      { readChunk: 1000, writeChunk: 2000, concurrency: 3 },
    ],
    [
      'zero (no limit)',
      { packet: 0, read: 0, write: 0, handles: 0 },
      {},
      { readChunk: 261120, writeChunk: 261120, concurrency: 64 },
    ],
    [
      'huge',
      { packet: 2 ** 40, read: 2 ** 40, write: 10 << 20, handles: 1e6 },
      {},
      { readChunk: 261120, writeChunk: 261120, concurrency: 64 },
    ],
    [
      'overridden',
      { packet: 262144, read: 1000, write: 1000, handles: 10 },
      { chunkSize: 4096, concurrency: 100 },
      { readChunk: 4096, writeChunk: 4096, concurrency: 10 },
    ],
  ];
  for (const [what, limits, options, sizes] of cases) {
    it(`${what} limits give ${JSON.stringify(sizes)}`, async () => {
      const server = new MemoryServer({ extensions: { 'limits@openssh.com': '1' }, limits });
      const client = await server.connect(options);
      expect(client.limits).toEqual({
        maxPacketLength: limits.packet,
        maxReadLength: limits.read,
        maxWriteLength: limits.write,
        maxOpenHandles: limits.handles,
      });
      expect(client.transferSizes).toEqual(sizes);
      await client.close();
    });
  }

  it('READ and WRITE requests follow the limits', async () => {
    const server = new MemoryServer({
      order: 'reverse',
      extensions: { 'limits@openssh.com': '1' },
      limits: { packet: 34000, read: 1000, write: 700, handles: 3 },
    });
    const data = pattern(20_000);
    server.fs.writeFile('/f', data);
    const client = await server.connect();
    expect(sameBytes(await client.readFile('/f'), data)).toBeUndefined();
    await client.writeFile('/w', data);
    const lengths = (type: number) =>
      server.replies
        .filter((r) => r.request.type === type)
        .map((r) => {
          const rd = r.request.reader();
          rd.string();
          rd.uint64();
          return type === T.READ ? rd.uint32() : rd.string().length;
        });
    expect(Math.max(...lengths(T.READ))).toBe(1000);
    expect(Math.max(...lengths(T.WRITE))).toBe(700);
    expect(server.maxOf(T.READ)).toBe(3);
    expect(server.maxOf(T.WRITE)).toBe(3);
    await client.close();
  });

  it('limits offered in another version are not asked for', async () => {
    const { client, server } = await scriptedClient({ extensions: { 'limits@openssh.com': '2' } });
    expect(client.limits).toBeUndefined();
    expect(client.transferSizes).toEqual({ readChunk: 32768, writeChunk: 32768, concurrency: 64 });
    expect(server.received.length).toBe(1);
    await client.close();
  });

  it('refuses impossible transfer sizes', async () => {
    for (const options of [
      { chunkSize: 0 },
      { concurrency: 0 },
      { chunkSize: -1 },
      { concurrency: Number.NaN },
    ]) {
      const server = new MemoryServer();
      const r = await outcome(server.connect(options));
      expect((r as { error: unknown }).error).toBeInstanceOf(RangeError);
    }
  });
});

describe('request formats (draft-02 §6)', () => {
  const flagCases: [string, number][] = [
    ['r', PF.READ],
    ['r+', PF.READ | PF.WRITE],
    ['w', PF.WRITE | PF.CREAT | PF.TRUNC],
    ['w+', PF.READ | PF.WRITE | PF.CREAT | PF.TRUNC],
    ['wx', PF.WRITE | PF.CREAT | PF.EXCL],
    ['wx+', PF.READ | PF.WRITE | PF.CREAT | PF.EXCL],
    ['a', PF.WRITE | PF.CREAT | PF.APPEND],
    ['a+', PF.READ | PF.WRITE | PF.CREAT | PF.APPEND],
    ['ax', PF.WRITE | PF.CREAT | PF.APPEND | PF.EXCL],
  ];
  for (const [flags, pflags] of flagCases) {
    it(`open(…, '${flags}') sends pflags 0x${pflags.toString(16)}`, async () => {
      const { client, server } = await scriptedClient();
      const p = client.open('/x', flags);
      const r = await server.next();
      expect(r.raw).toEqual(request(T.OPEN, r.id, (w) => w.string('/x').uint32(pflags).uint32(0)));
      server.send(msg.handle(r.id, 'h'));
      if (pflags & PF.APPEND) {
        const fstat = await server.next();
        expect(fstat.raw).toEqual(request(T.FSTAT, fstat.id, (w) => w.string('h')));
        server.send(msg.attrs(fstat.id, { size: 42 }));
      }
      expect((await p).position).toBe(pflags & PF.APPEND ? 42 : 0);
      await client.close();
    });
  }

  it('open with a mode sends it as PERMISSIONS; an unknown flag string sends nothing', async () => {
    const { client, server } = await scriptedClient();
    const p = client.open('/x', 'w', 0o640);
    const r = await server.next();
    expect(r.raw).toEqual(
      request(T.OPEN, r.id, (w) => w.string('/x').uint32(0x1a).uint32(ATTR.PERMISSIONS).uint32(0o640)),
    );
    server.send(msg.handle(r.id, 'h'));
    await p;
    await expect(client.open('/x', 'rw')).rejects.toBeInstanceOf(TypeError);
    await tick();
    expect(server.untaken).toBe(0);
    await client.close();
  });

  it('setstat, chmod, chown, utimes, truncate send exactly the fields given', async () => {
    const { client, server } = await scriptedClient();
    const cases: [() => Promise<void>, (w: SSHWriter) => void][] = [
      [() => client.chmod('/p', 0o755), (w) => w.uint32(ATTR.PERMISSIONS).uint32(0o755)],
      [() => client.chown('/p', 1001, 1002), (w) => w.uint32(ATTR.UIDGID).uint32(1001).uint32(1002)],
      [
        () => client.utimes('/p', 1_700_000_000, 1_700_000_001),
        (w) => w.uint32(ATTR.ACMODTIME).uint32(1_700_000_000).uint32(1_700_000_001),
      ],
      [() => client.truncate('/p', 2 ** 33), (w) => w.uint32(ATTR.SIZE).uint64(2 ** 33)],
      [
        () => client.setstat('/p', { size: 1, mode: 2 }),
        (w) =>
          w
            .uint32(ATTR.SIZE | ATTR.PERMISSIONS)
            .uint64(1)
            .uint32(2),
      ],
    ];
    for (const [call, attrs] of cases) {
      const p = call();
      const r = await server.next();
      expect(r.raw).toEqual(
        request(T.SETSTAT, r.id, (w) => {
          w.string('/p');
          attrs(w);
        }),
      );
      server.send(msg.status(r.id, FX.OK));
      await p;
    }
    await client.close();
  });

  it('SFTPFile attribute calls send FSETSTAT / FSTAT with the handle', async () => {
    const { client, server } = await scriptedClient();
    const file = await openScripted(client, server, 'FH');
    const calls: [() => Promise<unknown>, number, (w: SSHWriter) => void, Uint8Array][] = [
      [() => file.chmod(0o600), T.FSETSTAT, (w) => w.string('FH').uint32(4).uint32(0o600), msg.status(0, 0)],
      [
        () => file.chown(1, 2),
        T.FSETSTAT,
        (w) => w.string('FH').uint32(2).uint32(1).uint32(2),
        msg.status(0, 0),
      ],
      [
        () => file.utimes(3, 4),
        T.FSETSTAT,
        (w) => w.string('FH').uint32(8).uint32(3).uint32(4),
        msg.status(0, 0),
      ],
      [() => file.truncate(5), T.FSETSTAT, (w) => w.string('FH').uint32(1).uint64(5), msg.status(0, 0)],
      [() => file.stat(), T.FSTAT, (w) => w.string('FH'), msg.attrs(0, { size: 7 })],
    ];
    for (const [call, type, fields, reply] of calls) {
      const p = call();
      const r = await server.next();
      expect(r.raw).toEqual(request(type, r.id, fields));
      // Patch the id into the prepared reply.
      new DataView(reply.buffer).setUint32(5, r.id);
      server.send(reply);
      await p;
    }
    await client.close();
  });

  it('mkdir sends ATTRS with the mode only when given; remove, rmdir, readlink, realpath, stat, lstat send the path', async () => {
    const { client, server } = await scriptedClient();
    const ops: [() => Promise<unknown>, number, (w: SSHWriter) => void, (id: number) => Uint8Array][] = [
      [() => client.mkdir('/m'), T.MKDIR, (w) => w.string('/m').uint32(0), (id) => msg.status(id, 0)],
      [
        () => client.mkdir('/m', 0o700),
        T.MKDIR,
        (w) => w.string('/m').uint32(4).uint32(0o700),
        (id) => msg.status(id, 0),
      ],
      [() => client.remove('/r'), T.REMOVE, (w) => w.string('/r'), (id) => msg.status(id, 0)],
      [() => client.rmdir('/r'), T.RMDIR, (w) => w.string('/r'), (id) => msg.status(id, 0)],
      [
        () => client.readlink('/l'),
        T.READLINK,
        (w) => w.string('/l'),
        (id) => msg.name(id, [{ filename: 't' }]),
      ],
      [
        () => client.realpath('.'),
        T.REALPATH,
        (w) => w.string('.'),
        (id) => msg.name(id, [{ filename: '/h' }]),
      ],
      [() => client.stat('/s'), T.STAT, (w) => w.string('/s'), (id) => msg.attrs(id, {})],
      [() => client.lstat('/s'), T.LSTAT, (w) => w.string('/s'), (id) => msg.attrs(id, {})],
    ];
    for (const [call, type, fields, reply] of ops) {
      const p = call();
      const r = await server.next();
      expect(r.raw).toEqual(request(type, r.id, fields));
      server.send(reply(r.id));
      await p;
    }
    await client.close();
  });

  it('readlink / realpath with a NAME of 0 or 2 names is a ProtocolError', async () => {
    const { client, server } = await scriptedClient();
    for (const names of [[], [{ filename: 'a' }, { filename: 'b' }]]) {
      const p = outcome(client.realpath('/x'));
      server.send(msg.name((await server.next()).id, names));
      const e = ((await p) as { error: SSHError }).error;
      expect(e).toBeInstanceOf(SSHError);
      expect(e.code).toBe('ERR_PROTOCOL');
    }
    const p = outcome(client.readlink('/x'));
    server.send(msg.status((await server.next()).id, FX.EOF));
    expect(((await p) as { error: SFTPError }).error.status).toBe(FX.EOF);
    await client.close();
  });

  it('readdir reads every batch until EOF, drops . and .., decodes attrs, and closes the handle', async () => {
    const server = new MemoryServer({ readdirBatch: 2, order: 'reverse' });
    server.fs.mkdir('/d');
    for (const n of ['a', 'b b', 'ünï', 'd', 'e']) server.fs.writeFile(`/d/${n}`, pattern(n.length));
    server.fs.mkdir('/d/sub');
    const client = await server.connect();
    const entries = await client.readdir('/d');
    expect(entries.map((e) => e.filename)).toEqual(['a', 'b b', 'd', 'e', 'sub', 'ünï']);
    expect(entries.find((e) => e.filename === 'sub')!.attrs.isDirectory()).toBe(true);
    expect(entries.find((e) => e.filename === 'b b')!.attrs.size).toBe(3);
    expect(entries[0]!.longname).toMatch(/^-rw-r--r-- .* a$/);
    expect(await client.listdir('/d')).toEqual(['a', 'b b', 'd', 'e', 'sub', 'ünï']);
    expect(server.count(T.READDIR)).toBe(2 * 5); // 4 batches + EOF, twice
    expect(server.openHandles).toBe(0);
    expect(await client.listdir('/d/sub')).toEqual([]);
    await client.close();
  });

  it('readdir closes the handle when a READDIR fails', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(client.readdir('/d'));
    server.send(msg.handle((await server.next()).id, 'DH'));
    const rd = await server.next();
    expect(rd.raw).toEqual(request(T.READDIR, rd.id, (w) => w.string('DH')));
    server.send(msg.status(rd.id, FX.PERMISSION_DENIED, 'no'));
    const close = await server.next();
    expect(close.raw).toEqual(request(T.CLOSE, close.id, (w) => w.string('DH')));
    server.send(msg.status(close.id, FX.OK));
    expect(((await p) as { error: SFTPError }).error.code).toBe('EACCES');
    await client.close();
  });

  it('readdir keeps names it cannot decode as UTF-8, replaced, rather than failing', async () => {
    const { client, server } = await scriptedClient();
    const p = client.readdir('/d');
    server.send(msg.handle((await server.next()).id, 'DH'));
    server.send(msg.name((await server.next()).id, [{ filename: new Uint8Array([0x61, 0xff]) }]));
    server.send(msg.status((await server.next()).id, FX.EOF));
    server.send(msg.status((await server.next()).id, FX.OK));
    expect((await p).map((e) => e.filename)).toEqual(['a\ufffd']);
    await client.close();
  });

  it('SFTPFile.close is sent once; a closed file refuses I/O without sending', async () => {
    const { client, server } = await scriptedClient();
    const file = await openScripted(client, server, 'CH');
    const p = file.close();
    const r = await server.next();
    expect(r.raw).toEqual(request(T.CLOSE, r.id, (w) => w.string('CH')));
    server.send(msg.status(r.id, FX.OK));
    await p;
    await file.close();
    const ops: (() => Promise<unknown>)[] = [
      () => file.read(1),
      () => file.write(utf8('x')),
      () => file.stat(),
      () => file.fsync(),
    ];
    for (const op of ops) {
      const e = ((await outcome(op())) as { error: SSHError }).error;
      expect(e.code).toBe('ERR_SFTP_FILE_CLOSED');
    }
    await tick();
    expect(server.untaken).toBe(0);
    await client.close();
  });

  it('WRITE carries handle, uint64 offset, string data; READ handle, uint64 offset, uint32 length', async () => {
    const { client, server } = await scriptedClient({ chunkSize: 4 });
    const file = await openScripted(client, server, 'WH');
    const w = file.write(utf8('abcdef'), 2 ** 35);
    const [w1, w2] = await server.take(2);
    expect(w1!.raw).toEqual(
      request(T.WRITE, w1!.id, (x) =>
        x
          .string('WH')
          .uint64(2 ** 35)
          .string('abcd'),
      ),
    );
    expect(w2!.raw).toEqual(
      request(T.WRITE, w2!.id, (x) =>
        x
          .string('WH')
          .uint64(2 ** 35 + 4)
          .string('ef'),
      ),
    );
    server.send(msg.status(w2!.id, FX.OK), msg.status(w1!.id, FX.OK));
    await w;
    const rd = file.read(6, 7);
    const [r1, r2] = await server.take(2);
    expect(r1!.raw).toEqual(request(T.READ, r1!.id, (x) => x.string('WH').uint64(7).uint32(4)));
    expect(r2!.raw).toEqual(request(T.READ, r2!.id, (x) => x.string('WH').uint64(11).uint32(2)));
    server.send(msg.data(r2!.id, utf8('ef')), msg.data(r1!.id, utf8('abcd')));
    expect(text(await rd)).toBe('abcdef');
    await client.close();
  });

  it('a short DATA is re-requested for the rest of its range', async () => {
    const { client, server } = await scriptedClient({ chunkSize: 10, concurrency: 1 });
    const file = await openScripted(client, server, 'S');
    const rd = file.read(10, 0);
    const r1 = await server.next();
    server.send(msg.data(r1.id, utf8('abc')));
    const r2 = await server.next();
    expect(r2.raw).toEqual(request(T.READ, r2.id, (x) => x.string('S').uint64(3).uint32(7)));
    server.send(msg.data(r2.id, utf8('defghij')));
    expect(text(await rd)).toBe('abcdefghij');
    await client.close();
  });

  it('the ATTRS a request sends decode to what was asked', async () => {
    const { client, server } = await scriptedClient();
    const p = client.setstat('/p', { uid: 1, gid: 2, atime: 3, mtime: 4, extended: [['x@y', utf8('z')]] });
    const r = await server.next();
    const rd = r.reader();
    rd.string();
    expect(decodeAttrs(rd)).toEqual({
      flags: (ATTR.UIDGID | ATTR.ACMODTIME | ATTR.EXTENDED) >>> 0,
      uid: 1,
      gid: 2,
      atime: 3,
      mtime: 4,
      extended: [['x@y', utf8('z')]],
    });
    server.send(msg.status(r.id, FX.OK));
    await within(p);
    await client.close();
  });
});

describe('unsafeName', () => {
  it('refuses names a server could use to leave the target directory or corrupt a terminal', () => {
    const unsafe = [
      '',
      '.',
      '..',
      '/',
      '/etc/passwd',
      'a/b',
      '../x',
      'x/..',
      '\\',
      'a\\b',
      '..\\..\\evil',
      'nul\u0000byte',
      'line\nfeed',
      'carriage\rreturn',
      'tab\there',
      '\u001b[31mred',
      'bell\u0007',
      'del\u007f',
      '\u001f',
    ];
    for (const name of unsafe) expect(unsafeName(name), JSON.stringify(name)).toEqual(expect.any(String));
  });

  it('accepts ordinary names, including spaces, dots inside and UTF-8', () => {
    const safe = [
      'a',
      'file.txt',
      'with space',
      ' leading',
      'trailing ',
      '...',
      '.hidden',
      'a..b',
      'ünïcødé',
      '日本語.txt',
      '😀',
      '-rf',
      '~',
    ];
    for (const name of safe) expect(unsafeName(name), JSON.stringify(name)).toBeUndefined();
  });

  it('names the reason', () => {
    expect(unsafeName('..')).toBe('unsafe name ".."');
    expect(unsafeName('a/b')).toBe('name contains a path separator');
    expect(unsafeName('a\u0000')).toBe('name contains a control character');
  });
});
