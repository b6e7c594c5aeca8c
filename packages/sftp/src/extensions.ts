// The OpenSSH SFTP extensions (PROTOCOL §4.3–§4.12) that need more than a STATUS reply decoded,
// and the version strings OpenSSH's client checks before using each (sftp-client.c do_init).
import { MalformedMessageError, type SSHReader } from '@sshts/wire';

/** Extension name → the version string that means "this format" (PROTOCOL §4). */
export const EXTENSION_VERSIONS = {
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
} as const;

export type ExtensionName = keyof typeof EXTENSION_VERSIONS;

/** statvfs@openssh.com reply (PROTOCOL §4.4): struct statvfs, each field uint64. */
export interface StatVfs {
  bsize: number;
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  favail: number;
  /** May use all 64 bits. */
  fsid: bigint;
  /** ST_RDONLY 0x1, ST_NOSUID 0x2. */
  flag: number;
  namemax: number;
}

export const StatVfsFlag = { RDONLY: 0x1, NOSUID: 0x2 } as const;

export function readStatVfs(r: SSHReader): StatVfs {
  const n = (field: string) => {
    const v = r.uint64(`statvfs.${field}`);
    // Counts beyond 2^53 are clamped rather than refused: no real filesystem reaches them.
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  };
  const bsize = n('bsize');
  const frsize = n('frsize');
  const blocks = n('blocks');
  const bfree = n('bfree');
  const bavail = n('bavail');
  const files = n('files');
  const ffree = n('ffree');
  const favail = n('favail');
  const fsid = r.uint64('statvfs.fsid');
  return {
    bsize,
    frsize,
    blocks,
    bfree,
    bavail,
    files,
    ffree,
    favail,
    fsid,
    flag: n('flag'),
    namemax: n('namemax'),
  };
}

/** limits@openssh.com reply (PROTOCOL §4.8); 0 means "no limit" for each field. */
export interface ServerLimits {
  maxPacketLength: number;
  maxReadLength: number;
  maxWriteLength: number;
  maxOpenHandles: number;
}

export function readLimits(r: SSHReader): ServerLimits {
  const n = (field: string) => {
    const v = r.uint64(`limits.${field}`);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  };
  return {
    maxPacketLength: n('max-packet-length'),
    maxReadLength: n('max-read-length'),
    maxWriteLength: n('max-write-length'),
    maxOpenHandles: n('max-open-handles'),
  };
}

/** users-groups-by-id@openssh.com: the ids, packed as uint32s in a string (PROTOCOL §4.12). */
export function packIds(ids: readonly number[]): Uint8Array {
  const out = new Uint8Array(ids.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < ids.length; i++) view.setUint32(i * 4, ids[i]!);
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * The reply's names: a string holding one string per id asked, in order; an empty name for an id
 * the server could not resolve.
 */
export function readPackedNames(r: SSHReader, field: string, expected: number): string[] {
  const packed = r.string(field);
  const names: string[] = [];
  const view = new DataView(packed.buffer, packed.byteOffset, packed.length);
  let at = 0;
  while (at < packed.length) {
    if (packed.length - at < 4) throw new MalformedMessageError(field, 'truncated name');
    const length = view.getUint32(at);
    if (length > packed.length - at - 4) throw new MalformedMessageError(field, `name of ${length} bytes`);
    names.push(decoder.decode(packed.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  if (names.length !== expected) {
    throw new MalformedMessageError(field, `${names.length} names for ${expected} ids`);
  }
  return names;
}
