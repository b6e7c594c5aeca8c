// LocalFiles (local-files.ts) over node:fs/promises, for get / put / uploadDir / downloadDir.
import { constants, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalFile, LocalFiles, LocalStat } from '../local-files.js';

function toLocalStat(s: Stats): LocalStat {
  return {
    size: s.size,
    mode: s.mode,
    atime: Math.floor(s.atimeMs / 1000),
    mtime: Math.floor(s.mtimeMs / 1000),
    isFile: () => s.isFile(),
    isDirectory: () => s.isDirectory(),
    isSymbolicLink: () => s.isSymbolicLink(),
  };
}

export const nodeLocalFiles: LocalFiles = {
  async open(path, how, options = {}): Promise<LocalFile> {
    const flags =
      how === 'read'
        ? constants.O_RDONLY
        : constants.O_WRONLY | constants.O_CREAT | (options.keep ? 0 : constants.O_TRUNC);
    const handle = await open(path, flags, options.mode ?? 0o666);
    return {
      async read(length, position) {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      },
      async write(data, position) {
        let done = 0;
        while (done < data.length) {
          const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
          done += bytesWritten;
        }
      },
      close: () => handle.close(),
    };
  },
  stat: async (path) => toLocalStat(await stat(path)),
  lstat: async (path) => toLocalStat(await lstat(path)),
  async statIfExists(path) {
    try {
      return toLocalStat(await stat(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  readdir: (path) => readdir(path),
  mkdir: async (path, mode) => {
    await mkdir(path, { mode: mode ?? 0o777 });
  },
  remove: (path) => rm(path, { force: true }),
  utimes: (path, atime, mtime) => utimes(path, atime, mtime),
  chmod: (path, mode) => chmod(path, mode),
  join: (...parts) => join(...parts),
};
