// The open handshake (RFC 4254 §5.1) both ways: our CHANNEL_OPEN and the peer's CONFIRMATION or
// FAILURE; channel numbers reused only after CLOSE went both ways (§5.3); the channel limit; and
// opens from the peer — refused with the right reason code when nobody asked for that type.
import {
  ChannelOpenError,
  ChannelOpenFailureReason,
  MessageType,
  ProtocolError,
  SSHError,
  SSHWriter,
} from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { decodeTcpipChannel, type IncomingChannelOpen } from '../src/index.js';
import { makeMux, openConfirmed, peer, state, tick } from './helpers.js';

const { ADMINISTRATIVELY_PROHIBITED, CONNECT_FAILED, UNKNOWN_CHANNEL_TYPE, RESOURCE_SHORTAGE } =
  ChannelOpenFailureReason;

describe('opening a channel', () => {
  it('sends CHANNEL_OPEN with our id, window, maximum packet and type-specific data', async () => {
    const { link, mux } = makeMux({ window: 4096, maxPacket: 1024 });
    const extra = new SSHWriter().string('example.com').uint32(22).string('127.0.0.1').uint32(5555).finish();
    const opening = mux.open('direct-tcpip', extra);
    const [open] = link.take();
    expect(open).toMatchObject({ type: MessageType.CHANNEL_OPEN, name: 'direct-tcpip', sender: 0 });
    expect([open?.window, open?.maxPacket]).toEqual([4096, 1024]);
    expect(open?.rest).toEqual(extra);
    expect(mux.size).toBe(1);
    mux.handleMessage(peer.confirm(0, 77, 500, 100));
    const channel = await opening;
    expect([channel.id, channel.remoteId, channel.type]).toEqual([0, 77, 'direct-tcpip']);
    // The peer's window and maximum packet from the confirmation govern our sending.
    void channel.write(new Uint8Array(600));
    expect(link.take().map((m) => [m.recipient, m.data?.length])).toEqual([
      [77, 100],
      [77, 100],
      [77, 100],
      [77, 100],
      [77, 100],
    ]);
  });

  it('per-open options override the mux defaults', async () => {
    const { link, mux } = makeMux();
    void mux.open('session', undefined, { window: 1234, maxPacket: 567 });
    expect(link.take()[0]).toMatchObject({ window: 1234, maxPacket: 567 });
  });

  it.each([
    [ADMINISTRATIVELY_PROHIBITED, 'administratively prohibited'],
    [CONNECT_FAILED, 'connect failed: Connection refused'],
    [UNKNOWN_CHANNEL_TYPE, 'unknown channel type'],
    [RESOURCE_SHORTAGE, 'resource shortage'],
    [0xffffffff, 'a reason no RFC defines'],
  ])('rejects with ChannelOpenError(reason %i) on OPEN_FAILURE and frees the id', async (reason, text) => {
    const { link, mux } = makeMux();
    const opening = mux.open('session');
    link.take();
    mux.handleMessage(peer.openFailure(0, reason, text, 'en'));
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelOpenError);
    expect(error).toMatchObject({ reason, description: text, code: 'ERR_CHANNEL_OPEN' });
    expect(mux.size).toBe(0);
    void mux.open('session');
    expect(link.take()[0]?.sender).toBe(0);
  });

  it('reuses a channel number only after CLOSE was both sent and received', async () => {
    const { link, mux } = makeMux();
    const a = await openConfirmed(link, mux);
    expect(a.id).toBe(0);
    const closing = a.close(); // sent, not yet received
    const b = await openConfirmed(link, mux);
    expect(b.id).toBe(1);
    mux.handleMessage(peer.close(0)); // now both ways
    await closing;
    const closes = () =>
      link
        .take()
        .filter((m) => m.type === MessageType.CHANNEL_CLOSE)
        .map((m) => m.recipient);
    expect(closes()).toEqual([a.remoteId]); // our one CLOSE, not a second in answer
    const c = await openConfirmed(link, mux);
    expect(c.id).toBe(0);
    // The peer closes first: we answer with CLOSE, and the number is free at once.
    mux.handleMessage(peer.close(1));
    expect(closes()).toEqual([b.remoteId]);
    const d = await openConfirmed(link, mux);
    expect(d.id).toBe(1);
  });

  it('refuses to open more than maxChannels, counting opens still pending', async () => {
    const { link, mux } = makeMux({ maxChannels: 2 });
    await openConfirmed(link, mux);
    const pending = mux.open('session');
    link.take();
    const error = await mux.open('session').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_CHANNELS' });
    expect(link.take()).toEqual([]);
    mux.handleMessage(peer.openFailure(1, CONNECT_FAILED, 'no'));
    await expect(pending).rejects.toBeInstanceOf(ChannelOpenError);
    await openConfirmed(link, mux);
    expect(mux.size).toBe(2);
  });

  it('rejects bad window options without using up a channel number', async () => {
    const { link, mux } = makeMux();
    await expect(mux.open('session', undefined, { window: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(mux.open('session', undefined, { maxPacket: 2 ** 32 })).rejects.toBeInstanceOf(RangeError);
    expect(link.take()).toEqual([]);
    void mux.open('session');
    expect(link.take()[0]?.sender).toBe(0);
  });

  it('treats a confirmation with maximum packet 0 as a protocol error and keeps the open pending', async () => {
    const { link, mux } = makeMux();
    const opening = mux.open('session');
    link.take();
    let thrown: unknown;
    try {
      mux.handleMessage(peer.confirm(0, 5, 1000, 0));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    // The transport disconnects with that error; the open must then fail with it, not hang.
    expect(await state(opening)).toBe('pending');
    link.die(thrown as ProtocolError);
    await expect(opening).rejects.toBe(thrown);
  });
});

describe('opens from the peer', () => {
  it.each([
    ['x11', ADMINISTRATIVELY_PROHIBITED],
    ['forwarded-tcpip', ADMINISTRATIVELY_PROHIBITED],
    ['forwarded-streamlocal@openssh.com', ADMINISTRATIVELY_PROHIBITED],
    ['auth-agent@openssh.com', ADMINISTRATIVELY_PROHIBITED],
    ['session', UNKNOWN_CHANNEL_TYPE],
    ['direct-tcpip', UNKNOWN_CHANNEL_TYPE],
    ['tun@openssh.com', UNKNOWN_CHANNEL_TYPE],
    ['made-up@example.com', UNKNOWN_CHANNEL_TYPE],
  ])('refuses %s without a handler with reason %i', (type, reason) => {
    const { link, mux } = makeMux();
    expect(mux.handleMessage(peer.open(type, 42, 65536, 32768))).toBe(true);
    const [reply] = link.take();
    expect(reply).toMatchObject({ type: MessageType.CHANNEL_OPEN_FAILURE, recipient: 42, reason });
    expect(reply?.rest).toHaveLength(0);
    expect(mux.size).toBe(0);
  });

  it('accepts later from an async handler, with the type-specific data positioned for decoding', async () => {
    const { link, mux } = makeMux({ window: 8192, maxPacket: 4096 });
    let incoming: IncomingChannelOpen | undefined;
    mux.openHandlers.set('forwarded-tcpip', async (open) => {
      await tick();
      incoming = open;
    });
    const extra = new SSHWriter().string('0.0.0.0').uint32(8080).string('203.0.113.9').uint32(4242).finish();
    mux.handleMessage(peer.open('forwarded-tcpip', 9, 100, 50, extra));
    expect(link.take()).toEqual([]);
    await tick();
    await tick();
    expect(incoming?.type).toBe('forwarded-tcpip');
    expect(decodeTcpipChannel(incoming!.data)).toEqual({
      target: { host: '0.0.0.0', port: 8080 },
      origin: { host: '203.0.113.9', port: 4242 },
    });
    const channel = incoming!.accept();
    const [confirm] = link.take();
    expect(confirm).toMatchObject({
      type: MessageType.CHANNEL_OPEN_CONFIRMATION,
      recipient: 9,
      sender: channel.id,
      window: 8192,
      maxPacket: 4096,
    });
    expect([channel.remoteId, channel.type]).toEqual([9, 'forwarded-tcpip']);
    mux.handleMessage(peer.data(channel.id, 'hi'));
    expect(new TextDecoder().decode(await channel.stdout.read())).toBe('hi');
    // The peer's window (100) and packet (50) from its open apply to our writes.
    void channel.write(new Uint8Array(120));
    expect(link.take().map((m) => m.data?.length)).toEqual([50, 50]);
    expect(() => incoming!.accept()).toThrow(expect.objectContaining({ code: 'ERR_ANSWERED' }));
  });

  it('refuses with CONNECT_FAILED when the handler throws or rejects', async () => {
    const { link, mux } = makeMux();
    mux.openHandlers.set('x11', () => {
      throw new Error('no display');
    });
    mux.openHandlers.set('auth-agent@openssh.com', async () => {
      throw new Error('no agent');
    });
    mux.handleMessage(peer.open('x11', 1, 1000, 1000));
    mux.handleMessage(peer.open('auth-agent@openssh.com', 2, 1000, 1000));
    await tick();
    const replies = link.take();
    expect(replies.map((m) => [m.type, m.recipient, m.reason, m.description])).toEqual([
      [MessageType.CHANNEL_OPEN_FAILURE, 1, CONNECT_FAILED, 'no display'],
      [MessageType.CHANNEL_OPEN_FAILURE, 2, CONNECT_FAILED, 'no agent'],
    ]);
  });

  it('lets a handler refuse with its own reason, once', () => {
    const { link, mux } = makeMux();
    mux.openHandlers.set('direct-tcpip', (open) => {
      open.reject(ADMINISTRATIVELY_PROHIBITED, 'not allowed here');
      open.reject(CONNECT_FAILED, 'twice');
    });
    mux.handleMessage(peer.open('direct-tcpip', 3, 1000, 1000));
    expect(link.take().map((m) => [m.recipient, m.reason, m.description])).toEqual([
      [3, ADMINISTRATIVELY_PROHIBITED, 'not allowed here'],
    ]);
  });

  it('refuses an open with maximum packet 0 without asking the handler', () => {
    const { link, mux } = makeMux();
    let asked = false;
    mux.openHandlers.set('session', () => {
      asked = true;
    });
    mux.handleMessage(peer.open('session', 4, 1000, 0));
    const [reply] = link.take();
    expect(reply).toMatchObject({ type: MessageType.CHANNEL_OPEN_FAILURE, recipient: 4 });
    expect(asked).toBe(false);
  });

  it('refuses with RESOURCE_SHORTAGE when accepting would exceed maxChannels', async () => {
    const { link, mux } = makeMux({ maxChannels: 1 });
    await openConfirmed(link, mux);
    let error: unknown;
    mux.openHandlers.set('x11', (open) => {
      try {
        open.accept();
      } catch (e) {
        error = e;
        throw e;
      }
    });
    mux.handleMessage(peer.open('x11', 5, 1000, 1000));
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_CHANNELS' });
    expect(link.take().map((m) => [m.type, m.recipient, m.reason])).toEqual([
      [MessageType.CHANNEL_OPEN_FAILURE, 5, RESOURCE_SHORTAGE],
    ]);
  });

  it('answers a handler that accepts with bad options (RangeError) with CONNECT_FAILED', () => {
    const { link, mux } = makeMux();
    mux.openHandlers.set('x11', (open) => {
      open.accept({ window: -1 });
    });
    mux.handleMessage(peer.open('x11', 6, 1000, 1000));
    expect(link.take().map((m) => [m.type, m.recipient, m.reason])).toEqual([
      [MessageType.CHANNEL_OPEN_FAILURE, 6, CONNECT_FAILED],
    ]);
    expect(mux.size).toBe(0);
  });
});
