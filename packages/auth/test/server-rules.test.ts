// The server's message-legality rules (checklist §4 and §12 C as bad-input tests): a client that
// sends a server's messages (libssh CVE-2018-10933, paramiko CVE-2018-1000805), an INFO_RESPONSE
// nobody asked for, or connection-protocol messages before USERAUTH_SUCCESS (paramiko
// CVE-2018-7750, Erlang/OTP CVE-2025-32433, wolfSSH CVE-2024-2873) is disconnected and never
// authenticated; malformed requests are protocol errors; after SUCCESS the connection layer gets
// messages ≥ 80 and further requests are ignored (RFC 4252 §5.1).
import { DisconnectReason, ProtocolError, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { MAX_QUEUED_REQUESTS } from '../src/server-auth-limits.js';
import { type Pair, pair, raw, request, settle } from './server-helpers.js';

const RIGHT = 'correct horse battery staple';
const passwordRequest = (p: string, user = 'u') =>
  request(user, 'password', (w) => w.boolean(false).string(p));

function server(): Pair {
  return raw({ password: (_u, p) => p === RIGHT, keyboardInteractive: () => true, none: false });
}

async function expectProtocolError(p: Pair, what?: RegExp): Promise<void> {
  await settle();
  expect(p.server.disconnects).toHaveLength(1);
  expect(p.server.disconnects[0]?.reason).toBe(DisconnectReason.PROTOCOL_ERROR);
  if (what) expect(p.server.disconnects[0]?.description).toMatch(what);
  expect(p.server.thrown.every((e) => e instanceof ProtocolError)).toBe(true);
  expect(p.serverAuth.authenticated).toBe(false);
  expect(p.server.setAuthenticatedCalls).toBe(0);
  expect(p.server.sentTypes).not.toContain(52);
  await expect(p.serverAuth.whenAuthenticated()).rejects.toBeInstanceOf(ProtocolError);
  // Nothing is answered any more, not even a right password.
  const before = p.server.sent.length;
  p.serverAuth.handleMessage(passwordRequest(RIGHT));
  await settle();
  expect(p.server.sent.length).toBe(before);
  expect(p.serverAuth.authenticated).toBe(false);
}

describe('server messages from the client', () => {
  for (const [type, name] of [
    [51, 'USERAUTH_FAILURE'],
    [52, 'USERAUTH_SUCCESS'],
    [53, 'USERAUTH_BANNER'],
    [60, 'USERAUTH_PK_OK/…'],
  ] as const) {
    it(`${name} (${type}) first, or after a request, is a protocol error`, async () => {
      const first = server();
      first.server.deliver(Uint8Array.of(type));
      await expectProtocolError(first, /server message/);

      const later = server();
      later.server.deliver(passwordRequest('wrong'));
      await settle();
      later.server.deliver(
        type === 51 ? new SSHWriter().byte(51).nameList([]).boolean(false).finish() : Uint8Array.of(type),
      );
      await expectProtocolError(later);
    });
  }

  it('CVE-2018-10933: USERAUTH_SUCCESS then CHANNEL_OPEN never reaches the connection layer', async () => {
    const p = server();
    const reached: number[] = [];
    p.serverAuth.onConnectionMessage = (m) => {
      reached.push(m[0] ?? 0);
      return true;
    };
    p.server.deliver(Uint8Array.of(52));
    p.server.deliver(
      new SSHWriter()
        .byte(90)
        .string('session')
        .uint32(0)
        .uint32(1 << 21)
        .uint32(1 << 15)
        .finish(),
    );
    await expectProtocolError(p);
    expect(reached).toEqual([]);
  });

  it('INFO_RESPONSE without an INFO_REQUEST, or while another method is pending', async () => {
    const none = server();
    none.server.deliver(new SSHWriter().byte(61).uint32(0).finish());
    await expectProtocolError(none, /without an INFO_REQUEST/);

    const pending = raw({ password: () => new Promise<boolean>(() => {}) });
    pending.server.deliver(passwordRequest('x'));
    await settle();
    pending.server.deliver(new SSHWriter().byte(61).uint32(0).finish());
    await expectProtocolError(pending);
  });
});

describe('connection-protocol messages before USERAUTH_SUCCESS', () => {
  it('every message 80–255 is a protocol error, first or mid-authentication', async () => {
    for (let type = 80; type <= 255; type++) {
      const p = server();
      if (type % 2) {
        p.server.deliver(passwordRequest('wrong'));
        await settle();
      }
      p.server.deliver(Uint8Array.of(type, 0, 0, 0, 0));
      await expectProtocolError(p, /before USERAUTH_SUCCESS/);
    }
  });

  it('even while a right password is being answered (before SUCCESS is sent)', async () => {
    const p = raw({ password: (_u, pw) => pw === RIGHT, failureDelay: 10 });
    p.server.deliver(passwordRequest(RIGHT));
    await settle();
    p.server.deliver(new SSHWriter().byte(90).string('session').uint32(0).uint32(0).uint32(0).finish());
    await p.timer.advance(20);
    await expectProtocolError(p);
  });

  it('unassigned numbers 54–59 and 62–79 are UNIMPLEMENTED, not an error', async () => {
    const p = server();
    const unassigned = [54, 55, 56, 57, 58, 59, ...Array.from({ length: 18 }, (_, i) => 62 + i)];
    for (const type of unassigned) p.server.deliver(Uint8Array.of(type));
    expect(p.server.unimplemented).toEqual(unassigned);
    expect(p.server.disconnects).toEqual([]);
    p.server.deliver(passwordRequest(RIGHT));
    await settle();
    expect(p.serverAuth.authenticated).toBe(true);
  });
});

describe('malformed requests', () => {
  const cases: [string, Uint8Array][] = [
    ['an empty request', Uint8Array.of(50)],
    ['a truncated user', Uint8Array.of(50, 0, 0, 0, 9, 0x61)],
    ['a string length of 2^32 − 1', Uint8Array.of(50, 0xff, 0xff, 0xff, 0xff, 0x61)],
    ['a user with NUL', request('ro\0ot', 'none')],
    [
      'a user that is not UTF-8',
      new SSHWriter()
        .byte(50)
        .string(Uint8Array.of(0xc3, 0x28))
        .string('ssh-connection')
        .string('none')
        .finish(),
    ],
    ['a password request without its password', request('u', 'password', (w) => w.boolean(false))],
    ['bytes after the password', request('u', 'password', (w) => w.boolean(false).string(RIGHT).byte(0))],
    ['bytes after none', request('u', 'none', (w) => w.byte(1))],
    [
      'a truncated publickey request',
      request('u', 'publickey', (w) => w.boolean(true).string('ssh-ed25519')),
    ],
    [
      'a keyboard-interactive request without submethods',
      request('u', 'keyboard-interactive', (w) => w.string('')),
    ],
  ];
  for (const [what, payload] of cases) {
    it(`${what}: protocol error`, async () => {
      const p = raw({
        password: (_u, pw) => pw === RIGHT,
        none: true,
        publicKey: () => true,
        keyboardInteractive: () => true,
      });
      p.server.deliver(payload);
      await expectProtocolError(p);
    });
  }

  it(`more than ${MAX_QUEUED_REQUESTS} requests waiting for answers: protocol error`, async () => {
    const p = raw({ password: () => new Promise<boolean>(() => {}) });
    for (let i = 0; i <= MAX_QUEUED_REQUESTS; i++) p.server.deliver(passwordRequest(`${i}`));
    expect(p.server.disconnects).toEqual([]);
    p.server.deliver(passwordRequest('one more'));
    await expectProtocolError(p, /too many requests/);
  });
});

describe('after USERAUTH_SUCCESS', () => {
  it('messages ≥ 80 go to onConnectionMessage; its false means UNIMPLEMENTED', async () => {
    const p = pair({ password: () => true });
    await p.clientAuth.password('u', 'p');
    const got: number[] = [];
    p.serverAuth.onConnectionMessage = (m) => {
      got.push(m[0] ?? 0);
      return m[0] === 90;
    };
    p.server.deliver(Uint8Array.of(90, 1));
    p.server.deliver(Uint8Array.of(80, 1));
    expect(got).toEqual([90, 80]);
    expect(p.server.unimplemented).toEqual([80]);
  });

  it('further requests are silently ignored (RFC 4252 §5.1); server messages and INFO_RESPONSE are errors', async () => {
    const p = raw({ password: () => true });
    p.server.deliver(passwordRequest('x'));
    await settle();
    expect(p.server.sentTypes).toEqual([52]);
    p.server.deliver(passwordRequest('x'));
    p.server.deliver(request('someone-else', 'none'));
    await settle();
    expect(p.server.sentTypes).toEqual([52]);
    expect(p.server.disconnects).toEqual([]);
    p.server.deliver(Uint8Array.of(52));
    expect(p.server.disconnects[0]?.reason).toBe(DisconnectReason.PROTOCOL_ERROR);
    expect(p.serverAuth.result?.user).toBe('u'); // what was decided stays decided

    const q = raw({ password: () => true });
    q.server.deliver(passwordRequest('x'));
    await settle();
    q.server.deliver(new SSHWriter().byte(61).uint32(0).finish());
    expect(q.server.disconnects[0]?.description).toMatch(/after USERAUTH_SUCCESS/);
  });
});
