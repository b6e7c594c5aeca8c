// keyboard-interactive rounds (RFC 4256), banners (RFC 4252 §5.4), the message legality rules of
// checklist §5.3, and what happens to pending methods when the connection closes.
import {
  ConnectionLostError,
  DisconnectError,
  MalformedMessageError,
  ProtocolError,
  SSHWriter,
} from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { ClientAuth } from '../src/client-auth.js';
import { MAX_BANNERS } from '../src/limits.js';
import {
  banner,
  concat,
  FakeConnection,
  failure,
  infoRequest,
  nodeSigner,
  pkOk,
  readRequest,
  settle,
  sshString,
  success,
} from './helpers.js';

function setup() {
  const conn = new FakeConnection();
  const auth = new ClientAuth(conn);
  return { conn, auth };
}

function responses(payload: Uint8Array): string[] {
  expect(payload[0]).toBe(61);
  const view = new DataView(payload.buffer, payload.byteOffset);
  const count = view.getUint32(1);
  const out: string[] = [];
  let at = 5;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(at);
    out.push(new TextDecoder().decode(payload.subarray(at + 4, at + 4 + len)));
    at += 4 + len;
  }
  expect(at).toBe(payload.length);
  return out;
}

describe('keyboard-interactive (RFC 4256)', () => {
  it('sends the §3.1 request and answers several rounds, zero-prompt rounds with zero responses', async () => {
    const { conn, auth } = setup();
    const seen: { name: string; instructions: string; prompts: { prompt: string; echo: boolean }[] }[] = [];
    const result = auth.keyboardInteractive('gina', (challenge) => {
      seen.push(challenge);
      return challenge.prompts.map((p) => `answer to ${p.prompt}`);
    });
    expect(await conn.nextSent()).toEqual(
      concat(
        Uint8Array.of(50),
        sshString('gina'),
        sshString('ssh-connection'),
        sshString('keyboard-interactive'),
        sshString(''),
        sshString(''),
      ),
    );
    conn.deliver(infoRequest('PAM', 'first', [{ prompt: 'Password: ', echo: false }]));
    expect(responses(await conn.nextSent())).toEqual(['answer to Password: ']);
    conn.deliver(
      infoRequest('', 'second', [
        { prompt: 'Code: ', echo: true },
        { prompt: 'PIN: ', echo: false },
      ]),
    );
    expect(responses(await conn.nextSent())).toEqual(['answer to Code: ', 'answer to PIN: ']);
    conn.deliver(infoRequest('', 'Welcome', []));
    expect(responses(await conn.nextSent())).toEqual([]);
    conn.deliver(success());
    expect(await result).toEqual({ success: true });
    expect(seen.map((c) => c.instructions)).toEqual(['first', 'second', 'Welcome']);
    expect(seen[1]?.prompts).toEqual([
      { prompt: 'Code: ', echo: true },
      { prompt: 'PIN: ', echo: false },
    ]);
  });

  it('a zero-prompt round gets zero responses whatever the handler returns', async () => {
    const { conn, auth } = setup();
    const result = auth.keyboardInteractive('gina', () => ['password']);
    await conn.nextSent();
    conn.deliver(infoRequest('', 'notice', []));
    expect(responses(await conn.nextSent())).toEqual([]);
    conn.deliver(failure(['keyboard-interactive']));
    expect((await result).success).toBe(false);
  });

  it('a handler returning the wrong number of responses rejects and sends nothing', async () => {
    const { conn, auth } = setup();
    const result = auth.keyboardInteractive('gina', () => ['one']);
    await conn.nextSent();
    conn.deliver(
      infoRequest('', '', [
        { prompt: 'a', echo: false },
        { prompt: 'b', echo: false },
      ]),
    );
    await expect(result).rejects.toMatchObject({ code: 'ERR_KBDINT_RESPONSES' });
    expect(conn.pendingSent).toBe(0);
  });

  it('more than 100 prompts (OpenSSH auth2-chall.c bound) is a protocol error', async () => {
    const { conn, auth } = setup();
    const result = auth.keyboardInteractive('gina', (c) => c.prompts.map(() => 'x'));
    await conn.nextSent();
    conn.deliver(
      infoRequest(
        '',
        '',
        Array.from({ length: 101 }, () => ({ prompt: 'p', echo: false })),
      ),
    );
    await expect(result).rejects.toBeInstanceOf(MalformedMessageError);
    expect(conn.disconnectedWith).toBeInstanceOf(ProtocolError);
  });

  it('a prompt count larger than the message is refused before reading', async () => {
    const { conn, auth } = setup();
    const result = auth.keyboardInteractive('gina', () => []);
    await conn.nextSent();
    const lying = new SSHWriter().byte(60).string('').string('').string('').uint32(50).finish().slice();
    conn.deliver(lying);
    await expect(result).rejects.toBeInstanceOf(ProtocolError);
  });
});

