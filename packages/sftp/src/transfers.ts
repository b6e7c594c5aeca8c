// Whole-file and directory transfers (API.md get / put / uploadDir / downloadDir, readFile /
// writeFile), all over the pipelines. Local files come through LocalFiles (the Node entry's).
//
// Failure and abort (`signal`): the partial destination file is removed — the local file for a
// download, the remote one for an upload — unless `keepPartial` (or `resume`, which implies it) is
// set, so an interrupted transfer never looks complete. `resume` continues from the destination's
// current size, as `sftp reget` / `reput` do.
import { SSHError } from '@sshts/wire';
import type { FileAttributes } from './attributes.js';
import type { SFTPClient } from './client.js';
import { StatusCode } from './constants.js';
import { clampChunk } from './context.js';
import { SFTPError, statusError } from './errors.js';
import type { SFTPFile } from './file.js';
import type { ByteSource, LocalFiles, LocalStat } from './local-files.js';
import type { ReadRangeOptions } from './read-pipeline.js';
import { readToEnd } from './read-to-end.js';
import { WritePipeline } from './write-pipeline.js';

export interface TransferOptions {
  /** Bytes done and the total (the source's size when known) after each acknowledged request. */
  onProgress?: (transferred: number, total: number) => void;
  /** Requests in flight (default: the client's). */
  concurrency?: number;
  /** Bytes per request (default: the client's, from limits@openssh.com). */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Continue from the destination's current size instead of starting over. */
  resume?: boolean;
  /** Keep a partial destination file after a failure or abort (default: removed). */
  keepPartial?: boolean;
  /** Copy permissions and access/modification times to the destination (sftp -p). */
  preserve?: boolean;
}

export interface PutOptions extends TransferOptions {
  /** Stat the uploaded file and check its size, as paramiko's put(confirm=True) (default true). */
  confirm?: boolean;
  /** Permissions for a new remote file (default: the local file's, as OpenSSH's sftp). */
  mode?: number;
}

export interface DirectoryTransferOptions extends TransferOptions {
  /** Called for every entry below the root; false leaves it (and what is under it) out. */
  filter?: (path: string, entry: { name: string; isDirectory: boolean }) => boolean;
  /** Entries left out for a reason other than the filter (symbolic links, unsafe names). */
  onSkip?: (path: string, reason: string) => void;
}

/** Local stream reads for uploads: large enough to keep the WRITE pipeline full. */
const LOCAL_READ_SIZE = 1024 * 1024;

function rangeOptions(client: SFTPClient, o: TransferOptions, path: string): ReadRangeOptions {
  const { readChunk, concurrency } = client.context.sizes;
  return {
    chunkSize: o.chunkSize === undefined ? readChunk : clampChunk(o.chunkSize),
    concurrency: o.concurrency ?? concurrency,
    signal: o.signal,
    path,
  };
}

function pipelineFor(
  client: SFTPClient,
  file: SFTPFile,
  start: number,
  o: TransferOptions,
  total: number,
  base = 0,
  ownsData = false,
) {
  const { writeChunk, concurrency } = client.context.sizes;
  return new WritePipeline(client.context.session, file.handle, start, {
    chunkSize: o.chunkSize === undefined ? writeChunk : clampChunk(o.chunkSize),
    concurrency: o.concurrency ?? concurrency,
    signal: o.signal,
    path: file.path,
    onProgress: o.onProgress ? (written) => o.onProgress!(base + written, total) : undefined,
    ownsData,
  });
}

function isDirectoryError(path: string): SFTPError {
  return statusError(StatusCode.FAILURE, 'is a directory', path, 'EISDIR');
}

/** readFile preallocates at most this much from the size the server reports (more grows as it arrives). */
const MAX_TRUSTED_SIZE = 16 * 1024 * 1024;

