// Bad input from the peer (checklist §12 D): each case must throw a typed ProtocolError (or its
// subclass MalformedMessageError) out of handleMessage — the transport turns that into a
// DISCONNECT — and never an exception of another type.
import { MalformedMessageError, MessageType, ProtocolError, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import type { ChannelMux } from '../src/index.js';
import { type FakeLink, makeMux, openConfirmed, peer, state } from './helpers.js';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectProtocolError(
  fn: () => unknown,
  type: abstract new (...args: never[]) => ProtocolError = ProtocolError,
): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(type);
}

/** Each per-channel message type, addressed to `id`. */
const perChannel = (id: number): [string, Uint8Array][] => [
  ['WINDOW_ADJUST', peer.adjust(id, 1)],
  ['DATA', peer.data(id, 'x')],
  ['EXTENDED_DATA', peer.extended(id, 1, 'x')],
  ['EOF', peer.eof(id)],
  ['CLOSE', peer.close(id)],
  ['REQUEST', peer.request(id, 'keepalive@openssh.com', true)],
  ['SUCCESS', peer.success(id)],
  ['FAILURE', peer.failure(id)],
];

/** A mux with channel 0 open, channel 1 closed both ways (free), channel 2 still opening. */
async function threeChannels(): Promise<{ link: FakeLink; mux: ChannelMux }> {
  const { link, mux } = makeMux();
  await openConfirmed(link, mux);
  const freed = await openConfirmed(link, mux);
  void mux.open('session');
  mux.handleMessage(peer.close(freed.id)); // we answer with CLOSE: both ways, id 1 is free
  await freed.closed;
  link.take();
  return { link, mux };
}

describe('messages for channels that are not open', () => {
  it('throws for ids never allocated, freed, 2^32−1, or still opening — every message type', async () => {
    const fixture = await threeChannels();
    const ids = [
      ['never allocated (= count)', 3],
      ['never allocated', 77],
      ['freed', 1],
      ['2^32−1', 0xffffffff],
      ['still opening', 2],
    ] as const;
    for (const [label, id] of ids) {
      for (const [name, message] of perChannel(id)) {
        const error = thrownBy(() => fixture.mux.handleMessage(message));
        expect(error, `${name} for ${label}`).toBeInstanceOf(ProtocolError);
      }
    }
    // Channel 0 is still fine after all that.
    expect(fixture.mux.handleMessage(peer.data(0, 'ok'))).toBe(true);
  });

  it('throws for an id freed after we closed first', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const closing = channel.close(); // ours first, then the peer's: the id is freed
    mux.handleMessage(peer.close(0));
    await closing;
    for (const [name, message] of perChannel(0)) {
      expect(
        thrownBy(() => mux.handleMessage(message)),
        name,
      ).toBeInstanceOf(ProtocolError);
    }
  });

  it('throws for open replies to channels that are not opening', async () => {
    const { mux } = await threeChannels();
    for (const id of [0, 1, 3, 0xffffffff]) {
      expectProtocolError(() => mux.handleMessage(peer.confirm(id, 5, 100, 100)));
      expectProtocolError(() => mux.handleMessage(peer.openFailure(id, 2, 'no')));
    }
  });

  it('throws on a second CLOSE (after the peer closed, and after both closed)', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux);
    mux.handleMessage(peer.close(0));
    expectProtocolError(() => mux.handleMessage(peer.close(0)));
    const other = await openConfirmed(link, mux);
    void other.close();
    mux.handleMessage(peer.close(other.id));
    expectProtocolError(() => mux.handleMessage(peer.close(other.id)));
  });
});

