// @sshts/auth's ClientAuth against OpenSSH's sshd: password, publickey (Ed25519, ECDSA, RSA with
// SHA-2 and the fallback to rsa-sha2-256), publickey-hostbound-v00@openssh.com, user certificates,
// keyboard-interactive through PAM with two prompts, partial success, banners. Keys come from
// ssh-keygen; every success is followed by `echo ok` on a session channel.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTBOUND_METHOD, type KeyboardInteractiveChallenge } from '@sshts/auth';
import { certifiedSigner, parsePublicKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectForAuth, expectSessionWorks, type KeygenKey, keygen, run } from './auth-helpers.js';

const openssh = await peerAvailability('openssh');
const keygenTool = await toolAvailability('ssh-keygen');
const PASSWORD = 'correct horse battery staple';
const BANNER = 'sshts test banner\nauthorised use only\n';

// Only when the peer is missing outside CI (under CI=true peerAvailability throws instead).
describe.skipIf(!openssh.available || !keygenTool.available)('ClientAuth × OpenSSH sshd', () => {
  let dir: string;
  const keys: Partial<
    Record<'ed25519' | 'ecdsa' | 'rsa' | 'stranger' | 'certified' | 'certifiedRsa', KeygenKey>
  > = {};
  const certificates: Partial<Record<'ed25519' | 'rsa', string>> = {};
  let peer: Peer;
  let rsa256Peer: Peer;

  beforeAll(async () => {
    if (!keygenTool.available) return;
    dir = await mkdtemp(join(tmpdir(), 'sshts-auth-openssh-'));
    for (const type of ['ed25519', 'ecdsa', 'rsa'] as const)
      keys[type] = await keygen(keygenTool.path, dir, type);
    keys.stranger = await keygen(keygenTool.path, dir, 'ed25519', 'stranger');
    keys.certified = await keygen(keygenTool.path, dir, 'ed25519', 'certified');
    keys.certifiedRsa = await keygen(keygenTool.path, dir, 'rsa', 'certified_rsa');
    // A user CA and a certificate for the test user (ssh-keygen -s, PROTOCOL.certkeys).
    const ca = await keygen(keygenTool.path, dir, 'ed25519', 'user_ca');
    await writeFile(join(dir, 'banner'), BANNER);
    peer = await startPeer('openssh', {
      password: PASSWORD,
      authorizedKeys: [keys.ed25519!.publicLine, keys.ecdsa!.publicLine, keys.rsa!.publicLine],
      sshdConfig: [`Banner ${join(dir, 'banner')}`, `TrustedUserCAKeys ${ca.path}.pub`],
    });
    for (const [type, key] of [
      ['ed25519', keys.certified],
      ['rsa', keys.certifiedRsa],
    ] as const) {
      await run(keygenTool.path, [
        '-q',
        '-s',
        ca.path,
        '-I',
        'sshts-user',
        '-n',
        peer.user,
        `${key.path}.pub`,
      ]);
      certificates[type] = (await readFile(`${key.path}-cert.pub`, 'utf8')).trim();
    }
    rsa256Peer = await startPeer('openssh', {
      authorizedKeys: [keys.rsa!.publicLine],
      sshdConfig: ['PubkeyAcceptedAlgorithms rsa-sha2-256'],
    });
  }, 120_000);

  afterAll(async () => {
    await peer?.close();
    await rsa256Peer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('password logs in', async () => {
    const s = await connectForAuth(peer);
    expect(await s.auth.password(peer.user, PASSWORD)).toEqual({ success: true });
    expect(s.auth.authenticated).toBe(true);
    await expectSessionWorks(s.transport);
    await s.close();
  });

  it('a wrong password fails with the allowed methods, and none lists them too', async () => {
    const s = await connectForAuth(peer);
    const none = await s.auth.none(peer.user);
    expect(none.success).toBe(false);
    const wrong = await s.auth.password(peer.user, 'wrong');
    expect(wrong).toEqual({
      success: false,
      allowedMethods: expect.arrayContaining(['publickey', 'password']),
      partialSuccess: false,
    });
    expect(s.auth.allowedMethods).toEqual(expect.arrayContaining(['publickey', 'password']));
    // The same connection still logs in with the right one.
    expect((await s.auth.password(peer.user, PASSWORD)).success).toBe(true);
    await s.close();
  });

  it.each(['ed25519', 'ecdsa', 'rsa'] as const)(
    'publickey with an ssh-keygen %s key logs in (hostbound)',
    async (type) => {
      const key = keys[type]!;
      const s = await connectForAuth(peer);
      // OpenSSH 9.2 advertises publickey-hostbound@openssh.com=0 in EXT_INFO (PROTOCOL §3.1).
      expect(
        new TextDecoder().decode(s.transport.connection.extensions.get('publickey-hostbound@openssh.com')),
      ).toBe('0');
      expect(await s.auth.publicKey(peer.user, key.privateKey)).toEqual({ success: true });
      await expectSessionWorks(s.transport);
      await s.close();
      const fingerprint = parsePublicKey(key.publicLine).fingerprint();
      const log = peer.log();
      // sshd logs the method of the signed request and the key it accepted.
      const signed = new RegExp(
        `userauth_pubkey: ${HOSTBOUND_METHOD} have (\\S+) signature for \\S+ ${escapeRegExp(fingerprint)}`,
      );
      const algorithm = signed.exec(log)?.[1];
      expect(algorithm).toBe(type === 'rsa' ? 'rsa-sha2-512' : key.privateKey.signatureAlgorithms[0]);
      expect(log).toMatch(
        new RegExp(`Accepted publickey for ${peer.user} .*: \\S+ ${escapeRegExp(fingerprint)}`),
      );
    },
  );

  it('RSA falls back to rsa-sha2-256 when the server accepts only that (PubkeyAcceptedAlgorithms)', async () => {
    const s = await connectForAuth(rsa256Peer);
    expect(await s.auth.publicKey(rsa256Peer.user, keys.rsa!.privateKey)).toEqual({ success: true });
    await expectSessionWorks(s.transport);
    await s.close();
    const log = rsa256Peer.log();
    expect(log).toContain(
      'userauth_pubkey: signature algorithm rsa-sha2-512 not in PubkeyAcceptedAlgorithms',
    );
    expect(log).toMatch(/publickey-hostbound-v00@openssh.com have rsa-sha2-256 signature for RSA /);
    expect(log).toContain('publickey RSA signature using rsa-sha2-256 verified');
  });

  it('a key the server does not know fails with the allowed methods (no exception)', async () => {
    const s = await connectForAuth(peer);
    const result = await s.auth.publicKey(peer.user, keys.stranger!.privateKey);
    expect(result).toEqual({
      success: false,
      allowedMethods: expect.arrayContaining(['publickey']),
      partialSuccess: false,
    });
    await s.close();
  });

  it.each([
    ['ed25519', 'ssh-ed25519-cert-v01@openssh.com'],
    ['rsa', 'rsa-sha2-512-cert-v01@openssh.com'],
  ] as const)(
    'a %s user certificate (certifiedSigner, TrustedUserCAKeys) logs in as %s',
    async (type, algorithm) => {
      const certified = type === 'rsa' ? keys.certifiedRsa! : keys.certified!;
      const signer = certifiedSigner(certified.privateKey, parsePublicKey(certificates[type]!));
      const s = await connectForAuth(peer);
      expect(await s.auth.publicKey(peer.user, signer)).toEqual({ success: true });
      await expectSessionWorks(s.transport);
      await s.close();
      const log = peer.log();
      expect(log).toContain(`publickey-hostbound-v00@openssh.com have ${algorithm} signature for `);
      expect(log).toMatch(/Accepted certificate ID "sshts-user" \(serial 0\) signed by ED25519 CA/);
    },
  );

  it('the Banner file reaches onBanner and the banners list', async () => {
    const seen: string[] = [];
    const s = await connectForAuth(peer, { onBanner: (message) => seen.push(message) });
    await s.auth.none(peer.user);
    expect(seen).toEqual([BANNER]);
    expect(s.auth.banners.map((b) => b.message)).toEqual([BANNER]);
    await s.close();
  });

  describe('with AuthenticationMethods publickey,password', () => {
    let both: Peer;
    beforeAll(async () => {
      both = await startPeer('openssh', {
        password: PASSWORD,
        authorizedKeys: [keys.ed25519!.publicLine],
        sshdConfig: ['AuthenticationMethods publickey,password'],
      });
    }, 60_000);
    afterAll(async () => {
      await both?.close();
    });

    it('publickey is a partial success; password then completes the login', async () => {
      const s = await connectForAuth(both);
      expect(await s.auth.publicKey(both.user, keys.ed25519!.privateKey)).toEqual({
        success: false,
        allowedMethods: ['password'],
        partialSuccess: true,
      });
      expect(s.auth.authenticated).toBe(false);
      expect(await s.auth.password(both.user, PASSWORD)).toEqual({ success: true });
      await expectSessionWorks(s.transport);
      await s.close();
    });
  });

  describe('keyboard-interactive through PAM (two prompts)', () => {
    let pam: Peer;
    const SECOND = 'second factor 123456';
    beforeAll(async () => {
      pam = await startPeer('openssh', {
        password: PASSWORD,
        keyboardInteractive: { pam: true, secondAnswer: SECOND },
      });
    }, 60_000);
    afterAll(async () => {
      await pam?.close();
    });

    it('answers both prompts and logs in', async () => {
      const s = await connectForAuth(pam);
      const none = await s.auth.none(pam.user);
      expect(none.success === false && none.allowedMethods).toContain('keyboard-interactive');
      const rounds: KeyboardInteractiveChallenge[] = [];
      const result = await s.auth.keyboardInteractive(pam.user, (challenge) => {
        rounds.push(challenge);
        return challenge.prompts.map((p) => (p.prompt.startsWith('STRESS') ? SECOND : PASSWORD));
      });
      expect(result).toEqual({ success: true });
      const prompts = rounds.flatMap((r) => r.prompts);
      expect(prompts).toEqual([
        { prompt: 'Password: ', echo: false },
        { prompt: 'STRESS Password: ', echo: false },
      ]);
      // One prompt per INFO_REQUEST (sshd's PAM conversation), then OpenSSH's empty closing round.
      expect(rounds.length).toBeGreaterThanOrEqual(2);
      await expectSessionWorks(s.transport);
      await s.close();
      expect(pam.log()).toContain(`Accepted keyboard-interactive/pam for ${pam.user}`);
    });

    it('a wrong second answer fails with the allowed methods', async () => {
      const s = await connectForAuth(pam);
      const result = await s.auth.keyboardInteractive(pam.user, (challenge) =>
        challenge.prompts.map((p) => (p.prompt.startsWith('STRESS') ? 'wrong' : PASSWORD)),
      );
      expect(result).toMatchObject({
        success: false,
        allowedMethods: expect.arrayContaining(['keyboard-interactive']),
      });
      await s.close();
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
