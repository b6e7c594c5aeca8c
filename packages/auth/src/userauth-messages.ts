// The user authentication messages (RFC 4252 §5–§8, RFC 4256 §3, OpenSSH PROTOCOL §3.1) as the
// client writes and reads them. Decoders bound every count and length before allocating and throw
// MalformedMessageError (a ProtocolError) for anything malformed.
import { MalformedMessageError, MessageType, SSHReader, SSHWriter } from '@sshts/wire';
import { MAX_KBDINT_PROMPTS, MAX_METHOD_LIST_BYTES, MAX_METHOD_LIST_NAMES } from './limits.js';

/** The service every request asks for (RFC 4252 §5; RFC 4254 is the only one defined). */
export const CONNECTION_SERVICE = 'ssh-connection';

/** Display text: UTF-8 per RFC 4252, but bad bytes become U+FFFD rather than a disconnect. */
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

function text(reader: SSHReader, field: string): string {
  return lenientUtf8.decode(reader.string(field));
}

function request(user: string, service: string, method: string): SSHWriter {
  return new SSHWriter().byte(MessageType.USERAUTH_REQUEST).string(user).string(service).string(method);
}

/** RFC 4252 §5.2: the `none` request, which asks for the list of methods that can continue. */
export function encodeNoneRequest(user: string, service: string): Uint8Array {
  return request(user, service, 'none').finish().slice();
}

/** RFC 4252 §8: `boolean FALSE, string password`. */
export function encodePasswordRequest(user: string, service: string, password: string): Uint8Array {
  return request(user, service, 'password').boolean(false).string(password).finish().slice();
}

/** RFC 4252 §8, after PASSWD_CHANGEREQ: `boolean TRUE, string old password, string new password`. */
export function encodePasswordChange(
  user: string,
  service: string,
  oldPassword: string,
  newPassword: string,
): Uint8Array {
  return request(user, service, 'password')
    .boolean(true)
    .string(oldPassword)
    .string(newPassword)
    .finish()
    .slice();
}

/** The fields of a publickey request that the signature covers (RFC 4252 §7, PROTOCOL §3.1). */
export interface PublicKeyFields {
  user: string;
  service: string;
  /** `publickey`, or `publickey-hostbound-v00@openssh.com`. */
  method: string;
  algorithm: string;
  /** The public key (or certificate) blob. */
  blob: Uint8Array;
  /** hostbound only: the server's host key blob from the initial key exchange. */
  hostKey?: Uint8Array | undefined;
}

function publicKeyRequest(f: PublicKeyFields, hasSignature: boolean): SSHWriter {
  const w = request(f.user, f.service, f.method).boolean(hasSignature).string(f.algorithm).string(f.blob);
  if (f.hostKey !== undefined) w.string(f.hostKey);
  return w;
}

/** RFC 4252 §7: the query, `boolean FALSE, string algorithm, string blob`: would this key do? */
export function encodePublicKeyQuery(f: PublicKeyFields): Uint8Array {
  return publicKeyRequest(f, false).finish().slice();
}

/**
 * What the client signs (RFC 4252 §7): `string session identifier, byte 50, string user, string
 * service, string method, boolean TRUE, string algorithm, string blob`, and for
 * publickey-hostbound-v00@openssh.com (PROTOCOL §3.1) `string host key` after the blob.
 */
