// Channel requests (RFC 4254 §5.4) and global requests (§4): neither reply names its request, so
// replies must go out in the order the requests came in, whatever order handlers finish in.
import { MalformedMessageError, MessageType, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { type DecodedPtyRequest, decodePtyRequest, encodeString } from '../src/index.js';
import { makeMux, openConfirmed, peer, state, tick } from './helpers.js';

const { CHANNEL_SUCCESS, CHANNEL_FAILURE, REQUEST_SUCCESS, REQUEST_FAILURE } = MessageType;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('our channel requests', () => {
  it('sends type, want_reply and data, and matches replies to requests in order', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const a = channel.request('exec', true, encodeString('ls'));
    const b = channel.request('env', true, new SSHWriter().string('A').string('1').finish());
    const c = channel.request('subsystem', true, encodeString('sftp'));
    const [first] = link.take();
    expect(first).toMatchObject({
      type: MessageType.CHANNEL_REQUEST,
      recipient: 1000,
      name: 'exec',
      wantReply: true,
    });
    expect(first?.rest).toEqual(encodeString('ls'));
    mux.handleMessage(peer.success(0));
    mux.handleMessage(peer.failure(0));
    expect(await state(c)).toBe('pending');
    mux.handleMessage(peer.success(0));
    expect(await Promise.all([a, b, c])).toEqual([true, false, true]);
  });

  it('resolves at once without want_reply (window-change, signal)', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    await channel.resizePty(120, 40, 960, 640);
    await channel.signal('SIGTERM');
    const [resize, signal] = link.take();
    expect(resize).toMatchObject({ name: 'window-change', wantReply: false });
    expect(resize?.rest).toEqual(new SSHWriter().uint32(120).uint32(40).uint32(960).uint32(640).finish());
    expect(signal).toMatchObject({ name: 'signal', wantReply: false });
    expect(signal?.rest).toEqual(new SSHWriter().string('TERM').finish());
  });
});

describe('channel requests from the peer', () => {
  it('answers in request order when onRequest finishes out of order', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const answers = [deferred<boolean>(), deferred<boolean>(), deferred<boolean>()];
    const seen: string[] = [];
    channel.onRequest = (type) => {
      seen.push(type);
      return answers[seen.length - 1]!.promise;
    };
    mux.handleMessage(peer.request(0, 'pty-req', true));
    mux.handleMessage(peer.request(0, 'env', true));
    mux.handleMessage(peer.request(0, 'shell', true));
    expect(seen).toEqual(['pty-req', 'env', 'shell']);
    answers[2]!.resolve(true);
    await tick();
    expect(link.take()).toEqual([]);
    answers[0]!.resolve(true);
    await tick();
    expect(link.take().map((m) => [m.type, m.recipient])).toEqual([[CHANNEL_SUCCESS, 1000]]);
    answers[1]!.reject(new Error('env refused'));
    await tick();
    expect(link.take().map((m) => m.type)).toEqual([CHANNEL_FAILURE, CHANNEL_SUCCESS]);
  });

  it('mixes synchronous and built-in answers into the same order', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const slow = deferred<boolean>();
    channel.onRequest = (type) => (type === 'slow' ? slow.promise : type === 'yes');
    mux.handleMessage(peer.request(0, 'slow', true));
    mux.handleMessage(peer.request(0, 'yes', true));
    mux.handleMessage(peer.request(0, 'exit-status', true, new Uint8Array(4)));
    mux.handleMessage(peer.request(0, 'no', true));
    expect(link.take()).toEqual([]);
    slow.resolve(false);
    await tick();
    expect(link.take().map((m) => m.type)).toEqual([
      CHANNEL_FAILURE,
      CHANNEL_SUCCESS,
      CHANNEL_SUCCESS,
      CHANNEL_FAILURE,
    ]);
  });

  it('answers an unknown request (keepalive@openssh.com) with CHANNEL_FAILURE, and nothing without want_reply', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux);
    mux.handleMessage(peer.request(0, 'keepalive@openssh.com', true));
    mux.handleMessage(peer.request(0, 'winadj@putty.projects.tartarus.org', false));
    mux.handleMessage(peer.request(0, 'keepalive@openssh.com', false));
    expect(link.take().map((m) => [m.type, m.recipient])).toEqual([[CHANNEL_FAILURE, 1000]]);
  });

  it('gives onRequest the data positioned after want_reply, and nothing is sent without want_reply', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    let decoded: DecodedPtyRequest | undefined;
    const wantReplies: boolean[] = [];
    channel.onRequest = (_type, data, wantReply) => {
      wantReplies.push(wantReply);
      decoded = decodePtyRequest(data);
      return true;
    };
    const pty = new SSHWriter()
      .string('vt100')
      .uint32(80)
      .uint32(24)
      .uint32(0)
      .uint32(0)
      .string(new Uint8Array([53, 0, 0, 0, 1, 0]))
      .finish();
    mux.handleMessage(peer.request(0, 'pty-req', false, pty));
    expect(wantReplies).toEqual([false]);
    expect(decoded).toEqual({
      term: 'vt100',
      cols: 80,
      rows: 24,
      widthPx: 0,
      heightPx: 0,
      modes: new Map([[53, 1]]),
    });
    expect(link.take()).toEqual([]);
  });

  it('fails the request (not the connection) when onRequest throws, e.g. on a truncated pty-req', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const errors: unknown[] = [];
    channel.onRequest = (_type, data) => {
      try {
        decodePtyRequest(data);
      } catch (e) {
        errors.push(e);
        throw e;
      }
      return true;
    };
    const truncated = new SSHWriter().string('vt100').uint32(80).finish();
    expect(() => mux.handleMessage(peer.request(0, 'pty-req', true, truncated))).not.toThrow();
    expect(errors[0]).toBeInstanceOf(MalformedMessageError);
    expect(link.take().map((m) => m.type)).toEqual([CHANNEL_FAILURE]);
  });
});

