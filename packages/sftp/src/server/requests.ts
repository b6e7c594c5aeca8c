// The requests of draft-02 §6, each as OpenSSH's sftp-server handles it (sftp-server.c process_*),
// on the SFTPFileSystem behind the session.
import { MAX_MESSAGE_LENGTH, OpenFlag, PacketType, StatusCode } from '../constants.js';
import { absolute, checkWritable, type Handler, invalidHandle, type ServerContext } from './context.js';
import type { SFTPDirEntry } from './filesystem.js';
import type { DirHandle } from './handles.js';
import { formatLongname } from './longname.js';
import { StatusFailure } from './status.js';
import {
  attrsReply,
  dataReply,
  finishData,
  handleReply,
  type NameEntry,
  nameEntrySize,
  nameReply,
  readChanges,
  readHandle,
  readPath,
  readUint64,
  statusReply,
} from './wire.js';

/** sftp-server.c SFTP_MAX_READ_LENGTH: a READ asks for at most this, longer ones are cut. */
export const MAX_READ_LENGTH = MAX_MESSAGE_LENGTH - 1024;
/** sftp-server.c process_readdir: "send up to 100 entries in one message". */
export const READDIR_BATCH = 100;
/** The NAME reply stays this far under the message limit (room for the header). */
const NAME_BUDGET = MAX_MESSAGE_LENGTH - 1024;

const ok = (ctx: ServerContext, id: number) => statusReply(id, StatusCode.OK, ctx.clientVersion);

/** Flags that change something, refused in read-only mode (sftp-server.c process_open). */
const MODIFYING_OPEN = OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.TRUNC | OpenFlag.APPEND;

const open: Handler = (ctx, id, r) => {
  const path = readPath(r, 'OPEN.filename');
  const pflags = r.uint32('OPEN.pflags');
  const attrs = readChanges(r);
  return {
    access: 'exclusive',
    run: async () => {
      if (pflags & MODIFYING_OPEN) checkWritable(ctx);
      if (ctx.handles.full) throw new StatusFailure(StatusCode.FAILURE, 'Too many open handles');
      // OpenSSH: the permissions sent, else 0666 (the umask applies as for any open(2)).
      const mode = attrs.mode === undefined ? 0o666 : attrs.mode & 0o7777;
      const target = absolute(ctx, path);
      const file = await ctx.fs.open(target, pflags, mode);
      return handleReply(id, ctx.handles.add({ kind: 'file', file, path: target, flags: pflags }));
    },
  };
};

const close: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  return {
    access: 'exclusive',
    handle,
    run: async () => {
      const h = ctx.handles.take(handle) ?? invalidHandle();
      await (h.kind === 'file' ? h.file.close() : h.dir.close());
      return ok(ctx, id);
    },
  };
};

const read: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  const offset = readUint64(r, 'READ.offset');
  // Clamped, never refused: sftp-server answers a READ of 2^32 − 1 bytes with at most this many.
  const length = Math.min(r.uint32('READ.len'), MAX_READ_LENGTH);
  return {
    access: 'shared',
    handle,
    run: async () => {
      const h = ctx.handles.file(handle) ?? invalidHandle();
      if (offset === Number.POSITIVE_INFINITY) return statusReply(id, StatusCode.EOF, ctx.clientVersion);
      const { message, data } = dataReply(id, length);
      // A READ of 0 bytes gets an empty DATA ("weird, but not strictly disallowed", sftp-server).
      if (length === 0) return finishData(message, 0);
      const n = await h.file.read(data, offset);
      if (n === 0) return statusReply(id, StatusCode.EOF, ctx.clientVersion);
      return finishData(message, Math.min(n, length));
    },
  };
};

const write: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  const offset = readUint64(r, 'WRITE.offset');
  const data = r.string('WRITE.data');
  return {
    access: 'exclusive',
    handle,
    run: async () => {
      const h = ctx.handles.file(handle) ?? invalidHandle();
      if (offset === Number.POSITIVE_INFINITY)
        throw new StatusFailure(StatusCode.FAILURE, 'Offset too large');
      await h.file.write(data, offset);
      return ok(ctx, id);
    },
  };
};

const stat =
  (follow: boolean): Handler =>
  (ctx, id, r) => {
    const path = readPath(r, follow ? 'STAT.path' : 'LSTAT.path');
    return {
      access: 'shared',
      run: async () => {
        const target = absolute(ctx, path);
        return attrsReply(id, await (follow ? ctx.fs.stat(target) : ctx.fs.lstat(target)));
      },
    };
  };

const fstat: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  return {
    access: 'shared',
    handle,
    run: async () => attrsReply(id, await (ctx.handles.file(handle) ?? invalidHandle()).file.stat()),
  };
};

const setstat: Handler = (ctx, id, r) => {
  const path = readPath(r, 'SETSTAT.path');
  const changes = readChanges(r);
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      await ctx.fs.setstat(absolute(ctx, path), changes);
      return ok(ctx, id);
    },
  };
};

const fsetstat: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  const changes = readChanges(r);
  return {
    access: 'exclusive',
    handle,
    run: async () => {
      const h = ctx.handles.file(handle) ?? invalidHandle();
      checkWritable(ctx);
      await h.file.setstat(changes);
      return ok(ctx, id);
    },
  };
};

const opendir: Handler = (ctx, id, r) => {
  const path = readPath(r, 'OPENDIR.path');
  return {
    access: 'exclusive',
    run: async () => {
      if (ctx.handles.full) throw new StatusFailure(StatusCode.FAILURE, 'Too many open handles');
      const target = absolute(ctx, path);
      const dir = await ctx.fs.opendir(target);
      return handleReply(id, ctx.handles.add({ kind: 'dir', dir, path: target, pending: [], done: false }));
    },
  };
};

