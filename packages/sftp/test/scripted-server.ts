// Test doubles for the SFTP client: a byte channel whose far end is driven by the test.
//
// ScriptedServer: the raw wire. It decodes what the client sends (uint32 length, byte type,
// uint32 id, fields — draft-ietf-secsh-filexfer-02 §3) into Request records and lets a test write
// back any bytes, in any order, cut into chunks of 1..maxChunk bytes. Messages are built field by
// field with SSHWriter from the draft's layouts (§4–§7) — never with the package's own encoders.
//
// MemoryServer: a well-behaved v3 server over a ScriptedServer with a small in-memory filesystem
// (files, directories, symbolic links), OpenSSH's status mapping (sftp-server.c errno_to_portable:
// EEXIST, EISDIR and ENOTEMPTY all become SSH_FX_FAILURE) and the OpenSSH extensions, plus knobs
// for the hard cases: replies out of order, short reads, a READ cap, 1..N-byte reply chunks,
// delays, holding replies, and an intercept hook for injected faults.
import type { ByteChannel } from '@sshts/channel';
import { SSHReader, SSHWriter } from '@sshts/wire';
import { SFTPClient, type SFTPClientOptions } from '../src/index.js';

// --- numbers, written out from the draft (not imported from src) ---

export const T = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

export const FX = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

export const PF = { READ: 0x1, WRITE: 0x2, APPEND: 0x4, CREAT: 0x8, TRUNC: 0x10, EXCL: 0x20 } as const;

export const ATTR = {
  SIZE: 0x1,
  UIDGID: 0x2,
  PERMISSIONS: 0x4,
  ACMODTIME: 0x8,
  EXTENDED: 0x80000000,
} as const;

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

/** What OpenSSH 9.2's sftp-server advertises (sftp-server.c process_init). */
export const OPENSSH_EXTENSIONS: Record<string, string> = {
  'posix-rename@openssh.com': '1',
  'statvfs@openssh.com': '2',
  'fstatvfs@openssh.com': '2',
  'hardlink@openssh.com': '1',
  'fsync@openssh.com': '1',
  'lsetstat@openssh.com': '1',
  'limits@openssh.com': '1',
  'expand-path@openssh.com': '1',
  'copy-data': '1',
  'home-directory': '1',
  'users-groups-by-id@openssh.com': '1',
};

// --- small utilities ---

/** A deterministic PRNG (mulberry32) so a failing schedule can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` bytes of a position-dependent pattern (so a byte in the wrong place shows). */
export function pattern(n: number, salt = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + (i >>> 8) * 7 + (i >>> 16) * 13 + salt) & 0xff;
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Byte equality with a readable failure (first differing offset), fast on MiB arrays. */
export function sameBytes(got: Uint8Array, want: Uint8Array): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) return `byte ${i} is ${got[i]}, want ${want[i]}`;
  }
  return undefined;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Lets queued microtasks and one macrotask turn run. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects with "hung" if `p` has not settled within `ms`: no test may wait forever. */
