// Property: whatever the text, parsing and looking up either succeed or throw SSHConfigError —
// never a TypeError, RangeError or anything else untyped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  knownKeywords,
  parseSSHConfig,
  type SSHConfigContext,
  SSHConfigError,
} from '../src/ssh-config/index.js';

const local: SSHConfigContext = {
  userName: 'u',
  homeDir: '/home/u',
  uid: 1,
  hostName: 'h.example',
  env: { X: 'x' },
};

function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SSHConfigError)) throw e;
  }
}

const WORDS = [
  'yes',
  'no',
  'none',
  'any',
  'ask',
  'accept-new',
  '22',
  '0',
  '65536',
  '1h30m',
  '5x',
  '%h',
  '%C',
  '%%',
  '%',
  '%z',
  `\${X}`,
  `\${NOPE}`,
  `\${`,
  '~',
  '~/x',
  '~nobody/x',
  '*',
  '?',
  '!a*',
  'a,b,!c',
  '"q w"',
  '"open',
  "'s q'",
  '\\ ',
  '=',
  '#c',
  '+aes128-ctr',
  '-*',
  '^ssh-rsa',
  'ssh-ed25519*',
  'a:1:b:2',
  '[::1]:22',
  '/sock:/other',
  'ssh://u@h:1',
  'u@h:0',
  'confirm',
  '1G',
  'default',
  'all',
  'canonical',
  'final',
  'host',
  'user',
  'exec',
  'localuser',
  'originalhost',
  '127.1',
  '0:0::1',
  'A=1',
  'LC_*',
  '-LC_*',
];

const keyword = fc.oneof(
  fc.constantFrom(...knownKeywords()),
  fc.constantFrom('Host', 'Match', 'Include', 'IgnoreUnknown', 'Foo', 'HOSTNAME'),
  fc.string({ maxLength: 8 }),
);
const line = fc
  .tuple(
    fc.constantFrom('', ' ', '\t', '#'),
    keyword,
    fc.constantFrom(' ', '=', ' = ', '\t'),
    fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 })), { maxLength: 4 }),
  )
  .map(([lead, k, sep, args]) => `${lead}${k}${sep}${args.join(' ')}`);
/** Lines that parse, so that many generated files get as far as the lookup. */
const VALID = [
  'Host a* !ab',
  'Host *',
  'Match host a,b user u',
  'Match !final originalhost x*',
  'Match canonical',
  'Match exec "true"',
  'Match all',
  'Include /inc/*',
  'HostName %h.example',
  'HostName 127.1',
  'User r',
  'Port 2222',
  'IdentityFile ~/.ssh/%r_%h',
  `CertificateFile \${X}/c`,
  'ProxyJump u@j:1,ssh://k',
  'ProxyJump none',
  'ProxyCommand nc %h %p',
  'LocalForward 1 h:2',
  'RemoteForward 3',
  `DynamicForward \${X}:4`,
  'Ciphers -aes*',
  'KexAlgorithms ^curve25519-sha256',
  'HostKeyAlgorithms +ssh-rsa',
  'SendEnv A B -A',
  'SetEnv A=1 A=2',
  'ControlPath ~/%C',
  'IdentityAgent ~/agent',
  'ForwardAgent ~/fwd',
  'UserKnownHostsFile none',
  'CanonicalizeHostname yes',
  'IgnoreUnknown foo*',
  'foobar 1',
  'RekeyLimit 1G 1h',
  'AddKeysToAgent confirm 1m',
];
const configText = fc
  .array(fc.oneof(line, fc.constantFrom(...VALID), fc.constantFrom(...VALID)), { maxLength: 25 })
  .map((ls) => ls.join('\n'));
const host = fc.oneof(
  fc.constantFrom('a', 'host.example', '127.1', 'FE80::1', 'x y', '*'),
  fc.string({ minLength: 1, maxLength: 10 }),
);

describe('ssh_config never throws an untyped error', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), host, (text, h) => {
        typedOnly(() => parseSSHConfig(text, { local }).lookup(h));
      }),
      { numRuns: 400 },
    );
  });

  it('on keyword-shaped lines, with Includes resolving to more of them', () => {
    fc.assert(
      fc.property(
        configText,
        fc.array(configText, { minLength: 1, maxLength: 3 }),
        host,
        (text, included, h) => {
          let i = 0;
          const include = () => included.map((t) => ({ path: `/inc/${i++ % 5}`, text: t }));
          typedOnly(() => {
            const config = parseSSHConfig(text, { local, include });
            config.lookup(h);
            config.lookup(h, { user: 'r', port: 2222, localUser: 'l' });
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('errors carry a position when a line is at fault', () => {
    const e = (() => {
      try {
        parseSSHConfig('Host a\nPort x\n', { local, path: 'f' });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SSHConfigError);
    expect(e).toMatchObject({ file: 'f', line: 2 });
  });
});
