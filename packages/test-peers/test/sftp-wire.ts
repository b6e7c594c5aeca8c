// Just enough SFTP v3 (draft-ietf-secsh-filexfer-02), written by hand, to prove the harness's
// servers answer: every packet is `uint32 length, byte type, …`; requests after INIT carry a
// uint32 id that the reply repeats. Not the project's SFTP client (packages/sftp) on purpose, so
// a bug there cannot hide a broken peer here.
import type { Readable, Writable } from 'node:stream';

/** Packet types, filexfer-02 §3. */
export const FXP = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  WRITE: 6,
  REALPATH: 16,
  STATUS: 101,
  HANDLE: 102,
  NAME: 104,
} as const;

/** SSH_FXF_* open flags, filexfer-02 §6.3. */
export const FXF = { READ: 0x01, WRITE: 0x02, CREAT: 0x08, TRUNC: 0x10 } as const;

/** SSH_FX_* status codes, filexfer-02 §7. */
export const FX = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3 } as const;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const str = (s: string | Uint8Array) => {
  const body = Buffer.from(s);
  return Buffer.concat([u32(body.length), body]);
};

export function packet(type: number, ...fields: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([type]), ...fields]);
  return Buffer.concat([u32(body.length), body]);
}

/** A reply that is not the one asked for: the status a server sent instead. */
export class StatusReply extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`SSH_FXP_STATUS ${code}: ${text}`);
  }
}

class Cursor {
  private offset = 0;
  constructor(private readonly data: Buffer) {}
  u32(): number {
    const v = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  bytes(): Buffer {
    const len = this.u32();
    if (this.offset + len > this.data.length) throw new Error('string runs past the packet');
    const v = this.data.subarray(this.offset, this.offset + len);
    this.offset += len;
    return v;
  }
  string(): string {
    return this.bytes().toString('utf8');
  }
  get done(): boolean {
    return this.offset >= this.data.length;
  }
}

/** One SFTP session over a byte pair (sftp-server's stdio, or `ssh -s … sftp`'s). */
export class RawSftp {
  private buffered = Buffer.alloc(0);
  private readonly waiting: { resolve: (p: Buffer) => void; reject: (e: Error) => void }[] = [];
  private readonly queued: Buffer[] = [];
  private failure: Error | undefined;
  private nextId = 1;

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    input.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      for (;;) {
        if (this.buffered.length < 4) return;
        const len = this.buffered.readUInt32BE(0);
        if (len > 1 << 20) return this.fail(new Error(`implausible SFTP packet length ${len}`));
        if (this.buffered.length < 4 + len) return;
        const body = this.buffered.subarray(4, 4 + len);
        this.buffered = this.buffered.subarray(4 + len);
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(body);
        else this.queued.push(body);
      }
    });
    input.once('end', () => this.fail(new Error('the server closed the stream')));
    input.once('error', (e) => this.fail(e));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }

  /** The next packet body (type byte first), bounded by timeoutMs. */
  next(timeoutMs = 10_000): Promise<Buffer> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (p: Buffer) => {
          clearTimeout(timer);
          resolve(p);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new Error(`no SFTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }

  /** SSH_FXP_INIT (filexfer-02 §4: no request id) and the VERSION reply with its extension pairs. */
  async init(version = 3): Promise<{ version: number; extensions: [string, Buffer][] }> {
    this.output.write(packet(FXP.INIT, u32(version)));
    const reply = await this.next();
    if (reply[0] !== FXP.VERSION) throw new Error(`expected SSH_FXP_VERSION, got type ${reply[0]}`);
    const c = new Cursor(reply.subarray(1));
    const v = c.u32();
    const extensions: [string, Buffer][] = [];
    while (!c.done) extensions.push([c.string(), c.bytes()]);
    return { version: v, extensions };
  }

  /** Sends one request and returns the reply's fields after the id; a STATUS (other than OK for `ok`) throws. */
  private async call(type: number, fields: Buffer[], expect: number): Promise<Cursor | undefined> {
    const id = this.nextId++;
    this.output.write(packet(type, u32(id), ...fields));
    const reply = await this.next();
    const c = new Cursor(reply.subarray(1));
    const replyId = c.u32();
    if (replyId !== id) throw new Error(`reply for request ${replyId}, expected ${id}`);
    if (reply[0] === FXP.STATUS) {
      const code = c.u32();
      const text = c.string();
      if (expect === FXP.STATUS && code === FX.OK) return undefined;
      throw new StatusReply(code, text);
    }
    if (reply[0] !== expect) throw new Error(`expected reply type ${expect}, got ${reply[0]}`);
    return c;
  }

  /** SSH_FXP_REALPATH: the server's canonical name of `path` (filexfer-02 §6.9). */
  async realpath(path: string): Promise<string> {
    const c = (await this.call(FXP.REALPATH, [str(path)], FXP.NAME))!;
    const count = c.u32();
    if (count !== 1) throw new Error(`REALPATH answered ${count} names`);
    return c.string();
  }

  /** SSH_FXP_OPEN with empty ATTRS (flags 0); returns the handle. */
  async open(path: string, pflags: number): Promise<Buffer> {
    const c = (await this.call(FXP.OPEN, [str(path), u32(pflags), u32(0)], FXP.HANDLE))!;
    return c.bytes();
  }

  async write(handle: Buffer, offset: number, data: Uint8Array): Promise<void> {
    await this.call(FXP.WRITE, [str(handle), u64(offset), str(data)], FXP.STATUS);
  }

  async close(handle: Buffer): Promise<void> {
    await this.call(FXP.CLOSE, [str(handle)], FXP.STATUS);
  }

  /** Creates (or truncates) `path` with `data` through OPEN, WRITE, CLOSE. */
  async writeFile(path: string, data: Uint8Array): Promise<void> {
    const handle = await this.open(path, FXF.WRITE | FXF.CREAT | FXF.TRUNC);
    await this.write(handle, 0, data);
    await this.close(handle);
  }
}

/** Extension names and data, data as text where it is text (for readable assertions). */
export function describeExtensions(extensions: [string, Buffer][]): [string, string][] {
  return extensions.map(([name, data]) => [name, data.toString('latin1')]);
}
