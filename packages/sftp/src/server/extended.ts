// SSH_FXP_EXTENDED (draft-02 §8): the OpenSSH extensions (PROTOCOL §4.3–§4.12), with the request
// and reply formats of sftp-server.c process_extended_*. Each is offered in VERSION only when the
// filesystem can do it, and a request for anything not offered is OP_UNSUPPORTED.
import { MalformedMessageError, type SSHReader, type SSHWriter } from '@sshts/wire';
import { MAX_MESSAGE_LENGTH, StatusCode } from '../constants.js';
import { EXTENSION_VERSIONS, type ExtensionName, StatVfsFlag } from '../extensions.js';
import { absolute, checkWritable, type Handler, invalidHandle, type ServerContext } from './context.js';
import type { SFTPFileSystem } from './filesystem.js';
import { readable, writable } from './handles.js';
import { MAX_READ_LENGTH } from './requests.js';
import { StatusFailure } from './status.js';
import {
  extendedReply,
  nameReply,
  readChanges,
  readHandle,
  readPath,
  readUint64,
  statusReply,
  utf8Length,
} from './wire.js';

const ok = (ctx: ServerContext, id: number) => statusReply(id, StatusCode.OK, ctx.clientVersion);

/** The extension pairs for VERSION, in OpenSSH's order (sftp-server.c process_init). */
export function offeredExtensions(fs: SFTPFileSystem): Record<string, string> {
  const names: ExtensionName[] = ['posix-rename@openssh.com'];
  if (fs.statvfs) names.push('statvfs@openssh.com', 'fstatvfs@openssh.com');
  if (fs.hardlink) names.push('hardlink@openssh.com');
  names.push(
    'fsync@openssh.com',
    'lsetstat@openssh.com',
    'limits@openssh.com',
    'expand-path@openssh.com',
    'copy-data',
    'home-directory',
  );
  if (fs.userName || fs.groupName) names.push('users-groups-by-id@openssh.com');
  const out: Record<string, string> = {};
  for (const name of names) out[name] = EXTENSION_VERSIONS[name];
  return out;
}

/** posix-rename@openssh.com (§4.3): rename(2), replacing an existing `to`. */
const posixRename: Handler = (ctx, id, r) => {
  const from = readPath(r, 'posix-rename.oldpath');
  const to = readPath(r, 'posix-rename.newpath');
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      await ctx.fs.rename(absolute(ctx, from), absolute(ctx, to), true);
      return ok(ctx, id);
    },
  };
};

/** statvfs@ / fstatvfs@openssh.com (§4.4): eleven uint64s; ST_RDONLY in read-only mode. */
function statvfsReply(ctx: ServerContext, id: number, path: string) {
  return async () => {
    const v = await ctx.fs.statvfs!(path);
    const flag = v.flag | (ctx.readOnly ? StatVfsFlag.RDONLY : 0);
    return extendedReply(id, (w) => {
      for (const n of [v.bsize, v.frsize, v.blocks, v.bfree, v.bavail, v.files, v.ffree, v.favail]) u64(w, n);
      w.uint64(BigInt.asUintN(64, v.fsid));
      u64(w, flag);
      u64(w, v.namemax);
    });
  };
}

function u64(w: SSHWriter, n: number): void {
  w.uint64(Math.min(Math.max(Math.floor(n) || 0, 0), Number.MAX_SAFE_INTEGER));
}

const statvfs: Handler = (ctx, id, r) => {
  const path = readPath(r, 'statvfs.path');
  return { access: 'shared', run: () => statvfsReply(ctx, id, absolute(ctx, path))() };
};

const fstatvfs: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  return {
    access: 'shared',
    handle,
    run: () => statvfsReply(ctx, id, (ctx.handles.file(handle) ?? invalidHandle()).path)(),
  };
};

/** hardlink@openssh.com (§4.5): link(2) of oldpath as newpath. */
const hardlink: Handler = (ctx, id, r) => {
  const from = readPath(r, 'hardlink.oldpath');
  const to = readPath(r, 'hardlink.newpath');
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      await ctx.fs.hardlink!(absolute(ctx, from), absolute(ctx, to));
      return ok(ctx, id);
    },
  };
};

