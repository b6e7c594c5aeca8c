// The server's side of the v3 wire: request fields read (draft-02 §6) and replies built (§7).
// Every field is read with SSHReader's bounds checks, so a truncated or overlong one throws a
// MalformedMessageError, which the session answers with SSH_FX_BAD_MESSAGE.
import { MalformedMessageError, type SSHReader, SSHWriter } from '@sshts/wire';
import { readAttributes } from '../attributes.js';
import { AttrFlag, PacketType, SFTP_VERSION } from '../constants.js';
import { MAX_HANDLE_LENGTH } from '../replies.js';
import type { SFTPAttrChanges, SFTPStats } from './filesystem.js';
import { statusMessage } from './status.js';

/** type + id + uint32 data length: where a DATA reply's data starts after the uint32 length. */
const DATA_HEADER = 4 + 1 + 4 + 4;
const UINT32_MAX = 0xffffffff;

// --- requests ---

/** A path string: UTF-8 without NUL (a C string to every POSIX call behind it). */
export function readPath(r: SSHReader, field: string): string {
  const path = r.utf8(field);
  if (path.includes('\0')) throw new MalformedMessageError(field, 'NUL in a path');
  return path;
}

/** A handle string (§6.2: at most 256 bytes); the table decides whether it names anything. */
export function readHandle(r: SSHReader, field = 'handle'): Uint8Array {
  return r.string(field, MAX_HANDLE_LENGTH);
}

/** A uint64 offset or length; past 2^53 it is Infinity (no file reaches it). */
export function readUint64(r: SSHReader, field: string): number {
  const v = r.uint64(field);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
}

/** ATTRS (§5) as the changes SETSTAT and friends ask for; extended pairs are read and ignored. */
export function readChanges(r: SSHReader): SFTPAttrChanges {
  const a = readAttributes(r);
  const changes: SFTPAttrChanges = {};
  if (a.size !== undefined) changes.size = a.size;
  if (a.mode !== undefined) changes.mode = a.mode;
  if (a.uid !== undefined) {
    changes.uid = a.uid;
    changes.gid = a.gid;
  }
  if (a.atime !== undefined) {
    changes.atime = a.atime;
    changes.mtime = a.mtime;
  }
  return changes;
}

// --- replies ---

/** A whole message (uint32 length first) of `type` for request `id`, the rest written by `build`. */
export function reply(type: number, id: number, build?: (w: SSHWriter) => void, sizeHint = 64): Uint8Array {
  const w = new SSHWriter(sizeHint).uint32(0).byte(type).uint32(id);
  build?.(w);
  const out = w.finish();
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, out.length - 4);
  return out;
}

/** SSH_FXP_STATUS with sftp-server's message text; before v3 there were no strings (§7). */
export function statusReply(id: number, code: number, clientVersion = SFTP_VERSION): Uint8Array {
  return reply(PacketType.STATUS, id, (w) => {
    w.uint32(code);
    if (clientVersion >= 3) w.string(statusMessage(code)).string('');
  });
}

export function handleReply(id: number, handle: Uint8Array): Uint8Array {
  return reply(PacketType.HANDLE, id, (w) => w.string(handle));
}

/** A DATA reply with room for `length` bytes: the filesystem reads straight into `data`. */
export function dataReply(id: number, length: number): { message: Uint8Array; data: Uint8Array } {
  const message = new Uint8Array(DATA_HEADER + length);
  const view = new DataView(message.buffer);
  view.setUint8(4, PacketType.DATA);
  view.setUint32(5, id);
  return { message, data: message.subarray(DATA_HEADER) };
}

/** The DATA reply cut to the `n` bytes read. */
export function finishData(message: Uint8Array, n: number): Uint8Array {
  const view = new DataView(message.buffer, message.byteOffset);
  view.setUint32(0, DATA_HEADER - 4 + n);
  view.setUint32(9, n);
  return message.subarray(0, DATA_HEADER + n);
}

/** ATTRS (§5) for stat results: OpenSSH always sends size, uid/gid, permissions and times. */
export function writeStats(w: SSHWriter, s: SFTPStats): SSHWriter {
  const u32 = (v: number) => Math.min(Math.max(Math.floor(v) || 0, 0), UINT32_MAX);
  w.uint32(AttrFlag.SIZE | AttrFlag.UIDGID | AttrFlag.PERMISSIONS | AttrFlag.ACMODTIME);
  w.uint64(Math.min(Math.max(Math.floor(s.size) || 0, 0), Number.MAX_SAFE_INTEGER));
  w.uint32(u32(s.uid)).uint32(u32(s.gid)).uint32(u32(s.mode));
  return w.uint32(u32(s.atime)).uint32(u32(s.mtime));
}

export function attrsReply(id: number, stats: SFTPStats): Uint8Array {
  return reply(PacketType.ATTRS, id, (w) => writeStats(w, stats));
}

export interface NameEntry {
  filename: string;
  longname: string;
  /** Absent: empty ATTRS (flags 0), as OpenSSH sends for REALPATH and READLINK. */
  stats?: SFTPStats;
}

/** Encoded size of one entry, for keeping a NAME reply under the message limit. */
export function nameEntrySize(e: NameEntry): number {
  return 8 + utf8Length(e.filename) + utf8Length(e.longname) + (e.stats ? 32 : 4);
}

export function nameReply(id: number, entries: readonly NameEntry[]): Uint8Array {
  let size = 16;
  for (const e of entries) size += nameEntrySize(e);
  return reply(
    PacketType.NAME,
    id,
    (w) => {
      w.uint32(entries.length);
      for (const e of entries) {
        w.string(e.filename).string(e.longname);
        if (e.stats) writeStats(w, e.stats);
        else w.uint32(0);
      }
    },
    size,
  );
}

export function extendedReply(id: number, build: (w: SSHWriter) => void): Uint8Array {
  return reply(PacketType.EXTENDED_REPLY, id, build);
}

const encoder = new TextEncoder();

export function utf8Length(s: string): number {
  // Exact for ASCII without encoding; otherwise encode (names are short).
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  return s.length;
}
