// The server side of the SOCKS handshake for dynamic forwarding (ssh -D): SOCKS5 (RFC 1928) with
// the "no authentication" method and CONNECT to an IPv4, IPv6 or domain-name address, and SOCKS4
// with its 4a extension (a domain name after the user id). Only CONNECT: BIND and UDP ASSOCIATE
// cannot be carried by a direct-tcpip channel. Every field read is bounded by the protocol's own
// length limits (255-byte method list, domain name and user id).
import { SSHError } from '@sshts/wire';
import { formatIPv6 } from '../ssh-config/address.js';
import type { BufferedReader } from './buffered-reader.js';

/** A malformed or unsupported SOCKS request; the connection is closed after any reply. */
export class SocksError extends SSHError {
  constructor(message: string) {
    super('ERR_SOCKS', message);
  }
}

/** RFC 1928 §6 reply codes. */
export enum Socks5Reply {
  SUCCEEDED = 0x00,
  GENERAL_FAILURE = 0x01,
  NOT_ALLOWED = 0x02,
  NETWORK_UNREACHABLE = 0x03,
  HOST_UNREACHABLE = 0x04,
  CONNECTION_REFUSED = 0x05,
  TTL_EXPIRED = 0x06,
  COMMAND_NOT_SUPPORTED = 0x07,
  ADDRESS_TYPE_NOT_SUPPORTED = 0x08,
}

/** SOCKS4 reply codes (the SOCKS 4 protocol document, "CD" of the reply). */
export enum Socks4Reply {
  GRANTED = 90,
  REJECTED = 91,
}

export interface SocksConnectRequest {
  version: 4 | 5;
  /** Dotted IPv4, IPv6 text (RFC 5952 form) or a domain name, for the server to resolve. */
  host: string;
  port: number;
}

const SOCKS5 = 5;
const SOCKS4 = 4;
const CMD_CONNECT = 1;
const METHOD_NO_AUTH = 0x00;
const METHOD_NONE_ACCEPTABLE = 0xff;
const ATYP_IPV4 = 1;
const ATYP_DOMAIN = 3;
const ATYP_IPV6 = 4;
/** SOCKS4 has no length fields; OpenSSH's own -D caps the user id and host name alike. */
const MAX_SOCKS4_STRING = 255;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a CONNECT request, answering SOCKS5's method negotiation on the way with `write`. Requests
 * that cannot be served get their failure reply before the SocksError is thrown.
 */
export async function readSocksRequest(
  input: BufferedReader,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<SocksConnectRequest> {
  const version = await input.byte('version');
  if (version === SOCKS5) return readSocks5(input, write);
  if (version === SOCKS4) return readSocks4(input, write);
  throw new SocksError(`unsupported SOCKS version ${version}`);
}

async function readSocks5(
  input: BufferedReader,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<SocksConnectRequest> {
  // RFC 1928 §3: VER, NMETHODS (1–255), METHODS.
  const count = await input.byte('NMETHODS');
  if (count === 0) throw new SocksError('SOCKS5 greeting offers no methods');
  const methods = await input.bytes(count, 'METHODS');
  if (!methods.includes(METHOD_NO_AUTH)) {
    await write(Uint8Array.of(SOCKS5, METHOD_NONE_ACCEPTABLE)).catch(() => {});
    throw new SocksError('the SOCKS5 client offers no method we support (only "no authentication")');
  }
  await write(Uint8Array.of(SOCKS5, METHOD_NO_AUTH));
  // §4: VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT.
  const [ver, cmd, , atyp] = await input.bytes(4, 'request');
  const fail = async (reply: Socks5Reply, message: string): Promise<never> => {
    await write(socks5Reply(reply)).catch(() => {});
    throw new SocksError(message);
  };
  if (ver !== SOCKS5) return fail(Socks5Reply.GENERAL_FAILURE, `SOCKS5 request with version ${ver}`);
  if (cmd !== CMD_CONNECT)
    return fail(Socks5Reply.COMMAND_NOT_SUPPORTED, `SOCKS5 command ${cmd} is not CONNECT`);
  let host: string;
  if (atyp === ATYP_IPV4) host = formatIPv4(await input.bytes(4, 'DST.ADDR'));
  else if (atyp === ATYP_IPV6) host = formatIPv6(await input.bytes(16, 'DST.ADDR'));
  else if (atyp === ATYP_DOMAIN) {
    const length = await input.byte('DST.ADDR length');
    const name = decodeName(await input.bytes(length, 'DST.ADDR'));
    if (name === undefined)
      return fail(Socks5Reply.GENERAL_FAILURE, 'SOCKS5 domain name is empty or not UTF-8');
    host = name;
  } else return fail(Socks5Reply.ADDRESS_TYPE_NOT_SUPPORTED, `SOCKS5 address type ${atyp}`);
  const port = await input.uint16('DST.PORT');
  return { version: 5, host, port };
}

async function readSocks4(
  input: BufferedReader,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<SocksConnectRequest> {
  // SOCKS4: VN, CD, DSTPORT, DSTIP, USERID, NUL; 4a: DSTIP 0.0.0.x (x ≠ 0), then HOST, NUL.
  const cmd = await input.byte('CD');
  const port = await input.uint16('DSTPORT');
  const ip = await input.bytes(4, 'DSTIP');
  await input.untilNul(MAX_SOCKS4_STRING, 'USERID');
  const fail = async (message: string): Promise<never> => {
    await write(socks4Reply(false)).catch(() => {});
    throw new SocksError(message);
  };
  if (cmd !== CMD_CONNECT) return fail(`SOCKS4 command ${cmd} is not CONNECT`);
  const is4a = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;
  if (!is4a) return { version: 4, host: formatIPv4(ip), port };
  const name = decodeName(await input.untilNul(MAX_SOCKS4_STRING, 'SOCKS4a host name'));
  if (name === undefined) return fail('SOCKS4a host name is empty or not UTF-8');
  return { version: 4, host: name, port };
}

function decodeName(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** RFC 1928 §6 reply. BND.ADDR/BND.PORT are 0.0.0.0:0: the server's side of the connection is not known here. */
export function socks5Reply(reply: Socks5Reply): Uint8Array {
  return Uint8Array.of(SOCKS5, reply, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0);
}

/** SOCKS4 reply: VN 0, CD 90 (granted) or 91 (rejected or failed), DSTPORT and DSTIP ignored. */
export function socks4Reply(granted: boolean): Uint8Array {
  return Uint8Array.of(0, granted ? Socks4Reply.GRANTED : Socks4Reply.REJECTED, 0, 0, 0, 0, 0, 0);
}

/** The reply that says `request` succeeded, or failed with `reply` (SOCKS4 has only one failure). */
export function socksReply(request: SocksConnectRequest, reply: Socks5Reply): Uint8Array {
  return request.version === 5 ? socks5Reply(reply) : socks4Reply(reply === Socks5Reply.SUCCEEDED);
}

function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}
