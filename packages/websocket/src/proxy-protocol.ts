// What the browser side and the proxy agree on. The SSH bytes travel as binary frames, unchanged:
// the proxy relays them and cannot read them (the SSH transport encrypts end to end). Around them:
// - the target is named in the URL's query, `?host=H&port=P` (the proxy checks its allow-list);
// - the token goes either as a WebSocket subprotocol `sshts.token.<base64url(token)>` offered next
//   to `sshts` (RFC 6455 §11.3.4: Sec-WebSocket-Protocol carries only token characters, hence
//   base64url), or as the first message, a text frame, before any SSH byte;
// - a refusal after the upgrade is a close frame with one of the private-use codes below
//   (RFC 6455 §7.4.2: 4000–4999 are for applications), its reason a short text. A refusal before the
//   upgrade (wrong Origin, too many connections) is an HTTP status, which browsers do not show.

/** The subprotocol the proxy selects; a browser fails the handshake if none offered is selected. */
export const SUBPROTOCOL = 'sshts';
export const TOKEN_SUBPROTOCOL_PREFIX = 'sshts.token.';

export const CloseCode = {
  /** Normal closure: the target or the client ended the connection. */
  NORMAL: 1000,
  /** The proxy is shutting down. */
  GOING_AWAY: 1001,
  /** The URL names no usable target. */
  BAD_TARGET: 4400,
  /** The token is missing or wrong. */
  BAD_TOKEN: 4401,
  /** The target is not on the proxy's allow-list. */
  TARGET_NOT_ALLOWED: 4403,
  /** No token message within the proxy's token timeout. */
  TOKEN_TIMEOUT: 4408,
  /** The proxy could not connect to the target. */
  TARGET_UNREACHABLE: 4502,
  /** The connection reached the proxy's byte limit. */
  BYTE_LIMIT: 4509,
  /** Nothing passed either way for the proxy's idle timeout. */
  IDLE: 4510,
} as const;

/** The subprotocol carrying `token`: base64url of its UTF-8 bytes, no padding. */
export function tokenSubprotocol(token: string): string {
  const bytes = new TextEncoder().encode(token);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return TOKEN_SUBPROTOCOL_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The token inside a `sshts.token.` subprotocol, or undefined when it is not one or not valid. */
export function tokenFromSubprotocol(protocol: string): string | undefined {
  if (!protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return undefined;
  const b64 = protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** A proxy URL for `target`: `base` with `?host=&port=` set. */
export function proxyUrl(base: string | URL, host: string, port: number): string {
  const url = new URL(base);
  url.searchParams.set('host', host);
  url.searchParams.set('port', String(port));
  return url.toString();
}
