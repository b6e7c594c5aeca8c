// The SSH agent protocol's messages (RFC 9987, formerly draft-miller-ssh-agent; OpenSSH
// PROTOCOL.agent): every message is `uint32 length, byte type, contents`. Only what a client needs
// to list keys, sign, and bind a session is here. Decoders bound counts before allocating.
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';

/** Message numbers (RFC 9987 §6.1). */
export const AgentMessageType = {
  FAILURE: 5,
  SUCCESS: 6,
  REQUEST_IDENTITIES: 11,
  IDENTITIES_ANSWER: 12,
  SIGN_REQUEST: 13,
  SIGN_RESPONSE: 14,
  EXTENSION: 27,
  EXTENSION_FAILURE: 28,
  EXTENSION_RESPONSE: 29,
} as const;

/** SSH_AGENTC_SIGN_REQUEST flags (RFC 9987 §6.6.1): which hash an RSA key signs with. */
export const AgentSignFlags = {
  RSA_SHA2_256: 0x02,
  RSA_SHA2_512: 0x04,
} as const;

/**
 * Largest agent message accepted, length field excluded: OpenSSH's authfd.c caps replies at
 * 256 KiB (MAX_AGENT_REPLY_LEN) and ssh-agent.c requests likewise (AGENT_MAX_LEN). Go
 * CVE-2025-47914 and russh GHSA-g9f8-wqj9-fjw5 came from trusting this length.
 */
export const MAX_AGENT_MESSAGE_BYTES = 256 * 1024;

/** Most identities accepted in one answer (OpenSSH authfd.c MAX_AGENT_IDENTITIES). */
export const MAX_AGENT_IDENTITIES = 2048;

/** `uint32 length` then the message. */
export function frameAgentMessage(message: Uint8Array): Uint8Array {
  return new SSHWriter(message.length + 4).string(message).finish().slice();
}

export function encodeRequestIdentities(): Uint8Array {
  return Uint8Array.of(AgentMessageType.REQUEST_IDENTITIES);
}

export interface AgentIdentity {
  /** The public key (or certificate) blob. */
  blob: Uint8Array;
  comment: string;
}

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

/** RFC 9987 §6.5 IDENTITIES_ANSWER: `uint32 nkeys, (string key blob, string comment)*`. */
export function decodeIdentitiesAnswer(message: Uint8Array): AgentIdentity[] {
  const r = new SSHReader(message, 1);
  const count = r.uint32('IDENTITIES_ANSWER.nkeys');
  // Each identity takes at least two length fields.
  if (count > MAX_AGENT_IDENTITIES || count * 8 > r.remaining) {
    throw new MalformedMessageError('IDENTITIES_ANSWER.nkeys', `${count} identities cannot be right`);
  }
  const identities: AgentIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const blob = r.string('IDENTITIES_ANSWER.key').slice();
    const comment = lenientUtf8.decode(r.string('IDENTITIES_ANSWER.comment'));
    identities.push({ blob, comment });
  }
  r.end('IDENTITIES_ANSWER');
  return identities;
}

/** RFC 9987 §6.6 SIGN_REQUEST: `string key blob, string data, uint32 flags`. */
export function encodeSignRequest(blob: Uint8Array, data: Uint8Array, flags: number): Uint8Array {
  return new SSHWriter(blob.length + data.length + 17)
    .byte(AgentMessageType.SIGN_REQUEST)
    .string(blob)
    .string(data)
    .uint32(flags)
    .finish()
    .slice();
}

/** RFC 9987 §6.6 SIGN_RESPONSE: `string signature` (an RFC 4253 §6.6 signature blob). */
export function decodeSignResponse(message: Uint8Array): Uint8Array {
  const r = new SSHReader(message, 1);
  const signature = r.string('SIGN_RESPONSE.signature').slice();
  r.end('SIGN_RESPONSE');
  return signature;
}

/** RFC 9987 §6.8 EXTENSION: `string extension type, byte[] contents`. */
export function encodeExtension(name: string, contents: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new SSHWriter().byte(AgentMessageType.EXTENSION).string(name).raw(contents).finish().slice();
}

export interface SessionBind {
  /** The server's host key blob from the key exchange. */
  hostKey: Uint8Array;
  /** The session identifier (the first exchange hash). */
  sessionId: Uint8Array;
  /** The server's signature blob over the exchange hash, as sent in the key exchange reply. */
  signature: Uint8Array;
  /** True when the agent is being forwarded over this connection (not for our own logins). */
  isForwarding?: boolean;
}

/**
 * OpenSSH PROTOCOL.agent `session-bind@openssh.com` contents: `string hostkey, string session
 * identifier, string signature, bool is_forwarding`. The agent verifies the signature, so it can
 * enforce destination constraints (`ssh-add -h`).
 */
export function encodeSessionBind(bind: SessionBind): Uint8Array {
  const contents = new SSHWriter()
    .string(bind.hostKey)
    .string(bind.sessionId)
    .string(bind.signature)
    .boolean(bind.isForwarding ?? false)
    .finish();
  return encodeExtension('session-bind@openssh.com', contents);
}
