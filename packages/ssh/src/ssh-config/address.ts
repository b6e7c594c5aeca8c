// What ssh.c main() does to the destination name before printing or using it: names are
// lower-cased, numeric addresses are not, and a numeric address is rewritten in the form
// getnameinfo(NI_NUMERICHOST) prints ("127.1" → "127.0.0.1", "0:0::1" → "::1") unless that form
// equals the given one ignoring case (resolve_canonicalize() compares with strcasecmp()).
// Without a resolver we parse the numeric forms getaddrinfo(AI_NUMERICHOST) accepts ourselves:
// inet_aton()'s IPv4 forms and RFC 4291 §2.2 IPv6 text, printed as RFC 5952 §4 recommends.
import { asciiLower } from './lexer.js';

/** is_addr_fast(): contains '%' or ':', or only digits and dots. */
function isAddrFast(name: string): boolean {
  return name.includes('%') || name.includes(':') || /^[0-9.]*$/.test(name);
}

/** inet_aton(): 1 to 4 parts, each decimal, 0x-hex or 0-octal; the last fills the remaining bytes. */
function parseIPv4(name: string): number[] | undefined {
  const parts = name.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length === 2 ? 0 : Number.parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = Number.parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = Number.parseInt(p, 10);
    else return undefined;
    if (!Number.isSafeInteger(v)) return undefined;
    values.push(v);
  }
  const last = values.pop() as number;
  for (const v of values) if (v > 255) return undefined;
  const lastBytes = 4 - values.length;
  if (last >= 2 ** (8 * lastBytes)) return undefined;
  const bytes = [...values];
  for (let i = lastBytes - 1; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes;
}

function parseIPv6(name: string): number[] | undefined {
  if (!name.includes(':') || !/^[0-9a-fA-F:.]+$/.test(name)) return undefined;
  let text = name;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes('.')) {
    // inet_pton(): an embedded IPv4 address is four decimal bytes without leading zeros.
    if (!/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(dotted)) return undefined;
    const b = dotted.split('.').map(Number) as [number, number, number, number];
    if (b.some((x) => x > 255)) return undefined;
    tail.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

/**
 * RFC 5952 §4: lower-case hex, no leading zeros, the longest run (≥2) of zero groups as '::'.
 * Eight 16-bit groups, or the 16 address bytes in network order (a SOCKS5 DST.ADDR).
 */
export function formatIPv6(address: readonly number[] | Uint8Array): string {
  const groups =
    address instanceof Uint8Array
      ? Array.from({ length: 8 }, (_, i) => (address[2 * i]! << 8) | address[2 * i + 1]!)
      : address;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: readonly number[]) => gs.map((g) => g.toString(16)).join(':');
  // ::ffff:a.b.c.d (IPv4-mapped) keeps the dotted tail, as glibc prints it.
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    const [a, b] = [groups[6] as number, groups[7] as number];
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** The canonical numeric form of `name`, or undefined when it is not a numeric address. */
export function canonicalNumericAddress(name: string): string | undefined {
  const v4 = parseIPv4(name);
  if (v4 !== undefined) return v4.join('.');
  const v6 = parseIPv6(name);
  if (v6 !== undefined) return formatIPv6(v6);
  return undefined;
}

/** ssh.c: lower-case a name, canonicalise a numeric address, leave other address-like text alone. */
export function normalizeDestination(host: string): string {
  const numeric = canonicalNumericAddress(host);
  if (numeric !== undefined) return asciiLower(numeric) === asciiLower(host) ? host : numeric;
  return isAddrFast(host) ? host : asciiLower(host);
}