describe('banners (RFC 4252 §5.4)', () => {
  it('reach onBanner and the banners list before and during a method', async () => {
    const conn = new FakeConnection();
    const got: [string, string][] = [];
    const auth = new ClientAuth(conn, { onBanner: (m, l) => got.push([m, l]) });
    conn.deliver(banner('Welcome\r\n', 'en'));
    const pw = auth.password('h', 'p');
    await conn.nextSent();
    conn.deliver(banner('Authorized use only'));
    conn.deliver(success());
    await pw;
    expect(got).toEqual([
      ['Welcome\r\n', 'en'],
      ['Authorized use only', 'en'],
    ]);
    expect(auth.banners.map((b) => b.message)).toEqual(['Welcome\r\n', 'Authorized use only']);
  });

  it('are bounded in count and size', async () => {
    const { conn, auth } = setup();
    for (let i = 0; i < MAX_BANNERS + 10; i++) conn.deliver(banner(`banner ${i}`));
    expect(auth.banners).toHaveLength(MAX_BANNERS);
    const big = setup();
    for (let i = 0; i < 10; i++) big.conn.deliver(banner('x'.repeat(20_000)));
    expect(big.auth.banners.length).toBeLessThan(4);
    expect(conn.disconnectedWith).toBeUndefined();
  });

  it('invalid UTF-8 is shown with replacement characters, not a disconnect', () => {
    const { conn, auth } = setup();
    conn.deliver(
      new SSHWriter()
        .byte(53)
        .string(Uint8Array.of(0x48, 0xff, 0x49))
        .string('')
        .finish()
        .slice(),
    );
    expect(auth.banners[0]?.message).toBe('H\uFFFDI');
  });

  it('after USERAUTH_SUCCESS a banner is a protocol error', async () => {
    const { conn, auth } = setup();
    const pw = auth.password('h', 'p');
    await conn.nextSent();
    conn.deliver(success());
    await pw;
    conn.deliver(banner('late'));
    expect(conn.disconnectedWith).toBeInstanceOf(ProtocolError);
  });
});