export function publicKeySignedData(sessionId: Uint8Array, f: PublicKeyFields): Uint8Array {
  const head = new SSHWriter().string(sessionId).finish();
  const body = publicKeyRequest(f, true).finish();
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** The signed request: the same fields as the signed data (without the session id), then `string signature`. */
export function encodePublicKeyRequest(f: PublicKeyFields, signature: Uint8Array): Uint8Array {
  return publicKeyRequest(f, true).string(signature).finish().slice();
}

/** RFC 4256 §3.1: `string language tag` (deprecated, empty), `string submethods`. */
export function encodeKeyboardInteractiveRequest(user: string, service: string, submethods = ''): Uint8Array {
  return request(user, service, 'keyboard-interactive').string('').string(submethods).finish().slice();
}

/** RFC 4256 §3.4 INFO_RESPONSE: `int num-responses, string response[num-responses]` (UTF-8). */
export function encodeInfoResponse(responses: readonly string[]): Uint8Array {
  const w = new SSHWriter().byte(MessageType.USERAUTH_INFO_RESPONSE).uint32(responses.length);
  for (const r of responses) w.string(r);
  return w.finish().slice();
}

export interface UserauthFailure {
  /** Methods that can continue (RFC 4252 §5.1). */
  allowedMethods: string[];
  partialSuccess: boolean;
}

/** RFC 4252 §5.1 USERAUTH_FAILURE: `name-list authentications that can continue, boolean partial success`. */
export function decodeFailure(payload: Uint8Array): UserauthFailure {
  const r = new SSHReader(payload, 1);
  const allowedMethods = r.nameList('USERAUTH_FAILURE.methods', {
    maxBytes: MAX_METHOD_LIST_BYTES,
    maxNames: MAX_METHOD_LIST_NAMES,
  });
  const partialSuccess = r.boolean('USERAUTH_FAILURE.partial_success');
  return { allowedMethods, partialSuccess };
}

/** RFC 4252 §5.4 USERAUTH_BANNER: `string message (UTF-8), string language tag`. */
export function decodeBanner(payload: Uint8Array): { message: string; language: string } {
  const r = new SSHReader(payload, 1);
  const message = text(r, 'USERAUTH_BANNER.message');
  // Some servers omit the language tag; it carries nothing we use.
  const language = r.remaining > 0 ? text(r, 'USERAUTH_BANNER.language') : '';
  return { message, language };
}

/** RFC 4252 §7 USERAUTH_PK_OK: `string algorithm, string blob`, echoing the query. */
export function decodePkOk(payload: Uint8Array): { algorithm: string; blob: Uint8Array } {
  const r = new SSHReader(payload, 1);
  const algorithm = text(r, 'USERAUTH_PK_OK.algorithm');
  const blob = r.string('USERAUTH_PK_OK.blob');
  return { algorithm, blob };
}

/** RFC 4252 §8 USERAUTH_PASSWD_CHANGEREQ: `string prompt (UTF-8), string language tag`. */
export function decodePasswordChangeRequest(payload: Uint8Array): { prompt: string; language: string } {
  const r = new SSHReader(payload, 1);
  const prompt = text(r, 'USERAUTH_PASSWD_CHANGEREQ.prompt');
  const language = r.remaining > 0 ? text(r, 'USERAUTH_PASSWD_CHANGEREQ.language') : '';
  return { prompt, language };
}

export interface InfoRequest {
  name: string;
  instructions: string;
  language: string;
  prompts: { prompt: string; echo: boolean }[];
}

/**
 * RFC 4256 §3.2 INFO_REQUEST: `string name, string instruction, string language tag, int
 * num-prompts, (string prompt, boolean echo)*`. The count is bounded (MAX_KBDINT_PROMPTS) and
 * checked against the bytes present (each prompt takes at least 5) before any prompt is read.
 */
export function decodeInfoRequest(payload: Uint8Array): InfoRequest {
  const r = new SSHReader(payload, 1);
  const name = text(r, 'USERAUTH_INFO_REQUEST.name');
  const instructions = text(r, 'USERAUTH_INFO_REQUEST.instruction');
  const language = text(r, 'USERAUTH_INFO_REQUEST.language');
  const count = r.uint32('USERAUTH_INFO_REQUEST.num-prompts');
  if (count > MAX_KBDINT_PROMPTS) {
    throw new MalformedMessageError(
      'USERAUTH_INFO_REQUEST.num-prompts',
      `${count} over ${MAX_KBDINT_PROMPTS}`,
    );
  }
  if (count * 5 > r.remaining) {
    throw new MalformedMessageError('USERAUTH_INFO_REQUEST.num-prompts', `${count} prompts do not fit`);
  }
  const prompts: { prompt: string; echo: boolean }[] = [];
  for (let i = 0; i < count; i++) {
    const prompt = text(r, 'USERAUTH_INFO_REQUEST.prompt');
    const echo = r.boolean('USERAUTH_INFO_REQUEST.echo');
    prompts.push({ prompt, echo });
  }
  return { name, instructions, language, prompts };
}
