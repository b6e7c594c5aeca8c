// ServerAuth against the real ClientAuth, through in-memory connections: each method succeeds and
// fails as RFC 4252 / RFC 4256 say, the publickey query flow (§7), RSA algorithm policy, hostbound
// requests (PROTOCOL §3.1), password change (§8) and keyboard-interactive rounds.
import { type PrivateKey, parseSignatureBlob, type Signer } from '@sshts/keys';
import { DisconnectReason, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { PasswordChangeRequiredError } from '../src/errors.js';
import type { PublicKeyHandler } from '../src/server-auth-types.js';
import { publicKeySignedData } from '../src/userauth-messages.js';
import { onlyKey, pair, raw, request, SESSION_ID, settle, testKey } from './server-helpers.js';

describe('none and password (RFC 4252 §5.2, §8)', () => {
  it('none lists the methods that can continue (never none) and, by default, never succeeds', async () => {
    const { clientAuth, serverAuth, server } = pair({ password: () => false, publicKey: () => false });
    expect(await clientAuth.none('alice')).toEqual({
      success: false,
      allowedMethods: ['publickey', 'password'],
      partialSuccess: false,
    });
    expect(serverAuth.authenticated).toBe(false);
    expect(serverAuth.failureCount).toBe(0); // the first none is free (auth2.c)
    expect(await clientAuth.none('alice')).toMatchObject({ success: false });
    expect(serverAuth.failureCount).toBe(1);
    expect(server.setAuthenticatedCalls).toBe(0);
  });

  it('none succeeds only when configured, per user with a function', async () => {
    const open = pair({ none: true });
    expect(await open.clientAuth.none('guest')).toEqual({ success: true });
    expect(open.serverAuth.result).toMatchObject({ user: 'guest', methods: ['none'], keys: [] });

    const some = pair({ none: (user) => user === 'guest', password: () => false });
    expect(await some.clientAuth.none('root')).toMatchObject({
      success: false,
      allowedMethods: ['password'],
    });
    expect(some.serverAuth.authenticated).toBe(false);
  });

  it('password: the handler decides; SUCCESS is sent before setAuthenticated; the result names the method', async () => {
    const seen: [string, string][] = [];
    const { clientAuth, serverAuth, server } = pair({
      password: (user, password) => {
        seen.push([user, password]);
        return password === 'pässword';
      },
    });
    expect(await clientAuth.password('bob', 'wrong')).toEqual({
      success: false,
      allowedMethods: ['password'],
      partialSuccess: false,
    });
    expect(serverAuth.authenticated).toBe(false);
    expect(await clientAuth.password('bob', 'pässword')).toEqual({ success: true });
    expect(seen).toEqual([
      ['bob', 'wrong'],
      ['bob', 'pässword'],
    ]);
    expect(serverAuth.authenticated).toBe(true);
    expect(server.setAuthenticatedCalls).toBe(1);
    expect(server.sentWhenAuthenticated?.at(-1)).toBe(52);
    const result = await serverAuth.whenAuthenticated();
    expect(result).toMatchObject({ user: 'bob', service: 'ssh-connection', methods: ['password'] });
    expect(result.publicKey).toBeUndefined();
    expect(result.keyOptions).toBeUndefined();
  });

  it('a handler that throws fails the attempt and never authenticates', async () => {
    const { clientAuth, serverAuth, server } = pair({
      password: () => {
        throw new Error('database down');
      },
    });
    expect((await clientAuth.password('bob', 'x')).success).toBe(false);
    expect(serverAuth.authenticated).toBe(false);
    expect(server.disconnects).toEqual([]);
  });

  it('PASSWD_CHANGEREQ: an expired password is changed through changePassword', async () => {
    const changes: string[][] = [];
    const { clientAuth, serverAuth, server } = pair({
      password: (_u, p) => (p === 'old' ? { changePrompt: 'Password expired' } : false),
      changePassword: (user, oldPassword, newPassword) => {
        changes.push([user, oldPassword, newPassword]);
        if (newPassword.length < 4) return { changePrompt: 'Too short' };
        return oldPassword === 'old';
      },
    });
    const prompts: string[] = [];
    const answers = ['abc', 'longer'];
    const outcome = await clientAuth.password('carol', 'old', {
      onChangeRequest: (prompt) => {
        prompts.push(prompt);
        return answers.shift();
      },
    });
    expect(outcome).toEqual({ success: true });
    expect(prompts).toEqual(['Password expired', 'Too short']);
    expect(changes).toEqual([
      ['carol', 'old', 'abc'],
      ['carol', 'old', 'longer'],
    ]);
    expect(server.sentTypes).toEqual([60, 60, 52]);
    expect(serverAuth.failureCount).toBe(0);
  });

  it('a change request fails without a changePassword hook, and a client without a new password gives up', async () => {
    const { clientAuth, server } = pair({ password: () => ({ changePrompt: 'expired' }) });
    await expect(clientAuth.password('dan', 'pw')).rejects.toBeInstanceOf(PasswordChangeRequiredError);
    expect(await clientAuth.password('dan', 'pw', { onChangeRequest: () => 'new-password' })).toMatchObject({
      success: false,
      allowedMethods: ['password'],
    });
    expect(server.sentTypes).toEqual([60, 60, 51]);
  });
});

describe('publickey (RFC 4252 §7)', () => {
  it('query then signature: PK_OK echoes the query, the handler is asked for the key each time', async () => {
    const key = await testKey('ed25519');
    const asked: string[] = [];
    const { clientAuth, serverAuth, server } = pair({
      publicKey: (user, offered) => {
        asked.push(`${user}:${offered.fingerprint()}`);
        return offered.equals(key.publicKey);
      },
    });
    expect(await clientAuth.publicKey('erin', key)).toEqual({ success: true });
    expect(server.sentTypes).toEqual([60, 52]);
    expect(asked).toEqual([`erin:${key.publicKey.fingerprint()}`, `erin:${key.publicKey.fingerprint()}`]);
    const result = serverAuth.result!;
    expect(result.methods).toEqual(['publickey']);
    expect(result.publicKey?.equals(key.publicKey)).toBe(true);
    expect(result.keys).toHaveLength(1);
  });

  it('an unknown key gets FAILURE to the query, and nothing is signed', async () => {
    const key = await testKey('ed25519');
    const other = await testKey('ed25519', 1);
    let signed = 0;
    const signer: Signer = {
      publicKey: other.publicKey,
      sign: (data, alg) => {
        signed++;
        return other.sign(data, alg);
      },
    };
    const { clientAuth, server, serverAuth } = pair({ publicKey: onlyKey(key.publicKey) });
    expect(await clientAuth.publicKey('erin', signer)).toMatchObject({
      success: false,
      allowedMethods: ['publickey'],
    });
    expect(signed).toBe(0);
    expect(server.sentTypes).toEqual([51]);
    expect(serverAuth.failureCount).toBe(1);
  });

  for (const type of ['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa'] as const) {
    it(`a ${type} key logs in`, async () => {
      const key = await testKey(type);
      const { clientAuth, serverAuth } = pair({ publicKey: onlyKey(key.publicKey) });
      expect(await clientAuth.publicKey('frank', key)).toEqual({ success: true });
      expect(serverAuth.result?.publicKey?.type).toBe(key.publicKey.type);
    });
  }

  it('RSA: rsa-sha2-512 and rsa-sha2-256 are accepted; SHA-1 ssh-rsa only when the policy lists it', async () => {
    const key = await testKey('rsa');
    const algorithms: string[] = [];
    const recording: Signer = {
      publicKey: key.publicKey,
      sign: (data, alg) => {
        algorithms.push(alg ?? '');
        return key.sign(data, alg);
      },
    };
    for (const algorithm of ['rsa-sha2-512', 'rsa-sha2-256']) {
      const { clientAuth } = pair({ publicKey: onlyKey(key.publicKey) });
      expect(await clientAuth.publicKey('gina', recording, { algorithm })).toEqual({ success: true });
    }
    expect(algorithms).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);

    const attempts: string[] = [];
    const strict = pair({
      publicKey: onlyKey(key.publicKey),
      onAttempt: (a) => attempts.push(`${a.outcome}: ${a.reason}`),
    });
    expect(await strict.clientAuth.publicKey('gina', key, { algorithm: 'ssh-rsa' })).toMatchObject({
      success: false,
    });
    expect(attempts).toEqual(['failure: algorithm ssh-rsa is not accepted']);

    const legacy = pair({
      publicKey: onlyKey(key.publicKey),
      publicKeyAlgorithms: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
    });
    expect(await legacy.clientAuth.publicKey('gina', recording, { algorithm: 'ssh-rsa' })).toEqual({
      success: true,
    });
    expect(algorithms.at(-1)).toBe('ssh-rsa');

    const sha2Only = pair({ publicKey: onlyKey(key.publicKey), publicKeyAlgorithms: ['rsa-sha2-256'] });
    expect(await sha2Only.clientAuth.publicKey('gina', key, { algorithm: 'rsa-sha2-512' })).toMatchObject({
      success: false,
    });
  });

  it('a signer that signs with another algorithm than the request names is refused', async () => {
    const key = await testKey('rsa');
    const { server, serverAuth } = raw({ publicKey: onlyKey(key.publicKey) });
    const fields = {
      user: 'gina',
      service: 'ssh-connection',
      method: 'publickey',
      algorithm: 'rsa-sha2-256',
      blob: key.publicKey.blob,
    };
    const signature = key.sign(publicKeySignedData(SESSION_ID, fields), 'rsa-sha2-512');
    expect(parseSignatureBlob(signature).algorithm).toBe('rsa-sha2-512');
    server.deliver(signedRequest(fields, signature));
    await settle();
    expect(server.sentTypes).toEqual([51]);
    expect(serverAuth.authenticated).toBe(false);
  });
});

