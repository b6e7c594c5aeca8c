// The transport's message rules before the first NEWKEYS (checklist §3.3, §3.11, §5.3), driven by
// a scripted server that writes plaintext packets. A stub kex method stands in for @sshts/kex
// (which the transport may not import): it sends an INIT and records what it receives.
import { DisconnectError, DisconnectReason, MessageType, NegotiationError, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import type { KexMethod } from '../src/kex-method.js';
import { encodeKexInit } from '../src/kexinit.js';
import { nobleProvider } from '../src/noble-provider.js';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import { TransportConnection } from '../src/transport-connection.js';
import { algorithmLists } from './helpers.js';

function stubKex() {
  const received: number[] = [];
  const method: KexMethod = {
    name: 'stub-kex@sshts.test',
    hash: 'sha256',
    client: () => ({
      start: () => [new Uint8Array([30, 0, 0, 0, 0])],
      receive: (payload) => {
        received.push(payload[0]!);
        return { send: [] };
      },
    }),
    server: () => {
      throw new Error('unused');
    },
  };
  return { method, received };
}

const STRICT = ['stub-kex@sshts.test', 'kex-strict-s-v00@openssh.com'];
const LOOSE = ['stub-kex@sshts.test'];

function scripted() {
  const { method, received } = stubKex();
  const conn = new TransportConnection({
    role: 'client',
    provider: nobleProvider,
    kexMethods: [method],
    algorithms: {
      kex: ['stub-kex@sshts.test'],
      hostKey: ['ssh-ed25519'],
      cipher: ['aes128-ctr'],
      mac: ['hmac-sha2-256'],
    },
  });
  const handshake = conn.handshake();
  handshake.catch(() => {});
  const server = new PacketEncoder(nobleProvider.primitives);
  conn.receive(new TextEncoder().encode('SSH-2.0-scripted_1\r\n'));
  const send = (payload: Uint8Array) => conn.receive(server.encode(payload));
  const kexinit = (kex: string[], follows = false, hostKey = ['ssh-ed25519']) =>
    send(encodeKexInit(algorithmLists({ kex, hostKey }), new Uint8Array(16), follows).payload);
  /** The messages the client sent, decoded (all plaintext before NEWKEYS). */
  const sent = () => {
    const chunks = conn.takeOutput();
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    const lf = all.indexOf(0x0a);
    const decoder = new PacketDecoder(nobleProvider.primitives);
    decoder.push(all.slice(lf + 1));
    const out: Uint8Array[] = [];
    for (let p = decoder.next(); p; p = decoder.next()) out.push(p.slice());
    return out;
  };
  const disconnectReason = () => {
    const d = sent().find((p) => p[0] === MessageType.DISCONNECT);
    return d ? new DataView(d.buffer, d.byteOffset).getUint32(1) : undefined;
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { conn, send, kexinit, sent, disconnectReason, received, settle, handshake };
}

const ignore = new SSHWriter().byte(MessageType.IGNORE).string('x').finish();

describe('strict kex rules (checklist §3.11)', () => {
  it('IGNORE after a strict KEXINIT ends the connection with PROTOCOL_ERROR', async () => {
    const s = scripted();
    s.kexinit(STRICT);
    s.send(ignore);
    const closed = await s.conn.closed;
    expect(closed.reason).toMatch(/IGNORE during strict key exchange/);
    expect(s.disconnectReason()).toBe(DisconnectReason.PROTOCOL_ERROR);
  });

  it('a strict KEXINIT that is not the first packet ends the connection', async () => {
    const s = scripted();
    s.send(ignore);
    s.kexinit(STRICT);
    expect((await s.conn.closed).reason).toMatch(/KEXINIT was not the first packet/);
  });

  it('without strict kex, IGNORE before KEXINIT is fine and the exchange goes on', async () => {
    const s = scripted();
    s.send(ignore);
    s.kexinit(LOOSE);
    await s.settle();
    expect(s.conn.strictKex).toBe(false);
    expect(s.sent().map((p) => p[0])).toEqual([MessageType.KEXINIT, 30]);
  });
});

describe('message legality during the initial key exchange (checklist §5.3)', () => {
  it.each([
    ['USERAUTH_SUCCESS', new Uint8Array([MessageType.USERAUTH_SUCCESS])],
    ['CHANNEL_OPEN', new Uint8Array([MessageType.CHANNEL_OPEN])],
    ['NEWKEYS before the reply', new Uint8Array([MessageType.NEWKEYS])],
    ['EXT_INFO before NEWKEYS', new SSHWriter().byte(MessageType.EXT_INFO).uint32(0).finish()],
    ['SERVICE_ACCEPT', new SSHWriter().byte(MessageType.SERVICE_ACCEPT).string('ssh-userauth').finish()],
    ['a second KEXINIT', encodeKexInit(algorithmLists({ kex: LOOSE }), new Uint8Array(16)).payload],
  ])('%s ends the connection', async (_name, payload) => {
    const s = scripted();
    s.kexinit(LOOSE);
    s.send(payload);
    const closed = await s.conn.closed;
    expect(closed.code).toBe(DisconnectReason.PROTOCOL_ERROR);
    expect(s.disconnectReason()).toBe(DisconnectReason.PROTOCOL_ERROR);
  });

  it("the server's DISCONNECT closes with a DisconnectError from the peer", async () => {
    const s = scripted();
    s.send(new SSHWriter().byte(MessageType.DISCONNECT).uint32(11).string('bye').string('').finish());
    const closed = await s.conn.closed;
    expect(closed.error).toBeInstanceOf(DisconnectError);
    expect(closed.error).toMatchObject({ fromPeer: true, reason: 11, description: 'bye' });
    await expect(s.handshake).rejects.toBeInstanceOf(DisconnectError);
  });

  it('a pseudo-algorithm is never negotiated: NegotiationError, KEY_EXCHANGE_FAILED', async () => {
    const s = scripted();
    s.kexinit(['kex-strict-s-v00@openssh.com', 'ext-info-s']);
    const closed = await s.conn.closed;
    expect(closed.error).toBeInstanceOf(NegotiationError);
    expect(s.disconnectReason()).toBe(DisconnectReason.KEY_EXCHANGE_FAILED);
  });
});

describe('guessed kex packets (RFC 4253 §7.1)', () => {
  it('ignores exactly one packet after a wrong guess', async () => {
    const s = scripted();
    s.kexinit(['other-kex', 'stub-kex@sshts.test'], true);
    s.send(new Uint8Array([30, 1])); // the server's guessed packet for other-kex
    s.send(new Uint8Array([31, 2]));
    await s.settle();
    expect(s.received).toEqual([31]);
  });

  it('keeps the packet after a right guess', async () => {
    const s = scripted();
    s.kexinit(['stub-kex@sshts.test'], true);
    s.send(new Uint8Array([31, 1]));
    await s.settle();
    expect(s.received).toEqual([31]);
  });
});

describe('what we send', () => {
  it('never a message ≥ 192 unless the peer advertised it, and holds data until keys exist', async () => {
    const s = scripted();
    expect(() => s.conn.send(new Uint8Array([192]))).toThrow(RangeError);
    s.conn.send(new Uint8Array([MessageType.IGNORE + 48])); // 50, an upper-layer message
    expect(s.sent().map((p) => p[0])).toEqual([MessageType.KEXINIT]); // held: no keys yet
  });

  it('puts ext-info-c last and the strict marker in the first KEXINIT (paramiko ≤ 3.3 quirk)', () => {
    const s = scripted();
    const kexinit = s.sent()[0]!;
    const text = new TextDecoder('latin1').decode(kexinit);
    expect(text).toContain('stub-kex@sshts.test,kex-strict-c-v00@openssh.com,ext-info-c');
  });
});