describe('message legality (checklist §5.3)', () => {
  it('message 60 in reply to a none request ends the connection and rejects the request', async () => {
    const { conn, auth } = setup();
    const none = auth.none('i');
    await conn.nextSent();
    conn.deliver(pkOk('ssh-ed25519', new Uint8Array(4)));
    await expect(none).rejects.toBeInstanceOf(ProtocolError);
    expect(conn.disconnectedWith).toBeInstanceOf(ProtocolError);
    await expect(auth.none('i')).rejects.toBeInstanceOf(ProtocolError);
  });

  it('message 60 after the signed publickey request is a protocol error', async () => {
    const { conn, auth } = setup();
    const signer = nodeSigner('ed25519');
    const result = auth.publicKey('i', signer);
    await conn.nextSent();
    conn.deliver(pkOk('ssh-ed25519', signer.publicKey.blob));
    await conn.nextSent();
    conn.deliver(pkOk('ssh-ed25519', signer.publicKey.blob));
    await expect(result).rejects.toBeInstanceOf(ProtocolError);
  });

  it.each([
    ['USERAUTH_SUCCESS', success()],
    ['USERAUTH_FAILURE', failure(['password'])],
    ['message 60', pkOk('ssh-ed25519', new Uint8Array(4))],
  ])('unsolicited %s (no request outstanding) is a protocol error', (_name, message) => {
    const { conn, auth } = setup();
    conn.deliver(message);
    expect(conn.disconnectedWith).toBeInstanceOf(ProtocolError);
    expect(auth.authenticated).toBe(false);
    expect(conn.setAuthenticatedCalls).toBe(0);
  });

  it.each([
    [50, 'USERAUTH_REQUEST'],
    [61, 'USERAUTH_INFO_RESPONSE'],
  ])('client message %i (%s) from the server is a protocol error', async (type) => {
    const { conn, auth } = setup();
    const pending = auth.keyboardInteractive('i', () => []);
    await conn.nextSent();
    conn.deliver(Uint8Array.of(type, 0, 0, 0, 0));
    await expect(pending).rejects.toBeInstanceOf(ProtocolError);
  });

  it.each([80, 90, 94, 97, 100, 127])(
    'connection message %i before USERAUTH_SUCCESS is a protocol error',
    async (type) => {
      const { conn, auth } = setup();
      const pending = auth.password('i', 'p');
      await conn.nextSent();
      conn.deliver(Uint8Array.of(type, 0, 0, 0, 0));
      await expect(pending).rejects.toBeInstanceOf(ProtocolError);
      expect(conn.disconnectedWith?.message).toContain('before USERAUTH_SUCCESS');
    },
  );

  it('unassigned numbers in the auth range get UNIMPLEMENTED', () => {
    const { conn } = setup();
    conn.deliver(Uint8Array.of(54));
    conn.deliver(Uint8Array.of(79));
    expect(conn.unimplemented).toEqual([54, 79]);
    expect(conn.disconnectedWith).toBeUndefined();
  });

  it('after success, connection messages go to onConnectionMessage and auth messages are refused', async () => {
    const { conn, auth } = setup();
    const received: number[] = [];
    auth.onConnectionMessage = (p) => {
      received.push(p[0]!);
      return p[0] === 80;
    };
    const pw = auth.password('i', 'p');
    await conn.nextSent();
    conn.deliver(success());
    await pw;
    conn.deliver(Uint8Array.of(80));
    conn.deliver(Uint8Array.of(98));
    expect(received).toEqual([80, 98]);
    expect(conn.unimplemented).toEqual([98]);
    conn.deliver(success());
    expect(conn.disconnectedWith).toBeInstanceOf(ProtocolError);
  });

  it('a truncated USERAUTH_FAILURE is a malformed-message protocol error', async () => {
    const { conn, auth } = setup();
    const none = auth.none('i');
    await conn.nextSent();
    conn.deliver(Uint8Array.of(51, 0, 0, 0, 9, 0x61));
    await expect(none).rejects.toBeInstanceOf(MalformedMessageError);
  });

  it('one method at a time', async () => {
    const { conn, auth } = setup();
    const first = auth.none('i');
    await expect(auth.password('i', 'p')).rejects.toMatchObject({ code: 'ERR_AUTH_IN_PROGRESS' });
    await conn.nextSent();
    conn.deliver(failure(['password']));
    await first;
  });
});

describe('the connection closing', () => {
  it('rejects a pending method with the connection error, and later calls too', async () => {
    const { conn, auth } = setup();
    const pw = auth.password('j', 'p');
    await conn.nextSent();
    const error = new DisconnectError(11, 'bye', true);
    conn.close(error);
    await expect(pw).rejects.toBe(error);
    await expect(auth.none('j')).rejects.toBe(error);
  });

  it('rejects while a keyboard-interactive handler is still answering', async () => {
    const { conn, auth } = setup();
    let answer!: (r: string[]) => void;
    const result = auth.keyboardInteractive(
      'j',
      () => new Promise<string[]>((resolve) => (answer = resolve)),
    );
    await conn.nextSent();
    conn.deliver(infoRequest('', '', [{ prompt: 'p', echo: false }]));
    await settle();
    conn.close();
    answer(['x']);
    await expect(result).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('rejects while the signer is still signing (an agent)', async () => {
    const { conn, auth } = setup();
    const ed = nodeSigner('ed25519');
    let release!: () => void;
    const slow = {
      publicKey: ed.publicKey,
      sign: async (data: Uint8Array, algorithm?: string) => {
        await new Promise<void>((resolve) => (release = resolve));
        return ed.sign(data, algorithm);
      },
    };
    const result = auth.publicKey('j', slow);
    await conn.nextSent();
    conn.deliver(pkOk('ssh-ed25519', ed.publicKey.blob));
    await settle();
    conn.close();
    release();
    await expect(result).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('a method started after close rejects at once', async () => {
    const { conn, auth } = setup();
    conn.close();
    await settle();
    await expect(auth.keyboardInteractive('j', () => [])).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('a user name and method are echoed as sent (readRequest sanity)', async () => {
    const { conn, auth } = setup();
    void auth.none('ünïcode').catch(() => {});
    const r = readRequest(await conn.nextSent());
    expect(r).toMatchObject({ user: 'ünïcode', service: 'ssh-connection', method: 'none' });
    conn.close();
  });
});