function signedRequest(
  f: {
    user: string;
    service: string;
    method: string;
    algorithm: string;
    blob: Uint8Array;
    hostKey?: Uint8Array;
  },
  signature: Uint8Array,
): Uint8Array {
  return request(
    f.user,
    f.method,
    (w) => {
      w.boolean(true).string(f.algorithm).string(f.blob);
      if (f.hostKey) w.string(f.hostKey);
      w.string(signature);
    },
    f.service,
  );
}

describe('publickey signatures bound to what §7 lists (checklist §12 C)', () => {
  async function attempt(
    handler: PublicKeyHandler,
    build: (a: PrivateKey, b: PrivateKey) => Uint8Array,
  ): Promise<{ types: number[]; authenticated: boolean }> {
    const a = await testKey('ed25519');
    const b = await testKey('ed25519', 1);
    const { server, serverAuth } = raw({ publicKey: handler });
    server.deliver(build(a, b));
    await settle();
    return { types: server.sentTypes, authenticated: serverAuth.authenticated };
  }
  const base = (
    key: PrivateKey,
    over: Partial<{ user: string; algorithm: string; method: string }> = {},
  ) => ({
    user: 'hank',
    service: 'ssh-connection',
    method: 'publickey',
    algorithm: 'ssh-ed25519',
    blob: key.publicKey.blob,
    ...over,
  });

  it('a correct signed request without a query logs in (the control case)', async () => {
    const a = await testKey('ed25519');
    const outcome = await attempt(onlyKey(a.publicKey), (k) =>
      signedRequest(base(k), k.sign(publicKeySignedData(SESSION_ID, base(k)))),
    );
    expect(outcome).toEqual({ types: [52], authenticated: true });
  });

  it('key A named, signed by key B: refused', async () => {
    const a = await testKey('ed25519');
    const outcome = await attempt(onlyKey(a.publicKey), (k, other) =>
      signedRequest(base(k), other.sign(publicKeySignedData(SESSION_ID, base(k)))),
    );
    expect(outcome).toEqual({ types: [51], authenticated: false });
  });

  it('a signature over another session id, user or method: refused', async () => {
    const a = await testKey('ed25519');
    const otherSession = SESSION_ID.map((x) => x ^ 1);
    for (const signedOver of [
      (k: PrivateKey) => publicKeySignedData(otherSession, base(k)),
      (k: PrivateKey) => publicKeySignedData(SESSION_ID, base(k, { user: 'root' })),
      (k: PrivateKey) =>
        publicKeySignedData(SESSION_ID, base(k, { method: 'publickey-hostbound-v00@openssh.com' })),
    ]) {
      const outcome = await attempt(onlyKey(a.publicKey), (k) =>
        signedRequest(base(k), k.sign(signedOver(k))),
      );
      expect(outcome).toEqual({ types: [51], authenticated: false });
    }
  });

  it('an algorithm that does not fit the blob (rsa-sha2-256 with an Ed25519 key): refused', async () => {
    const a = await testKey('ed25519');
    const fields = (k: PrivateKey) => base(k, { algorithm: 'rsa-sha2-256' });
    const outcome = await attempt(onlyKey(a.publicKey), (k) =>
      signedRequest(fields(k), k.sign(publicKeySignedData(SESSION_ID, fields(k)))),
    );
    expect(outcome).toEqual({ types: [51], authenticated: false });
  });

  it('query key A (PK_OK), then sign with key B: B is judged for itself (Go CVE-2024-45337)', async () => {
    const a = await testKey('ed25519');
    const b = await testKey('ed25519', 1);
    const asked: string[] = [];
    const { server, serverAuth } = raw({
      publicKey: (_u, key) => {
        asked.push(key.equals(a.publicKey) ? 'A' : 'B');
        return key.equals(a.publicKey);
      },
    });
    server.deliver(
      request('hank', 'publickey', (w) => w.boolean(false).string('ssh-ed25519').string(a.publicKey.blob)),
    );
    server.deliver(signedRequest(base(b), b.sign(publicKeySignedData(SESSION_ID, base(b)))));
    await settle();
    expect(server.sentTypes).toEqual([60, 51]);
    expect(asked).toEqual(['A', 'B']);
    expect(serverAuth.authenticated).toBe(false);
  });

  it('an unparseable key blob or unknown algorithm is a FAILURE, not a disconnect (as sshd)', async () => {
    const { server } = raw({ publicKey: () => true });
    server.deliver(
      request('i', 'publickey', (w) => w.boolean(false).string('ssh-ed25519').string(Uint8Array.of(1, 2))),
    );
    server.deliver(
      request('i', 'publickey', (w) => w.boolean(false).string('ssh-dss').string(Uint8Array.of(1, 2))),
    );
    await settle();
    expect(server.sentTypes).toEqual([51, 51]);
    expect(server.disconnects).toEqual([]);
  });
});

