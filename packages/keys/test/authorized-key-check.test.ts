// authorizeKey: sshd's decision for an offered key against authorized_keys (auth2-pubkeyfile.c
// auth_check_authkey_line), with keys and user certificates made by ssh-keygen.
import { readFileSync } from 'node:fs';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeKey, type PublicKey, parseAuthorizedKeys, parsePublicKey } from '../src/index.js';
import { keygen, makeKeys, TempDir } from './cert-tools.js';

const tool = await toolAvailability('ssh-keygen');
const sshKeygen = tool.available ? tool.path : '';
const keyText = (k: PublicKey): string => k.toString().split(' ').slice(0, 2).join(' ');

// Only when the tool is missing outside CI (toolAvailability throws under CI=true instead).
describe.skipIf(!tool.available)('authorizeKey', () => {
  const dir = new TempDir();
  let paths: Map<string, string>;
  let caPaths: Map<string, string>;
  const pub = (p: string): PublicKey => parsePublicKey(readFileSync(`${p}.pub`, 'utf8'));
  let n = 0;
  const certify = (subject: string, args: string[]): PublicKey => {
    const name = `cert${++n}`;
    dir.write(`${name}.pub`, readFileSync(`${paths.get(subject)!}.pub`));
    keygen(sshKeygen, ['-q', '-s', caPaths.get('ed25519')!, '-I', name, ...args, dir.file(`${name}.pub`)]);
    return parsePublicKey(readFileSync(dir.file(`${name}-cert.pub`), 'utf8'));
  };

  beforeAll(() => {
    paths = makeKeys(sshKeygen, dir, 'user');
    caPaths = makeKeys(sshKeygen, dir, 'ca');
  });
  afterAll(() => dir.remove());

  it('authorizes plain keys by equality and applies from= and expiry-time', () => {
    const ed = pub(paths.get('ed25519')!);
    const ec = pub(paths.get('ecdsa256')!);
    const rsa = pub(paths.get('rsa2048')!);
    const { entries } = parseAuthorizedKeys(
      [
        `from="10.0.0.0/8,*.trusted.example" ${keyText(ed)}`,
        `expiry-time="20000101Z" ${keyText(ec)}`,
        `restrict,command="backup" ${keyText(rsa)}`,
        `cert-authority ${keyText(pub(paths.get('ecdsa384')!))}`,
      ].join('\n'),
    );
    expect(authorizeKey(entries, ed, { user: 'u', address: '10.1.2.3' }).authorized).toBe(true);
    expect(
      authorizeKey(entries, ed, { user: 'u', address: '192.0.2.1', host: 'a.trusted.example' }).authorized,
    ).toBe(true);
    const refused = authorizeKey(entries, ed, { user: 'u', address: '192.0.2.1' });
    expect(refused).toMatchObject({ authorized: false, reasons: [expect.stringMatching(/line 1: client/)] });
    expect(authorizeKey(entries, ed, { user: 'u' }).authorized).toBe(false);
    expect(authorizeKey(entries, ec, { user: 'u' })).toMatchObject({
      authorized: false,
      reasons: [/expired/],
    });
    const backup = authorizeKey(entries, rsa, { user: 'u' });
    expect(backup).toMatchObject({ authorized: true, options: { command: 'backup', pty: false } });
    // A key on a cert-authority line is a CA, not a login key.
    expect(authorizeKey(entries, pub(paths.get('ecdsa384')!), { user: 'u' })).toEqual({
      authorized: false,
      reasons: [],
    });
  });

  it('authorizes user certificates through cert-authority lines', () => {
    const ca = keyText(pub(caPaths.get('ed25519')!));
    const { entries } = parseAuthorizedKeys(
      [`cert-authority,principals="deploy,ops" ${ca}`, `cert-authority,no-pty ${ca}`].join('\n'),
    );
    const forDeploy = certify('ecdsa256', ['-n', 'deploy', '-V', '+1h']);
    const forAlice = certify('ecdsa256', ['-n', 'alice,bob', '-V', '+1h', '-O', 'force-command=/bin/true']);
    const anyone = certify('ed25519', ['-V', '+1h']);
    const expired = certify('ed25519', ['-n', 'alice', '-V', '-2h:-1h']);
    const hostCert = certify('ed25519', ['-h', '-n', 'alice', '-V', '+1h']);
    const fromNet = certify('rsa2048', ['-n', 'alice', '-O', 'source-address=10.0.0.0/8']);

    // principals= matches any listed principal, whatever the user name.
    const deploy = authorizeKey(entries, forDeploy, { user: 'root' });
    expect(deploy).toMatchObject({ authorized: true, entry: { line: 1 } });
    // Without principals=, the user name must be a listed principal; cert options merge in.
    const alice = authorizeKey(entries, forAlice, { user: 'alice' });
    expect(alice).toMatchObject({
      authorized: true,
      entry: { line: 2 },
      options: { pty: false, command: '/bin/true' },
    });
    expect(authorizeKey(entries, forAlice, { user: 'carol' }).authorized).toBe(false);
    // An empty principal list is accepted on cert-authority lines (require_principal = 0).
    expect(authorizeKey(entries, anyone, { user: 'anybody' })).toMatchObject({
      authorized: true,
      entry: { line: 2 },
    });
    expect(authorizeKey(entries, expired, { user: 'alice' })).toMatchObject({
      authorized: false,
      reasons: [/line 1: .*principal/, /line 2: .*expired/],
    });
    expect(authorizeKey(entries, hostCert, { user: 'alice' })).toMatchObject({ authorized: false });
    expect(authorizeKey(entries, fromNet, { user: 'alice', address: '10.9.9.9' }).authorized).toBe(true);
    expect(authorizeKey(entries, fromNet, { user: 'alice', address: '11.9.9.9' }).authorized).toBe(false);
    // The certified key alone is not authorized, nor a certificate by an unlisted CA.
    expect(authorizeKey(entries, forAlice.certificate!.key, { user: 'alice' }).authorized).toBe(false);
    const { entries: plainOnly } = parseAuthorizedKeys(keyText(forAlice.certificate!.key));
    expect(authorizeKey(plainOnly, forAlice, { user: 'alice' }).authorized).toBe(false);

    // A forced command on the line and a different one in the certificate conflict.
    const { entries: withCommand } = parseAuthorizedKeys(`cert-authority,command="/bin/false" ${ca}`);
    expect(authorizeKey(withCommand, forAlice, { user: 'alice' })).toMatchObject({
      authorized: false,
      reasons: [/forced command/],
    });
  });
});
