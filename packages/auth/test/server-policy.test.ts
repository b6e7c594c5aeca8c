// ServerAuth policy: AuthenticationMethods with partial success, MaxAuthTries, LoginGraceTime,
// the minimum answer time (auth2.c ensure_minimum_time_since) on an injected clock, the banner's
// place, and a change of user or service between requests (RFC 4252 §4, §5, §5.1, §5.4).
import { DisconnectReason } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { MAX_AUTH_REQUESTS } from '../src/server-auth-limits.js';
import { openSshFailureDelay, remainingDelay } from '../src/server-failure-delay.js';
import { onlyKey, pair, raw, request, settle, testKey } from './server-helpers.js';

const password = (w: import('@sshts/wire').SSHWriter, p: string) => w.boolean(false).string(p);

describe('AuthenticationMethods and partial success (RFC 4252 §5.1)', () => {
  it('publickey,password: the key is a partial success, then the password completes', async () => {
    const key = await testKey('ed25519');
    const contexts: string[][] = [];
    const { clientAuth, serverAuth } = pair({
      publicKey: onlyKey(key.publicKey),
      password: (_u, p, context) => {
        contexts.push([...context.completed]);
        return p === 'pw';
      },
      methods: [['publickey', 'password']],
    });
    expect(await clientAuth.none('max')).toMatchObject({ allowedMethods: ['publickey'] });
    // Password first is not allowed: a failure, however right the password.
    expect(await clientAuth.password('max', 'pw')).toMatchObject({
      success: false,
      allowedMethods: ['publickey'],
    });
    expect(contexts).toEqual([]);
    expect(await clientAuth.publicKey('max', key)).toEqual({
      success: false,
      allowedMethods: ['password'],
      partialSuccess: true,
    });
    expect(serverAuth.authenticated).toBe(false);
    expect(await clientAuth.password('max', 'nope')).toMatchObject({ success: false, partialSuccess: false });
    expect(await clientAuth.password('max', 'pw')).toEqual({ success: true });
    expect(contexts).toEqual([['publickey'], ['publickey']]);
    expect(serverAuth.result).toMatchObject({ methods: ['publickey', 'password'] });
    expect(serverAuth.failureCount).toBe(2); // partial success is not a failure
  });

  it('alternatives: publickey alone, or password then keyboard-interactive', async () => {
    const options = {
      publicKey: () => false,
      password: () => true,
      keyboardInteractive: () => true,
      methods: [['publickey'], ['password', 'keyboard-interactive']],
    };
    const { clientAuth, serverAuth } = pair(options);
    expect(await clientAuth.none('ned')).toMatchObject({ allowedMethods: ['publickey', 'password'] });
    expect(await clientAuth.password('ned', 'x')).toMatchObject({
      allowedMethods: ['publickey', 'keyboard-interactive'],
      partialSuccess: true,
    });
    expect(await clientAuth.keyboardInteractive('ned', () => [])).toEqual({ success: true });
    expect(serverAuth.result?.methods).toEqual(['password', 'keyboard-interactive']);
  });

  it('publickey,publickey needs two different keys; options of both are merged, most restrictive wins', async () => {
    const a = await testKey('ed25519');
    const b = await testKey('ecdsa256');
    const { clientAuth, serverAuth } = pair({
      publicKey: (_u, key) => {
        const base = { pty: true, agentForwarding: false, command: undefined as string | undefined };
        if (key.equals(a.publicKey)) return { options: opts({ ...base, pty: false }) };
        if (key.equals(b.publicKey))
          return { options: opts({ ...base, agentForwarding: true, command: 'uptime' }) };
        return false;
      },
      methods: [['publickey', 'publickey']],
    });
    expect(await clientAuth.publicKey('oz', a)).toMatchObject({ partialSuccess: true });
    expect(await clientAuth.publicKey('oz', a)).toMatchObject({ success: false, partialSuccess: false });
    expect(await clientAuth.publicKey('oz', b)).toEqual({ success: true });
    const result = serverAuth.result!;
    expect(result.keys.map((k) => k.key.type)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
    expect(result.keyOptions).toMatchObject({ pty: false, agentForwarding: false, command: 'uptime' });
  });

  it('two keys with different forced commands: the second is refused (sshauthopt_merge)', async () => {
    const a = await testKey('ed25519');
    const b = await testKey('ecdsa256');
    const { clientAuth, serverAuth } = pair({
      publicKey: (_u, key) => ({ options: opts({ command: key.equals(a.publicKey) ? 'one' : 'two' }) }),
      methods: [['publickey', 'publickey']],
    });
    expect(await clientAuth.publicKey('oz', a)).toMatchObject({ partialSuccess: true });
    expect(await clientAuth.publicKey('oz', b)).toMatchObject({ success: false, partialSuccess: false });
    expect(serverAuth.authenticated).toBe(false);
  });

  it('a list naming a method without a handler is a configuration error', () => {
    expect(() => pair({ password: () => true, methods: [['publickey']] })).toThrow(TypeError);
    expect(() => pair({ password: () => true, methods: [[]] })).toThrow(TypeError);
  });
});

function opts(over: Record<string, unknown>) {
  return {
    certAuthority: false,
    restrict: false,
    agentForwarding: true,
    portForwarding: true,
    x11Forwarding: true,
    pty: true,
    userRc: true,
    touchRequired: true,
    verifyRequired: false,
    command: undefined,
    environment: [],
    expiryTime: undefined,
    from: undefined,
    permitOpen: [],
    permitListen: [],
    principals: undefined,
    tunnel: undefined,
    ...over,
  };
}

describe('MaxAuthTries (sshd default 6)', () => {
  it('the failure that reaches the limit disconnects with "Too many authentication failures"', async () => {
    const { clientAuth, serverAuth, server } = pair({ password: () => false, maxAuthTries: 3 });
    await clientAuth.none('pat'); // free
    expect((await clientAuth.password('pat', '1')).success).toBe(false);
    expect((await clientAuth.password('pat', '2')).success).toBe(false);
    await expect(clientAuth.password('pat', '3')).rejects.toMatchObject({ code: 'ERR_DISCONNECT' });
    expect(server.disconnects).toEqual([
      {
        reason: DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
        description: 'Too many authentication failures',
      },
    ]);
    expect(server.sentTypes).toEqual([51, 51, 51]); // none, 1, 2: the third failure gets no FAILURE
    await expect(serverAuth.whenAuthenticated()).rejects.toMatchObject({
      reason: DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
    });
  });

  it('defaults to 6; failed queries count, PK_OK and partial successes do not', async () => {
    const key = await testKey('ed25519');
    const { clientAuth, server, serverAuth } = pair({
      password: () => false,
      publicKey: onlyKey(key.publicKey),
    });
    for (let i = 0; i < 5; i++) expect((await clientAuth.password('pat', `${i}`)).success).toBe(false);
    expect(serverAuth.failureCount).toBe(5);
    // A query for an accepted key (PK_OK) costs nothing, and the signed request succeeds.
    expect(await clientAuth.publicKey('pat', key)).toEqual({ success: true });
    expect(server.disconnects).toEqual([]);

    const other = pair({ password: () => false });
    for (let i = 0; i < 5; i++) await other.clientAuth.password('pat', `${i}`);
    await expect(other.clientAuth.password('pat', 'x')).rejects.toMatchObject({ code: 'ERR_DISCONNECT' });
    expect(other.serverAuth.failureCount).toBe(6);
  });

  it(`a client that only asks never gets further than ${MAX_AUTH_REQUESTS} requests`, async () => {
    const { server, serverAuth } = raw({ none: () => false, maxAuthTries: 100_000 });
    for (let i = 0; i < MAX_AUTH_REQUESTS; i++) {
      server.deliver(request('q', 'none'));
      if (i % 8 === 7) await settle();
    }
    await settle();
    expect(server.disconnects).toEqual([]);
    expect(() => server.deliver(request('q', 'none'))).not.toThrow();
    expect(server.disconnects).toEqual([
      {
        reason: DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
        description: 'Too many authentication failures',
      },
    ]);
    expect(serverAuth.authenticated).toBe(false);
  });
});

describe('LoginGraceTime (RFC 4252 §4: SHOULD time out)', () => {
  it('no success within authTimeout: DISCONNECT "Timeout before authentication"', async () => {
    const { server, serverAuth, timer } = raw({ password: () => false, authTimeout: 30_000 });
    expect(timer.pending).toEqual([30_000]);
    await timer.advance(29_999);
    expect(server.disconnects).toEqual([]);
    await timer.advance(1);
    expect(server.disconnects).toEqual([
      { reason: DisconnectReason.BY_APPLICATION, description: 'Timeout before authentication' },
    ]);
    await expect(serverAuth.whenAuthenticated()).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    server.deliver(request('late', 'password', (w) => password(w, 'x')));
    await settle();
    expect(server.sentTypes).toEqual([]);
  });

  it('defaults to 120 s; success, or the connection closing, cancels it', async () => {
    const ok = pair({ password: () => true });
    expect(ok.timer.pending).toEqual([120_000]);
    await ok.clientAuth.password('u', 'p');
    expect(ok.timer.pending).toEqual([]);
    await ok.timer.advance(200_000);
    expect(ok.server.disconnects).toEqual([]);

    const gone = raw({ password: () => true });
    gone.server.end({ reason: 'socket closed' });
    await settle();
    expect(gone.timer.pending).toEqual([]);
    await expect(gone.serverAuth.whenAuthenticated()).rejects.toMatchObject({ code: 'ERR_CONNECTION_LOST' });
  });

  it('a handler that never answers is ended by the timeout', async () => {
    const { server, timer, serverAuth } = raw({
      password: () => new Promise<boolean>(() => {}),
      authTimeout: 1000,
    });
    server.deliver(request('slow', 'password', (w) => password(w, 'x')));
    await timer.advance(1000);
    expect(server.disconnects[0]?.description).toBe('Timeout before authentication');
    expect(serverAuth.authenticated).toBe(false);
  });
});

describe('the minimum answer time (auth2.c ensure_minimum_time_since)', () => {
  it('FAILURE and SUCCESS of a non-none request wait out the delay on the injected clock', async () => {
    const { server, timer } = raw({ password: (_u, p) => p === 'right', failureDelay: 10 });
    server.deliver(request('ann', 'none'));
    await settle();
    expect(server.sentTypes).toEqual([51]); // none: no delay
    server.deliver(request('ann', 'password', (w) => password(w, 'wrong')));
    await settle();
    expect(server.sentTypes).toEqual([51]);
    expect(timer.pending).toContain(10);
    await timer.advance(9);
    expect(server.sentTypes).toEqual([51]);
    await timer.advance(1);
    expect(server.sentTypes).toEqual([51, 51]);
    server.deliver(request('ann', 'password', (w) => password(w, 'right')));
    await timer.advance(9);
    expect(server.sentTypes).toEqual([51, 51]);
    await timer.advance(1);
    expect(server.sentTypes).toEqual([51, 51, 52]);
  });

  it('time the handler took counts toward the delay; past it, the target doubles', async () => {
    let release!: (ok: boolean) => void;
    const { server, timer } = raw({
      password: () =>
        new Promise<boolean>((resolve) => {
          release = resolve;
        }),
      failureDelay: (user) => (user === 'a' ? 10 : 4),
    });
    server.deliver(request('a', 'password', (w) => password(w, 'x')));
    await timer.advance(7);
    release(false);
    await settle();
    expect(server.sentTypes).toEqual([]);
    await timer.advance(3);
    expect(server.sentTypes).toEqual([51]);
    expect(remainingDelay(0, 7, 10)).toBe(3);
    expect(remainingDelay(0, 13, 10)).toBe(7); // 20 − 13
    expect(remainingDelay(0, 45, 10)).toBe(35); // 80 − 45
    expect(remainingDelay(0, 45, 0)).toBe(0);
  });

  it('the default: 5 ms plus a per-user jitter under 4.3 ms, fixed per user, keyed by a secret', () => {
    const secret = new Uint8Array(32).fill(7);
    const delay = openSshFailureDelay(secret);
    const again = openSshFailureDelay(secret);
    const other = openSshFailureDelay(new Uint8Array(32).fill(8));
    const users = ['root', 'alice', 'bob', 'nobody', ''];
    for (const u of users) {
      expect(delay(u)).toBeGreaterThanOrEqual(5);
      expect(delay(u)).toBeLessThan(9.3);
      expect(delay(u)).toBe(again(u));
    }
    expect(new Set(users.map(delay)).size).toBe(users.length);
    expect(users.map(delay)).not.toEqual(users.map(other));
  });

  it('by default a failure is not instant (real clock)', async () => {
    const { server } = raw({ password: () => false, failureDelay: undefined, timer: undefined });
    const start = performance.now();
    server.deliver(request('real', 'password', (w) => password(w, 'x')));
    while (server.sentTypes.length === 0) await new Promise((r) => setTimeout(r, 1));
    expect(performance.now() - start).toBeGreaterThanOrEqual(4.5);
    server.end({ reason: 'done' });
  });
});

describe('banner (RFC 4252 §5.4) and the order of answers', () => {
  it('the banner comes once, before the answer to the first request', async () => {
    const { clientAuth, server } = pair({ password: () => true, banner: 'Authorized use only\r\n' });
    const banners: string[] = [];
    clientAuth.onBanner = (m) => banners.push(m);
    await clientAuth.none('bea');
    expect(await clientAuth.password('bea', 'x')).toEqual({ success: true });
    expect(server.sentTypes).toEqual([53, 51, 52]);
    expect(banners).toEqual(['Authorized use only\r\n']);
  });

  it('pipelined requests are answered in order, one answer each (RFC 4252 §5)', async () => {
    const { server } = raw({ password: (_u, p) => p === '3', failureDelay: 0 });
    for (const p of ['1', '2', '3', '4']) server.deliver(request('cy', 'password', (w) => password(w, p)));
    await settle();
    expect(server.sentTypes).toEqual([51, 51, 52]); // the fourth, after SUCCESS, is ignored
  });
});

describe('user and service (RFC 4252 §5)', () => {
  it('a change of user disconnects, as OpenSSH does', async () => {
    const { server, serverAuth } = raw({ password: () => true });
    server.deliver(request('dee', 'none'));
    server.deliver(request('root', 'password', (w) => password(w, 'x')));
    await settle();
    expect(server.disconnects).toEqual([
      {
        reason: DisconnectReason.PROTOCOL_ERROR,
        description:
          'Change of username or service not allowed: (dee,ssh-connection) -> (root,ssh-connection)',
      },
    ]);
    expect(serverAuth.authenticated).toBe(false);
  });

  it("userChange 'reset': the new user starts over, completed methods are dropped, failures still count", async () => {
    const key = await testKey('ed25519');
    const { clientAuth, serverAuth } = pair({
      publicKey: onlyKey(key.publicKey),
      password: () => true,
      methods: [['publickey', 'password']],
      userChange: 'reset',
    });
    expect(await clientAuth.publicKey('eve', key)).toMatchObject({ partialSuccess: true });
    expect(await clientAuth.password('mallory', 'x')).toMatchObject({
      success: false,
      allowedMethods: ['publickey'],
    });
    expect(serverAuth.failureCount).toBe(1);
    expect(await clientAuth.publicKey('mallory', key)).toMatchObject({ partialSuccess: true });
    expect(await clientAuth.password('mallory', 'x')).toEqual({ success: true });
    expect(serverAuth.result).toMatchObject({ user: 'mallory', methods: ['publickey', 'password'] });
  });

  it('a service other than ssh-connection: SERVICE_NOT_AVAILABLE', async () => {
    const { server, serverAuth } = raw({ none: true });
    server.deliver(request('fay', 'none', undefined, 'ssh-userauth'));
    expect(server.disconnects).toEqual([
      { reason: DisconnectReason.SERVICE_NOT_AVAILABLE, description: 'service ssh-userauth not available' },
    ]);
    expect(serverAuth.authenticated).toBe(false);
  });
});
