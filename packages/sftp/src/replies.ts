// Reading the replies of draft-02 §7 in the shape each request expects. A STATUS other than OK is
// the request's error (SFTPError with the path it was about); any other unexpected reply type is
// a protocol error. Every count and length is checked against the message before allocating.
import { MalformedMessageError, ProtocolError, type SSHReader } from '@sshts/wire';
import { type FileAttributes, readAttributes } from './attributes.js';
import { PacketType, StatusCode } from './constants.js';
import { statusError } from './errors.js';
import type { SftpReply } from './session.js';

/** draft-02 §6.2: "handle strings MUST NOT be longer than 256 bytes". */
export const MAX_HANDLE_LENGTH = 256;

/** One entry of SSH_FXP_NAME (§7): API.md DirEntry. */
export interface DirEntry {
  filename: string;
  /** `ls -l`-style text; its format is unspecified in v3, so it is shown, never parsed. */
  longname: string;
  attrs: FileAttributes;
}

/** A name, an `ls -l` line and empty ATTRS (flags only): the smallest NAME entry. */
const MIN_NAME_ENTRY = 12;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** SSH_FXP_STATUS: uint32 code, then (v3) string message, string language — absent before v3. */
export function readStatus(r: SSHReader): { code: number; message: string } {
  const code = r.uint32('STATUS.code');
  const message = r.remaining >= 4 ? decoder.decode(r.string('STATUS.message', 65536)) : '';
  return { code, message };
}

function unexpected(reply: SftpReply, wanted: string): never {
  throw new ProtocolError(`expected ${wanted} from the SFTP server, got message type ${reply.type}`);
}

/** The error a non-OK STATUS reply stands for; a protocol error for anything else unexpected. */
function failure(reply: SftpReply, wanted: string, path?: string): never {
  if (reply.type !== PacketType.STATUS) unexpected(reply, wanted);
  const { code, message } = readStatus(reply.reader);
  if (code === StatusCode.OK) throw new ProtocolError(`SSH_FX_OK where ${wanted} was expected`);
  throw statusError(code, message, path);
}

/** A STATUS of OK, or the error it carries. */
export function expectOk(reply: SftpReply, path?: string): void {
  if (reply.type !== PacketType.STATUS) unexpected(reply, 'SSH_FXP_STATUS');
  const { code, message } = readStatus(reply.reader);
  if (code !== StatusCode.OK) throw statusError(code, message, path);
}

export function expectHandle(reply: SftpReply, path?: string): Uint8Array {
  if (reply.type !== PacketType.HANDLE) failure(reply, 'SSH_FXP_HANDLE', path);
  return reply.reader.string('HANDLE.handle', MAX_HANDLE_LENGTH).slice();
}

/** DATA, or undefined at EOF. More than `requested` bytes is a protocol error (a server must not). */
export function expectData(reply: SftpReply, requested: number, path?: string): Uint8Array | undefined {
  if (reply.type === PacketType.DATA) {
    const data = reply.reader.string('DATA.data');
    if (data.length > requested) {
      throw new ProtocolError(`SFTP DATA of ${data.length} bytes for a read of ${requested}`);
    }
    return data;
  }
  if (isEof(reply)) return undefined;
  return failure(reply, 'SSH_FXP_DATA', path);
}

/** NAME entries, or undefined at EOF (the end of a READDIR). */
export function expectNames(reply: SftpReply, path?: string): DirEntry[] | undefined {
  if (reply.type === PacketType.NAME) {
    const r = reply.reader;
    const count = r.uint32('NAME.count');
    if (count * MIN_NAME_ENTRY > r.remaining) {
      throw new MalformedMessageError('NAME.count', `${count} entries in ${r.remaining} bytes`);
    }
    const entries: DirEntry[] = [];
    for (let i = 0; i < count; i++) {
      const filename = decoder.decode(r.string('NAME.filename'));
      const longname = decoder.decode(r.string('NAME.longname'));
      entries.push({ filename, longname, attrs: readAttributes(r) });
    }
    return entries;
  }
  if (isEof(reply)) return undefined;
  return failure(reply, 'SSH_FXP_NAME', path);
}

/** The single name of REALPATH / READLINK / expand-path / home-directory (§6.9, §6.10). */
export function expectOneName(reply: SftpReply, path?: string): string {
  const names = expectNames(reply, path);
  if (names === undefined) throw statusError(StatusCode.EOF, 'no name', path);
  if (names.length !== 1)
    throw new ProtocolError(`SSH_FXP_NAME with ${names.length} names where one was expected`);
  return names[0]!.filename;
}

export function expectAttrs(reply: SftpReply, path?: string): FileAttributes {
  if (reply.type !== PacketType.ATTRS) failure(reply, 'SSH_FXP_ATTRS', path);
  return readAttributes(reply.reader);
}

export function expectExtendedReply(reply: SftpReply, path?: string): SSHReader {
  if (reply.type !== PacketType.EXTENDED_REPLY) failure(reply, 'SSH_FXP_EXTENDED_REPLY', path);
  return reply.reader;
}

/** A STATUS of EOF (read by peeking: the reader stays where it is for failure()). */
function isEof(reply: SftpReply): boolean {
  const m = reply.message;
  return (
    reply.type === PacketType.STATUS &&
    m.length >= 9 &&
    new DataView(m.buffer, m.byteOffset, m.length).getUint32(5) === StatusCode.EOF
  );
}
