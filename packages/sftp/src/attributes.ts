// File attributes (draft-ietf-secsh-filexfer-02 §5): a flags word says which fields follow. Sizes
// are uint64 on the wire and numbers here (exact up to 2^53 bytes); times are seconds since the
// epoch, as uint32 (v3 has no sub-second or 64-bit times).
import { MalformedMessageError, type SSHReader, type SSHWriter } from '@sshts/wire';
import { AttrFlag } from './constants.js';

/** The file-type bits of `mode` (POSIX S_IFMT), which OpenSSH sends with the permissions. */
export const FileType = {
  MASK: 0o170000,
  SOCKET: 0o140000,
  SYMLINK: 0o120000,
  FILE: 0o100000,
  BLOCK_DEVICE: 0o060000,
  DIRECTORY: 0o040000,
  CHARACTER_DEVICE: 0o020000,
  FIFO: 0o010000,
} as const;

/** API.md Attributes: what the server reported; absent fields were not sent. */
export interface Attributes {
  size?: number;
  uid?: number;
  gid?: number;
  /** Permissions with the file type bits (S_IFMT), as stat(2) st_mode. */
  mode?: number;
  /** Seconds since the epoch. */
  atime?: number;
  mtime?: number;
  /** Extended attribute pairs (§5 "extended_type", "extended_data"), in the server's order. */
  extended?: [type: string, data: Uint8Array][];
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** Attributes to set (SETSTAT, OPEN, MKDIR): any subset; uid/gid and atime/mtime go in pairs (§5). */
export type AttributeChanges = Partial<Omit<Attributes, 'isFile' | 'isDirectory' | 'isSymbolicLink'>>;

export class FileAttributes implements Attributes {
  size?: number;
  uid?: number;
  gid?: number;
  mode?: number;
  atime?: number;
  mtime?: number;
  extended?: [string, Uint8Array][];

  constructor(fields: AttributeChanges = {}) {
    Object.assign(this, fields);
  }

  /** The S_IFMT bits, or undefined when the server sent no permissions. */
  get fileType(): number | undefined {
    return this.mode === undefined ? undefined : this.mode & FileType.MASK;
  }
  isFile(): boolean {
    return this.fileType === FileType.FILE;
  }
  isDirectory(): boolean {
    return this.fileType === FileType.DIRECTORY;
  }
  isSymbolicLink(): boolean {
    return this.fileType === FileType.SYMLINK;
  }
  isFIFO(): boolean {
    return this.fileType === FileType.FIFO;
  }
  isSocket(): boolean {
    return this.fileType === FileType.SOCKET;
  }
  isBlockDevice(): boolean {
    return this.fileType === FileType.BLOCK_DEVICE;
  }
  isCharacterDevice(): boolean {
    return this.fileType === FileType.CHARACTER_DEVICE;
  }
}

/** Minimum bytes one extended pair occupies (two empty strings): bounds the count before looping. */
const MIN_EXTENDED_PAIR = 8;

/** Decodes ATTRS (§5) at the reader's position. */
export function readAttributes(r: SSHReader): FileAttributes {
  const flags = r.uint32('ATTRS.flags');
  const a = new FileAttributes();
  if (flags & AttrFlag.SIZE) a.size = safeNumber(r.uint64('ATTRS.size'), 'ATTRS.size');
  if (flags & AttrFlag.UIDGID) {
    a.uid = r.uint32('ATTRS.uid');
    a.gid = r.uint32('ATTRS.gid');
  }
  if (flags & AttrFlag.PERMISSIONS) a.mode = r.uint32('ATTRS.permissions');
  if (flags & AttrFlag.ACMODTIME) {
    a.atime = r.uint32('ATTRS.atime');
    a.mtime = r.uint32('ATTRS.mtime');
  }
  if (flags & AttrFlag.EXTENDED) {
    const count = r.uint32('ATTRS.extended_count');
    // A count the rest of the message cannot hold is refused before anything is allocated.
    if (count * MIN_EXTENDED_PAIR > r.remaining) {
      throw new MalformedMessageError('ATTRS.extended_count', `${count} pairs in ${r.remaining} bytes`);
    }
    a.extended = [];
    for (let i = 0; i < count; i++) {
      const type = r.utf8('ATTRS.extended_type');
      a.extended.push([type, r.string('ATTRS.extended_data').slice()]);
    }
  }
  return a;
}

/** Encodes ATTRS (§5) with only the fields given. */
export function writeAttributes(w: SSHWriter, a: AttributeChanges = {}): SSHWriter {
  if ((a.uid === undefined) !== (a.gid === undefined)) {
    throw new RangeError('uid and gid are set together (SSH_FILEXFER_ATTR_UIDGID)');
  }
  if ((a.atime === undefined) !== (a.mtime === undefined)) {
    throw new RangeError('atime and mtime are set together (SSH_FILEXFER_ATTR_ACMODTIME)');
  }
  let flags = 0;
  if (a.size !== undefined) flags |= AttrFlag.SIZE;
  if (a.uid !== undefined) flags |= AttrFlag.UIDGID;
  if (a.mode !== undefined) flags |= AttrFlag.PERMISSIONS;
  if (a.atime !== undefined) flags |= AttrFlag.ACMODTIME;
  if (a.extended?.length) flags |= AttrFlag.EXTENDED;
  w.uint32(flags >>> 0);
  if (a.size !== undefined) w.uint64(a.size);
  if (a.uid !== undefined) w.uint32(a.uid).uint32(a.gid!);
  if (a.mode !== undefined) w.uint32(a.mode);
  if (a.atime !== undefined) w.uint32(Math.floor(a.atime)).uint32(Math.floor(a.mtime!));
  if (a.extended?.length) {
    w.uint32(a.extended.length);
    for (const [type, data] of a.extended) w.string(type).string(data);
  }
  return w;
}

function safeNumber(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedMessageError(field, `${v} is over 2^53`);
  return Number(v);
}
