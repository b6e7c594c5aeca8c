// Deciding keys on the server: user certificates under trustedUserCAKeys (sshd TrustedUserCAKeys:
// principals, validity, critical options, the CA), and authorizedKeysHandler deciding from
// authorized_keys text with its options exposed for the session layer.
import { certifiedSigner, type PrivateKey, type PublicKey, signCertificate } from '@sshts/keys';
import { describe, expect, it } from 'vitest';
import type { ServerAuthAttempt, ServerAuthOptions } from '../src/server-auth-types.js';
import { authorizedKeysHandler } from '../src/server-authorized-keys.js';
import { pair, testKey } from './server-helpers.js';

const NOW = 1_700_000_000; // seconds
const clock = () => NOW * 1000;

async function certificate(
  key: PrivateKey,
  ca: PrivateKey,
  over: Partial<Parameters<typeof signCertificate>[0]> = {},
): Promise<PublicKey> {
  return signCertificate(
    {
      key: key.publicKey,
      certType: 'user',
      keyId: 'test',
      principals: ['alice'],
      validAfter: NOW - 60,
      validBefore: NOW + 3600,
      ...over,
    },
    ca,
  );
}

async function login(
  options: ServerAuthOptions,
  user: string,
  signer: { publicKey: PublicKey; sign(d: Uint8Array, a?: string): Uint8Array | Promise<Uint8Array> },
  algorithm?: string,
) {
  const reasons: string[] = [];
  const p = pair({
    now: clock,
    ...options,
    onAttempt: (a: ServerAuthAttempt) => {
      if (a.reason) reasons.push(a.reason);
    },
  });
  const outcome = await p.clientAuth.publicKey(user, signer, algorithm ? { algorithm } : {});
  return { outcome, result: p.serverAuth.result, reasons, server: p.server };
}

describe('user certificates under trustedUserCAKeys', () => {
  it('a valid certificate listing the user logs in, through the query flow; options come from its extensions', async () => {
    const ca = await testKey('ed25519', 7);
    const key = await testKey('ecdsa256');
    const cert = await certificate(key, ca, {
      extensions: { 'permit-pty': true, 'permit-port-forwarding': true },
      criticalOptions: { 'force-command': 'internal-sftp' },
    });
    const { outcome, result, server } = await login(
      { trustedUserCAKeys: [ca.publicKey] },
      'alice',
      certifiedSigner(key, cert),
    );
    expect(outcome).toEqual({ success: true });
    expect(server.sentTypes).toEqual([60, 52]);
    expect(result?.certificate?.keyId).toBe('test');
    expect(result?.publicKey?.type).toBe('ecdsa-sha2-nistp256-cert-v01@openssh.com');
    expect(result?.keyOptions).toMatchObject({
      pty: true,
      portForwarding: true,
      agentForwarding: false,
      x11Forwarding: false,
      userRc: false,
      command: 'internal-sftp',
    });
  });

  it('refused for a user it does not list, when expired or not yet valid, and from an untrusted CA', async () => {
    const ca = await testKey('ed25519', 7);
    const stranger = await testKey('ed25519', 8);
    const key = await testKey('ecdsa256');
    const trusted = { trustedUserCAKeys: [ca.publicKey] };
    const good = certifiedSigner(key, await certificate(key, ca));
    const cases: [ServerAuthOptions, string, Awaited<ReturnType<typeof certificate>>, RegExp][] = [
      [trusted, 'bob', await certificate(key, ca), /"bob" is not a listed principal/],
      [trusted, 'alice', await certificate(key, ca, { validBefore: NOW - 1 }), /expired/],
      [trusted, 'alice', await certificate(key, ca, { validAfter: NOW + 10 }), /not yet valid/],
      [trusted, 'alice', await certificate(key, stranger), /key not authorized/],
      [trusted, 'alice', await certificate(key, ca, { principals: [] }), /lacks a principal/],
      [trusted, 'alice', await certificate(key, ca, { certType: 'host' }), /not a user certificate/],
      [
        trusted,
        'alice',
        await certificate(key, ca, { criticalOptions: { 'no-such-option': '' } }),
        /unsupported critical option/,
      ],
    ];
    for (const [options, user, cert, reason] of cases) {
      const { outcome, reasons } = await login(options, user, certifiedSigner(key, cert));
      expect(outcome.success, String(reason)).toBe(false);
      expect(reasons.join(' | ')).toMatch(reason);
    }
    expect((await login(trusted, 'alice', good)).outcome).toEqual({ success: true });
    // The certificate's own key, without the certificate, is not trusted by the CA.
    expect((await login(trusted, 'alice', key)).outcome.success).toBe(false);
  });

  it('authorizedPrincipals names the principals a certificate may carry for the user', async () => {
    const ca = await testKey('ed25519', 7);
    const key = await testKey('ecdsa256');
    const cert = await certificate(key, ca, { principals: ['ops', 'dev'] });
    const options: ServerAuthOptions = {
      trustedUserCAKeys: [ca.publicKey],
      authorizedPrincipals: (user) => (user === 'root' ? ['ops'] : undefined),
    };
    expect((await login(options, 'root', certifiedSigner(key, cert))).outcome).toEqual({ success: true });
    expect((await login(options, 'ops', certifiedSigner(key, cert))).outcome).toEqual({ success: true });
    const { outcome, reasons } = await login(
      { ...options, authorizedPrincipals: () => ['admin'] },
      'root',
      certifiedSigner(key, cert),
    );
    expect(outcome.success).toBe(false);
    expect(reasons[0]).toMatch(/authorized principal/);
  });

  it('source-address is checked against clientAddress', async () => {
    const ca = await testKey('ed25519', 7);
    const key = await testKey('ecdsa256');
    const cert = await certificate(key, ca, { criticalOptions: { 'source-address': '10.0.0.0/8' } });
    const base = { trustedUserCAKeys: [ca.publicKey] };
    expect(
      (await login({ ...base, clientAddress: '10.1.2.3' }, 'alice', certifiedSigner(key, cert))).outcome,
    ).toEqual({
      success: true,
    });
    expect(
      (await login({ ...base, clientAddress: '192.0.2.1' }, 'alice', certifiedSigner(key, cert))).outcome
        .success,
    ).toBe(false);
    expect((await login(base, 'alice', certifiedSigner(key, cert))).outcome.success).toBe(false);
  });

  it('an RSA certificate signs with rsa-sha2-256 and rsa-sha2-512 certificate algorithms', async () => {
    const ca = await testKey('rsa', 3);
    const key = await testKey('rsa');
    const cert = await certificate(key, ca);
    for (const algorithm of ['rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com']) {
      const { outcome } = await login(
        { trustedUserCAKeys: [ca.publicKey] },
        'alice',
        certifiedSigner(key, cert),
        algorithm,
      );
      expect(outcome, algorithm).toEqual({ success: true });
    }
    const { outcome } = await login(
      { trustedUserCAKeys: [ca.publicKey] },
      'alice',
      certifiedSigner(key, cert),
      'ssh-rsa-cert-v01@openssh.com',
    );
    expect(outcome.success).toBe(false); // SHA-1 not in the default policy
  });
});