export async function readFile(
  client: SFTPClient,
  path: string,
  o: { signal?: AbortSignal },
): Promise<Uint8Array> {
  const file = await client.open(path, 'r');
  try {
    const attrs = await file.stat();
    if (attrs.isDirectory()) throw isDirectoryError(path);
    // The size is the server's word: start from it only up to a bound, then grow with the bytes
    // that really arrive — a server claiming 2^48 bytes must not make us allocate them.
    let buffer = new Uint8Array(Math.min(attrs.size ?? 0, MAX_TRUSTED_SIZE));
    let length = 0;
    const end = await readToEnd(
      client.context.session,
      file.handle,
      0,
      attrs.size,
      rangeOptions(client, o, path),
      (offset, parts, n) => {
        const needed = offset + n;
        if (needed > buffer.length) {
          // The file grew past its size: grow geometrically.
          const grown = new Uint8Array(Math.max(needed, buffer.length * 2));
          grown.set(buffer.subarray(0, length));
          buffer = grown;
        }
        let to = offset;
        for (const part of parts) {
          buffer.set(part, to);
          to += part.length;
        }
        length = Math.max(length, needed);
      },
    );
    // Data that arrived past the EOF found later (the file shrank meanwhile) is not the file's.
    length = Math.min(length, end);
    return length === buffer.length ? buffer : buffer.slice(0, length);
  } finally {
    await file.close().catch(() => {});
  }
}

export async function writeFile(
  client: SFTPClient,
  path: string,
  data: Uint8Array | string,
  o: { mode?: number; signal?: AbortSignal },
): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  o.signal?.throwIfAborted();
  const file = await client.open(path, 'w', o.mode);
  try {
    const pipeline = pipelineFor(client, file, 0, o, bytes.length);
    await pipeline.push(bytes);
    await pipeline.finish();
  } finally {
    await file.close().catch(() => {});
  }
}

export async function get(
  client: SFTPClient,
  local: LocalFiles,
  remote: string,
  localPath: string,
  o: TransferOptions,
): Promise<void> {
  o.signal?.throwIfAborted();
  const file = await client.open(remote, 'r');
  try {
    o.signal?.throwIfAborted();
    const attrs = await file.stat();
    if (attrs.isDirectory()) throw isDirectoryError(remote);
    const total = attrs.size ?? 0;
    const start = o.resume ? ((await local.statIfExists(localPath))?.size ?? 0) : 0;
    const out = await local.open(localPath, 'write', { keep: o.resume, mode: permissions(attrs.mode) });
    let transferred = start;
    try {
      await readToEnd(
        client.context.session,
        file.handle,
        start,
        total,
        rangeOptions(client, o, remote),
        async (offset, parts, n) => {
          if (out.writeParts) await out.writeParts(parts, offset);
          else
            for (let at = offset, i = 0; i < parts.length; at += parts[i]!.length, i++)
              await out.write(parts[i]!, at);
          transferred += n;
          o.onProgress?.(transferred, Math.max(total, transferred));
        },
      );
    } catch (error) {
      await out.close().catch(() => {});
      if (!o.keepPartial && !o.resume) await local.remove(localPath).catch(() => {});
      throw error;
    }
    await out.close();
    if (o.preserve) await preserveLocal(local, localPath, attrs);
  } finally {
    await file.close().catch(() => {});
  }
}

export async function put(
  client: SFTPClient,
  local: LocalFiles,
  localPath: string,
  remote: string,
  o: PutOptions,
): Promise<FileAttributes> {
  const st = await local.stat(localPath);
  if (st.isDirectory()) throw new SSHError('EISDIR', `${localPath} is a directory`);
  const input = await local.open(localPath, 'read');
  try {
    // Every read is a new buffer, never touched again: the WRITEs send it without a copy.
    return await uploadFrom(
      client,
      remote,
      o,
      st.size,
      st,
      async (start, push) => {
        for (let at = start; ; ) {
          const data = await input.read(LOCAL_READ_SIZE, at);
          if (data.length === 0) return;
          await push(data);
          at += data.length;
        }
      },
      true,
    );
  } finally {
    await input.close().catch(() => {});
  }
}