/** fsync@openssh.com (§4.6). */
const fsync: Handler = (ctx, id, r) => {
  const handle = readHandle(r);
  return {
    access: 'exclusive',
    handle,
    run: async () => {
      await (ctx.handles.file(handle) ?? invalidHandle()).file.sync();
      return ok(ctx, id);
    },
  };
};

/** lsetstat@openssh.com (§4.7): SETSTAT on the link itself; a size is "nonsensical for links". */
const lsetstat: Handler = (ctx, id, r) => {
  const path = readPath(r, 'lsetstat.path');
  const changes = readChanges(r);
  return {
    access: 'exclusive',
    run: async () => {
      checkWritable(ctx);
      if (changes.size !== undefined) throw new StatusFailure(StatusCode.BAD_MESSAGE);
      await ctx.fs.lsetstat(absolute(ctx, path), changes);
      return ok(ctx, id);
    },
  };
};

/** limits@openssh.com (§4.8): what this server really enforces. */
const limits: Handler = (ctx, id) => ({
  access: 'shared',
  run: async () =>
    extendedReply(id, (w) =>
      w.uint64(MAX_MESSAGE_LENGTH).uint64(MAX_READ_LENGTH).uint64(MAX_READ_LENGTH).uint64(ctx.handles.max),
    ),
});

/**
 * "~", "~/…" and "~user/…" for the session's own user are the start directory; any other user is
 * unknown here (sftp-server's tilde_expand fails the same way for a missing user).
 */
function expandTilde(ctx: ServerContext, path: string): string {
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const user = path.slice(1, slash < 0 ? undefined : slash);
  if (user !== '' && user !== ctx.user) throw new StatusFailure(StatusCode.FAILURE, 'No such user');
  return slash < 0 ? ctx.home : absolutePathOf(ctx.home, path.slice(slash + 1));
}

function absolutePathOf(base: string, rest: string): string {
  return rest === '' ? base : `${base.replace(/\/$/, '')}/${rest}`;
}

/** expand-path@openssh.com (§4.9): REALPATH after "~" expansion. */
const expandPath: Handler = (ctx, id, r) => {
  const path = readPath(r, 'expand-path.path');
  return {
    access: 'shared',
    run: async () => {
      const expanded = expandTilde(ctx, path === '' ? '.' : path);
      const resolved = await ctx.fs.realpath(absolute(ctx, expanded));
      return nameReply(id, [{ filename: resolved, longname: resolved }]);
    },
  };
};

/** Bytes copy-data moves per read (a bound on memory, not on the copy). */
const COPY_CHUNK = MAX_READ_LENGTH;

/** copy-data (§4.10): read-handle, offset, length (0: to EOF), write-handle, offset. */
const copyData: Handler = (ctx, id, r) => {
  const from = readHandle(r, 'copy-data.read-handle');
  const fromOffset = readUint64(r, 'copy-data.read-offset');
  const length = readUint64(r, 'copy-data.read-length');
  const to = readHandle(r, 'copy-data.write-handle');
  const toOffset = readUint64(r, 'copy-data.write-offset');
  return {
    access: 'exclusive',
    run: async () => {
      const src = ctx.handles.file(from) ?? invalidHandle();
      const dst = ctx.handles.file(to) ?? invalidHandle();
      if (src === dst) throw new StatusFailure(StatusCode.FAILURE, 'Read and write handles are the same');
      checkWritable(ctx);
      if (!readable(src) || !writable(dst)) throw new StatusFailure(StatusCode.PERMISSION_DENIED);
      if (!Number.isFinite(fromOffset) || !Number.isFinite(toOffset)) {
        throw new StatusFailure(StatusCode.FAILURE, 'Offset too large');
      }
      const buffer = new Uint8Array(COPY_CHUNK);
      let left = length === 0 ? Number.POSITIVE_INFINITY : length;
      for (let done = 0; left > 0; ) {
        const n = await src.file.read(buffer.subarray(0, Math.min(COPY_CHUNK, left)), fromOffset + done);
        if (n === 0) break;
        await dst.file.write(buffer.subarray(0, n), toOffset + done);
        done += n;
        left -= n;
      }
      return ok(ctx, id);
    },
  };
};

