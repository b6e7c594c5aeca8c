// Receiving within our window (RFC 4254 §5.2): bytes count against the window until a reader
// takes them, so a reader that stops reading stops WINDOW_ADJUST and the peer's window runs down to
// 0 with at most one window buffered; reading again sends the adjusts.
import { MessageType, ProtocolError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PACKET, DEFAULT_WINDOW } from '../src/index.js';
import { concat, makeMux, openConfirmed, pattern, peer, type Sent, sameBytes, state } from './helpers.js';

const REMOTE = 1000;
const adjusts = (sent: Sent[]) =>
  sent.filter((m) => m.type === MessageType.CHANNEL_WINDOW_ADJUST).map((m) => [m.recipient, m.bytes]);

describe('the receive window', () => {
  it('stops crediting while nobody reads: the peer can fill exactly one window, then no more', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 65536, maxPacket: 16384 });
    for (let i = 0; i < 4; i++) mux.handleMessage(peer.data(0, pattern(16384, i)));
    expect(link.take()).toEqual([]); // no WINDOW_ADJUST: the peer's window is now 0
    expect(channel.bufferedRead).toBe(65536);
    expect(() => mux.handleMessage(peer.data(0, new Uint8Array(1)))).toThrow(ProtocolError);
    expect(channel.bufferedRead).toBe(65536);
  });

  it('sends WINDOW_ADJUST as the reader takes chunks, giving back exactly what was read', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 65536, maxPacket: 16384 });
    const chunks = [0, 1, 2, 3].map((i) => pattern(16384, i));
    for (const c of chunks) mux.handleMessage(peer.data(0, c));
    const read: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      read.push((await channel.stdout.read())!);
      // One packet (≥ window/8) consumed: credited at once.
      expect(adjusts(link.take())).toEqual([[REMOTE, 16384]]);
    }
    expect(sameBytes(concat(read), concat(chunks))).toBe(true);
    expect(channel.bufferedRead).toBe(0);
    // The peer has its whole window again.
    for (let i = 0; i < 4; i++) mux.handleMessage(peer.data(0, pattern(16384, i)));
    expect(channel.bufferedRead).toBe(65536);
  });

  it('credits small reads in batches of max(maxPacket, window/4)', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux).then(async (channel) => {
      expect(DEFAULT_WINDOW).toBe(2 * 1024 * 1024);
      expect(DEFAULT_MAX_PACKET).toBe(32768);
      const step = DEFAULT_WINDOW / 4; // 512 KiB > 32 KiB
      let credited = 0;
      for (let i = 0; i < 40; i++) {
        mux.handleMessage(peer.data(0, pattern(32768, i)));
        await channel.stdout.read();
        for (const [, bytes] of adjusts(link.take())) credited += bytes!;
        expect(credited).toBe(Math.floor(((i + 1) * 32768) / step) * step);
      }
    });
  });

  it('does not stall a peer when our window is smaller than our maximum packet', async () => {
    // 16 KiB window, 32 KiB packets: a step of "one packet" could never be reached.
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 16384 });
    mux.handleMessage(peer.data(0, pattern(16384)));
    expect(await channel.stdout.read()).toHaveLength(16384);
    expect(adjusts(link.take())).toEqual([[REMOTE, 16384]]);
    mux.handleMessage(peer.data(0, pattern(16384, 1)));
    expect(channel.bufferedRead).toBe(16384);
  });

  it('works with a one-byte window', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 1, maxPacket: 1 });
    for (let i = 0; i < 3; i++) {
      mux.handleMessage(peer.data(0, new Uint8Array([i])));
      expect(await channel.stdout.read()).toEqual(new Uint8Array([i]));
      expect(adjusts(link.take())).toEqual([[REMOTE, 1]]);
    }
  });

  it('hands data straight to a waiting reader', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 65536, maxPacket: 16384 });
    const reading = channel.stdout.read();
    expect(await state(reading)).toBe('pending');
    mux.handleMessage(peer.data(0, pattern(16384)));
    expect(sameBytes((await reading)!, pattern(16384))).toBe(true);
    expect(channel.bufferedRead).toBe(0);
    expect(adjusts(link.take())).toEqual([[REMOTE, 16384]]);
  });

  it('routes extended data type 1 to stderr and drops (but credits) unknown types', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 64, maxPacket: 32 });
    mux.handleMessage(peer.extended(0, 1, 'err'));
    mux.handleMessage(peer.extended(0, 7, pattern(32)));
    mux.handleMessage(peer.data(0, 'out'));
    expect(channel.bufferedRead).toBe(6);
    // The 32 dropped bytes reached the step (min(32, 64/2) = 32) and were credited back.
    expect(adjusts(link.take())).toEqual([[REMOTE, 32]]);
    mux.handleMessage(peer.eof(0));
    expect(await channel.stderr.text()).toBe('err');
    expect(await channel.stdout.text()).toBe('out');
  });

  it('reads buffered data before EOF, then undefined, and credits nothing after EOF', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 64, maxPacket: 32 });
    mux.handleMessage(peer.data(0, pattern(32)));
    mux.handleMessage(peer.data(0, pattern(32, 1)));
    mux.handleMessage(peer.eof(0));
    expect(await channel.stdout.read()).toEqual(pattern(32));
    expect(await channel.stdout.read()).toEqual(pattern(32, 1));
    expect(await channel.stdout.read()).toBeUndefined();
    expect(await channel.stdout.read()).toBeUndefined();
    expect(adjusts(link.take())).toEqual([]); // after EOF the peer sends no more data (§5.3)
  });

  it('offers the stream as text(), bytes(), async iteration and a pull-based ReadableStream', async () => {
    const { link, mux } = makeMux();
    const a = await openConfirmed(link, mux);
    const b = await openConfirmed(link, mux);
    const c = await openConfirmed(link, mux);
    for (const [id, ch] of [
      [0, a],
      [1, b],
      [2, c],
    ] as const) {
      expect(ch.id).toBe(id);
      mux.handleMessage(peer.data(id, 'one '));
      mux.handleMessage(peer.data(id, 'two'));
      mux.handleMessage(peer.eof(id));
    }
    expect(await a.stdout.text()).toBe('one two');
    const parts: string[] = [];
    for await (const chunk of b) parts.push(new TextDecoder().decode(chunk));
    expect(parts).toEqual(['one ', 'two']);
    const reader = c.stdout.readable.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('one ');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('two');
    expect((await reader.read()).done).toBe(true);
  });

  it('rejects a second concurrent read and a second consumer', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const first = channel.stdout.read();
    await expect(channel.stdout.read()).rejects.toMatchObject({ code: 'ERR_CONCURRENT_READ' });
    mux.handleMessage(peer.data(0, 'x'));
    expect(await first).toEqual(new TextEncoder().encode('x'));
    void channel.stdout.readable;
    expect(() => channel.stdout.readable).toThrow(expect.objectContaining({ code: 'ERR_READER_LOCKED' }));
  });
});
