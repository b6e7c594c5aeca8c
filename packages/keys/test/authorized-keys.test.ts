// authorized_keys: the sshd(8) AUTHORIZED_KEYS FILE FORMAT examples and every option and quoting
// rule of auth-options.c sshauthopt_parse; bad lines are reported, never thrown. Keys and comments
// are cross-checked with `ssh-keygen -l -f` and option values with AsyncSSH's parser.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { peerAvailability, toolAvailability } from '@sshts/test-peers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizedKey, type PublicKey, parseAuthorizedKeys, parsePublicKey } from '../src/index.js';
import { keygen, makeKeys, TempDir } from './cert-tools.js';

const tool = await toolAvailability('ssh-keygen');
const sshKeygen = tool.available ? tool.path : '';
const PYTHON = '/usr/bin/python3';
// peerAvailability installs python3-asyncssh when root and throws under CI=true when it cannot.
const hasAsyncssh = (await peerAvailability('asyncssh')).available;

const keyText = (k: PublicKey): string => k.toString().split(' ').slice(0, 2).join(' ');

// Only when the tool is missing outside CI (toolAvailability throws under CI=true instead).
describe.skipIf(!tool.available)('authorized_keys', () => {
  const dir = new TempDir();
  let rsa: string;
  let ed: string;
  let text: string;
  let lines: string[];

  beforeAll(() => {
    const paths = makeKeys(sshKeygen, dir, 'user');
    const load = (name: string): string =>
      keyText(parsePublicKey(readFileSync(`${paths.get(name)!}.pub`, 'utf8')));
    rsa = load('rsa2048');
    ed = load('ed25519');
    lines = [
      // sshd(8) "An example authorized_keys file", with real keys for "ssh-rsa ...".
      '# Comments are allowed at start of line. Blank lines are allowed.',
      '',
      '# Plain key, no restrictions',
      rsa,
      '# Forced command, disable PTY and all forwarding',
      `restrict,command="dump /home" ${rsa}`,
      '# Restriction of ssh -L forwarding destinations',
      `permitopen="192.0.2.1:80",permitopen="192.0.2.2:25" ${rsa}`,
      '# Restriction of ssh -R forwarding listeners',
      `permitlisten="localhost:8080",permitlisten="[::1]:22000" ${rsa}`,
      '# Configuration for tunnel forwarding',
      `tunnel="0",command="sh /etc/netstart tun0" ${rsa}`,
      '# Override of restriction to allow PTY allocation',
      `restrict,pty,command="nethack" ${rsa}`,
      '# Allow FIDO key without requiring touch',
      `no-touch-required ${ed}`,
      '# Require user-verification (e.g. PIN or biometric) for FIDO key',
      `verify-required ${ed}`,
      '# Trust CA key, allow touch-less FIDO if requested in certificate',
      `cert-authority,no-touch-required,principals="user_a" ${rsa}`,
      // Quoting and the remaining options.
      `command="echo \\"quoted\\" and \\\\back",environment="NAME=value with spaces",from="*.example.com,!bad.example.com,10.0.0.0/8" ${ed} a comment here`,
      `no-agent-forwarding,no-port-forwarding,no-pty,no-user-rc,no-X11-forwarding ${ed}`,
      `pty,restrict ${ed}`,
      `restrict,agent-forwarding,port-forwarding,pty,user-rc,X11-forwarding ${ed}`,
      `expiry-time="20300101",expiry-time="203001011230Z",principals="a,b" ${ed}`,
      `permitlisten="8080",permitopen="host:*",permitopen="[2001:db8::1]:443" ${ed}`,
      `COMMAND="upper case keywords",NO-PTY,Cert-Authority ${ed}`,
      `environment="A=1",environment="A=2",environment="B_2=3" ${ed}`,
      `tunnel="any" ${ed}`,
      `no-pty,,no-user-rc ${ed}`,
      `   \t${ed} indented\r`,
      // Bad lines: sshd skips them.
      `bogus ${ed}`,
      `command="unterminated ${ed}`,
      `command="a",command="b" ${ed}`,
      `environment="NOEQUALS" ${ed}`,
      `environment="BAD-NAME=x" ${ed}`,
      `expiry-time="2030" ${ed}`,
      `expiry-time="20301301" ${ed}`,
      `permitopen="nohostport" ${ed}`,
      `permitopen="h:0" ${ed}`,
      `tunnel="x" ${ed}`,
      `restrictx ${ed}`,
      'no-pty',
      'ssh-dss AAAAB3NzaC1kc3MAAACBAP8= a DSA key',
      'ssh-ed25519 AAAA-not-base64 bad',
      `from=unquoted ${ed}`,
    ];
    text = lines.join('\n');
  });
  afterAll(() => dir.remove());

  const entryAt = (entries: AuthorizedKey[], prefix: string): AuthorizedKey => {
    const line = lines.findIndex((l) => l.startsWith(prefix)) + 1;
    const e = entries.find((x) => x.line === line);
    if (e === undefined) throw new Error(`no entry for line ${line}: ${prefix}`);
    return e;
  };

  it('parses the man page examples and every option', () => {
    const { entries, errors } = parseAuthorizedKeys(text);
    const o = (prefix: string) => entryAt(entries, prefix).options;

    const plain = entryAt(entries, rsa);
    expect(keyText(plain.key)).toBe(rsa);
    expect(plain.options).toMatchObject({
      restrict: false,
      certAuthority: false,
      agentForwarding: true,
      portForwarding: true,
      x11Forwarding: true,
      pty: true,
      userRc: true,
      touchRequired: true,
      verifyRequired: false,
      command: undefined,
      environment: [],
      permitOpen: [],
    });
    expect(o('restrict,command="dump')).toMatchObject({
      restrict: true,
      command: 'dump /home',
      pty: false,
      portForwarding: false,
      agentForwarding: false,
      x11Forwarding: false,
      userRc: false,
    });
    expect(o('permitopen="192.0.2.1:80"').permitOpen).toEqual([
      { host: '192.0.2.1', port: 80 },
      { host: '192.0.2.2', port: 25 },
    ]);
    expect(o('permitlisten="localhost:8080"').permitListen).toEqual([
      { host: 'localhost', port: 8080 },
      { host: '::1', port: 22000 },
    ]);
    expect(o('tunnel="0"')).toMatchObject({ tunnel: 0, command: 'sh /etc/netstart tun0' });
    expect(o('restrict,pty,')).toMatchObject({
      restrict: true,
      pty: true,
      command: 'nethack',
      portForwarding: false,
    });
    expect(o('no-touch-required')).toMatchObject({ touchRequired: false, verifyRequired: false });
    expect(o('verify-required')).toMatchObject({ verifyRequired: true });
    expect(o('cert-authority,no-touch-required')).toMatchObject({
      certAuthority: true,
      touchRequired: false,
      principals: ['user_a'],
    });
    const quoted = entryAt(entries, 'command="echo');
    expect(quoted.options.command).toBe('echo "quoted" and \\\\back');
    expect(quoted.options.environment).toEqual(['NAME=value with spaces']);
    expect(quoted.options.from).toBe('*.example.com,!bad.example.com,10.0.0.0/8');
    expect(quoted.comment).toBe('a comment here');
    expect(o('no-agent-forwarding')).toMatchObject({
      agentForwarding: false,
      portForwarding: false,
      pty: false,
      userRc: false,
      x11Forwarding: false,
      restrict: false,
    });
    expect(o('pty,restrict')).toMatchObject({ pty: false, restrict: true });
    expect(o('restrict,agent-forwarding')).toMatchObject({
      restrict: true,
      agentForwarding: true,
      portForwarding: true,
      pty: true,
      userRc: true,
      x11Forwarding: true,
    });
    // The earliest expiry wins; YYYYMMDD is local time, a Z suffix UTC.
    const local = new Date(2030, 0, 1).getTime() / 1000;
    const utc = Date.UTC(2030, 0, 1, 12, 30) / 1000;
    expect(o('expiry-time=').expiryTime).toBe(Math.min(local, utc));
    expect(o('expiry-time=').principals).toEqual(['a', 'b']);
    expect(o('permitlisten="8080"')).toMatchObject({
      permitListen: [{ host: '*', port: 8080 }],
      permitOpen: [
        { host: 'host', port: '*' },
        { host: '2001:db8::1', port: 443 },
      ],
    });
    expect(o('COMMAND=')).toMatchObject({ command: 'upper case keywords', pty: false, certAuthority: true });
    // sshd keeps the first value of a repeated environment name.
    expect(o('environment="A=1"').environment).toEqual(['A=1', 'B_2=3']);
    expect(o('tunnel="any"').tunnel).toBe('any');
    // sshauthopt_parse skips an empty option between commas.
    expect(o('no-pty,,')).toMatchObject({ pty: false, userRc: false });
    const indented = entryAt(entries, '   \t');
    expect(indented.comment).toBe('indented');
    expect(keyText(indented.key)).toBe(ed);

    const errorAt = (prefix: string): string => {
      const exact = lines.indexOf(prefix);
      const line = (exact >= 0 ? exact : lines.findIndex((l) => l.startsWith(prefix))) + 1;
      const e = errors.find((x) => x.line === line);
      if (e === undefined) throw new Error(`no error for line ${line}: ${prefix}`);
      return e.reason;
    };
    expect(errorAt('bogus')).toMatch(/unknown key option/);
    expect(errorAt('command="unterminated')).toMatch(/quote/);
    expect(errorAt('command="a",command="b"')).toMatch(/multiple "command"/);
    expect(errorAt('environment="NOEQUALS"')).toMatch(/invalid environment/);
    expect(errorAt('environment="BAD-NAME')).toMatch(/invalid environment/);
    expect(errorAt('expiry-time="2030"')).toMatch(/invalid expires time/);
    expect(errorAt('expiry-time="20301301"')).toMatch(/invalid expires time/);
    expect(errorAt('permitopen="nohostport"')).toMatch(/invalid permission port/);
    expect(errorAt('permitopen="h:0"')).toMatch(/invalid permission port/);
    expect(errorAt('tunnel="x"')).toMatch(/invalid tun device/);
    expect(errorAt('restrictx')).toMatch(/unknown key option/);
    expect(errorAt('no-pty')).toMatch(/no key/);
    expect(errorAt('ssh-dss')).toMatch(/unsupported key type: ssh-dss/);
    expect(errorAt('ssh-ed25519 AAAA-not')).toMatch(/base64/);
    expect(errorAt('from=unquoted')).toMatch(/missing start quote/);

    // Every non-comment line is either an entry or an error, never both.
    const used = new Set([...entries.map((e) => e.line), ...errors.map((e) => e.line)]);
    const keyLines = lines.flatMap((l, i) => (l.trim() === '' || l.trim().startsWith('#') ? [] : [i + 1]));
    expect([...used].sort((a, b) => a - b)).toEqual(keyLines);
    expect(entries.length + errors.length).toBe(keyLines.length);
  });

  it('finds the same keys and comments as ssh-keygen -l on the valid lines', () => {
    const { entries } = parseAuthorizedKeys(text);
    const validOnly = entries.map((e) => lines[e.line - 1]!).join('\n');
    const file = dir.write('authorized_keys', `${validOnly}\n`);
    const listed = keygen(sshKeygen, ['-l', '-f', file]).trim().split('\n');
    expect(listed).toHaveLength(entries.length);
    entries.forEach((e, i) => {
      const [, fp, ...rest] = listed[i]!.split(' ');
      expect(fp, String(e.line)).toBe(e.key.fingerprint());
      // OpenSSH keeps a CRLF file's '\r' in the comment; we drop it.
      if (e.comment !== '')
        expect(rest.slice(0, -1).join(' ').replace(/\r$/, ''), String(e.line)).toBe(e.comment);
    });
  });

  // Only when AsyncSSH is missing outside CI (peerAvailability throws under CI=true instead).
  it.skipIf(!hasAsyncssh)('agrees with AsyncSSH on command, environment, permitopen and flags', () => {
    const picked = [
      `restrict,command="dump /home" ${rsa}`,
      `permitopen="192.0.2.1:80",permitopen="192.0.2.2:25" ${rsa}`,
      `tunnel="0",command="sh /etc/netstart tun0" ${rsa}`,
      // Only `\"` is an escape: AsyncSSH also unescapes `\\`, OpenSSH does not, so none here.
      `command="echo \\"quoted\\" done",environment="NAME=value with spaces" ${ed} c`,
      `no-agent-forwarding,no-port-forwarding,no-pty,no-user-rc,no-X11-forwarding ${ed}`,
    ];
    const script = `
import asyncssh, json, sys
ak = asyncssh.import_authorized_keys(sys.stdin.read())
out = []
for e in ak._user_entries:
    o = e.options
    out.append({'command': o.get('command'), 'environment': o.get('environment'),
                'permitopen': sorted([list(p) for p in o.get('permitopen', [])]),
                'flags': sorted(k for k, v in o.items() if v is True)})
print(json.dumps(out))`;
    const run = spawnSync(PYTHON, ['-W', 'ignore', '-c', script], { input: picked.join('\n') });
    expect(run.status, run.stderr.toString()).toBe(0);
    const theirs = JSON.parse(run.stdout.toString()) as {
      command: string | null;
      environment: Record<string, string> | null;
      permitopen: [string, number][];
      flags: string[];
    }[];
    const ours = parseAuthorizedKeys(picked.join('\n')).entries;
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((e, i) => {
      const t = theirs[i]!;
      expect(e.options.command ?? null).toBe(t.command);
      expect(e.options.environment).toEqual(Object.entries(t.environment ?? {}).map(([k, v]) => `${k}=${v}`));
      expect(e.options.permitOpen.map((p) => [p.host, p.port]).sort()).toEqual(t.permitopen);
      const flags = [
        ...(e.options.restrict ? ['restrict'] : []),
        ...(e.options.restrict
          ? []
          : [
              ...(e.options.agentForwarding ? [] : ['no-agent-forwarding']),
              ...(e.options.portForwarding ? [] : ['no-port-forwarding']),
              ...(e.options.pty ? [] : ['no-pty']),
              ...(e.options.userRc ? [] : ['no-user-rc']),
              ...(e.options.x11Forwarding ? [] : ['no-X11-forwarding']),
            ]),
      ].sort();
      expect(flags).toEqual(t.flags);
    });
  });
});

describe('fuzz: authorized_keys text', () => {
  const parts = fc.constantFrom(
    'command="',
    '"',
    '\\"',
    ',',
    ' ',
    '\t',
    '\n',
    'restrict',
    'no-pty',
    'permitopen="[::1]:22"',
    'expiry-time="20300101Z"',
    'environment="A=b"',
    'tunnel="1"',
    'ssh-ed25519',
    'AAAAC3NzaC1lZDI1NTE5AAAAIJ8YM+HfXHdu3yzoQ2dpRZVSpQCWX2lCnn88S2YYQwoN',
    'ssh-ed25519-cert-v01@openssh.com',
    '#',
  );
  it('never throws, and every non-comment line is an entry or an error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(fc.oneof(parts, fc.string({ maxLength: 5 }))).map((p) => p.join('')),
        ),
        (input) => {
          const { entries, errors } = parseAuthorizedKeys(input);
          const keyLines = input.split('\n').filter((l) => {
            const t = l.replace(/\r$/, '').replace(/^[ \t]+/, '');
            return t !== '' && !t.startsWith('#');
          }).length;
          expect(entries.length + errors.length).toBe(keyLines);
        },
      ),
      { numRuns: 500 },
    );
  });
});