export function within<T>(p: Promise<T>, ms = 3000, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

/** The settled outcome of `p`, for asserting on rejections without try/catch. */
export async function outcome<T>(
  p: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

// --- message encoding (server → client), from draft-02 §4, §5, §7 ---

/** A whole message: uint32 length, then what `build` writes (type first). */
export function frame(build: (w: SSHWriter) => void): Uint8Array {
  const w = new SSHWriter(64);
  w.uint32(0);
  build(w);
  const out = w.finish().slice();
  new DataView(out.buffer).setUint32(0, out.length - 4);
  return out;
}

/** Attributes as this test server sends them (§5). */
export interface WireAttrs {
  size?: number | bigint;
  uid?: number;
  gid?: number;
  permissions?: number;
  atime?: number;
  mtime?: number;
  extended?: [string, Uint8Array | string][];
  /** Override the flags word (for malformed cases). */
  flags?: number;
  /** Override the extended count (for malformed cases). */
  extendedCount?: number;
}

export function encodeAttrs(w: SSHWriter, a: WireAttrs = {}): SSHWriter {
  let flags = 0;
  if (a.size !== undefined) flags |= ATTR.SIZE;
  if (a.uid !== undefined) flags |= ATTR.UIDGID;
  if (a.permissions !== undefined) flags |= ATTR.PERMISSIONS;
  if (a.atime !== undefined) flags |= ATTR.ACMODTIME;
  if (a.extended !== undefined || a.extendedCount !== undefined) flags |= ATTR.EXTENDED;
  w.uint32((a.flags ?? flags) >>> 0);
  if (a.size !== undefined) w.uint64(a.size);
  if (a.uid !== undefined) w.uint32(a.uid).uint32(a.gid ?? 0);
  if (a.permissions !== undefined) w.uint32(a.permissions);
  if (a.atime !== undefined) w.uint32(a.atime).uint32(a.mtime ?? 0);
  if (a.extended !== undefined || a.extendedCount !== undefined) {
    w.uint32(a.extendedCount ?? a.extended!.length);
    for (const [k, v] of a.extended ?? []) w.string(k).string(v);
  }
  return w;
}

export interface WireName {
  filename: string | Uint8Array;
  longname?: string;
  attrs?: WireAttrs;
}

export const msg = {
  version: (version: number, extensions: Record<string, string> | [string, string][] = {}) =>
    frame((w) => {
      w.byte(T.VERSION).uint32(version);
      const pairs = Array.isArray(extensions) ? extensions : Object.entries(extensions);
      for (const [name, data] of pairs) w.string(name).string(data);
    }),
  /** STATUS (§7) with message and language tag, as v3 has them. */
  status: (id: number, code: number, message = '', lang = '') =>
    frame((w) => w.byte(T.STATUS).uint32(id).uint32(code).string(message).string(lang)),
  /** STATUS as pre-v3 servers send it: the code only. */
  bareStatus: (id: number, code: number) => frame((w) => w.byte(T.STATUS).uint32(id).uint32(code)),
  handle: (id: number, handle: Uint8Array | string) =>
    frame((w) => w.byte(T.HANDLE).uint32(id).string(handle)),
  data: (id: number, data: Uint8Array) => frame((w) => w.byte(T.DATA).uint32(id).string(data)),
  name: (id: number, names: WireName[], count = names.length) =>
    frame((w) => {
      w.byte(T.NAME).uint32(id).uint32(count);
      for (const n of names) {
        w.string(n.filename).string(n.longname ?? '');
        encodeAttrs(w, n.attrs);
      }
    }),
  attrs: (id: number, a: WireAttrs) => frame((w) => encodeAttrs(w.byte(T.ATTRS).uint32(id), a)),
  extendedReply: (id: number, body: (w: SSHWriter) => void = () => {}) =>
    frame((w) => {
      w.byte(T.EXTENDED_REPLY).uint32(id);
      body(w);
    }),
};

/** A string of strings, as users-groups-by-id@openssh.com packs names (PROTOCOL §4.12). */
export function packStrings(names: readonly string[]): Uint8Array {
  const w = new SSHWriter();
  for (const n of names) w.string(n);
  return w.finish().slice();
}

// --- requests (client → server) ---

export interface Request {
  type: number;
  /** The request id (for INIT: the version). */
  id: number;
  /** The whole message, length field included. */
  raw: Uint8Array;
  /** A fresh reader positioned after the id. */
  reader(): SSHReader;
}

/** Decoded ATTRS from a request (§5), with the flags word. */
export interface DecodedAttrs {
  flags: number;
  size?: bigint;
  uid?: number;
  gid?: number;
  permissions?: number;
  atime?: number;
  mtime?: number;
  extended?: [string, Uint8Array][];
}

export function decodeAttrs(r: SSHReader): DecodedAttrs {
  const flags = r.uint32();
  const a: DecodedAttrs = { flags };
  if (flags & ATTR.SIZE) a.size = r.uint64();
  if (flags & ATTR.UIDGID) {
    a.uid = r.uint32();
    a.gid = r.uint32();
  }
  if (flags & ATTR.PERMISSIONS) a.permissions = r.uint32();
  if (flags & ATTR.ACMODTIME) {
    a.atime = r.uint32();
    a.mtime = r.uint32();
  }
  if (flags & ATTR.EXTENDED) {
    const n = r.uint32();
    a.extended = [];
    for (let i = 0; i < n; i++) a.extended.push([text(r.string()), r.string().slice()]);
  }
  return a;
}

// --- the wire ---

export interface WireOptions {
  /** Replies are cut into chunks of 1..maxChunk bytes (default: one chunk per send). */
  maxChunk?: number;
  /** Seed of the chunk-size PRNG. */
  seed?: number;
}

export class ScriptedServer {
  /** The client's end. */
  readonly channel: ByteChannel;
  /** Every message the client sent, in order. */
  readonly received: Request[] = [];
  /** True once the client closed its writable (its half of pipe.close()). */
  writableClosed = false;
  /** True once the client cancelled the readable. */
  readableCancelled = false;
  /** Called for every request as it is decoded (MemoryServer's entry). */
  onRequest?: (request: Request) => void;
  maxChunk: number;
  /** Bytes sent to the client so far, and chunks. */
  bytesSent = 0;
  chunksSent = 0;

  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly queue: Request[] = [];
  private readonly waiters: ((r: Request) => void)[] = [];
  private inbound: Uint8Array = new Uint8Array(0);
  private readonly random: () => number;
  private ended = false;

  constructor(options: WireOptions = {}) {
    this.maxChunk = options.maxChunk ?? Number.POSITIVE_INFINITY;
    this.random = prng(options.seed ?? 1);
    const readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        cancel: () => {
          this.readableCancelled = true;
          this.ended = true;
        },
      },
      { highWaterMark: 0 },
    );
    const writable = new WritableStream<Uint8Array>(
      {
        write: (chunk) => this.receive(chunk),
        close: () => {
          this.writableClosed = true;
        },
        abort: () => {
          this.writableClosed = true;
        },
      },
      { highWaterMark: 1 << 30, size: (c) => c.length },
    );
    this.channel = { readable, writable };
  }

  /** True once the client closed both directions. */
  get pipeClosed(): boolean {
    return this.writableClosed && this.readableCancelled;
  }

  /** The next request not yet taken (in arrival order). */
  next(): Promise<Request> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async take(n: number): Promise<Request[]> {
    const out: Request[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next());
    return out;
  }

  /** Requests received but not taken. */
  get untaken(): number {
    return this.queue.length;
  }

  /** Sends the messages back to back, cut into chunks of 1..maxChunk bytes. */
  send(...messages: Uint8Array[]): void {
    this.sendBytes(messages.length === 1 ? messages[0]! : concat(messages));
  }

  sendBytes(bytes: Uint8Array): void {
    if (this.ended) return;
    let at = 0;
    while (at < bytes.length) {
      const max = Math.min(this.maxChunk, bytes.length - at);
      const n = Number.isFinite(this.maxChunk) ? 1 + Math.floor(this.random() * max) : max;
      this.controller.enqueue(bytes.slice(at, at + n));
      at += n;
      this.chunksSent++;
    }
    this.bytesSent += bytes.length;
  }

  /** Ends the server → client stream (the channel's EOF). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.close();
  }

  /** Errors the server → client stream (the channel failed). */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.error(error);
  }

  private receive(chunk: Uint8Array): void {
    let buf = this.inbound.length === 0 ? chunk : concat([this.inbound, chunk]);
    let at = 0;
    while (buf.length - at >= 4) {
      const length = new DataView(buf.buffer, buf.byteOffset + at, 4).getUint32(0);
      if (buf.length - at - 4 < length) break;
      const raw = buf.slice(at, at + 4 + length);
      at += 4 + length;
      this.deliver(raw);
    }
    buf = buf.subarray(at);
    this.inbound = buf.length === 0 ? new Uint8Array(0) : buf.slice();
  }

  private deliver(raw: Uint8Array): void {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const request: Request = {
      type: raw[4]!,
      id: raw.length >= 9 ? view.getUint32(5) : -1,
      raw,
      reader: () => new SSHReader(raw, 9),
    };
    this.received.push(request);
    if (this.onRequest) {
      this.onRequest(request);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(request);
    else this.queue.push(request);
  }
}

