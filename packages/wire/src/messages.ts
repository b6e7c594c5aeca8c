// SSH message numbers, RFC 4250 §4.1 (ranges in RFC 4251 §7), plus RFC 8308 (EXT_INFO,
// NEWCOMPRESS), RFC 4419 (DH group exchange), RFC 5656 (ECDH), RFC 4256 (keyboard-interactive),
// the PQ hybrid kex drafts (KEX_HYBRID_*) and OpenSSH PROTOCOL §1.9 (PING/PONG, OpenSSH ≥ 9.5).
// Numbers 30–49 and 60–79 are method-specific, so several names share one number.

export const MessageType = {
  // 1–19: transport layer generic (RFC 4253)
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  EXT_INFO: 7,
  NEWCOMPRESS: 8,
  // 20–29: algorithm negotiation (RFC 4253 §7)
  KEXINIT: 20,
  NEWKEYS: 21,
  // 30–49: key exchange method specific
  KEXDH_INIT: 30,
  KEXDH_REPLY: 31,
  KEX_ECDH_INIT: 30,
  KEX_ECDH_REPLY: 31,
  KEX_HYBRID_INIT: 30,
  KEX_HYBRID_REPLY: 31,
  KEX_DH_GEX_REQUEST_OLD: 30,
  KEX_DH_GEX_GROUP: 31,
  KEX_DH_GEX_INIT: 32,
  KEX_DH_GEX_REPLY: 33,
  KEX_DH_GEX_REQUEST: 34,
  // 50–59: user authentication generic (RFC 4252)
  USERAUTH_REQUEST: 50,
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  USERAUTH_BANNER: 53,
  // 60–79: user authentication method specific
  USERAUTH_PK_OK: 60,
  USERAUTH_PASSWD_CHANGEREQ: 60,
  USERAUTH_INFO_REQUEST: 60,
  USERAUTH_INFO_RESPONSE: 61,
  // 80–89: connection protocol generic (RFC 4254)
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  // 90–127: channel related (RFC 4254)
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_EXTENDED_DATA: 95,
  CHANNEL_EOF: 96,
  CHANNEL_CLOSE: 97,
  CHANNEL_REQUEST: 98,
  CHANNEL_SUCCESS: 99,
  CHANNEL_FAILURE: 100,
  // 192–255: local extensions
  PING: 192,
  PONG: 193,
} as const;

/** Any assigned message number. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Number → every name for it, in declaration order, joined with '/'. */
const names: ReadonlyMap<number, string> = (() => {
  const byNumber = new Map<number, string[]>();
  for (const [name, n] of Object.entries(MessageType)) {
    const list = byNumber.get(n);
    if (list === undefined) byNumber.set(n, [name]);
    else list.push(name);
  }
  return new Map([...byNumber].map(([n, list]) => [n, list.join('/')]));
})();

/**
 * A readable name for logging. Numbers shared by several methods give every name joined with '/'
 * (e.g. 60 → 'USERAUTH_PK_OK/USERAUTH_PASSWD_CHANGEREQ/USERAUTH_INFO_REQUEST'); unassigned
 * numbers give 'UNKNOWN_<n>'.
 */
export function messageName(n: number): string {
  return names.get(n) ?? `UNKNOWN_${n}`;
}