describe('window and packet accounting', () => {
  it('throws when WINDOW_ADJUST would push the peer window past 2^32−1', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux, { window: 0xffffffff - 10 });
    mux.handleMessage(peer.adjust(0, 10)); // exactly 2^32−1: allowed
    expectProtocolError(() => mux.handleMessage(peer.adjust(0, 1)));
    const second = await openConfirmed(link, mux, { window: 100 });
    expectProtocolError(() => mux.handleMessage(peer.adjust(second.id, 0xffffffff)));
  });

  it('throws when data exceeds our window, also cumulatively', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 1000, maxPacket: 4000 });
    expectProtocolError(() => mux.handleMessage(peer.data(0, new Uint8Array(1001))));
    mux.handleMessage(peer.data(0, new Uint8Array(600)));
    expectProtocolError(() => mux.handleMessage(peer.extended(0, 1, new Uint8Array(401))));
    mux.handleMessage(peer.extended(0, 1, new Uint8Array(400)));
    expect(channel.bufferedRead).toBe(1000);
  });

  it('throws when one data packet exceeds our maximum packet', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux, {}, { window: 100_000, maxPacket: 100 });
    mux.handleMessage(peer.data(0, new Uint8Array(100)));
    expectProtocolError(() => mux.handleMessage(peer.data(0, new Uint8Array(101))));
    expectProtocolError(() => mux.handleMessage(peer.extended(0, 1, new Uint8Array(101))));
  });

  it('throws on data or extended data after EOF', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux);
    mux.handleMessage(peer.eof(0));
    expectProtocolError(() => mux.handleMessage(peer.data(0, 'late')));
    expectProtocolError(() => mux.handleMessage(peer.extended(0, 1, 'late')));
  });

  it('throws on data after the peer CLOSE', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux);
    mux.handleMessage(peer.close(0));
    expectProtocolError(() => mux.handleMessage(peer.data(0, 'late')));
  });
});

describe('replies and requests', () => {
  it('throws on CHANNEL_SUCCESS / FAILURE with no request outstanding', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    expectProtocolError(() => mux.handleMessage(peer.success(0)));
    expectProtocolError(() => mux.handleMessage(peer.failure(0)));
    const asked = channel.request('shell', true);
    mux.handleMessage(peer.success(0));
    expect(await asked).toBe(true);
    expectProtocolError(() => mux.handleMessage(peer.failure(0)));
    // A request without want_reply expects no answer.
    await channel.request('env', false);
    expectProtocolError(() => mux.handleMessage(peer.success(0)));
  });

  it('throws MalformedMessageError on a truncated exit-status, leaving exit unsettled', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    for (const length of [0, 1, 3]) {
      const message = peer.request(0, 'exit-status', false, new Uint8Array(length));
      expectProtocolError(() => mux.handleMessage(message), MalformedMessageError);
    }
    expect(await state(channel.exit)).toBe('pending');
  });

  it('throws MalformedMessageError on exit-signal cut anywhere, leaving exit unsettled', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const full = new SSHWriter()
      .string('SEGV')
      .boolean(true)
      .string('Segmentation fault')
      .string('en')
      .finish();
    for (let cut = 0; cut < full.length; cut++) {
      const message = peer.request(0, 'exit-signal', false, full.subarray(0, cut));
      expectProtocolError(() => mux.handleMessage(message), MalformedMessageError);
    }
    // A signal name length pointing past the end (libssh2 CVE-2019-3857's shape).
    const huge = new SSHWriter().uint32(0xfffffff0).raw(new Uint8Array(8)).finish();
    expectProtocolError(
      () => mux.handleMessage(peer.request(0, 'exit-signal', false, huge)),
      MalformedMessageError,
    );
    expect(await state(channel.exit)).toBe('pending');
    mux.handleMessage(peer.request(0, 'exit-signal', false, full));
    expect(await channel.exit).toEqual({
      exitCode: null,
      signal: 'SEGV',
      coreDumped: true,
      errorMessage: 'Segmentation fault',
    });
  });

  it('throws MalformedMessageError on a request type that is too long or not UTF-8', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux);
    expectProtocolError(
      () => mux.handleMessage(peer.request(0, 'x'.repeat(257), true)),
      MalformedMessageError,
    );
    const invalid = new SSHWriter()
      .byte(MessageType.CHANNEL_REQUEST)
      .uint32(0)
      .string(new Uint8Array([0xff, 0xfe]))
      .boolean(true)
      .finish();
    expectProtocolError(() => mux.handleMessage(invalid), MalformedMessageError);
    expect(link.take()).toEqual([]);
  });

  it('throws MalformedMessageError on truncated global requests and channel opens', () => {
    const { link, mux } = makeMux();
    const global = peer.global('tcpip-forward', true);
    expectProtocolError(
      () => mux.handleMessage(global.subarray(0, global.length - 1)),
      MalformedMessageError,
    );
    const open = peer.open('x11', 1, 100, 100);
    expectProtocolError(() => mux.handleMessage(open.subarray(0, open.length - 2)), MalformedMessageError);
    expect(link.take()).toEqual([]);
  });
});

describe('message numbers outside the connection protocol', () => {
  it('returns false and sends nothing', () => {
    const { link, mux } = makeMux();
    for (const type of [2, 50, 81, 82, 89, 101, 255]) {
      expect(mux.handleMessage(new Uint8Array([type, 0, 0, 0, 0]))).toBe(false);
    }
    expect(link.take()).toEqual([]);
  });
});
