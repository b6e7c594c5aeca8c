// Encoding and parsing of the transport-generic messages (RFC 4253 §10–§11, RFC 8308 §2.3).
import { MessageType, ProtocolError, SSHReader, SSHWriter } from '@sshts/wire';

export function encodeDisconnect(reason: number, description: string): Uint8Array {
  return new SSHWriter().byte(MessageType.DISCONNECT).uint32(reason).string(description).string('').finish();
}

export function decodeDisconnect(payload: Uint8Array): { reason: number; description: string } {
  const r = new SSHReader(payload, 1);
  return { reason: r.uint32('DISCONNECT.reason'), description: r.utf8('DISCONNECT.description', 4096) };
}

export function encodeUnimplemented(seq: number): Uint8Array {
  return new SSHWriter().byte(MessageType.UNIMPLEMENTED).uint32(seq).finish();
}

export function decodeUnimplemented(payload: Uint8Array): number {
  return new SSHReader(payload, 1).uint32('UNIMPLEMENTED.sequence');
}

export function encodeServiceRequest(name: string): Uint8Array {
  return new SSHWriter().byte(MessageType.SERVICE_REQUEST).string(name).finish().slice();
}

/** SERVICE_REQUEST (RFC 4253 §10), as the server reads it. */
export function decodeServiceRequest(payload: Uint8Array): string {
  return new SSHReader(payload, 1).utf8('SERVICE_REQUEST.service-name', 256);
}

export function encodeServiceAccept(name: string): Uint8Array {
  return new SSHWriter().byte(MessageType.SERVICE_ACCEPT).string(name).finish().slice();
}

export function decodeServiceAccept(payload: Uint8Array): string {
  return new SSHReader(payload, 1).utf8('SERVICE_ACCEPT.service-name', 256);
}

export function encodeIgnore(data: Uint8Array): Uint8Array {
  return new SSHWriter().byte(MessageType.IGNORE).string(data).finish().slice();
}

/** At most this many extensions in one EXT_INFO (OpenSSH sends four at most). */
const MAX_EXTENSIONS = 64;

export function decodeExtInfo(payload: Uint8Array): Map<string, Uint8Array> {
  const r = new SSHReader(payload, 1);
  const count = r.uint32('EXT_INFO.nr-extensions');
  if (count > MAX_EXTENSIONS) throw new ProtocolError(`EXT_INFO lists ${count} extensions`);
  const extensions = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const name = r.utf8('EXT_INFO.extension-name', 256);
    extensions.set(name, r.string('EXT_INFO.extension-value', 65536).slice());
  }
  return extensions;
}

/** EXT_INFO (RFC 8308 §2.3): `uint32 nr-extensions`, then name/value string pairs. */
export function encodeExtInfo(extensions: ReadonlyMap<string, Uint8Array | string>): Uint8Array {
  const w = new SSHWriter().byte(MessageType.EXT_INFO).uint32(extensions.size);
  for (const [name, value] of extensions) w.string(name).string(value);
  return w.finish().slice();
}