/**
 * Starts a client on a ScriptedServer: checks the INIT, answers VERSION with `extensions`, and
 * resolves with the client (a limits@openssh.com request, if offered, is left to the test).
 */
export async function scriptedClient(
  options: SFTPClientOptions & { extensions?: Record<string, string>; wire?: WireOptions } = {},
): Promise<{ server: ScriptedServer; client: SFTPClient }> {
  const { extensions, wire, ...clientOptions } = options;
  const server = new ScriptedServer(wire);
  const pending = SFTPClient.fromChannel(server.channel, clientOptions);
  const init = await server.next();
  if (init.type !== T.INIT) throw new Error(`first message of type ${init.type}`);
  server.send(msg.version(3, extensions ?? {}));
  return { server, client: await pending };
}

// --- the in-memory filesystem ---

export type FsNode =
  | { kind: 'file'; content: Uint8Array; size: number; meta: Meta }
  | { kind: 'dir'; meta: Meta }
  | { kind: 'symlink'; target: string; meta: Meta };

interface Meta {
  perm: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
}

class FsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const fail = (status: number, message: string): never => {
  throw new FsError(status, message);
};

export function normalize(path: string, cwd = '/'): string {
  const parts: string[] = [];
  for (const p of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

const parentOf = (path: string) => normalize(`${path}/..`);

export class MemoryFs {
  readonly nodes = new Map<string, FsNode>();
  readonly cwd = '/home/me';

  constructor() {
    this.nodes.set('/', { kind: 'dir', meta: meta(0o755) });
    this.mkdir('/home');
    this.mkdir('/home/me');
  }

  // conveniences for tests
  writeFile(path: string, data: Uint8Array | string, perm = 0o644): void {
    const bytes = typeof data === 'string' ? utf8(data) : data.slice();
    this.nodes.set(normalize(path, this.cwd), {
      kind: 'file',
      content: bytes,
      size: bytes.length,
      meta: meta(perm),
    });
  }
  /** Changes a file's content in place (open handles see it, as with a real file). */
  setContent(path: string, data: Uint8Array): void {
    const node = this.lookup(path, true).node;
    if (node?.kind !== 'file') throw new Error(`${path} is not a file`);
    node.content = data.slice();
    node.size = data.length;
  }
  readFile(path: string): Uint8Array {
    const node = this.lookup(path, true).node;
    if (node?.kind !== 'file') throw new Error(`${path} is not a file`);
    return node.content.subarray(0, node.size);
  }
  mkdir(path: string, perm = 0o755): void {
    this.nodes.set(normalize(path, this.cwd), { kind: 'dir', meta: meta(perm) });
  }
  symlink(target: string, path: string): void {
    this.nodes.set(normalize(path, this.cwd), { kind: 'symlink', target, meta: meta(0o777) });
  }
  exists(path: string): boolean {
    return this.nodes.has(normalize(path, this.cwd));
  }

  /** Resolves symbolic links in every component (and the last if `follow`). */
  lookup(path: string, follow: boolean, depth = 0): { path: string; node: FsNode | undefined } {
    if (depth > 32) fail(FX.NO_SUCH_FILE, 'too many levels of symbolic links');
    const parts = normalize(path, this.cwd).split('/').filter(Boolean);
    let at = '/';
    for (let i = 0; i < parts.length; i++) {
      const candidate = normalize(`${at}/${parts[i]}`);
      const node = this.nodes.get(candidate);
      const last = i === parts.length - 1;
      if (node?.kind === 'symlink' && (!last || follow)) {
        const target = normalize(node.target, at);
        const resolved = this.lookup(target, true, depth + 1);
        if (last) return resolved;
        if (resolved.node?.kind !== 'dir') fail(FX.NO_SUCH_FILE, 'not a directory');
        at = resolved.path;
        continue;
      }
      if (!last && node?.kind !== 'dir') fail(FX.NO_SUCH_FILE, 'No such file');
      at = candidate;
    }
    return { path: at, node: this.nodes.get(at) };
  }

  children(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const out: string[] = [];
    for (const p of this.nodes.keys()) {
      if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) {
        out.push(p.slice(prefix.length));
      }
    }
    return out.sort();
  }
}

function meta(perm: number): Meta {
  return { perm, uid: 1000, gid: 1000, atime: 1_700_000_000, mtime: 1_700_000_000 };
}

function nodeAttrs(node: FsNode): WireAttrs {
  const type = node.kind === 'file' ? S_IFREG : node.kind === 'dir' ? S_IFDIR : S_IFLNK;
  return {
    size: node.kind === 'file' ? node.size : node.kind === 'symlink' ? node.target.length : 4096,
    uid: node.meta.uid,
    gid: node.meta.gid,
    permissions: type | node.meta.perm,
    atime: node.meta.atime,
    mtime: node.meta.mtime,
  };
}

function longname(name: string, node: FsNode): string {
  const t = node.kind === 'file' ? '-' : node.kind === 'dir' ? 'd' : 'l';
  const size = node.kind === 'file' ? node.size : 4096;
  return `${t}rw-r--r--    1 me       me       ${size} Nov 14 22:13 ${name}`;
}

function setSize(node: FsNode & { kind: 'file' }, size: number): void {
  if (size > node.content.length) {
    const grown = new Uint8Array(Math.max(size, node.content.length * 2));
    grown.set(node.content.subarray(0, node.size));
    node.content = grown;
  } else if (size < node.size) {
    node.content.fill(0, size, node.size);
  }
  node.size = size;
}

function applyAttrs(node: FsNode, a: DecodedAttrs): void {
  if (a.size !== undefined) {
    if (node.kind !== 'file') fail(FX.FAILURE, 'not a file');
    setSize(node as FsNode & { kind: 'file' }, Number(a.size));
  }
  if (a.uid !== undefined) {
    node.meta.uid = a.uid;
    node.meta.gid = a.gid!;
  }
  if (a.permissions !== undefined) node.meta.perm = a.permissions & 0o7777;
  if (a.atime !== undefined) {
    node.meta.atime = a.atime;
    node.meta.mtime = a.mtime!;
  }
}

// --- the well-behaved server ---

type OpenHandle =
  | { kind: 'file'; node: FsNode & { kind: 'file' }; path: string; flags: number }
  | { kind: 'dir'; path: string; names: string[]; pos: number };

export interface MemoryServerOptions extends WireOptions {
  /** Extensions offered in VERSION (default: none). */
  extensions?: Record<string, string>;
  /** The limits@openssh.com reply. */
  limits?: { packet: number; read: number; write: number; handles: number };
  /** Reply order within each batch of requests answered together. */
  order?: 'fifo' | 'reverse' | 'shuffle';
  /** The most bytes one READ returns (OpenSSH clamps to 261120). */
  maxRead?: number;
  /** Bytes a READ at `offset` of `length` returns at most (a short read when less). */
  shortRead?: (offset: number, length: number) => number;
  /** Milliseconds before each batch is answered (default: the next macrotask). */
  delayMs?: number;
  /** Entries per READDIR reply. */
  readdirBatch?: number;
  /** SYMLINK field order this server expects. */
  symlinkOrder?: 'openssh' | 'standard';
  /** Let OPEN of a directory for reading succeed, as open(2) O_RDONLY does (default true). */
  openDirectories?: boolean;
  /**
   * Called before a request is handled: a reply to send instead, `null` for no reply ever, or
   * undefined to handle it normally.
   */
  intercept?: (request: Request, server: MemoryServer) => Uint8Array | null | undefined;
}

export class MemoryServer {
  readonly wire: ScriptedServer;
  readonly fs = new MemoryFs();
  readonly handles = new Map<string, OpenHandle>();
  /** Requests received and not yet answered, by id. */
  readonly inFlight = new Map<number, number>();
  /** The most requests in flight at once (all types, and per type). */
  maxInFlight = 0;
  readonly maxInFlightOf = new Map<number, number>();
  /** Ids the client reused while still in flight (must stay empty). */
  readonly duplicateIds: number[] = [];
  /** Counts of requests by type. */
  readonly counts = new Map<number, number>();
  /** While true, replies are computed but held until release(). */
  holding = false;
  /** Reply messages with their request (in send order), for inspection. */
  readonly replies: { request: Request; reply: Uint8Array }[] = [];

  private readonly options: MemoryServerOptions;
  private batch: Request[] = [];
  private held: { request: Request; reply: Uint8Array }[] = [];
  private scheduled = false;
  private nextHandle = 1;
  private readonly random: () => number;

  constructor(options: MemoryServerOptions = {}) {
    this.options = options;
    this.wire = new ScriptedServer(options);
    this.random = prng((options.seed ?? 1) ^ 0x5bd1e995);
    this.wire.onRequest = (r) => this.onRequest(r);
  }

  /** Connects an SFTPClient to this server. */
  connect(options: SFTPClientOptions = {}): Promise<SFTPClient> {
    return SFTPClient.fromChannel(this.wire.channel, options);
  }

  count(type: number): number {
    return this.counts.get(type) ?? 0;
  }

  maxOf(type: number): number {
    return this.maxInFlightOf.get(type) ?? 0;
  }

  /** Sends every held reply (in the configured order). */
  release(): void {
    this.holding = false;
    this.flush();
  }

  /** Open handles (files and directories) the client has not closed. */
  get openHandles(): number {
    return this.handles.size;
  }

  private onRequest(r: Request): void {
    if (r.type === T.INIT) {
      this.wire.send(msg.version(3, this.options.extensions ?? {}));
      return;
    }
    this.counts.set(r.type, this.count(r.type) + 1);
    if (this.inFlight.has(r.id)) this.duplicateIds.push(r.id);
    this.inFlight.set(r.id, r.type);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight.size);
    let ofType = 0;
    for (const t of this.inFlight.values()) if (t === r.type) ofType++;
    this.maxInFlightOf.set(r.type, Math.max(this.maxOf(r.type), ofType));
    this.batch.push(r);
    if (!this.scheduled) {
      this.scheduled = true;
      const run = () => {
        this.scheduled = false;
        this.process();
      };
      if (this.options.delayMs) setTimeout(run, this.options.delayMs);
      else setImmediate(run);
    }
  }

  private process(): void {
    const batch = this.batch;
    this.batch = [];
    // Requests take effect in arrival order (same-handle ordering, draft-02 §6.1); only the
    // replies are reordered.
    for (const request of batch) {
      const reply = this.options.intercept?.(request, this);
      if (reply === null) continue;
      this.held.push({ request, reply: reply ?? this.respond(request) });
    }
    this.flush();
  }

  private flush(): void {
    if (this.holding) return;
    const out = this.held;
    this.held = [];
    if (this.options.order === 'reverse') out.reverse();
    else if (this.options.order === 'shuffle') {
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
    }
    for (const entry of out) this.sendReply(entry.request, entry.reply);
  }

  /** Sends `reply` to `request` now (for intercepts that answer later). */
  sendReply(request: Request, reply: Uint8Array): void {
    this.inFlight.delete(request.id);
    this.replies.push({ request, reply });
    this.wire.send(reply);
  }

  /** Carries out `request` on the filesystem now and returns its reply (not sent). */
  respond(request: Request): Uint8Array {
    try {
      return this.dispatch(request, request.reader());
    } catch (error) {
      if (error instanceof FsError) return msg.status(request.id, error.status, error.message, 'en');
      return msg.status(request.id, FX.BAD_MESSAGE, String(error), 'en');
    }
  }

  private newHandle(h: OpenHandle): string {
    const name = `h${this.nextHandle++}`;
    this.handles.set(name, h);
    return name;
  }

  private fileHandle(r: SSHReader): OpenHandle & { kind: 'file' } {
    const h = this.handles.get(text(r.string()));
    if (h?.kind !== 'file') fail(FX.FAILURE, 'bad handle');
    return h as OpenHandle & { kind: 'file' };
  }

  private dispatch(q: Request, r: SSHReader): Uint8Array {
    const fs = this.fs;
    const id = q.id;
    const ok = () => msg.status(id, FX.OK, 'Success', 'en');
    switch (q.type) {
      case T.OPEN: {
        const path = text(r.string());
        const pflags = r.uint32();
        const attrs = decodeAttrs(r);
        const found = fs.lookup(path, true);
        let node = found.node;
        if (node?.kind === 'dir') {
          if (pflags & PF.WRITE || this.options.openDirectories === false) fail(FX.FAILURE, 'Is a directory');
        } else if (node) {
          if (pflags & PF.CREAT && pflags & PF.EXCL) fail(FX.FAILURE, 'File exists');
        } else {
          if (!(pflags & PF.CREAT)) fail(FX.NO_SUCH_FILE, 'No such file');
          if (fs.lookup(parentOf(found.path), true).node?.kind !== 'dir')
            fail(FX.NO_SUCH_FILE, 'No such file');
          node = {
            kind: 'file',
            content: new Uint8Array(0),
            size: 0,
            meta: meta((attrs.permissions ?? 0o644) & 0o7777),
          };
          fs.nodes.set(found.path, node);
        }
        if (node.kind === 'dir') {
          return msg.handle(id, this.newHandle({ kind: 'dir', path: found.path, names: [], pos: -1 }));
        }
        if (node.kind !== 'file') fail(FX.FAILURE, 'not a file');
        const file = node as FsNode & { kind: 'file' };
        if (pflags & PF.TRUNC) setSize(file, 0);
        return msg.handle(id, this.newHandle({ kind: 'file', node: file, path: found.path, flags: pflags }));
      }
      case T.CLOSE: {
        const name = text(r.string());
        if (!this.handles.delete(name)) fail(FX.FAILURE, 'bad handle');
        return ok();
      }
      case T.READ: {
        const h = this.handles.get(text(r.string()));
        if (h?.kind === 'dir') fail(FX.FAILURE, 'Is a directory');
        if (h?.kind !== 'file') fail(FX.FAILURE, 'bad handle');
        const file = (h as OpenHandle & { kind: 'file' }).node;
        const offset = Number(r.uint64());
        const length = r.uint32();
        if (offset >= file.size) return msg.status(id, FX.EOF, 'End of file', 'en');
        let n = Math.min(length, file.size - offset, this.options.maxRead ?? Number.POSITIVE_INFINITY);
        if (this.options.shortRead) n = Math.min(n, this.options.shortRead(offset, length));
        return msg.data(id, file.content.subarray(offset, offset + n));
      }
      case T.WRITE: {
        const h = this.fileHandle(r);
        let offset = Number(r.uint64());
        const data = r.string();
        if (h.flags & PF.APPEND) offset = h.node.size;
        if (offset + data.length > h.node.size) setSize(h.node, offset + data.length);
        h.node.content.set(data, offset);
        return ok();
      }
      case T.FSTAT:
        return msg.attrs(id, nodeAttrs(this.anyHandle(r)));
      case T.STAT:
      case T.LSTAT: {
        const found = fs.lookup(text(r.string()), q.type === T.STAT);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        return msg.attrs(id, nodeAttrs(found.node!));
      }
      case T.SETSTAT: {
        const found = fs.lookup(text(r.string()), true);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        applyAttrs(found.node!, decodeAttrs(r));
        return ok();
      }
      case T.FSETSTAT: {
        const node = this.anyHandle(r);
        applyAttrs(node, decodeAttrs(r));
        return ok();
      }
      case T.OPENDIR: {
        const found = fs.lookup(text(r.string()), true);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        // ENOTDIR: sftp-server.c maps it to NO_SUCH_FILE; here FAILURE, so the client's refinement shows.
        if (found.node!.kind !== 'dir') fail(FX.FAILURE, 'Not a directory');
        const names = ['.', '..', ...fs.children(found.path)];
        return msg.handle(id, this.newHandle({ kind: 'dir', path: found.path, names, pos: 0 }));
      }
      case T.READDIR: {
        const h = this.handles.get(text(r.string()));
        if (h?.kind !== 'dir' || h.pos < 0) fail(FX.FAILURE, 'bad handle');
        const dir = h as OpenHandle & { kind: 'dir' };
        if (dir.pos >= dir.names.length) return msg.status(id, FX.EOF, 'End of file', 'en');
        const batch = dir.names.slice(dir.pos, dir.pos + (this.options.readdirBatch ?? 3));
        dir.pos += batch.length;
        const entries = batch.map((name) => {
          const path = name === '.' ? dir.path : name === '..' ? parentOf(dir.path) : `${dir.path}/${name}`;
          const node = fs.nodes.get(normalize(path))!;
          return { filename: name, longname: longname(name, node), attrs: nodeAttrs(node) };
        });
        return msg.name(id, entries);
      }
      case T.REMOVE: {
        const found = fs.lookup(text(r.string()), false);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        if (found.node!.kind === 'dir') fail(FX.FAILURE, 'Is a directory');
        fs.nodes.delete(found.path);
        return ok();
      }
      case T.MKDIR: {
        const path = normalize(text(r.string()), fs.cwd);
        const attrs = decodeAttrs(r);
        if (fs.lookup(path, false).node) fail(FX.FAILURE, 'File exists');
        if (fs.lookup(parentOf(path), true).node?.kind !== 'dir') fail(FX.NO_SUCH_FILE, 'No such file');
        fs.nodes.set(fs.lookup(path, false).path, {
          kind: 'dir',
          meta: meta((attrs.permissions ?? 0o777) & 0o7777),
        });
        return ok();
      }
      case T.RMDIR: {
        const found = fs.lookup(text(r.string()), false);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        if (found.node!.kind !== 'dir') fail(FX.FAILURE, 'Not a directory');
        if (fs.children(found.path).length > 0) fail(FX.FAILURE, 'Directory not empty');
        fs.nodes.delete(found.path);
        return ok();
      }
      case T.REALPATH: {
        const found = fs.lookup(text(r.string()), true);
        return msg.name(id, [{ filename: found.path, longname: '', attrs: {} }]);
      }
      case T.RENAME:
        return this.rename(id, text(r.string()), text(r.string()), false);
      case T.READLINK: {
        const found = fs.lookup(text(r.string()), false);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        if (found.node!.kind !== 'symlink') fail(FX.BAD_MESSAGE, 'Invalid argument');
        const target = (found.node as FsNode & { kind: 'symlink' }).target;
        return msg.name(id, [{ filename: target, longname: '', attrs: {} }]);
      }
      case T.SYMLINK: {
        const a = text(r.string());
        const b = text(r.string());
        const [target, link] = (this.options.symlinkOrder ?? 'openssh') === 'openssh' ? [a, b] : [b, a];
        const found = fs.lookup(link, false);
        if (found.node) fail(FX.FAILURE, 'File exists');
        fs.nodes.set(found.path, { kind: 'symlink', target, meta: meta(0o777) });
        return ok();
      }
      case T.EXTENDED:
        return this.extended(id, text(r.string()), r);
      default:
        return msg.status(id, FX.OP_UNSUPPORTED, 'Operation unsupported', 'en');
    }
  }

  private anyHandle(r: SSHReader): FsNode {
    const h = this.handles.get(text(r.string()));
    if (!h) fail(FX.FAILURE, 'bad handle');
    if (h!.kind === 'file') return h!.node;
    return this.fs.nodes.get(h!.path)!;
  }

  private rename(id: number, from: string, to: string, replace: boolean): Uint8Array {
    const src = this.fs.lookup(from, false);
    if (!src.node) fail(FX.NO_SUCH_FILE, 'No such file');
    const dst = this.fs.lookup(to, false);
    if (dst.node && !replace) fail(FX.FAILURE, 'File exists');
    // A directory moves with what is under it.
    for (const [p, node] of [...this.fs.nodes]) {
      if (p === src.path || p.startsWith(`${src.path}/`)) {
        this.fs.nodes.delete(p);
        this.fs.nodes.set(dst.path + p.slice(src.path.length), node);
      }
    }
    return msg.status(id, FX.OK, 'Success', 'en');
  }

  private extended(id: number, name: string, r: SSHReader): Uint8Array {
    const fs = this.fs;
    const offered = this.options.extensions ?? {};
    if (!(name in offered)) return msg.status(id, FX.OP_UNSUPPORTED, 'Operation unsupported', 'en');
    const ok = () => msg.status(id, FX.OK, 'Success', 'en');
    const statvfs = () =>
      msg.extendedReply(id, (w) => {
        for (const v of [4096, 4096, 1000, 500, 400, 100, 50, 40]) w.uint64(v);
        w.uint64(0x1234567890abcdefn).uint64(2).uint64(255);
      });
    switch (name) {
      case 'posix-rename@openssh.com':
        return this.rename(id, text(r.string()), text(r.string()), true);
      case 'statvfs@openssh.com':
        if (!fs.lookup(text(r.string()), true).node) fail(FX.NO_SUCH_FILE, 'No such file');
        return statvfs();
      case 'fstatvfs@openssh.com':
        this.anyHandle(r);
        return statvfs();
      case 'hardlink@openssh.com': {
        const src = fs.lookup(text(r.string()), false);
        const dst = fs.lookup(text(r.string()), false);
        if (!src.node) fail(FX.NO_SUCH_FILE, 'No such file');
        if (dst.node) fail(FX.FAILURE, 'File exists');
        fs.nodes.set(dst.path, src.node!);
        return ok();
      }
      case 'fsync@openssh.com':
        this.fileHandle(r);
        return ok();
      case 'lsetstat@openssh.com': {
        const found = fs.lookup(text(r.string()), false);
        if (!found.node) fail(FX.NO_SUCH_FILE, 'No such file');
        applyAttrs(found.node!, decodeAttrs(r));
        return ok();
      }
      case 'limits@openssh.com': {
        const l = this.options.limits ?? { packet: 262144, read: 261120, write: 261120, handles: 1019 };
        return msg.extendedReply(id, (w) =>
          w.uint64(l.packet).uint64(l.read).uint64(l.write).uint64(l.handles),
        );
      }
      case 'expand-path@openssh.com': {
        const p = text(r.string());
        const expanded = p === '~' ? fs.cwd : p.startsWith('~/') ? `${fs.cwd}/${p.slice(2)}` : p;
        return msg.name(id, [{ filename: fs.lookup(expanded, true).path, attrs: {} }]);
      }
      case 'copy-data': {
        const from = text(r.string());
        const fromOffset = Number(r.uint64());
        const length = Number(r.uint64());
        const to = text(r.string());
        const toOffset = Number(r.uint64());
        if (from === to) fail(FX.FAILURE, 'same handle');
        const src = this.handles.get(from);
        const dst = this.handles.get(to);
        if (src?.kind !== 'file' || dst?.kind !== 'file') fail(FX.FAILURE, 'bad handle');
        const s = (src as OpenHandle & { kind: 'file' }).node;
        const d = (dst as OpenHandle & { kind: 'file' }).node;
        const end = length === 0 ? s.size : Math.min(s.size, fromOffset + length);
        const bytes = s.content.slice(fromOffset, Math.max(fromOffset, end));
        if (toOffset + bytes.length > d.size) setSize(d, toOffset + bytes.length);
        d.content.set(bytes, toOffset);
        return ok();
      }
      case 'home-directory': {
        const user = text(r.string());
        if (user === 'me') return msg.name(id, [{ filename: '/home/me', attrs: {} }]);
        return fail(FX.FAILURE, 'no such user');
      }
      case 'users-groups-by-id@openssh.com': {
        const ids = (packed: Uint8Array) => {
          const v = new DataView(packed.buffer, packed.byteOffset, packed.length);
          return Array.from({ length: packed.length / 4 }, (_, i) => v.getUint32(i * 4));
        };
        const names: Record<number, string> = { 0: 'root', 1000: 'me' };
        const uids = ids(r.string());
        const gids = ids(r.string());
        return msg.extendedReply(id, (w) =>
          w
            .string(packStrings(uids.map((u) => names[u] ?? '')))
            .string(packStrings(gids.map((g) => names[g] ?? ''))),
        );
      }
      default:
        return msg.status(id, FX.OP_UNSUPPORTED, 'Operation unsupported', 'en');
    }
  }
}

/** The offset of a READ or WRITE request. */
export function readOffset(r: Request): number {
  const rd = r.reader();
  rd.string();
  return Number(rd.uint64());
}

/** Everything a byte stream yields, concatenated. */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(parts);
    parts.push(value);
  }
}

/** Writes `data` into `stream` in pieces of the given sizes (cycled), then closes it. */
export async function writeAll(
  stream: WritableStream<Uint8Array>,
  data: Uint8Array,
  sizes: number[],
): Promise<void> {
  const writer = stream.getWriter();
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? data.length);
    await writer.write(data.slice(at, at + n));
    at += n;
  }
  await writer.close();
}

/** Fields of a request, decoded by hand (for tests that check what the client sent). */
export function requestStrings(request: Request, n: number): string[] {
  const r = request.reader();
  return Array.from({ length: n }, () => text(r.string()));
}
