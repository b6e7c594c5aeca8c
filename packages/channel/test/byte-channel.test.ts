// channelStream(): a channel as a Web Streams pair, keeping flow control (reads drive the window,
// writes wait for it), EOF on close, CLOSE on cancel / abort, and the connection's error.
import { ConnectionLostError, MessageType } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { channelStream } from '../src/index.js';
import { makeMux, openConfirmed, pattern, peer, type Sent, state, tick } from './helpers.js';

const types = (sent: Sent[]) => sent.map((m) => m.type);

describe('channelStream', () => {
  it('reads pull data (and so credit the window) only when the consumer reads', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, {}, { window: 64, maxPacket: 32 });
    const { readable } = channelStream(channel);
    mux.handleMessage(peer.data(0, pattern(32)));
    mux.handleMessage(peer.data(0, pattern(32, 1)));
    await tick();
    expect(channel.bufferedRead).toBe(64); // nothing read ahead
    const reader = readable.getReader();
    expect((await reader.read()).value).toEqual(pattern(32));
    expect(link.take()).toMatchObject([{ type: MessageType.CHANNEL_WINDOW_ADJUST, bytes: 32 }]);
    expect((await reader.read()).value).toEqual(pattern(32, 1));
    mux.handleMessage(peer.eof(0));
    expect((await reader.read()).done).toBe(true);
  });

  it('writes wait for the window, and closing the writable sends EOF', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 4 });
    const writer = channelStream(channel).writable.getWriter();
    const writing = writer.write(pattern(8));
    await tick();
    expect(await state(writing)).toBe('pending');
    mux.handleMessage(peer.adjust(0, 4));
    await writing;
    await writer.close();
    expect(types(link.take())).toEqual([
      MessageType.CHANNEL_DATA,
      MessageType.CHANNEL_DATA,
      MessageType.CHANNEL_EOF,
    ]);
  });

  it('cancelling the readable or aborting the writable closes the channel', async () => {
    const { link, mux } = makeMux();
    const a = await openConfirmed(link, mux);
    const b = await openConfirmed(link, mux);
    void channelStream(a).readable.cancel();
    void channelStream(b).writable.abort();
    await tick();
    expect(link.take().map((m) => [m.type, m.recipient])).toEqual([
      [MessageType.CHANNEL_CLOSE, a.remoteId],
      [MessageType.CHANNEL_CLOSE, b.remoteId],
    ]);
  });

  it("errors the readable with the connection's error", async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const reader = channelStream(channel).readable.getReader();
    const reading = reader.read();
    const error = new ConnectionLostError('reset');
    link.die(error);
    await expect(reading).rejects.toBe(error);
  });
});
