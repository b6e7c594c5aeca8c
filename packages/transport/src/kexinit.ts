// SSH_MSG_KEXINIT, RFC 4253 §7.1. The exact payload bytes of both KEXINITs are I_C and I_S in the
// exchange hash, so a parsed KEXINIT keeps the bytes it came from.
import { MessageType, SSHReader, SSHWriter } from '@sshts/wire';

export interface AlgorithmLists {
  kex: readonly string[];
  hostKey: readonly string[];
  cipherClientToServer: readonly string[];
  cipherServerToClient: readonly string[];
  macClientToServer: readonly string[];
  macServerToClient: readonly string[];
  compressionClientToServer: readonly string[];
  compressionServerToClient: readonly string[];
  languageClientToServer: readonly string[];
  languageServerToClient: readonly string[];
}

export interface KexInit extends AlgorithmLists {
  readonly cookie: Uint8Array;
  readonly firstKexPacketFollows: boolean;
  /** The whole message as sent or received (I_C / I_S). */
  readonly payload: Uint8Array;
}

const LIST_ORDER = [
  'kex',
  'hostKey',
  'cipherClientToServer',
  'cipherServerToClient',
  'macClientToServer',
  'macServerToClient',
  'compressionClientToServer',
  'compressionServerToClient',
  'languageClientToServer',
  'languageServerToClient',
] as const satisfies readonly (keyof AlgorithmLists)[];

/** Bounds for reading a peer's lists (our own stay within Dropbear's 50 names, 3250 bytes). */
const LIST_LIMITS = { maxBytes: 65536, maxNames: 1024 };

export function encodeKexInit(
  lists: AlgorithmLists,
  cookie: Uint8Array,
  firstKexPacketFollows = false,
): KexInit {
  const w = new SSHWriter(1024).byte(MessageType.KEXINIT).raw(cookie.subarray(0, 16));
  for (const key of LIST_ORDER) w.nameList(lists[key]);
  w.boolean(firstKexPacketFollows).uint32(0);
  return { ...lists, cookie: cookie.slice(0, 16), firstKexPacketFollows, payload: w.finish().slice() };
}

export function decodeKexInit(payload: Uint8Array): KexInit {
  const r = new SSHReader(payload);
  r.byte('KEXINIT.type');
  const cookie = r.bytes(16, 'KEXINIT.cookie').slice();
  const lists = {} as Record<keyof AlgorithmLists, string[]>;
  for (const key of LIST_ORDER) lists[key] = r.nameList(`KEXINIT.${key}`, LIST_LIMITS);
  const firstKexPacketFollows = r.boolean('KEXINIT.first_kex_packet_follows');
  r.uint32('KEXINIT.reserved');
  // RFC 4253 §7.1 leaves nothing after the reserved field; extra bytes are tolerated by OpenSSH
  // (sshbuf_get on the fields, then ignored), so we do not reject them either.
  return { ...lists, cookie, firstKexPacketFollows, payload: payload.slice() };
}