describe('publickey-hostbound-v00@openssh.com (PROTOCOL §3.1)', () => {
  it('the client binds the host key when advertised; the server checks it', async () => {
    const key = await testKey('ed25519');
    const host = await testKey('ecdsa256');
    const methods: string[] = [];
    const { clientAuth, serverAuth } = pair(
      { publicKey: onlyKey(key.publicKey), onAttempt: (a) => methods.push(a.method) },
      { hostKey: host.publicKey },
    );
    expect(await clientAuth.publicKey('ivy', key)).toEqual({ success: true });
    expect(serverAuth.result?.methods).toEqual(['publickey']);
    expect(methods).toEqual(['publickey', 'publickey']);
  });

  it('another host key in the request ends the connection; without a host key the method is unknown', async () => {
    const key = await testKey('ed25519');
    const host = await testKey('ecdsa256');
    const wrong = await testKey('ed25519', 1);
    const fields = { ...hostboundFields(key), hostKey: wrong.publicKey.blob };
    const bound = raw({ publicKey: onlyKey(key.publicKey) }, { hostKey: host.publicKey });
    bound.server.deliver(signedRequest(fields, key.sign(publicKeySignedData(SESSION_ID, fields))));
    await settle();
    expect(bound.server.disconnects).toEqual([
      { reason: DisconnectReason.PROTOCOL_ERROR, description: expect.stringContaining('another host key') },
    ]);
    expect(bound.serverAuth.authenticated).toBe(false);

    const unbound = raw({ publicKey: onlyKey(key.publicKey) });
    const right = { ...hostboundFields(key), hostKey: host.publicKey.blob };
    unbound.server.deliver(signedRequest(right, key.sign(publicKeySignedData(SESSION_ID, right))));
    await settle();
    expect(unbound.server.sentTypes).toEqual([51]);

    const off = raw({ publicKey: onlyKey(key.publicKey), hostbound: false }, { hostKey: host.publicKey });
    off.server.deliver(signedRequest(right, key.sign(publicKeySignedData(SESSION_ID, right))));
    await settle();
    expect(off.server.sentTypes).toEqual([51]);
  });
});