export async function upload(
  client: SFTPClient,
  source: ByteSource,
  remote: string,
  o: PutOptions,
): Promise<FileAttributes> {
  return uploadFrom(
    client,
    remote,
    { confirm: false, ...o, resume: false },
    undefined,
    undefined,
    async (_start, push) => {
      if (source instanceof ReadableStream) {
        const reader = source.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            await push(value);
          }
        } finally {
          reader.releaseLock();
        }
      }
      for await (const chunk of source as AsyncIterable<Uint8Array>) await push(chunk);
    },
  );
}

/** The upload core: open (create, or resume), write everything `produce` pushes, confirm, preserve. */
async function uploadFrom(
  client: SFTPClient,
  remote: string,
  o: PutOptions,
  size: number | undefined,
  st: LocalStat | undefined,
  produce: (start: number, push: (data: Uint8Array) => Promise<void>) => Promise<void>,
  /** `produce` pushes buffers of its own that it never changes (see WriteOptions.ownsData). */
  ownsData = false,
): Promise<FileAttributes> {
  o.signal?.throwIfAborted();
  let start = 0;
  let file: SFTPFile;
  if (o.resume) {
    start = (await statIfExists(client, remote))?.size ?? 0;
    file = await client.open(remote, start > 0 ? 'r+' : 'w', o.mode ?? permissions(st?.mode));
  } else {
    file = await client.open(remote, 'w', o.mode ?? permissions(st?.mode));
  }
  try {
    const pipeline = pipelineFor(client, file, start, o, size ?? 0, start, ownsData);
    await produce(start, (data) => pipeline.push(data));
    await pipeline.finish();
    if (o.preserve && st)
      await file.setstat({ mode: permissions(st.mode), atime: st.atime, mtime: st.mtime });
  } catch (error) {
    await file.close().catch(() => {});
    if (!o.keepPartial && !o.resume) await client.remove(remote).catch(() => {});
    throw error;
  }
  await file.close();
  const attrs = await client.stat(remote);
  if ((o.confirm ?? true) && size !== undefined && attrs.size !== size) {
    throw new SSHError(
      'ERR_SIZE_MISMATCH',
      `size mismatch in put: ${remote} is ${attrs.size} bytes, ${size} sent`,
    );
  }
  return attrs;
}

// --- directories ---

interface PlannedFile {
  from: string;
  to: string;
  size: number;
}

export async function uploadDir(
  client: SFTPClient,
  local: LocalFiles,
  localDir: string,
  remoteDir: string,
  o: DirectoryTransferOptions,
): Promise<void> {
  const dirs: [from: string, to: string][] = [];
  const files: PlannedFile[] = [];
  const walk = async (from: string, to: string, relative: string) => {
    dirs.push([from, to]);
    for (const name of (await local.readdir(from)).sort()) {
      const path = local.join(from, name);
      const rel = relative ? `${relative}/${name}` : name;
      const st = await local.lstat(path);
      if (st.isSymbolicLink()) {
        o.onSkip?.(path, 'symbolic link');
        continue;
      }
      if (o.filter && !o.filter(rel, { name, isDirectory: st.isDirectory() })) continue;
      const target = `${to}/${name}`;
      if (st.isDirectory()) await walk(path, target, rel);
      else if (st.isFile()) files.push({ from: path, to: target, size: st.size });
      else o.onSkip?.(path, 'not a regular file');
    }
  };
  await walk(localDir, remoteDir, '');
  for (const [from, to] of dirs) {
    try {
      await client.mkdir(to, permissions((await local.stat(from)).mode));
    } catch (error) {
      if (!(await isRemoteDirectory(client, to))) throw error;
    }
  }
  await runFiles(files, o, (f, fo) => put(client, local, f.from, f.to, fo).then(() => {}));
  if (o.preserve) {
    for (const [from, to] of dirs.reverse()) {
      const st = await local.stat(from);
      await client.setstat(to, { mode: permissions(st.mode), atime: st.atime, mtime: st.mtime });
    }
  }
}