describe('authorizedKeysHandler (authorized_keys text)', () => {
  it('a listed key logs in and the line options reach the result', async () => {
    const key = await testKey('ed25519');
    const text = [
      '# comment',
      `no-pty,no-agent-forwarding,command="/usr/bin/backup",environment="MODE=backup",permitopen="db.internal:5432" ${key.publicKey.toString()} backup@host`,
    ].join('\n');
    const { outcome, result } = await login({ publicKey: authorizedKeysHandler(text) }, 'u', key);
    expect(outcome).toEqual({ success: true });
    expect(result?.keyOptions).toMatchObject({
      pty: false,
      agentForwarding: false,
      portForwarding: true,
      command: '/usr/bin/backup',
      environment: ['MODE=backup'],
      permitOpen: [{ host: 'db.internal', port: 5432 }],
    });
  });

  it('restrict, then pty: only a pty', async () => {
    const key = await testKey('ed25519');
    const { result } = await login(
      { publicKey: authorizedKeysHandler(`restrict,pty ${key.publicKey}`) },
      'u',
      key,
    );
    expect(result?.keyOptions).toMatchObject({
      restrict: true,
      pty: true,
      agentForwarding: false,
      portForwarding: false,
      x11Forwarding: false,
    });
  });

  it('an unlisted key, from= and expiry-time= refuse; reasons go to onRefused', async () => {
    const key = await testKey('ed25519');
    const other = await testKey('ed25519', 1);
    const refused: string[] = [];
    const handler = (text: string) =>
      authorizedKeysHandler(text, { now: clock, onRefused: (_u, _k, reasons) => refused.push(...reasons) });
    expect((await login({ publicKey: handler(`${other.publicKey}`) }, 'u', key)).outcome.success).toBe(false);
    const from = handler(`from="10.0.0.0/8,!10.9.9.9" ${key.publicKey}`);
    expect((await login({ publicKey: from, clientAddress: '10.1.1.1' }, 'u', key)).outcome).toEqual({
      success: true,
    });
    expect((await login({ publicKey: from, clientAddress: '10.9.9.9' }, 'u', key)).outcome.success).toBe(
      false,
    );
    expect((await login({ publicKey: from }, 'u', key)).outcome.success).toBe(false);
    const expired = handler(`expiry-time="20200101" ${key.publicKey}`);
    expect((await login({ publicKey: expired }, 'u', key)).outcome.success).toBe(false);
    const later = handler(`expiry-time="20990101" ${key.publicKey}`);
    expect((await login({ publicKey: later }, 'u', key)).outcome).toEqual({ success: true });
    expect(refused.join('\n')).toMatch(/not permitted by from=/);
    expect(refused.join('\n')).toMatch(/expired/);
  });

  it('a per-user lookup; cert-authority lines with principals=', async () => {
    const ca = await testKey('ed25519', 7);
    const key = await testKey('ecdsa256');
    const files: Record<string, string> = {
      deploy: `cert-authority,principals="deployers",no-pty ${ca.publicKey}`,
    };
    const publicKey = authorizedKeysHandler((user) => files[user], { now: clock });
    const cert = await certificate(key, ca, { principals: ['deployers'] });
    const { outcome, result } = await login({ publicKey }, 'deploy', certifiedSigner(key, cert));
    expect(outcome).toEqual({ success: true });
    expect(result?.keyOptions?.pty).toBe(false);
    expect(result?.certificate?.principals).toEqual(['deployers']);
    expect((await login({ publicKey }, 'other', certifiedSigner(key, cert))).outcome.success).toBe(false);
    const wrong = await certificate(key, ca, { principals: ['alice'] });
    expect((await login({ publicKey }, 'deploy', certifiedSigner(key, wrong))).outcome.success).toBe(false);
  });

  it('bad lines are skipped and reported', async () => {
    const key = await testKey('ed25519');
    const bad: number[] = [];
    const publicKey = authorizedKeysHandler(`bogus-option ${key.publicKey}\n${key.publicKey}`, {
      onBadLine: (_u, line) => bad.push(line),
    });
    expect((await login({ publicKey }, 'u', key)).outcome).toEqual({ success: true });
    expect(bad).toEqual([1]);
  });
});
