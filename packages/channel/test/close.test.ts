// EOF and CLOSE (RFC 4254 §5.3) in both orders, exit-status / exit-signal (§6.10), and OpenSSH's
// eow@openssh.com (PROTOCOL §2.1).
import { MessageType } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { ChannelClosedError } from '../src/index.js';
import { makeMux, openConfirmed, pattern, peer, type Sent, state } from './helpers.js';

const closes = (sent: Sent[]) => sent.filter((m) => m.type === MessageType.CHANNEL_CLOSE);

describe('the peer closes', () => {
  it('ends readers after buffered data, rejects pending writes, answers CLOSE once, resolves closed', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 0 });
    mux.handleMessage(peer.data(0, 'buffered'));
    mux.handleMessage(peer.extended(0, 1, 'err'));
    const writing = channel.write('never sent');
    const asking = channel.request('shell', true);
    link.take();
    mux.handleMessage(peer.close(0));
    expect(closes(link.take()).map((m) => m.recipient)).toEqual([1000]);
    await expect(writing).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(asking).rejects.toBeInstanceOf(ChannelClosedError);
    expect(new TextDecoder().decode(await channel.stdout.read())).toBe('buffered');
    expect(await channel.stdout.read()).toBeUndefined();
    expect(await channel.stderr.text()).toBe('err');
    await channel.closed;
    expect(await channel.exit).toEqual({ exitCode: null, signal: null });
    // close() afterwards sends nothing more and resolves.
    await channel.close();
    expect(link.take()).toEqual([]);
    await expect(channel.write('x')).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(channel.request('env', false)).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('a pending read resolves with the end', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const reading = channel.stdout.read();
    mux.handleMessage(peer.close(0));
    expect(await reading).toBeUndefined();
  });

  it('keeps EOF and CLOSE apart: after the peer EOF we may still write, then the peer closes', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    mux.handleMessage(peer.eof(0));
    expect(await channel.stdout.read()).toBeUndefined();
    await channel.write('still open');
    await channel.end();
    expect(link.take().map((m) => m.type)).toEqual([MessageType.CHANNEL_DATA, MessageType.CHANNEL_EOF]);
    mux.handleMessage(peer.close(0));
    expect(closes(link.take())).toHaveLength(1);
    await channel.closed;
  });
});

describe('we close', () => {
  it('sends CLOSE once, drops but tolerates data in flight, and resolves when the peer CLOSE arrives', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 0 }, { window: 1000, maxPacket: 500 });
    mux.handleMessage(peer.data(0, 'before'));
    const writing = channel.write('unsent');
    const reading = channel.stderr.read();
    const closing = channel.close();
    const again = channel.close();
    expect(closes(link.take()).map((m) => m.recipient)).toEqual([1000]);
    await expect(writing).rejects.toBeInstanceOf(ChannelClosedError);
    expect(await state(closing)).toBe('pending');
    // Data the peer sent before it saw our CLOSE: accepted within the window, not delivered,
    // and no WINDOW_ADJUST after our CLOSE.
    mux.handleMessage(peer.data(0, pattern(500)));
    mux.handleMessage(peer.extended(0, 1, pattern(494)));
    expect(channel.bufferedRead).toBe(6);
    expect(link.take()).toEqual([]);
    // A request wanting a reply gets none once we sent CLOSE.
    mux.handleMessage(peer.request(0, 'keepalive@openssh.com', true));
    mux.handleMessage(peer.close(0));
    expect(link.take()).toEqual([]);
    await closing;
    await again;
    expect(new TextDecoder().decode(await channel.stdout.read())).toBe('before');
    expect(await channel.stdout.read()).toBeUndefined();
    expect(await reading).toBeUndefined();
    expect(await channel.exit).toEqual({ exitCode: null, signal: null });
  });

  it('closes through Symbol.asyncDispose', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const disposing = (channel as unknown as { [Symbol.asyncDispose](): Promise<void> })[
      Symbol.asyncDispose
    ]();
    expect(closes(link.take())).toHaveLength(1);
    mux.handleMessage(peer.close(0));
    await disposing;
  });
});

describe('exit', () => {
  it('resolves with exit-status, kept when CLOSE follows', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    mux.handleMessage(peer.exitStatus(0, 3));
    expect(await channel.exit).toEqual({ exitCode: 3, signal: null });
    mux.handleMessage(peer.close(0));
    expect(await channel.exit).toEqual({ exitCode: 3, signal: null });
  });

  it('resolves with exit-signal: name, core dumped, message', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    mux.handleMessage(peer.exitSignal(0, 'KILL', false, 'Killed', 'en-US'));
    expect(await channel.exit).toEqual({
      exitCode: null,
      signal: 'KILL',
      coreDumped: false,
      errorMessage: 'Killed',
    });
  });

  it('answers exit-status wanting a reply with SUCCESS, in order with other replies', async () => {
    const { link, mux } = makeMux();
    await openConfirmed(link, mux);
    mux.handleMessage(peer.request(0, 'keepalive@openssh.com', true));
    mux.handleMessage(peer.request(0, 'exit-status', true, new Uint8Array([0, 0, 0, 0])));
    expect(link.take().map((m) => m.type)).toEqual([
      MessageType.CHANNEL_FAILURE,
      MessageType.CHANNEL_SUCCESS,
    ]);
  });

  it('resolves with nulls on CLOSE without either', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    expect(await state(channel.exit)).toBe('pending');
    mux.handleMessage(peer.close(0));
    expect(await channel.exit).toEqual({ exitCode: null, signal: null });
  });
});

describe('eow@openssh.com', () => {
  it('rejects pending and later writes, and leaves reading alone', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 2 });
    const writing = channel.write('abcdef');
    link.take();
    mux.handleMessage(peer.request(0, 'eow@openssh.com', false));
    await expect(writing).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(channel.write('more')).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(channel.writeStderr('more')).rejects.toBeInstanceOf(ChannelClosedError);
    mux.handleMessage(peer.adjust(0, 100));
    expect(link.take()).toEqual([]); // nothing resumes
    mux.handleMessage(peer.data(0, 'still readable'));
    expect(new TextDecoder().decode(await channel.stdout.read())).toBe('still readable');
  });
});
