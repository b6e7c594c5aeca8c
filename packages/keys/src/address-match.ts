// IP address lists as OpenSSH matches them (addrmatch.c): a certificate's `source-address` critical
// option is a comma-separated CIDR list (addr_match_cidr_list), and authorized_keys `from=` mixes
// CIDR entries, address wildcards and host-name patterns (addr_match_list, match.c
// match_host_and_ip).
import { matchHostname, matchPattern } from './match.js';

interface Address {
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
}

/** INET6_ADDRSTRLEN + 3 (for "/nnn"): addr_match_cidr_list refuses longer entries. */
const MAX_CIDR_ENTRY_LENGTH = 46 + 3;
const CIDR_CHARS = /^[0-9a-fA-F.:/]*$/;

/** A dotted quad of decimal octets (no octal-looking leading zeros, no inet_aton shorthand). */
function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

/** RFC 4291 §2.2 text forms: eight hex groups, one `::` run of zeros, an optional IPv4 tail. */
function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(Number.parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** A numeric IPv4 or IPv6 address (addrmatch.c addr_pton, numeric hosts only), or undefined. */
function parseAddress(text: string): Address | undefined {
  const bytes = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  return bytes === undefined ? undefined : { bytes };
}

/**
 * addrmatch.c addr_pton_cidr: `address[/masklen]`. Returns the network, 'invalid' for an
 * unparseable entry or 'inconsistent' when bits are set below the mask (10.1.0.0/8).
 */
function parseCidr(text: string): { net: Address; bits: number } | 'invalid' | 'inconsistent' {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const net = parseAddress(addrText);
  let bits: number;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(lenText)) return 'invalid';
    bits = Number(lenText);
    if (bits > 128) return 'invalid';
  } else {
    bits = net === undefined ? 0 : net.bytes.length * 8;
  }
  if (net === undefined) return 'invalid';
  if (bits > net.bytes.length * 8) return 'inconsistent';
  for (let i = 0; i < net.bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    const hostMask = 0xff >> keep;
    if ((net.bytes[i]! & hostMask) !== 0) return 'inconsistent';
  }
  return { net, bits };
}

/** addrmatch.c addr_netmatch: same family and the first `bits` bits equal. */
function inNetwork(addr: Address, net: Address, bits: number): boolean {
  if (addr.bytes.length !== net.bytes.length) return false;
  for (let i = 0; i < net.bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    const mask = (0xff00 >> keep) & 0xff;
    if ((addr.bytes[i]! & mask) !== (net.bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * addrmatch.c addr_match_cidr_list: 1 when `address` is in one of the comma-separated CIDR entries
 * of `list`, 0 when not (or when `address` is not a numeric IP), -1 when the list is malformed (an
 * empty, over-long or unparseable entry, or one with host bits set). Pass `address` undefined to
 * check the list's syntax only. No negation or wildcards: a certificate's `source-address`.
 */
export function matchCidrList(address: string | undefined, list: string): -1 | 0 | 1 {
  const addr = address === undefined ? undefined : parseAddress(address);
  if (address !== undefined && addr === undefined) return 0;
  let result: 0 | 1 = 0;
  for (const entry of list.split(',')) {
    if (entry === '' || entry.length > MAX_CIDR_ENTRY_LENGTH || !CIDR_CHARS.test(entry)) return -1;
    const cidr = parseCidr(entry);
    if (typeof cidr === 'string') return -1;
    if (addr !== undefined && inNetwork(addr, cidr.net, cidr.bits)) result = 1;
  }
  return result;
}

/**
 * addrmatch.c addr_match_list: `address` against a list that may hold CIDR entries, address
 * wildcards (`192.168.*`) and `!` negations: 1 on a match, -1 on a negated match, 0 on none, -2
 * when the list is malformed (an empty entry or a CIDR entry with host bits set).
 */
export function matchAddressList(address: string | undefined, list: string): -2 | -1 | 0 | 1 {
  const addr = address === undefined ? undefined : parseAddress(address);
  const text = addr === undefined ? undefined : address;
  let result: 0 | 1 = 0;
  for (let entry of list.split(',')) {
    const negated = entry.startsWith('!');
    if (negated) entry = entry.slice(1);
    if (entry === '') return -2;
    const cidr = parseCidr(entry);
    if (cidr === 'inconsistent') return -2;
    const hit =
      text !== undefined &&
      (cidr === 'invalid' ? matchPattern(text, entry) : inNetwork(addr!, cidr.net, cidr.bits));
    if (hit) {
      if (negated) return -1;
      result = 1;
    }
  }
  return result;
}

/**
 * match.c match_host_and_ip, as sshd evaluates authorized_keys `from="pattern-list"`: true when the
 * client's canonical host name or its IP address matches the list and neither matches a negated
 * entry. A malformed list never matches. Without a host name the address stands in for it, as
 * sshd does with UseDNS off.
 */
export function matchHostAndAddress(host: string | undefined, address: string, patterns: string): boolean {
  const ip = matchAddressList(address, patterns);
  if (ip === -2 || ip === -1) return false;
  const name = matchHostname(host ?? address, patterns);
  if (name === -1) return false;
  return name === 1 || ip === 1;
}