function hostboundFields(key: PrivateKey) {
  return {
    user: 'ivy',
    service: 'ssh-connection',
    method: 'publickey-hostbound-v00@openssh.com',
    algorithm: 'ssh-ed25519',
    blob: key.publicKey.blob,
  };
}

describe('keyboard-interactive (RFC 4256)', () => {
  const twoRounds = async (
    user: string,
    ask: (p: { prompt: string; echo?: boolean }[], i?: object) => Promise<string[]>,
  ) => {
    const [pw] = await ask([{ prompt: 'Password: ' }], { name: 'login', instructions: 'step 1' });
    const [code, color] = await ask([{ prompt: 'Code: ', echo: true }, { prompt: 'Colour: ' }]);
    return user === 'jo' && pw === 'secret' && code === '123456' && color === 'blue';
  };

  it('two rounds, answered right: success; the client sees names, instructions and echo flags', async () => {
    const seen: unknown[] = [];
    let submethods: string | undefined;
    const { clientAuth, serverAuth, server } = pair({
      keyboardInteractive: (user, ask, context) => {
        submethods = context.submethods;
        return twoRounds(user, ask);
      },
    });
    const outcome = await clientAuth.keyboardInteractive(
      'jo',
      (c) => {
        seen.push(c);
        return c.prompts.length === 1 ? ['secret'] : ['123456', 'blue'];
      },
      { submethods: 'pam' },
    );
    expect(outcome).toEqual({ success: true });
    expect(submethods).toBe('pam');
    expect(seen).toEqual([
      {
        name: 'login',
        instructions: 'step 1',
        language: '',
        prompts: [{ prompt: 'Password: ', echo: false }],
      },
      {
        name: '',
        instructions: '',
        language: '',
        prompts: [
          { prompt: 'Code: ', echo: true },
          { prompt: 'Colour: ', echo: false },
        ],
      },
    ]);
    expect(server.sentTypes).toEqual([60, 60, 52]);
    expect(serverAuth.result?.methods).toEqual(['keyboard-interactive']);
  });

  it('a wrong answer fails (after the rounds), and a round without prompts is answered with none', async () => {
    const { clientAuth, serverAuth } = pair({ keyboardInteractive: twoRounds });
    const outcome = await clientAuth.keyboardInteractive('jo', (c) =>
      c.prompts.length === 1 ? ['secret'] : ['123456', 'red'],
    );
    expect(outcome).toMatchObject({ success: false, allowedMethods: ['keyboard-interactive'] });
    expect(serverAuth.failureCount).toBe(1);

    const empty = pair({
      keyboardInteractive: async (_u, ask) => (await ask([], { instructions: 'Welcome' })).length === 0,
    });
    expect(await empty.clientAuth.keyboardInteractive('jo', () => [])).toEqual({ success: true });
  });

  it('a response count other than the prompt count is a protocol error (auth2-chall.c)', async () => {
    for (const count of [0, 2, 3, 101, 0xffffffff]) {
      const { server, serverAuth } = raw({ keyboardInteractive: twoRounds });
      server.deliver(request('jo', 'keyboard-interactive', (w) => w.string('').string('')));
      await settle();
      expect(server.sentTypes).toEqual([60]);
      const w = new SSHWriter().byte(61).uint32(count);
      for (let i = 0; i < Math.min(count, 3); i++) w.string('x');
      server.deliver(w.finish().slice());
      await settle();
      expect(server.disconnects).toEqual([
        { reason: DisconnectReason.PROTOCOL_ERROR, description: expect.any(String) },
      ]);
      expect(serverAuth.authenticated).toBe(false);
      await expect(serverAuth.whenAuthenticated()).rejects.toMatchObject({ code: 'ERR_MALFORMED_MESSAGE' });
    }
  });

  it('a new request instead of the INFO_RESPONSE abandons the method: no FAILURE, no failure counted', async () => {
    let askError: unknown;
    const { server, serverAuth } = raw({
      password: (_u, p) => p === 'pw',
      keyboardInteractive: async (_u, ask) => {
        try {
          await ask([{ prompt: 'Password: ' }]);
        } catch (e) {
          askError = e;
        }
        return true; // ignored: the attempt was abandoned
      },
    });
    server.deliver(request('kim', 'keyboard-interactive', (w) => w.string('').string('')));
    await settle();
    server.deliver(request('kim', 'password', (w) => w.boolean(false).string('wrong')));
    await settle();
    expect(askError).toMatchObject({ code: 'ERR_KBDINT_ABANDONED' });
    expect(server.sentTypes).toEqual([60, 51]);
    expect(serverAuth.failureCount).toBe(1);
    expect(serverAuth.authenticated).toBe(false);
    // The INFO_RESPONSE that comes late is now unexpected.
    server.deliver(new SSHWriter().byte(61).uint32(1).string('x').finish().slice());
    expect(server.disconnects[0]?.reason).toBe(DisconnectReason.PROTOCOL_ERROR);
  });

  it('ask() rejects when misused: too many prompts, two at once, after the attempt', async () => {
    const errors: unknown[] = [];
    let kept: ((p: { prompt: string }[]) => Promise<string[]>) | undefined;
    const { clientAuth } = pair({
      keyboardInteractive: async (_u, ask) => {
        kept = ask;
        await ask(Array.from({ length: 101 }, () => ({ prompt: 'p' }))).catch((e) => errors.push(e));
        const first = ask([{ prompt: 'a' }]);
        await ask([{ prompt: 'b' }]).catch((e) => errors.push(e));
        await first;
        return false;
      },
    });
    expect((await clientAuth.keyboardInteractive('lee', (c) => c.prompts.map(() => 'x'))).success).toBe(
      false,
    );
    await kept?.([{ prompt: 'late' }]).catch((e) => errors.push(e));
    expect(errors.map((e) => (e as { code?: string }).code ?? (e as Error).name)).toEqual([
      'RangeError',
      'ERR_KBDINT_BUSY',
      'ERR_KBDINT_OVER',
    ]);
  });
});