const readdir: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  return {
    access: 'exclusive',
    handle,
    run: async () => {
      const h = ctx.handles.dir(handle) ?? invalidHandle();
      const entries = await nextBatch(ctx, h);
      if (entries.length === 0) return statusReply(id, StatusCode.EOF, ctx.clientVersion);
      return nameReply(id, entries);
    },
  };
};

/** Up to READDIR_BATCH entries that fit in one NAME reply; the rest wait in `pending`. */
async function nextBatch(ctx: ServerContext, h: DirHandle): Promise<NameEntry[]> {
  const out: NameEntry[] = [];
  let size = 0;
  const now = Math.floor(Date.now() / 1000);
  while (out.length < READDIR_BATCH) {
    if (h.pending.length === 0) {
      if (h.done) break;
      const more = await h.dir.read();
      if (more === undefined) h.done = true;
      else h.pending.push(...more);
      continue;
    }
    const e = await nameEntry(ctx, h.pending[0]!, now);
    const n = nameEntrySize(e);
    // One entry too large for any reply (a name near the message limit) is dropped, not looped on.
    if (n > NAME_BUDGET) {
      h.pending.shift();
      continue;
    }
    if (size + n > NAME_BUDGET) break;
    h.pending.shift();
    out.push(e);
    size += n;
  }
  return out;
}

async function nameEntry(ctx: ServerContext, e: SFTPDirEntry, now: number): Promise<NameEntry> {
  const longname =
    e.longname ??
    formatLongname(
      e.filename,
      e.stats,
      await ctx.fs.userName?.(e.stats.uid),
      await ctx.fs.groupName?.(e.stats.gid),
      now,
    );
  return { filename: e.filename, longname, stats: e.stats };
}

/** REMOVE, RMDIR: one path, one change. */
const pathChange =
  (field: string, change: (ctx: ServerContext, path: string) => Promise<void>): Handler =>
  (ctx, id, r) => {
    const path = readPath(r, field);
    return {
      access: 'exclusive',
      run: async () => {
        checkWritable(ctx);
        await change(ctx, absolute(ctx, path));
        return ok(ctx, id);
      },
    };
  };

const mkdir: Handler = (ctx, id, r) => {
  const path = readPath(r, 'MKDIR.path');
  const attrs = readChanges(r);
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      await ctx.fs.mkdir(absolute(ctx, path), attrs.mode === undefined ? 0o777 : attrs.mode & 0o7777);
      return ok(ctx, id);
    },
  };
};

/** REALPATH (§6.11): "" and "." are the start directory; the reply's longname is the path too. */
const realpath: Handler = (ctx, id, r) => {
  const path = readPath(r, 'REALPATH.path');
  return {
    access: 'shared',
    run: async () => {
      const resolved = await ctx.fs.realpath(absolute(ctx, path === '' ? '.' : path));
      return nameReply(id, [{ filename: resolved, longname: resolved }]);
    },
  };
};

/** RENAME (§6.5): fails when the new name exists; posix-rename@openssh.com replaces it. */
const rename: Handler = (ctx, id, r) => {
  const from = readPath(r, 'RENAME.oldpath');
  const to = readPath(r, 'RENAME.newpath');
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      await ctx.fs.rename(absolute(ctx, from), absolute(ctx, to), false);
      return ok(ctx, id);
    },
  };
};

const readlink: Handler = (ctx, id, r) => {
  const path = readPath(r, 'READLINK.path');
  return {
    access: 'shared',
    run: async () => {
      const target = await ctx.fs.readlink(absolute(ctx, path));
      return nameReply(id, [{ filename: target, longname: target }]);
    },
  };
};

/**
 * SYMLINK: OpenSSH's sftp-server reads targetpath first, then linkpath — the reverse of
 * draft-02 §6.10 (PROTOCOL §4.1) — and every client that talks to it sends that order. The
 * target is stored as given: it is resolved, when followed, against the link's directory.
 */
const symlink: Handler = (ctx, id, r) => {
  const target = readPath(r, 'SYMLINK.targetpath');
  const link = readPath(r, 'SYMLINK.linkpath');
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      await ctx.fs.symlink(target, absolute(ctx, link));
      return ok(ctx, id);
    },
  };
};

/** Handlers by request type; EXTENDED comes from extended.ts. */
export const REQUESTS: Partial<Record<number, Handler>> = {
  [PacketType.OPEN]: open,
  [PacketType.CLOSE]: close,
  [PacketType.READ]: read,
  [PacketType.WRITE]: write,
  [PacketType.LSTAT]: stat(false),
  [PacketType.FSTAT]: fstat,
  [PacketType.SETSTAT]: setstat,
  [PacketType.FSETSTAT]: fsetstat,
  [PacketType.OPENDIR]: opendir,
  [PacketType.READDIR]: readdir,
  [PacketType.REMOVE]: pathChange('REMOVE.filename', (ctx, p) => ctx.fs.remove(p)),
  [PacketType.MKDIR]: mkdir,
  [PacketType.RMDIR]: pathChange('RMDIR.path', (ctx, p) => ctx.fs.rmdir(p)),
  [PacketType.REALPATH]: realpath,
  [PacketType.STAT]: stat(true),
  [PacketType.RENAME]: rename,
  [PacketType.READLINK]: readlink,
  [PacketType.SYMLINK]: symlink,
};