/** home-directory (§4.11): the start directory, for the session's user or "" (yourself). */
const homeDirectory: Handler = (ctx, id, r) => {
  const user = r.utf8('home-directory.username');
  return {
    access: 'shared',
    run: async () => {
      if (user !== '' && user !== ctx.user) throw new StatusFailure(StatusCode.FAILURE, 'No such user');
      return nameReply(id, [{ filename: ctx.home, longname: ctx.home }]);
    },
  };
};

/** users-groups-by-id@openssh.com (§4.12): ids packed as uint32s; "" for an id with no name. */
const usersGroupsById: Handler = (ctx, id, r) => {
  const uids = readIds(r, 'users-groups-by-id.uids');
  const gids = readIds(r, 'users-groups-by-id.gids');
  return {
    access: 'shared',
    run: async () => {
      const users = await Promise.all(uids.map(async (u) => (await ctx.fs.userName?.(u)) ?? ''));
      const groups = await Promise.all(gids.map(async (g) => (await ctx.fs.groupName?.(g)) ?? ''));
      let size = 32;
      for (const n of [...users, ...groups]) size += 4 + utf8Length(n);
      if (size > MAX_MESSAGE_LENGTH) throw new StatusFailure(StatusCode.FAILURE, 'Reply too long');
      return extendedReply(id, (w) => w.string(packNames(users)).string(packNames(groups)));
    },
  };
};

function readIds(r: SSHReader, field: string): number[] {
  const packed = r.string(field);
  if (packed.length % 4 !== 0) throw new MalformedMessageError(field, `${packed.length} bytes of uint32s`);
  const view = new DataView(packed.buffer, packed.byteOffset, packed.length);
  const ids: number[] = [];
  for (let at = 0; at < packed.length; at += 4) ids.push(view.getUint32(at));
  return ids;
}

function packNames(names: readonly string[]): Uint8Array {
  const encoder = new TextEncoder();
  const encoded = names.map((n) => encoder.encode(n));
  const out = new Uint8Array(encoded.reduce((sum, e) => sum + 4 + e.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const e of encoded) {
    view.setUint32(at, e.length);
    out.set(e, at + 4);
    at += 4 + e.length;
  }
  return out;
}

const EXTENDED: Record<ExtensionName, Handler> = {
  'posix-rename@openssh.com': posixRename,
  'statvfs@openssh.com': statvfs,
  'fstatvfs@openssh.com': fstatvfs,
  'hardlink@openssh.com': hardlink,
  'fsync@openssh.com': fsync,
  'lsetstat@openssh.com': lsetstat,
  'limits@openssh.com': limits,
  'expand-path@openssh.com': expandPath,
  'copy-data': copyData,
  'home-directory': homeDirectory,
  'users-groups-by-id@openssh.com': usersGroupsById,
};

/** Names of extension requests are short; a longer one is no name we know. */
const MAX_EXTENSION_NAME = 1024;

/**
 * SSH_FXP_EXTENDED: `offered` is what VERSION advertised. Anything else is OP_UNSUPPORTED
 * (draft-02 §8: "the server MUST respond with SSH_FXP_STATUS … SSH_FX_OP_UNSUPPORTED").
 */
export function extendedHandler(offered: Readonly<Record<string, string>>): Handler {
  return (ctx, id, r) => {
    const name = r.utf8('EXTENDED.extended-request', MAX_EXTENSION_NAME);
    const handler = Object.hasOwn(offered, name) ? EXTENDED[name as ExtensionName] : undefined;
    if (!handler) {
      return {
        access: 'shared',
        run: async () => statusReply(id, StatusCode.OP_UNSUPPORTED, ctx.clientVersion),
      };
    }
    return handler(ctx, id, r);
  };
}
