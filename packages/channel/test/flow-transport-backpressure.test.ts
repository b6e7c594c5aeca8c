// Backpressure from the transport (ConnectionLink.outputFull / whenOutputDrained): while the
// socket has not taken what is already encrypted, channels hold their data even when the peer's
// window would allow it, and resume when the backlog drains — so memory is bounded by the
// transport's high-water mark, not by the sum of the windows peers grant (OpenSSH packet.c
// ssh_packet_not_very_much_data_to_write()).
import { MessageType } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { ChannelMux } from '../src/index.js';
import { FakeLink, openConfirmed, pattern, state, tick } from './helpers.js';

class BackloggedLink extends FakeLink {
  outputFull = false;
  private wake: (() => void)[] = [];
  whenOutputDrained(): Promise<void> {
    return this.outputFull ? new Promise((resolve) => this.wake.push(resolve)) : Promise.resolve();
  }
  drain(): void {
    this.outputFull = false;
    for (const w of this.wake.splice(0)) w();
  }
}

describe('transport backpressure', () => {
  it('holds data while the transport is full and sends it, in order, once drained', async () => {
    const link = new BackloggedLink();
    const mux = new ChannelMux(link);
    const a = await openConfirmed(link, mux, { window: 10_000_000, remoteId: 1000 });
    const b = await openConfirmed(link, mux, { window: 10_000_000, remoteId: 2000 });
    link.take();
    link.outputFull = true;
    const wa = a.write(pattern(100_000));
    const wb = b.write(pattern(50_000, 7));
    const ended = a.end();
    expect(link.take()).toEqual([]);
    await tick();
    expect(await state(wa)).toBe('pending');
    expect(await state(wb)).toBe('pending');
    expect(a.pendingWrite).toBe(100_000);

    link.drain();
    await tick();
    const sent = link.take();
    const toA = sent.filter((m) => m.recipient === 1000);
    const toB = sent.filter((m) => m.recipient === 2000);
    expect(
      toA.filter((m) => m.type === MessageType.CHANNEL_DATA).reduce((n, m) => n + (m.data?.length ?? 0), 0),
    ).toBe(100_000);
    expect(toA.at(-1)?.type).toBe(MessageType.CHANNEL_EOF);
    expect(toB.reduce((n, m) => n + (m.data?.length ?? 0), 0)).toBe(50_000);
    await Promise.all([wa, wb, ended]);
  });

  it('stops mid-write when the transport fills up and resumes on drain', async () => {
    const link = new BackloggedLink();
    const mux = new ChannelMux(link);
    const channel = await openConfirmed(link, mux, { window: 10_000_000 });
    link.take();
    let packets = 0;
    const send = link.send.bind(link);
    link.send = (payload) => {
      send(payload);
      if (payload[0] === MessageType.CHANNEL_DATA && ++packets === 3) link.outputFull = true;
    };
    const writing = channel.write(pattern(32 * 1024 * 10));
    expect(link.take().length).toBe(3);
    expect(await state(writing)).toBe('pending');
    link.drain();
    await writing;
    expect(link.take().length).toBe(7);
  });

  it('a link without whenOutputDrained is never waited on', async () => {
    const link = new FakeLink();
    const mux = new ChannelMux(link);
    const channel = await openConfirmed(link, mux, { window: 1_000_000 });
    link.take();
    await channel.write(pattern(500_000));
    expect(channel.pendingWrite).toBe(0);
  });
});