describe('global requests from the peer', () => {
  it('answers unknown requests with REQUEST_FAILURE, one per request wanting a reply', () => {
    const { link, mux } = makeMux();
    mux.handleMessage(peer.global('keepalive@openssh.com', true));
    mux.handleMessage(peer.global('hostkeys-00@openssh.com', false, new SSHWriter().string('blob').finish()));
    mux.handleMessage(peer.global('made-up@example.com', true));
    expect(link.take().map((m) => m.type)).toEqual([REQUEST_FAILURE, REQUEST_FAILURE]);
  });

  it('answers a request wanting no reply (hostkeys-00 from sshd) with an IGNORE: the ACK must not wait', () => {
    const { link, mux } = makeMux();
    let ignores = 0;
    Object.assign(link, { sendIgnore: () => ignores++ });
    mux.handleMessage(peer.global('hostkeys-00@openssh.com', false, new SSHWriter().string('blob').finish()));
    expect(ignores).toBe(1);
    mux.handleMessage(peer.global('keepalive@openssh.com', true));
    expect(ignores).toBe(1); // a reply is sent there anyway
    expect(link.take().map((m) => m.type)).toEqual([REQUEST_FAILURE]);
  });

  it('keeps replies in order when handlers answer asynchronously and out of order', async () => {
    const { link, mux } = makeMux();
    const first = deferred<boolean>();
    const second = deferred<{ success: boolean; data?: Uint8Array }>();
    mux.globalHandlers.set('first', () => first.promise);
    mux.globalHandlers.set('second', () => second.promise);
    mux.globalHandlers.set('third', () => true);
    mux.handleMessage(peer.global('first', true));
    mux.handleMessage(peer.global('second', true));
    mux.handleMessage(peer.global('unknown', true));
    mux.handleMessage(peer.global('third', true));
    second.resolve({ success: true, data: new Uint8Array([1, 2]) });
    await tick();
    expect(link.take()).toEqual([]);
    first.resolve(false);
    await tick();
    expect(link.take().map((m) => [m.type, [...(m.rest ?? [])]])).toEqual([
      [REQUEST_FAILURE, []],
      [REQUEST_SUCCESS, [1, 2]],
      [REQUEST_FAILURE, []],
      [REQUEST_SUCCESS, []],
    ]);
  });

  it('sends nothing for want_reply false, whatever the handler answers', async () => {
    const { link, mux } = makeMux();
    const wantReplies: boolean[] = [];
    mux.globalHandlers.set('note', (_data, wantReply) => {
      wantReplies.push(wantReply);
      return wantReplies.length === 1 ? true : Promise.reject(new Error('ignored'));
    });
    mux.handleMessage(peer.global('note', false));
    mux.handleMessage(peer.global('note', false));
    await tick();
    expect(wantReplies).toEqual([false, false]);
    expect(link.take()).toEqual([]);
  });

  it('answers tcpip-forward with REQUEST_SUCCESS carrying the bound port', () => {
    const { link, mux } = makeMux();
    const binds: [string, number][] = [];
    mux.globalHandlers.set('tcpip-forward', (data) => {
      binds.push([data.utf8('address to bind'), data.uint32('port to bind')]);
      return { success: true, data: new SSHWriter().uint32(41234).finish() };
    });
    mux.handleMessage(
      peer.global('tcpip-forward', true, new SSHWriter().string('localhost').uint32(0).finish()),
    );
    expect(binds).toEqual([['localhost', 0]]);
    const [reply] = link.take();
    expect(reply?.type).toBe(REQUEST_SUCCESS);
    expect(reply?.rest).toEqual(new Uint8Array([0, 0, 0xa1, 0x12]));
    // Failure never carries data.
    mux.globalHandlers.set('cancel-tcpip-forward', () => ({ success: false, data: new Uint8Array([9]) }));
    mux.handleMessage(peer.global('cancel-tcpip-forward', true));
    expect(link.take().map((m) => [m.type, m.rest?.length])).toEqual([[REQUEST_FAILURE, 0]]);
  });

  it('answers REQUEST_FAILURE when a handler throws or rejects', async () => {
    const { link, mux } = makeMux();
    mux.globalHandlers.set('throws', () => {
      throw new TypeError('handler bug');
    });
    mux.globalHandlers.set('rejects', () => Promise.reject(new Error('no')));
    expect(() => mux.handleMessage(peer.global('throws', true))).not.toThrow();
    mux.handleMessage(peer.global('rejects', true));
    expect(() => mux.handleMessage(peer.global('throws', false))).not.toThrow();
    await tick();
    expect(link.take().map((m) => m.type)).toEqual([REQUEST_FAILURE, REQUEST_FAILURE]);
  });
});

describe('our global requests', () => {
  it('go through the link, which orders the replies', async () => {
    const { link, mux } = makeMux();
    const data = new SSHWriter().string('').uint32(0).finish();
    const asking = mux.globalRequest('tcpip-forward', true, data);
    expect(mux.globalRequest('no-more-sessions@openssh.com', false)).toBeUndefined();
    expect(link.globalCalls.map((c) => [c.name, c.wantReply, c.data])).toEqual([
      ['tcpip-forward', true, data],
      ['no-more-sessions@openssh.com', false, undefined],
    ]);
    link.globalCalls[0]!.resolve({ success: true, data: new Uint8Array([0, 0, 0, 80]) });
    expect(await asking).toEqual({ success: true, data: new Uint8Array([0, 0, 0, 80]) });
  });
});
