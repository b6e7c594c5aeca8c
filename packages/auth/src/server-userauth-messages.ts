// The user authentication messages as the server reads and writes them (RFC 4252 §5–§8, RFC 4256
// §3, OpenSSH PROTOCOL §3.1). Text fields are strict UTF-8 with the byte-order mark kept, so a
// decoded string encodes back to exactly the bytes received: publicKeySignedData can rebuild the
// signed data from the decoded fields. A field that cannot be read per the layout, or bytes after
// the last field, is a MalformedMessageError (a ProtocolError: the connection ends), as sshd's
// `sshpkt_get_*` / `sshpkt_get_end` failures are fatal ("parse packet").
import { MalformedMessageError, MessageType, SSHReader, SSHWriter } from '@sshts/wire';
import { MAX_KBDINT_PROMPTS } from './limits.js';
import { MAX_NAME_BYTES, MAX_SECRET_BYTES, MAX_USER_NAME_BYTES } from './server-auth-limits.js';

/** RFC 4252 §5: `byte 50, string user, string service, string method`, method fields left in `reader`. */
export interface UserauthRequest {
  user: string;
  service: string;
  method: string;
  /** Positioned at the first method-specific field. */
  reader: SSHReader;
}

function name(reader: SSHReader, field: string, max: number): string {
  const text = reader.utf8(field, max);
  // sshbuf_get_cstring: a name with a NUL inside is refused (it would truncate in C).
  if (text.includes('\0')) throw new MalformedMessageError(field, 'contains a NUL byte');
  return text;
}

export function decodeUserauthRequest(payload: Uint8Array): UserauthRequest {
  const reader = new SSHReader(payload, 1);
  const user = name(reader, 'USERAUTH_REQUEST.user', MAX_USER_NAME_BYTES);
  const service = name(reader, 'USERAUTH_REQUEST.service', MAX_NAME_BYTES);
  const method = name(reader, 'USERAUTH_REQUEST.method', MAX_NAME_BYTES);
  return { user, service, method, reader };
}

/** RFC 4252 §5.2 `none`: no further fields. */
export function decodeNoneFields(reader: SSHReader): void {
  reader.end('USERAUTH_REQUEST none');
}

/** RFC 4252 §8: `boolean FALSE, string password`, or `boolean TRUE, string old, string new`. */
export function decodePasswordFields(reader: SSHReader): { password: string; newPassword?: string } {
  const change = reader.boolean('USERAUTH_REQUEST.password.change');
  const password = reader.utf8('USERAUTH_REQUEST.password', MAX_SECRET_BYTES);
  const newPassword = change ? reader.utf8('USERAUTH_REQUEST.new-password', MAX_SECRET_BYTES) : undefined;
  reader.end('USERAUTH_REQUEST password');
  return newPassword === undefined ? { password } : { password, newPassword };
}

export interface PublicKeyRequestFields {
  hasSignature: boolean;
  algorithm: string;
  blob: Uint8Array;
  /** publickey-hostbound-v00@openssh.com only: the server host key blob (PROTOCOL §3.1). */
  hostKey: Uint8Array | undefined;
  signature: Uint8Array | undefined;
}

/**
 * RFC 4252 §7: `boolean has-signature, string algorithm, string blob[, string signature]`; with
 * `hostbound`, `string host key` follows the blob in both the query and the signed form
 * (PROTOCOL §3.1; auth2-pubkey.c parses it before looking at the signature flag).
 */
export function decodePublicKeyFields(reader: SSHReader, hostbound: boolean): PublicKeyRequestFields {
  const hasSignature = reader.boolean('USERAUTH_REQUEST.publickey.has-signature');
  const algorithm = name(reader, 'USERAUTH_REQUEST.publickey.algorithm', MAX_NAME_BYTES);
  const blob = reader.string('USERAUTH_REQUEST.publickey.blob').slice();
  const hostKey = hostbound ? reader.string('USERAUTH_REQUEST.publickey.host-key').slice() : undefined;
  const signature = hasSignature ? reader.string('USERAUTH_REQUEST.publickey.signature').slice() : undefined;
  reader.end('USERAUTH_REQUEST publickey');
  return { hasSignature, algorithm, blob, hostKey, signature };
}

