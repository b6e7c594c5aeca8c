// One line of a known_hosts file (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT; OpenSSH hostfile.c
// hostkeys_foreach_file / check_markers) and host-field matching (hostfile.c match_maybe_hashed,
// host_hash; match.c match_hostname).
//   [@cert-authority|@revoked] hostpatterns keytype base64 [comment]
// with hostpatterns either a comma-separated pattern list or one hashed name
// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { SSHError } from '@sshts/wire';
import { base64Decode, base64Encode } from './base64.js';
import { asciiLowercase, matchHostname } from './match.js';
import { type PublicKey, parsePublicKey } from './public-key.js';

export type KnownHostsMarker = 'cert-authority' | 'revoked';

/** A parsed key line; lines we cannot use (comments, bad lines, unknown key types) have none. */
export interface KnownHostsEntry {
  readonly marker: KnownHostsMarker | undefined;
  /** The host field as written: a pattern list or a hashed name. */
  readonly hosts: string;
  readonly key: PublicKey;
  /** 1-based line number in the text given to KnownHosts.parse (0 for lines added later). */
  readonly line: number;
}

/** hostfile.c HASH_MAGIC; the salt and HMAC are SHA-1 sized (20 bytes). */
const HASH_MAGIC = '|1|';
const SHA1_LENGTH = 20;
/** hostfile.c extract_salt: a base64 salt longer than this is refused. */
const MAX_BASE64_SALT = 1024;

const MARKERS: ReadonlyMap<string, KnownHostsMarker> = new Map([
  ['@cert-authority', 'cert-authority'],
  ['@revoked', 'revoked'],
]);

const encoder = new TextEncoder();

/** `|1|salt|hash` for `name` with `salt` (hostfile.c host_hash). */
export function hashHostName(name: string, salt: Uint8Array): string {
  const mac = hmac(sha1, salt, encoder.encode(name));
  return `${HASH_MAGIC}${base64Encode(salt)}|${base64Encode(mac)}`;
}

/** The salt of a hashed host field, or undefined when it is not a well-formed `|1|salt|hash`. */
function hashedSalt(field: string): Uint8Array | undefined {
  if (!field.startsWith(HASH_MAGIC)) return undefined;
  const end = field.indexOf('|', HASH_MAGIC.length);
  if (end < 0) return undefined;
  const b64 = field.slice(HASH_MAGIC.length, end);
  if (b64.length === 0 || b64.length > MAX_BASE64_SALT) return undefined;
  try {
    const salt = base64Decode(b64, 'known_hosts salt');
    return salt.length === SHA1_LENGTH ? salt : undefined;
  } catch (e) {
    if (e instanceof SSHError) return undefined;
    throw e;
  }
}

/**
 * The name ssh looks a host up by (sshconnect.c get_hostfile_hostname_ipaddr, misc.c
 * put_host_port): the lowercased host, as `[host]:port` unless the port is 22 or not given.
 */
export function knownHostsName(host: string, port?: number): string {
  if (typeof host !== 'string') throw new TypeError('host must be a string');
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new RangeError(`bad port ${port}`);
  }
  const lower = asciiLowercase(host);
  return port === undefined || port === 22 ? lower : `[${lower}]:${port}`;
}

/**
 * Whether a line's host field matches `name` (already as knownHostsName gives it): a hashed field
 * when HMAC-SHA1(salt, name) reproduces it exactly; a pattern list when some pattern matches and
 * no negated one does (hostfile.c match_maybe_hashed).
 */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) {
    const salt = hashedSalt(field);
    return salt !== undefined && hashHostName(name, salt) === field;
  }
  return matchHostname(name, field) === 1;
}

export type ParsedLine =
  | { readonly kind: 'comment' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string }
  | {
      readonly kind: 'entry';
      readonly marker: KnownHostsMarker | undefined;
      readonly hosts: string;
      readonly key: PublicKey;
    };

const WS = /[ \t]/;

/** Interprets one line (without its '\n'; a trailing '\r' is ignored), as hostkeys_foreach_file. */
export function parseKnownHostsLine(raw: string): ParsedLine {
  let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  text = text.replace(/^[ \t]+/, '');
  if (text === '' || text.startsWith('#')) return { kind: 'comment' };
  let marker: KnownHostsMarker | undefined;
  // check_markers: at most one marker, terminated by whitespace.
  while (text.startsWith('@')) {
    if (marker !== undefined) return { kind: 'invalid', reason: 'more than one marker' };
    const end = text.search(WS);
    if (end < 0) return { kind: 'invalid', reason: 'marker without host field' };
    const found = MARKERS.get(text.slice(0, end));
    if (found === undefined) return { kind: 'invalid', reason: `unknown marker ${text.slice(0, end)}` };
    marker = found;
    text = text.slice(end).replace(/^[ \t]+/, '');
  }
  const hostsEnd = text.search(WS);
  if (hostsEnd < 0) return { kind: 'invalid', reason: 'no key after the host field' };
  const hosts = text.slice(0, hostsEnd);
  const rest = text.slice(hostsEnd).replace(/^[ \t]+/, '');
  if (rest === '' || rest.startsWith('#')) return { kind: 'invalid', reason: 'truncated before key type' };
  try {
    return { kind: 'entry', marker, hosts, key: parsePublicKey(rest) };
  } catch (e) {
    if (!(e instanceof SSHError)) throw e;
    const kind = e.code === 'ERR_UNSUPPORTED_KEY_TYPE' ? 'unsupported' : 'invalid';
    return { kind, reason: e.message };
  }
}
