// Test wiring for SFTPServer: an in-memory byte pipe between our SFTPClient (or a raw byte-level
// client) and a server session, and a walk of any SFTPFileSystem into a plain tree for comparing.
import type { ByteChannel } from '@sshts/channel';
import { SSHReader, SSHWriter } from '@sshts/wire';
import {
  type SFTPClientOptions,
  type SFTPFileSystem,
  SFTPServer,
  type SFTPServerOptions,
} from '../src/index.js';
import { SFTPClient } from '../src/node/index.js';
import { T } from './scripted-server.js';

/** Two Web Streams pairs joined back to back. */
export function pipePair(): { client: ByteChannel; server: ByteChannel } {
  const up = new TransformStream<Uint8Array, Uint8Array>();
  const down = new TransformStream<Uint8Array, Uint8Array>();
  return {
    client: { readable: down.readable, writable: up.writable },
    server: { readable: up.readable, writable: down.writable },
  };
}

export interface Served {
  client: SFTPClient;
  server: SFTPServer;
  /** serve()'s outcome. */
  served: Promise<void>;
  close(): Promise<void>;
}

/** Our SFTPClient talking to an SFTPServer on `fs`. */
export async function serveClient(
  fs: SFTPFileSystem,
  options: SFTPServerOptions = {},
  clientOptions: SFTPClientOptions = {},
): Promise<Served> {
  const server = new SFTPServer(fs, options);
  const { client: c, server: s } = pipePair();
  const served = server.serve(s);
  served.catch(() => {});
  const client = await SFTPClient.fromChannel(c, clientOptions);
  return {
    client,
    server,
    served,
    close: async () => {
      await client.close();
      await served;
    },
  };
}

/** uint32 length + what `build` writes (draft-02 §3). */
export function frame(build: (w: SSHWriter) => void): Uint8Array {
  const w = new SSHWriter(64).uint32(0);
  build(w);
  const out = w.finish().slice();
  new DataView(out.buffer).setUint32(0, out.length - 4);
  return out;
}

/** A request: type, id, then the fields `build` writes. */
export function request(type: number, id: number, build?: (w: SSHWriter) => void): Uint8Array {
  return frame((w) => {
    w.byte(type).uint32(id);
    build?.(w);
  });
}

export interface RawReply {
  type: number;
  id: number;
  /** Positioned after the id. */
  r: SSHReader;
  length: number;
}

/**
 * A byte-level client: sends whatever a test builds (valid or not) and reads replies as the
 * draft lays them out (§3), with SSHWriter/SSHReader from @sshts/wire, not the package's codec.
 */
export class RawClient {
  readonly served: Promise<void>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private buffered = new Uint8Array(0);
  /** Set once the server's side of the pipe has ended. */
  ended = false;

  constructor(server: SFTPServer) {
    const { client, server: s } = pipePair();
    this.served = server.serve(s);
    this.served.catch(() => {});
    this.writer = client.writable.getWriter();
    this.reader = client.readable.getReader();
  }

  static async connect(server: SFTPServer, version = 3): Promise<{ raw: RawClient; version: RawReply }> {
    const raw = new RawClient(server);
    raw.send(raw.frame((w) => w.byte(T.INIT).uint32(version)));
    return { raw, version: await raw.next() };
  }

  frame(build: (w: SSHWriter) => void): Uint8Array {
    return frame(build);
  }

  request(type: number, id: number, build?: (w: SSHWriter) => void): Uint8Array {
    return request(type, id, build);
  }

  send(bytes: Uint8Array): void {
    this.writer.write(bytes).catch(() => {});
  }

  async ask(type: number, id: number, build?: (w: SSHWriter) => void): Promise<RawReply> {
    this.send(this.request(type, id, build));
    return this.next();
  }

  async end(): Promise<void> {
    await this.writer.close().catch(() => {});
  }

  /** The next whole message from the server; rejects if the pipe ends first. */
  async next(): Promise<RawReply> {
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = new DataView(this.buffered.buffer, this.buffered.byteOffset).getUint32(0);
        if (this.buffered.length >= 4 + length) {
          const message = this.buffered.slice(4, 4 + length);
          this.buffered = this.buffered.slice(4 + length);
          const r = new SSHReader(message);
          const type = r.byte();
          const id = r.uint32();
          return { type, id, r, length };
        }
      }
      const { done, value } = await this.reader.read();
      if (done) {
        this.ended = true;
        throw new Error('the server ended the pipe');
      }
      const joined = new Uint8Array(this.buffered.length + value.length);
      joined.set(this.buffered);
      joined.set(value, this.buffered.length);
      this.buffered = joined;
    }
  }

  /** Resolves true once the server's side has ended (no more replies), false after `ms`. */
  async endsWithin(ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      try {
        const r = await Promise.race([
          this.next(),
          new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline - Date.now())),
        ]);
        if (r === 'timeout') return false;
      } catch {
        return true;
      }
    }
    return false;
  }
}

/** A STATUS reply's code. */
export function statusOf(reply: RawReply): number {
  if (reply.type !== T.STATUS) throw new Error(`expected STATUS, got type ${reply.type}`);
  return reply.r.uint32();
}

export interface TreeEntry {
  type: 'file' | 'dir' | 'link';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  nlink: number;
  size?: number;
  /** Files: the content, base64. */
  data?: string;
  target?: string;
}

/** Every entry under `dir` (recursive, by path) through the SFTPFileSystem API alone. */
export async function walkTree(fs: SFTPFileSystem, dir = '/'): Promise<Record<string, TreeEntry>> {
  const out: Record<string, TreeEntry> = {};
  const handle = await fs.opendir(dir);
  const names: string[] = [];
  for (let batch = await handle.read(); batch; batch = await handle.read()) {
    for (const e of batch) if (e.filename !== '.' && e.filename !== '..') names.push(e.filename);
  }
  await handle.close();
  for (const name of names.sort()) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
    const st = await fs.lstat(path);
    const type =
      (st.mode & 0o170000) === 0o040000 ? 'dir' : (st.mode & 0o170000) === 0o120000 ? 'link' : 'file';
    const entry: TreeEntry = {
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: st.mtime,
      nlink: st.nlink ?? 1,
    };
    if (type === 'file') {
      const f = await fs.open(path, 1, 0);
      const buf = new Uint8Array(st.size);
      let got = 0;
      while (got < st.size) {
        const n = await f.read(buf.subarray(got), got);
        if (n === 0) break;
        got += n;
      }
      await f.close();
      entry.size = st.size;
      entry.data = base64(buf.subarray(0, got));
    } else if (type === 'link') {
      entry.target = await fs.readlink(path);
    }
    out[path] = entry;
    if (type === 'dir') Object.assign(out, await walkTree(fs, path));
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
