// known_hosts checked against ssh-keygen: files we write are found by `ssh-keygen -F`, files
// `ssh-keygen -H` hashed are read by us, pattern lines match exactly the names ssh-keygen -F
// matches, and @cert-authority / @revoked lines with host certificates from `ssh-keygen -s -h`
// give the decision ssh makes (hostfile.c, sshconnect.c).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts, type PublicKey, parsePublicKey } from '../src/index.js';
import { keygen, makeKeys, TempDir } from './cert-tools.js';

const tool = await toolAvailability('ssh-keygen');
const sshKeygen = tool.available ? tool.path : '';

/** `ssh-keygen -F name -f file`: the line numbers it reports (empty when not found). */
function keygenFind(file: string, name: string): number[] {
  let out: string;
  try {
    out = keygen(sshKeygen, ['-F', name, '-f', file]);
  } catch (e) {
    if ((e as { status?: number }).status === 1) return [];
    throw e;
  }
  return [...out.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
}

const keyText = (k: PublicKey): string => k.toString().split(' ').slice(0, 2).join(' ');

describe.skipIf(!tool.available)('known_hosts against ssh-keygen', () => {
  const dir = new TempDir();
  let keys: Map<string, PublicKey>;
  let caPaths: Map<string, string>;
  let hostPaths: Map<string, string>;
  const key = (name: string): PublicKey => keys.get(name)!;

  beforeAll(() => {
    hostPaths = makeKeys(sshKeygen, dir, 'host');
    caPaths = makeKeys(sshKeygen, dir, 'ca');
    keys = new Map(
      [...hostPaths].map(([name, path]) => [name, parsePublicKey(readFileSync(`${path}.pub`, 'utf8'))]),
    );
  });
  afterAll(() => dir.remove());

  it('writes plain and hashed lines, any port, that ssh-keygen -F finds', () => {
    const kh = KnownHosts.parse('# written by sshts\n');
    const cases: [host: string, port: number | undefined, hashed: boolean, keyName: string, query: string][] =
      [
        ['plain.example.com', undefined, false, 'ed25519', 'plain.example.com'],
        ['Port22.Example.com', 22, false, 'ecdsa256', 'port22.example.com'],
        ['other.example.com', 2222, false, 'ecdsa384', '[other.example.com]:2222'],
        ['127.0.0.1', 2222, true, 'rsa2048', '[127.0.0.1]:2222'],
        ['hashed.example.com', undefined, true, 'ecdsa521', 'hashed.example.com'],
        ['::1', 22, true, 'ed25519', '::1'],
        ['::1', 8022, false, 'ecdsa256', '[::1]:8022'],
      ];
    for (const [host, port, hashed, keyName] of cases) {
      kh.add(host, key(keyName), { hashed, ...(port === undefined ? {} : { port }) });
    }
    const text = kh.toString();
    expect(text.startsWith('# written by sshts\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    const file = dir.write('written', text);
    cases.forEach(([host, port, hashed, keyName, query], i) => {
      const line = i + 2;
      expect(keygenFind(file, query), query).toEqual([line]);
      const written = text.split('\n')[line - 1]!;
      expect(written.startsWith('|1|'), query).toBe(hashed);
      expect(written.endsWith(keyText(key(keyName))), query).toBe(true);
      // And we find what we wrote, with the same host/port spelling.
      expect(kh.lookup(host, port).map(keyText), query).toContain(keyText(key(keyName)));
    });
    expect(keygenFind(file, '[other.example.com]:2223')).toEqual([]);
    expect(keygenFind(file, 'other.example.com')).toEqual([]);
    expect(kh.lookup('other.example.com')).toEqual([]);
    expect(kh.lookup('other.example.com', 2223)).toEqual([]);
    expect(kh.lookup('127.0.0.1')).toEqual([]);
    // A fresh random salt for every hashed line.
    const salts = text
      .split('\n')
      .filter((l) => l.startsWith('|1|'))
      .map((l) => l.split('|')[2]);
    expect(new Set(salts).size).toBe(salts.length);
  });

  it('looks up hosts in a file ssh-keygen -H hashed', () => {
    const lines = [
      `alpha.example.com,192.0.2.1 ${keyText(key('ed25519'))}`,
      `[beta.example.com]:2200 ${keyText(key('ecdsa256'))}`,
      `gamma.example.com ${keyText(key('rsa2048'))}`,
      `gamma.example.com ${keyText(key('ecdsa521'))}`,
    ];
    const file = dir.write('to-hash', `${lines.join('\n')}\n`);
    keygen(sshKeygen, ['-H', '-f', file]);
    const hashedText = readFileSync(file, 'utf8');
    expect(hashedText).not.toContain('example.com');
    const kh = KnownHosts.parse(hashedText);
    expect(kh.toString()).toBe(hashedText);
    expect(kh.lookup('alpha.example.com').map(keyText)).toEqual([keyText(key('ed25519'))]);
    expect(kh.lookup('192.0.2.1').map(keyText)).toEqual([keyText(key('ed25519'))]);
    expect(kh.lookup('ALPHA.example.com').map(keyText)).toEqual([keyText(key('ed25519'))]);
    expect(kh.lookup('beta.example.com', 2200).map(keyText)).toEqual([keyText(key('ecdsa256'))]);
    expect(kh.lookup('beta.example.com')).toEqual([]);
    expect(kh.lookup('gamma.example.com').map(keyText)).toEqual([
      keyText(key('rsa2048')),
      keyText(key('ecdsa521')),
    ]);
    expect(kh.lookup('delta.example.com')).toEqual([]);
    expect(kh.lookup('alpha.example.co')).toEqual([]);
  });

  it('matches wildcard and negated patterns exactly where ssh-keygen -F does', () => {
    const k = keyText(key('ed25519'));
    const text = [
      `*.example.org,!bad.example.org ${k}`,
      `host?.test ${k}`,
      `[*.ports.test]:2200 ${k}`,
      `10.0.0.*,!10.0.0.1 ${k}`,
      `!only-negated.test ${k}`,
      `CamelCase.Test ${k}`,
      `*a*a*a*a*a*a*a*a*b ${k}`,
      '',
    ].join('\n');
    const file = dir.write('patterns', text);
    const kh = KnownHosts.parse(text);
    const queries: [string, number | undefined][] = [
      ['www.example.org', undefined],
      ['example.org', undefined],
      ['bad.example.org', undefined],
      ['BAD.example.org', undefined],
      ['a.b.example.org', undefined],
      ['host1.test', undefined],
      ['host12.test', undefined],
      ['host.test', undefined],
      ['x.ports.test', 2200],
      ['x.ports.test', 2201],
      ['x.ports.test', undefined],
      ['10.0.0.5', undefined],
      ['10.0.0.1', undefined],
      ['10.0.0.15', undefined],
      ['only-negated.test', undefined],
      ['other.test', undefined],
      ['camelcase.test', undefined],
      ['CAMELCASE.TEST', undefined],
      ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac', undefined],
      ['aaaaaaaaab', undefined],
    ];
    for (const [host, port] of queries) {
      const query = port === undefined ? host : `[${host}]:${port}`;
      const want = keygenFind(file, query);
      const got = kh
        .entries()
        .filter((e) => kh.lookup(host, port).includes(e.key))
        .map((e) => e.line);
      expect(got, query).toEqual(want);
    }
  });

  it('decides host certificates through @cert-authority lines, and revocation wins', () => {
    const sign = (name: string, ca: string, hostKey: string, args: string[]): PublicKey => {
      const copy = dir.write(`${name}.pub`, readFileSync(`${hostPaths.get(hostKey)!}.pub`));
      keygen(sshKeygen, ['-q', '-s', caPaths.get(ca)!, '-I', name, ...args, copy]);
      return parsePublicKey(readFileSync(dir.file(`${name}-cert.pub`), 'utf8'));
    };
    const caKey = (name: string): PublicKey =>
      parsePublicKey(readFileSync(`${caPaths.get(name)!}.pub`, 'utf8'));
    const good = sign('good', 'ed25519', 'ecdsa256', [
      '-h',
      '-n',
      'srv.example.com,srv2.example.com',
      '-V',
      '+1h',
    ]);
    const expired = sign('old', 'ed25519', 'ecdsa384', ['-h', '-n', 'srv.example.com', '-V', '-2h:-1h']);
    const otherCa = sign('other', 'ecdsa521', 'ecdsa256', ['-h', '-n', 'srv.example.com', '-V', '+1h']);
    const userCert = sign('user', 'ed25519', 'ecdsa256', ['-n', 'srv.example.com', '-V', '+1h']);
    const byRsaCa = sign('rsaca', 'rsa2048', 'ed25519', ['-h', '-n', 'srv.example.com', '-V', '+1h']);
    const sha1Ca = sign('sha1ca', 'rsa2048', 'ed25519', ['-h', '-t', 'ssh-rsa', '-n', 'srv.example.com']);

    const text = [
      `@cert-authority *.example.com ${keyText(caKey('ed25519'))} the CA`,
      `@cert-authority srv.example.com ${keyText(caKey('rsa2048'))}`,
      `plain.example.com ${keyText(key('ecdsa256'))}`,
      `fallback.example.com ${keyText(key('ecdsa384'))}`,
      '',
    ].join('\n');
    const kh = KnownHosts.parse(text);
    expect(kh.certificateAuthorities('srv.example.com').map(keyText)).toEqual([
      keyText(caKey('ed25519')),
      keyText(caKey('rsa2048')),
    ]);
    expect(kh.certificateAuthorities('srv.example.org')).toEqual([]);
    expect(kh.check('srv.example.com', 22, good).status).toBe('known');
    expect(kh.check('SRV2.example.com', 22, good).status).toBe('known');
    expect(kh.check('srv.example.com', 2222, good).status).toBe('unknown'); // [srv.example.com]:2222 ≠ *.example.com
    const wrongName = kh.check('www.example.com', 22, good);
    expect(wrongName.status).toBe('unknown');
    expect(wrongName.certificateError?.reason).toBe('principal');
    const old = kh.check('srv.example.com', 22, expired);
    expect(old.status).toBe('unknown');
    expect(old.certificateError?.reason).toBe('expired');
    expect(kh.check('srv.example.com', 22, otherCa).status).toBe('unknown');
    expect(kh.check('srv.example.com', 22, userCert).certificateError?.reason).toBe('type');
    expect(kh.check('srv.example.com', 22, byRsaCa).status).toBe('known');
    const sha1 = kh.check('srv.example.com', 22, sha1Ca);
    expect(sha1.status).toBe('unknown');
    expect(sha1.certificateError?.reason).toBe('signature-algorithm');
    expect(kh.check('srv.example.com', 22, sha1Ca, { caSignatureAlgorithms: ['ssh-rsa'] }).status).toBe(
      'known',
    );
    // The certified key itself listed as a plain key still lets the certificate in (ssh's fallback).
    expect(kh.check('plain.example.com', 22, otherCa).status).toBe('known');
    expect(kh.check('fallback.example.com', 22, expired).status).toBe('known');
    // A certificate is never 'known' through a plain line holding the CA key.
    const caAsHost = KnownHosts.parse(`srv.example.com ${keyText(caKey('ed25519'))}\n`);
    expect(caAsHost.check('srv.example.com', 22, good).status).not.toBe('known');

    // A revoked CA revokes its certificates (Go CVE-2026-42508), whatever else matches.
    const revokedCa = KnownHosts.parse(`${text}@revoked * ${keyText(caKey('ed25519'))}\n`);
    expect(revokedCa.check('srv.example.com', 22, good).status).toBe('revoked');
    expect(revokedCa.isRevoked(good)).toBe(true);
    expect(revokedCa.isRevoked(caKey('ed25519'))).toBe(true);
    expect(revokedCa.check('srv.example.com', 22, byRsaCa).status).toBe('known');
    // A revoked certified key revokes the certificate even with a trusted CA.
    const revokedKey = KnownHosts.parse(`${text}@revoked * ${keyText(key('ecdsa256'))}\n`);
    expect(revokedKey.check('srv.example.com', 22, good).status).toBe('revoked');
    expect(revokedKey.check('plain.example.com', 22, key('ecdsa256')).status).toBe('revoked');
    // @revoked lines apply to the hosts they match, as ssh loads them.
    const scoped = KnownHosts.parse(`${text}@revoked other.example.net ${keyText(key('ecdsa256'))}\n`);
    expect(scoped.check('plain.example.com', 22, key('ecdsa256')).status).toBe('known');
    expect(scoped.isRevoked(key('ecdsa256'))).toBe(true);
    expect(scoped.isRevoked(key('ecdsa256'), 'plain.example.com')).toBe(false);
  });

  it('reports known, changed and unknown plain keys', () => {
    const kh = KnownHosts.parse(
      `h.example.com ${keyText(key('ecdsa256'))}\nh.example.com ${keyText(key('rsa2048'))}\n`,
    );
    const hit = kh.check('h.example.com', undefined, key('rsa2048'));
    expect(hit.status).toBe('known');
    expect(hit.known.map(keyText)).toEqual([keyText(key('ecdsa256')), keyText(key('rsa2048'))]);
    // Another ECDSA P-256 key: same type, different key.
    const other = parsePublicKey(readFileSync(`${caPaths.get('ecdsa256')!}.pub`, 'utf8'));
    expect(kh.check('h.example.com', 22, other).status).toBe('changed');
    expect(kh.check('h.example.com', 22, key('ed25519')).status).toBe('unknown');
    expect(kh.check('x.example.com', 22, key('ecdsa256'))).toEqual({ status: 'unknown', known: [] });
  });

  it('round-trips comments, blank, CRLF, bad and unknown-type lines byte for byte', () => {
    const k = keyText(key('ed25519'));
    const text = [
      '# comment',
      '',
      '   # indented comment',
      `a.example.com ${k} with a comment`,
      `b.example.com ${k}\r`,
      '@foo c.example.com ssh-ed25519 AAAA',
      '@revoked',
      `@revoked @cert-authority d.example.com ${k}`,
      'e.example.com ssh-dss AAAAB3NzaC1kc3MAAACBAP8=',
      'f.example.com sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIA==',
      'g.example.com ssh-ed25519 not-base64!',
      'just-a-host',
      '|1|bad|hash ssh-ed25519 AAAA',
      `\t h.example.com \t ${k}`,
      'no newline at the end',
    ].join('\n');
    const kh = KnownHosts.parse(text);
    expect(kh.toString()).toBe(text);
    expect(kh.entries().map((e) => e.line)).toEqual([4, 5, 14]);
    expect(kh.lookup('b.example.com').map(keyText)).toEqual([k]);
    expect(kh.lookup('h.example.com').map(keyText)).toEqual([k]);
    expect(kh.lookup('d.example.com')).toEqual([]);
    expect(kh.lookup('e.example.com')).toEqual([]);
    kh.add('new.example.com', key('ecdsa256'));
    expect(kh.toString()).toBe(`${text}\nnew.example.com ${keyText(key('ecdsa256'))}\n`);
    expect(kh.remove('a.example.com')).toBe(1);
    expect(kh.remove('a.example.com')).toBe(0);
    expect(kh.toString()).toBe(
      `${text.replace(`a.example.com ${k} with a comment\n`, '')}\nnew.example.com ${keyText(key('ecdsa256'))}\n`,
    );
    const file = dir.write('roundtrip', kh.toString());
    expect(keygenFind(file, 'new.example.com')).toHaveLength(1);
  });

  it('remove() keeps @cert-authority and @revoked lines, as ssh-keygen -R', () => {
    const k = keyText(key('ed25519'));
    const text = `h.example.com ${k}\n@cert-authority h.example.com ${k}\n@revoked h.example.com ${k}\nh.example.com,x ${k}\n[h.example.com]:2222 ${k}\n`;
    const file = dir.write('remove', text);
    keygen(sshKeygen, ['-R', 'h.example.com', '-f', file]);
    const kh = KnownHosts.parse(text);
    expect(kh.remove('h.example.com')).toBe(2);
    expect(kh.toString()).toBe(readFileSync(file, 'utf8'));
  });

  it('refuses host names that would corrupt the file', () => {
    const kh = KnownHosts.parse('');
    for (const bad of ['', 'a b', 'a,b', '*.example.com', 'a\nb', '@revoked', '|1|x', '#x', '!x']) {
      expect(() => kh.add(bad, key('ed25519')), JSON.stringify(bad)).toThrow(TypeError);
    }
    expect(() => kh.add('ok', key('ed25519'), { port: 70000 })).toThrow(RangeError);
    expect(kh.toString()).toBe('');
  });
});

describe('known_hosts vector hashed by ssh-keygen -H (test-vectors/known-hosts)', () => {
  const v = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../test-vectors/known-hosts/hashed.json'), 'utf8'),
  ) as { plain: string; hashed: string; lookups: { name: string; lines: number[] }[] };

  it('finds exactly the lines ssh-keygen -F found, and the plain file gives the same keys', () => {
    const hashed = KnownHosts.parse(v.hashed);
    const plain = KnownHosts.parse(v.plain);
    expect(hashed.toString()).toBe(v.hashed);
    for (const { name, lines } of v.lookups) {
      const bracket = /^\[(.*)\]:(\d+)$/.exec(name);
      const [host, port] = bracket === null ? [name, undefined] : [bracket[1]!, Number(bracket[2])];
      const found = hashed.lookup(host, port);
      expect(
        hashed
          .entries()
          .filter((e) => found.includes(e.key))
          .map((e) => e.line),
        name,
      ).toEqual(lines);
      expect(plain.lookup(host, port).map(keyText), name).toEqual(found.map(keyText));
    }
  });
});

describe('fuzz: known_hosts text', () => {
  const lineParts = fc.constantFrom(
    '@cert-authority',
    '@revoked',
    '@',
    '|1|',
    '|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    '*',
    '!',
    '[h]:22',
    'h.example.com',
    ',',
    'ssh-ed25519',
    'ssh-rsa',
    'ecdsa-sha2-nistp256',
    'ssh-ed25519-cert-v01@openssh.com',
    'AAAAC3NzaC1lZDI1NTE5AAAAIJ8YM+HfXHdu3yzoQ2dpRZVSpQCWX2lCnn88S2YYQwoN',
    'AAAA',
    '#',
    ' ',
    '\t',
    '\r',
    '\n',
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc
      .array(fc.oneof(lineParts, fc.string({ maxLength: 6 })), { maxLength: 30 })
      .map((parts) => parts.join(' ')),
  );

  it('never throws, and toString() returns the input', () => {
    fc.assert(
      fc.property(text, fc.string({ maxLength: 20 }), (input, host) => {
        const kh = KnownHosts.parse(input);
        expect(kh.toString()).toBe(input);
        kh.lookup(host);
        kh.lookup(host, 2222);
        kh.certificateAuthorities(host);
        for (const e of kh.entries()) {
          kh.check(host, undefined, e.key);
          kh.isRevoked(e.key);
        }
        kh.remove(host);
      }),
      { numRuns: 500 },
    );
  });
});
