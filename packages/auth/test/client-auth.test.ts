// ClientAuth against a scripted server: the bytes of every request (RFC 4252 §5–§8, RFC 4256,
// PROTOCOL §3.1) and the state rules of checklist §5.3.
import { AuthenticationError, ProtocolError, SSHWriter } from '@sshts/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertAuthenticated, authenticationError } from '../src/auth-result.js';
import { ClientAuth } from '../src/client-auth.js';
import { PasswordChangeRequiredError } from '../src/errors.js';
import {
  changeRequest,
  concat,
  FakeConnection,
  failure,
  nodeSigner,
  pkOk,
  readRequest,
  settle,
  sshString,
  success,
  type TestSigner,
} from './helpers.js';

function setup() {
  const conn = new FakeConnection();
  const auth = new ClientAuth(conn);
  return { conn, auth };
}

describe('none and password (RFC 4252 §5.2, §8)', () => {
  it('requests ssh-userauth once; none returns the methods that can continue', async () => {
    const { conn, auth } = setup();
    const none = auth.none('alice');
    const sent = await conn.nextSent();
    expect(sent).toEqual(
      concat(Uint8Array.of(50), sshString('alice'), sshString('ssh-connection'), sshString('none')),
    );
    conn.deliver(failure(['publickey', 'password']));
    expect(await none).toEqual({
      success: false,
      allowedMethods: ['publickey', 'password'],
      partialSuccess: false,
    });
    expect(auth.allowedMethods).toEqual(['publickey', 'password']);

    const pw = auth.password('alice', 'wrong');
    await conn.nextSent();
    conn.deliver(failure(['publickey', 'password']));
    expect((await pw).success).toBe(false);
    expect(conn.servicesRequested).toEqual(['ssh-userauth']);
    expect(auth.authenticated).toBe(false);
    expect(conn.setAuthenticatedCalls).toBe(0);
  });

  it('password sends boolean FALSE and the UTF-8 password; success marks the transport authenticated', async () => {
    const { conn, auth } = setup();
    const pw = auth.password('bob', 'pässword');
    const sent = await conn.nextSent();
    expect(sent).toEqual(
      concat(
        Uint8Array.of(50),
        sshString('bob'),
        sshString('ssh-connection'),
        sshString('password'),
        Uint8Array.of(0),
        sshString(new TextEncoder().encode('pässword')),
      ),
    );
    conn.deliver(success());
    expect(await pw).toEqual({ success: true });
    expect(auth.authenticated).toBe(true);
    expect(conn.setAuthenticatedCalls).toBe(1);
    await expect(auth.none('bob')).rejects.toMatchObject({ code: 'ERR_ALREADY_AUTHENTICATED' });
  });

  it('PASSWD_CHANGEREQ goes to onChangeRequest; the change request carries old and new', async () => {
    const { conn, auth } = setup();
    const prompts: string[] = [];
    const pw = auth.password('bob', 'old', {
      onChangeRequest: async (prompt) => {
        prompts.push(prompt);
        return 'new';
      },
    });
    await conn.nextSent();
    conn.deliver(changeRequest('Password expired'));
    const change = readRequest(await conn.nextSent());
    expect(change.method).toBe('password');
    expect(change.rest.boolean()).toBe(true);
    expect(change.rest.utf8()).toBe('old');
    expect(change.rest.utf8()).toBe('new');
    expect(change.rest.remaining).toBe(0);
    conn.deliver(success());
    expect(await pw).toEqual({ success: true });
    expect(prompts).toEqual(['Password expired']);
  });

  it('without a change handler, a change request rejects with PasswordChangeRequiredError', async () => {
    const { conn, auth } = setup();
    const pw = auth.password('bob', 'old');
    await conn.nextSent();
    conn.deliver(changeRequest('Change it now'));
    const error = await pw.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PasswordChangeRequiredError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as PasswordChangeRequiredError).prompt).toBe('Change it now');
    // The connection is still usable for another method.
    const next = auth.none('bob');
    await conn.nextSent();
    conn.deliver(failure(['password']));
    expect((await next).success).toBe(false);
  });

  it('a handler that declines (undefined) also rejects with PasswordChangeRequiredError', async () => {
    const { conn, auth } = setup();
    const pw = auth.password('bob', 'old', { onChangeRequest: () => undefined });
    await conn.nextSent();
    conn.deliver(changeRequest('expired'));
    await expect(pw).rejects.toBeInstanceOf(PasswordChangeRequiredError);
  });

  it('authenticationError and assertAuthenticated give a typed error with the allowed methods', () => {
    const error = authenticationError(
      { success: false, allowedMethods: ['publickey'], partialSuccess: false },
      'password',
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.allowedMethods).toEqual(['publickey']);
    expect(error.message).toContain('password authentication failed');
    expect(() =>
      assertAuthenticated({ success: false, allowedMethods: ['a'], partialSuccess: true }),
    ).toThrow(AuthenticationError);
    expect(() => assertAuthenticated({ success: true })).not.toThrow();
  });
});