/** RFC 4256 §3.1: `string language tag (deprecated), string submethods`. */
export function decodeKeyboardInteractiveFields(reader: SSHReader): { submethods: string } {
  reader.utf8('USERAUTH_REQUEST.keyboard-interactive.language', MAX_NAME_BYTES);
  const submethods = reader.utf8('USERAUTH_REQUEST.keyboard-interactive.submethods', MAX_SECRET_BYTES);
  reader.end('USERAUTH_REQUEST keyboard-interactive');
  return { submethods };
}

/**
 * RFC 4256 §3.4 INFO_RESPONSE: `int num-responses, string response*`. num-responses MUST equal the
 * prompts of the INFO_REQUEST it answers (auth2-chall.c input_userauth_info_response: "wrong number
 * of replies" and more than 100 are fatal); the count is checked before anything is read.
 */
export function decodeInfoResponse(payload: Uint8Array, expected: number): string[] {
  const reader = new SSHReader(payload, 1);
  const count = reader.uint32('USERAUTH_INFO_RESPONSE.num-responses');
  if (count > MAX_KBDINT_PROMPTS) {
    throw new MalformedMessageError(
      'USERAUTH_INFO_RESPONSE.num-responses',
      `${count} over ${MAX_KBDINT_PROMPTS}`,
    );
  }
  if (count !== expected) {
    throw new MalformedMessageError(
      'USERAUTH_INFO_RESPONSE.num-responses',
      `${count} responses to ${expected} prompts`,
    );
  }
  const responses: string[] = [];
  for (let i = 0; i < count; i++) {
    responses.push(reader.utf8('USERAUTH_INFO_RESPONSE.response', MAX_SECRET_BYTES));
  }
  reader.end('USERAUTH_INFO_RESPONSE');
  return responses;
}

/** RFC 4252 §5.1 USERAUTH_FAILURE: `name-list methods that can continue, boolean partial success`. */
export function encodeFailure(methods: readonly string[], partialSuccess: boolean): Uint8Array {
  return new SSHWriter()
    .byte(MessageType.USERAUTH_FAILURE)
    .nameList([...methods])
    .boolean(partialSuccess)
    .finish()
    .slice();
}

/** RFC 4252 §5.1 USERAUTH_SUCCESS: the message number alone. */
export function encodeSuccess(): Uint8Array {
  return Uint8Array.of(MessageType.USERAUTH_SUCCESS);
}

/** RFC 4252 §5.4 USERAUTH_BANNER: `string message (UTF-8), string language tag`. */
export function encodeBanner(message: string, language = ''): Uint8Array {
  return new SSHWriter().byte(MessageType.USERAUTH_BANNER).string(message).string(language).finish().slice();
}

/** RFC 4252 §7 USERAUTH_PK_OK: echoes `string algorithm, string blob` of the query. */
export function encodePkOk(algorithm: string, blob: Uint8Array): Uint8Array {
  return new SSHWriter().byte(MessageType.USERAUTH_PK_OK).string(algorithm).string(blob).finish().slice();
}

/** RFC 4252 §8 USERAUTH_PASSWD_CHANGEREQ: `string prompt (UTF-8), string language tag`. */
export function encodePasswordChangeRequest(prompt: string, language = ''): Uint8Array {
  return new SSHWriter()
    .byte(MessageType.USERAUTH_PASSWD_CHANGEREQ)
    .string(prompt)
    .string(language)
    .finish()
    .slice();
}

export interface InfoRequestFields {
  name: string;
  instructions: string;
  prompts: readonly { prompt: string; echo: boolean }[];
}

/**
 * RFC 4256 §3.2 INFO_REQUEST: `string name, string instruction, string language tag (empty, as
 * §3.2 deprecates it), int num-prompts, (string prompt, boolean echo)*`.
 */
export function encodeInfoRequest(request: InfoRequestFields): Uint8Array {
  const w = new SSHWriter()
    .byte(MessageType.USERAUTH_INFO_REQUEST)
    .string(request.name)
    .string(request.instructions)
    .string('')
    .uint32(request.prompts.length);
  for (const p of request.prompts) w.string(p.prompt).boolean(p.echo);
  return w.finish().slice();
}
