// OpenSSH pattern lists (ssh_config(5) PATTERNS, match.c) and address lists (addrmatch.c). CIDR
// membership is cross-checked against Python's ipaddress module (strict networks).

import { spawnSync } from 'node:child_process';
import { peerAvailability } from '@sshts/test-peers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  matchAddressList,
  matchCidrList,
  matchHostAndAddress,
  matchHostname,
  matchPattern,
  matchPatternList,
} from '../src/index.js';

const paramiko = await peerAvailability('paramiko');

describe('matchPattern / matchPatternList (match.c)', () => {
  it('matches * and ? globs', () => {
    expect(matchPattern('host.example.com', '*.example.com')).toBe(true);
    expect(matchPattern('example.com', '*.example.com')).toBe(false);
    expect(matchPattern('192.168.0.7', '192.168.0.?')).toBe(true);
    expect(matchPattern('192.168.0.17', '192.168.0.?')).toBe(false);
    expect(matchPattern('', '*')).toBe(true);
    expect(matchPattern('', '')).toBe(true);
    expect(matchPattern('a', '')).toBe(false);
    expect(matchPattern('abc', 'a**c')).toBe(true);
    expect(matchPattern('abc', '*?*?*?')).toBe(true);
    expect(matchPattern('ab', '*?*?*?')).toBe(false);
    expect(matchPattern('Host', 'host')).toBe(false);
    expect(matchPattern('mississippi', '*sip*')).toBe(true);
    expect(matchPattern('mississippi', 'm*iss*ppi')).toBe(true);
    expect(matchPattern('mississippi', 'm*iss*ppx')).toBe(false);
  });

  it('stays linear on patterns that make a recursive matcher exponential', () => {
    const text = 'a'.repeat(20000);
    const pattern = `${'*a'.repeat(200)}b`;
    const start = performance.now();
    expect(matchPattern(text, pattern)).toBe(false);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('lets a negated pattern win, as ssh_config PATTERNS describe', () => {
    const list = '!*.dialup.example.com,*.example.com';
    expect(matchPatternList('www.example.com', list)).toBe(1);
    expect(matchPatternList('a.dialup.example.com', list)).toBe(-1);
    expect(matchPatternList('www.example.org', list)).toBe(0);
    expect(matchPatternList('x', '!y')).toBe(0);
    expect(matchPatternList('y', '!y,y')).toBe(-1);
    expect(matchPatternList('y', 'y,!y')).toBe(-1);
  });

  it('handles empty items and trailing commas as match.c does', () => {
    expect(matchPatternList('', '')).toBe(0);
    expect(matchPatternList('a', 'a,')).toBe(1);
    expect(matchPatternList('', 'a,')).toBe(0);
    expect(matchPatternList('', ',a')).toBe(1);
    expect(matchPatternList('', 'a,,b')).toBe(1);
    expect(matchPatternList('x', 'a,!')).toBe(0);
    expect(matchPatternList('', 'a,!')).toBe(-1);
  });

  it('gives up on a sub-pattern of 1023 characters or more (match.c sub[1024])', () => {
    const long1022 = 'a'.repeat(1022);
    const long1023 = 'a'.repeat(1023);
    expect(matchPatternList(long1022, long1022)).toBe(1);
    expect(matchPatternList(long1023, long1023)).toBe(0);
    expect(matchPatternList('x', `x,${long1023}`)).toBe(0);
    expect(matchPatternList('x', `!x,${long1023}`)).toBe(-1);
  });

  it('compares host names case-insensitively (match_hostname), ASCII only', () => {
    expect(matchHostname('WWW.Example.COM', '*.example.com')).toBe(1);
    expect(matchHostname('www.example.com', '*.EXAMPLE.com')).toBe(1);
    expect(matchHostname('BAD.example.com', '*.example.com,!bad.example.com')).toBe(-1);
    expect(matchHostname('ÄRGER.de', 'ärger.de')).toBe(0);
    // ignoreCase lowercases the patterns only; the caller lowercases the name (match_hostname).
    expect(matchPatternList('www.EXAMPLE.com', '*.example.com', { ignoreCase: true })).toBe(0);
    expect(matchPatternList('www.example.com', '*.EXAMPLE.com', { ignoreCase: true })).toBe(1);
  });
});

describe('address lists (addrmatch.c)', () => {
  it('matches CIDR lists and refuses malformed ones (addr_match_cidr_list)', () => {
    expect(matchCidrList('10.1.2.3', '10.0.0.0/8')).toBe(1);
    expect(matchCidrList('11.1.2.3', '10.0.0.0/8')).toBe(0);
    expect(matchCidrList('192.0.2.1', '192.0.2.1')).toBe(1);
    expect(matchCidrList('192.0.2.2', '192.0.2.1')).toBe(0);
    expect(matchCidrList('2001:db8::1', '2001:db8::/32,10.0.0.0/8')).toBe(1);
    expect(matchCidrList('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(0);
    expect(matchCidrList('10.0.0.1', '::/0')).toBe(0);
    expect(matchCidrList('10.0.0.1', '0.0.0.0/0')).toBe(1);
    expect(matchCidrList('not-an-ip', '10.0.0.0/8')).toBe(0);
    expect(matchCidrList(undefined, '10.0.0.0/8,::1/128')).toBe(0);
    for (const bad of [
      '',
      '10.0.0.0/8,',
      ',10.0.0.0/8',
      '10.0.0.1/8',
      '10.0.0.0/33',
      'host',
      '10.0.0.0/-1',
      '*',
      '!10.0.0.0/8',
      '1.2.3.4/',
      '1.2.3',
    ]) {
      expect(matchCidrList('10.0.0.1', bad), bad).toBe(-1);
    }
  });

  it('mixes CIDR, wildcards and negation for from= (addr_match_list, match_host_and_ip)', () => {
    expect(matchAddressList('192.168.1.7', '192.168.1.*')).toBe(1);
    expect(matchAddressList('192.168.1.7', '!192.168.1.7,192.168.0.0/16')).toBe(-1);
    expect(matchAddressList('192.168.1.7', '10.0.0.0/8')).toBe(0);
    expect(matchAddressList('192.168.1.7', '10.0.0.1/8')).toBe(-2);
    expect(matchAddressList('192.168.1.7', 'a,,b')).toBe(-2);
    const from = '*.example.com,!bad.example.com,10.0.0.0/8,!10.9.9.9';
    expect(matchHostAndAddress('ok.example.com', '192.0.2.1', from)).toBe(true);
    expect(matchHostAndAddress('bad.example.com', '10.0.0.1', from)).toBe(false);
    expect(matchHostAndAddress('other.org', '10.1.1.1', from)).toBe(true);
    expect(matchHostAndAddress('ok.example.com', '10.9.9.9', from)).toBe(false);
    expect(matchHostAndAddress(undefined, '10.1.1.1', from)).toBe(true);
    expect(matchHostAndAddress(undefined, '192.0.2.1', from)).toBe(false);
    expect(matchHostAndAddress('ok.example.com', '192.0.2.1', '10.0.0.1/8,*.example.com')).toBe(false);
  });

  // /usr/bin/python3 comes with the paramiko peer (installed when root; a failure under CI=true).
  const python = paramiko.available;
  it.skipIf(!python)('agrees with Python ipaddress on random IPv4 and IPv6 networks', () => {
    const v4 = fc.tuple(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }));
    const v6 = fc.tuple(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }));
    const cases = [
      ...fc.sample(v4, { numRuns: 400, seed: 42 }),
      ...fc.sample(v6, { numRuns: 400, seed: 42 }),
    ].map(([addr, net, bits]) => ({ addr, cidr: `${net}/${bits}` }));
    // For each case: membership in the strict network (-1 when host bits are set), the network with
    // host bits cleared, and membership in that one.
    const script = `
import ipaddress, json, sys

out = []
for c in json.load(sys.stdin):
    a = ipaddress.ip_address(c['addr'])
    try:
        strict = 1 if a in ipaddress.ip_network(c['cidr'], strict=True) else 0
    except ValueError:
        strict = -1
    cleared = ipaddress.ip_network(c['cidr'], strict=False)
    out.append([strict, str(cleared), 1 if a in cleared else 0])
print(json.dumps(out))`;
    const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(cases) });
    expect(run.status, run.stderr.toString()).toBe(0);
    const theirs = JSON.parse(run.stdout.toString()) as [number, string, number][];
    let members = 0;
    cases.forEach(({ addr, cidr }, i) => {
      const [strict, cleared, inCleared] = theirs[i]!;
      expect(matchCidrList(addr, cidr), `${addr} in ${cidr}`).toBe(strict);
      expect(matchCidrList(addr, cleared), `${addr} in ${cleared}`).toBe(inCleared);
      members += inCleared;
    });
    expect(members).toBeGreaterThan(20);
  });
});