describe('publickey (RFC 4252 §7)', () => {
  let ed: TestSigner;
  let rsa: TestSigner;
  beforeAll(() => {
    ed = nodeSigner('ed25519');
    rsa = nodeSigner('rsa');
  });

  /** RFC 4252 §7 signed data, assembled by hand. */
  function expectedSignedData(
    sessionId: Uint8Array,
    user: string,
    method: string,
    alg: string,
    blob: Uint8Array,
    hostKey?: Uint8Array,
  ) {
    return concat(
      sshString(sessionId),
      Uint8Array.of(50),
      sshString(user),
      sshString('ssh-connection'),
      sshString(method),
      Uint8Array.of(1),
      sshString(alg),
      sshString(blob),
      ...(hostKey ? [sshString(hostKey)] : []),
    );
  }

  it('queries with boolean FALSE, signs on PK_OK exactly the RFC 4252 §7 data, and logs in', async () => {
    const { conn, auth } = setup();
    const signer = nodeSigner('ed25519');
    const result = auth.publicKey('carol', signer);
    const query = await conn.nextSent();
    expect(query).toEqual(
      concat(
        Uint8Array.of(50),
        sshString('carol'),
        sshString('ssh-connection'),
        sshString('publickey'),
        Uint8Array.of(0),
        sshString('ssh-ed25519'),
        sshString(signer.publicKey.blob),
      ),
    );
    expect(signer.signed).toHaveLength(0);
    conn.deliver(pkOk('ssh-ed25519', signer.publicKey.blob));
    const request = await conn.nextSent();
    const data = expectedSignedData(
      conn.sessionId!,
      'carol',
      'publickey',
      'ssh-ed25519',
      signer.publicKey.blob,
    );
    expect(signer.signed[0]?.data).toEqual(data);
    // The request is the signed data without the session id, plus the signature.
    const body = data.subarray(4 + conn.sessionId!.length);
    expect(request.subarray(0, body.length)).toEqual(body);
    const r = readRequest(request);
    r.rest.boolean();
    r.rest.string();
    r.rest.string();
    const signature = r.rest.string();
    expect(r.rest.remaining).toBe(0);
    expect(signer.verify(data, signature)).toBe(true);
    conn.deliver(success());
    expect(await result).toEqual({ success: true });
  });

  it('a refused query is a failure result, not an exception, and nothing is signed', async () => {
    const { conn, auth } = setup();
    const signer = nodeSigner('ed25519');
    const result = auth.publicKey('carol', signer);
    await conn.nextSent();
    conn.deliver(failure(['publickey', 'password']));
    expect(await result).toEqual({
      success: false,
      allowedMethods: ['publickey', 'password'],
      partialSuccess: false,
    });
    expect(signer.signed).toHaveLength(0);
  });

  it('hostbound (PROTOCOL §3.1): with EXT_INFO publickey-hostbound@openssh.com=0 the signed request binds the host key', async () => {
    const { conn, auth } = setup();
    conn.hostKey = ed.publicKey; // stands in for the server's host key from the key exchange
    conn.extensions.set('publickey-hostbound@openssh.com', new TextEncoder().encode('0'));
    const signer = rsa;
    signer.signed.length = 0;
    const result = auth.publicKey('dave', signer);
    const query = readRequest(await conn.nextSent());
    expect(query.method).toBe('publickey'); // OpenSSH's client queries with plain publickey too
    conn.deliver(pkOk('rsa-sha2-512', signer.publicKey.blob));
    const request = await conn.nextSent();
    const method = 'publickey-hostbound-v00@openssh.com';
    const data = expectedSignedData(
      conn.sessionId!,
      'dave',
      method,
      'rsa-sha2-512',
      signer.publicKey.blob,
      ed.publicKey.blob,
    );
    expect(signer.signed[0]).toEqual({ data, algorithm: 'rsa-sha2-512' });
    const r = readRequest(request);
    expect(r.method).toBe(method);
    expect(r.rest.boolean()).toBe(true);
    expect(r.rest.utf8()).toBe('rsa-sha2-512');
    expect(r.rest.string()).toEqual(signer.publicKey.blob);
    expect(r.rest.string()).toEqual(ed.publicKey.blob);
    expect(signer.verify(data, r.rest.string())).toBe(true);
    expect(r.rest.remaining).toBe(0);
    conn.deliver(success());
    expect((await result).success).toBe(true);
  });

  it('an unknown hostbound version is ignored (plain publickey)', async () => {
    const { conn, auth } = setup();
    conn.hostKey = ed.publicKey;
    conn.extensions.set('publickey-hostbound@openssh.com', new TextEncoder().encode('1'));
    const result = auth.publicKey('dave', ed);
    await conn.nextSent();
    conn.deliver(pkOk('ssh-ed25519', ed.publicKey.blob));
    expect(readRequest(await conn.nextSent()).method).toBe('publickey');
    conn.deliver(success());
    await result;
  });

  it('RSA: rsa-sha2-512 first, then rsa-sha2-256 when refused; never ssh-rsa unless asked', async () => {
    const { conn, auth } = setup();
    const result = auth.publicKey('erin', rsa);
    const first = readRequest(await conn.nextSent());
    first.rest.boolean();
    expect(first.rest.utf8()).toBe('rsa-sha2-512');
    conn.deliver(failure(['publickey']));
    const second = readRequest(await conn.nextSent());
    second.rest.boolean();
    expect(second.rest.utf8()).toBe('rsa-sha2-256');
    conn.deliver(failure(['publickey']));
    expect(await result).toMatchObject({ success: false, allowedMethods: ['publickey'] });
    await settle();
    expect(conn.pendingSent).toBe(0); // no ssh-rsa attempt

    const legacy = auth.publicKey('erin', rsa, { algorithm: 'ssh-rsa' });
    const third = readRequest(await conn.nextSent());
    third.rest.boolean();
    expect(third.rest.utf8()).toBe('ssh-rsa');
    conn.deliver(failure(['publickey']));
    await legacy;
  });

  it('RSA: a signature refused after PK_OK also falls back to the next algorithm', async () => {
    const { conn, auth } = setup();
    rsa.signed.length = 0;
    const result = auth.publicKey('erin', rsa);
    await conn.nextSent();
    conn.deliver(pkOk('rsa-sha2-512', rsa.publicKey.blob));
    await conn.nextSent();
    conn.deliver(failure(['publickey']));
    const retry = readRequest(await conn.nextSent());
    retry.rest.boolean();
    expect(retry.rest.utf8()).toBe('rsa-sha2-256');
    conn.deliver(pkOk('rsa-sha2-256', rsa.publicKey.blob));
    await conn.nextSent();
    conn.deliver(success());
    expect((await result).success).toBe(true);
    expect(rsa.signed.map((s) => s.algorithm)).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);
  });

  it('server-sig-algs filters the RSA algorithms (RFC 8308 §3.1)', async () => {
    const { conn, auth } = setup();
    conn.serverSigAlgs = ['ssh-ed25519', 'rsa-sha2-256'];
    const result = auth.publicKey('erin', rsa);
    const q = readRequest(await conn.nextSent());
    q.rest.boolean();
    expect(q.rest.utf8()).toBe('rsa-sha2-256');
    conn.deliver(failure(['publickey']));
    expect((await result).success).toBe(false);
    await settle();
    expect(conn.pendingSent).toBe(0);
  });

  it('partial success after the signature stops the fallback and is reported', async () => {
    const { conn, auth } = setup();
    const result = auth.publicKey('erin', rsa);
    await conn.nextSent();
    conn.deliver(pkOk('rsa-sha2-512', rsa.publicKey.blob));
    await conn.nextSent();
    conn.deliver(failure(['password'], true));
    expect(await result).toEqual({ success: false, allowedMethods: ['password'], partialSuccess: true });
    await settle();
    expect(conn.pendingSent).toBe(0);
    // The next method continues.
    const pw = auth.password('erin', 'pw');
    await conn.nextSent();
    conn.deliver(success());
    expect((await pw).success).toBe(true);
  });

  it('a certificate key names the certificate algorithm; server-sig-algs is matched by the plain name', async () => {
    const { conn, auth } = setup();
    conn.serverSigAlgs = ['rsa-sha2-256', 'ssh-ed25519'];
    const certBlob = new SSHWriter().string('rsa-sha2-256-cert-v01@openssh.com').string('x').finish().slice();
    const certType = 'ssh-rsa-cert-v01@openssh.com';
    const signed: string[] = [];
    const signer = {
      // A stand-in certificate key: only type, blob and signatureAlgorithms matter here.
      publicKey: {
        type: certType,
        blob: certBlob,
        bits: 2048,
        comment: '',
        signatureAlgorithms: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
        verify: () => false,
        fingerprint: () => '',
        toString: () => certType,
        equals: () => false,
      },
      sign(data: Uint8Array, algorithm?: string) {
        signed.push(algorithm!);
        return rsa.sign(data, algorithm);
      },
    };
    const result = auth.publicKey('frank', signer);
    const q = readRequest(await conn.nextSent());
    q.rest.boolean();
    expect(q.rest.utf8()).toBe('rsa-sha2-256-cert-v01@openssh.com');
    expect(q.rest.string()).toEqual(certBlob);
    conn.deliver(pkOk('rsa-sha2-256-cert-v01@openssh.com', certBlob));
    await conn.nextSent();
    expect(signed).toEqual(['rsa-sha2-256']);
    conn.deliver(success());
    expect((await result).success).toBe(true);
  });

  it('a signer that signs with another algorithm is refused before anything is sent', async () => {
    const { conn, auth } = setup();
    const liar = { publicKey: rsa.publicKey, sign: (data: Uint8Array) => rsa.sign(data, 'ssh-rsa') };
    const result = auth.publicKey('erin', liar);
    await conn.nextSent();
    conn.deliver(pkOk('rsa-sha2-512', rsa.publicKey.blob));
    await expect(result).rejects.toMatchObject({ code: 'ERR_AUTH_SIGNATURE' });
    expect(conn.pendingSent).toBe(0);
  });

  it('PK_OK naming another key is a protocol error', async () => {
    const { conn, auth } = setup();
    const result = auth.publicKey('erin', ed);
    await conn.nextSent();
    conn.deliver(pkOk('ssh-ed25519', rsa.publicKey.blob));
    await expect(result).rejects.toBeInstanceOf(ProtocolError);
    expect(conn.disconnectedWith).toBeInstanceOf(ProtocolError);
  });

  it('an algorithm the key cannot make is the caller error ERR_AUTH_ALGORITHM', async () => {
    const { auth } = setup();
    await expect(auth.publicKey('erin', ed, { algorithm: 'rsa-sha2-256' })).rejects.toMatchObject({
      code: 'ERR_AUTH_ALGORITHM',
    });
  });
});
