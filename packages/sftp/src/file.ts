// An open remote file (API.md SFTPFile): reads and writes at a position (pipelined when larger
// than one request), FSTAT / FSETSTAT, fsync@openssh.com, fstatvfs@openssh.com, CLOSE (§6.3–§6.8).
import { SSHError } from '@sshts/wire';
import { type AttributeChanges, type FileAttributes, writeAttributes } from './attributes.js';
import { PacketType } from './constants.js';
import type { SftpContext } from './context.js';
import { asyncDispose } from './dispose.js';
import { readStatVfs, type StatVfs } from './extensions.js';
import { readRange } from './read-pipeline.js';
import { expectAttrs, expectExtendedReply, expectOk } from './replies.js';
import { WritePipeline } from './write-pipeline.js';

export class SFTPFile {
  /** Where read() and write() without a position go next. */
  position: number;
  private closed = false;

  constructor(
    private readonly context: SftpContext,
    readonly handle: Uint8Array,
    readonly path: string,
    position = 0,
  ) {
    this.position = position;
  }

  /**
   * Up to `length` bytes from `position` (default: the current position, which then advances);
   * fewer only at end of file, an empty array there.
   */
  async read(length: number, position?: number): Promise<Uint8Array> {
    this.checkOpen();
    const at = position ?? this.position;
    const buffer = new Uint8Array(length);
    let filled = 0;
    const { readChunk, concurrency } = this.context.sizes;
    const endedAt = await readRange(
      this.context.session,
      this.handle,
      at,
      at + length,
      { chunkSize: readChunk, concurrency, path: this.path },
      (offset, parts, n) => {
        let to = offset - at;
        for (const part of parts) {
          buffer.set(part, to);
          to += part.length;
        }
        filled = Math.max(filled, offset - at + n);
      },
    );
    const got = Math.min(filled, endedAt - at);
    if (position === undefined) this.position = at + got;
    return got === length ? buffer : buffer.subarray(0, got);
  }

  /** Writes all of `data` at `position` (default: the current position, which then advances). */
  async write(data: Uint8Array | string, position?: number): Promise<void> {
    this.checkOpen();
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const at = position ?? this.position;
    const { writeChunk, concurrency } = this.context.sizes;
    const pipeline = new WritePipeline(this.context.session, this.handle, at, {
      chunkSize: writeChunk,
      concurrency,
      path: this.path,
    });
    await pipeline.push(bytes);
    await pipeline.finish();
    if (position === undefined) this.position = at + bytes.length;
  }

  /** FSTAT (§6.8). */
  async stat(): Promise<FileAttributes> {
    this.checkOpen();
    const reply = await this.context.session.request(PacketType.FSTAT, (w) => w.string(this.handle));
    return expectAttrs(reply, this.path);
  }

  /** FSETSTAT (§6.9). */
  async setstat(attrs: AttributeChanges): Promise<void> {
    this.checkOpen();
    const reply = await this.context.session.request(PacketType.FSETSTAT, (w) =>
      writeAttributes(w.string(this.handle), attrs),
    );
    expectOk(reply, this.path);
  }

  chmod(mode: number): Promise<void> {
    return this.setstat({ mode });
  }

  chown(uid: number, gid: number): Promise<void> {
    return this.setstat({ uid, gid });
  }

  utimes(atime: number, mtime: number): Promise<void> {
    return this.setstat({ atime, mtime });
  }

  truncate(size: number): Promise<void> {
    return this.setstat({ size });
  }

  /** fsync@openssh.com (PROTOCOL §4.6): the server's fsync(2) of the file. */
  async fsync(): Promise<void> {
    this.checkOpen();
    this.context.requireExtension('fsync@openssh.com', this.path);
    const reply = await this.context.session.request(PacketType.EXTENDED, (w) =>
      w.string('fsync@openssh.com').string(this.handle),
    );
    expectOk(reply, this.path);
  }

  /** fstatvfs@openssh.com (PROTOCOL §4.4): the filesystem holding the file. */
  async statvfs(): Promise<StatVfs> {
    this.checkOpen();
    this.context.requireExtension('fstatvfs@openssh.com', this.path);
    const reply = await this.context.session.request(PacketType.EXTENDED, (w) =>
      w.string('fstatvfs@openssh.com').string(this.handle),
    );
    return readStatVfs(expectExtendedReply(reply, this.path));
  }

  /** CLOSE (§6.3). Closing twice is a no-op. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reply = await this.context.session.request(PacketType.CLOSE, (w) => w.string(this.handle));
    expectOk(reply, this.path);
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new SSHError('ERR_SFTP_FILE_CLOSED', `${this.path} is closed`);
  }
}