export async function downloadDir(
  client: SFTPClient,
  local: LocalFiles,
  remoteDir: string,
  localDir: string,
  o: DirectoryTransferOptions,
): Promise<void> {
  const dirs: [from: string, to: string, attrs: FileAttributes][] = [];
  const files: PlannedFile[] = [];
  const walk = async (from: string, to: string, relative: string, attrs: FileAttributes) => {
    dirs.push([from, to, attrs]);
    const entries = (await client.readdir(from)).sort((a, b) => (a.filename < b.filename ? -1 : 1));
    for (const entry of entries) {
      const name = entry.filename;
      const path = `${from}/${name}`;
      const unsafe = unsafeName(name);
      if (unsafe) {
        // The server chose this name: used as a local path it could escape localDir (libssh
        // CVE-2026-0964's class), so it is skipped, as OpenSSH's sftp skips "suspicious" names.
        o.onSkip?.(path, unsafe);
        continue;
      }
      const rel = relative ? `${relative}/${name}` : name;
      const a = entry.attrs;
      if (a.isSymbolicLink()) {
        o.onSkip?.(path, 'symbolic link');
        continue;
      }
      if (o.filter && !o.filter(rel, { name, isDirectory: a.isDirectory() })) continue;
      const target = local.join(to, name);
      if (a.isDirectory()) await walk(path, target, rel, a);
      else if (a.isFile() || a.mode === undefined) files.push({ from: path, to: target, size: a.size ?? 0 });
      else o.onSkip?.(path, 'not a regular file');
    }
  };
  await walk(remoteDir, localDir, '', await client.stat(remoteDir));
  for (const [, to, attrs] of dirs) {
    const existing = await local.statIfExists(to);
    if (!existing) await local.mkdir(to, permissions(attrs.mode));
    else if (!existing.isDirectory()) throw new SSHError('ENOTDIR', `${to} exists and is not a directory`);
  }
  await runFiles(files, o, (f, fo) => get(client, local, f.from, f.to, fo));
  if (o.preserve) {
    for (const [, to, attrs] of dirs.reverse()) await preserveLocal(local, to, attrs);
  }
}

/** One file after another, with progress summed over the whole tree. */
async function runFiles(
  files: PlannedFile[],
  o: DirectoryTransferOptions,
  transfer: (file: PlannedFile, options: TransferOptions) => Promise<void>,
): Promise<void> {
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  for (const f of files) {
    o.signal?.throwIfAborted();
    await transfer(f, {
      ...o,
      onProgress: o.onProgress ? (n) => o.onProgress!(done + n, Math.max(total, done + n)) : undefined,
    });
    done += f.size;
  }
}

/** Why a name from the server cannot be a local file name, or undefined when it can. */
export function unsafeName(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `unsafe name "${name}"`;
  if (name.includes('/') || name.includes('\\')) return 'name contains a path separator';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'name contains a control character';
  return undefined;
}

function permissions(mode: number | undefined): number | undefined {
  return mode === undefined ? undefined : mode & 0o7777;
}

async function preserveLocal(local: LocalFiles, path: string, attrs: FileAttributes): Promise<void> {
  if (attrs.mode !== undefined) await local.chmod(path, attrs.mode & 0o7777);
  if (attrs.atime !== undefined && attrs.mtime !== undefined)
    await local.utimes(path, attrs.atime, attrs.mtime);
}

async function statIfExists(client: SFTPClient, path: string): Promise<FileAttributes | undefined> {
  try {
    return await client.stat(path);
  } catch (error) {
    if (error instanceof SFTPError && error.status === StatusCode.NO_SUCH_FILE) return undefined;
    throw error;
  }
}

async function isRemoteDirectory(client: SFTPClient, path: string): Promise<boolean> {
  return (await statIfExists(client, path))?.isDirectory() ?? false;
}
