// Sending within the peer's window (RFC 4254 §5.2): write() resolves only once its bytes fit in
// the window, packets never exceed min(peer maximum packet, 32768), WINDOW_ADJUST resumes sending,
// order is kept across writes and streams, EOF (§5.3) goes after everything queued.
import { ExtendedDataType, MessageType } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { ChannelClosedError, MAX_SEND_PACKET } from '../src/index.js';
import {
  concat,
  makeMux,
  openConfirmed,
  pattern,
  peer,
  type Sent,
  sameBytes,
  state,
  tick,
} from './helpers.js';

const REMOTE = 1000; // openConfirmed's remote id for our channel 0
const dataOf = (sent: Sent[]) => sent.filter((m) => m.type === MessageType.CHANNEL_DATA);

describe('write() and the peer window', () => {
  it('sends only what the window allows and resolves once the rest fits after WINDOW_ADJUST', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 100 });
    const bytes = pattern(250);
    const writing = channel.write(bytes);
    let sent = link.take();
    expect(sent.map((m) => [m.type, m.recipient, m.data?.length])).toEqual([
      [MessageType.CHANNEL_DATA, REMOTE, 100],
    ]);
    expect(channel.pendingWrite).toBe(150);
    expect(await state(writing)).toBe('pending');

    mux.handleMessage(peer.adjust(0, 50));
    sent = link.take();
    expect(dataOf(sent).map((m) => m.data?.length)).toEqual([50]);
    expect(await state(writing)).toBe('pending');

    mux.handleMessage(peer.adjust(0, 1000));
    sent = link.take();
    expect(dataOf(sent).map((m) => m.data?.length)).toEqual([100]);
    await writing;
    expect(channel.pendingWrite).toBe(0);
    // The peer got exactly the bytes, and has 900 bytes of window left: the next 900 go at once.
    const next = channel.write(pattern(900, 1));
    expect(dataOf(link.take()).map((m) => m.data?.length)).toEqual([900]);
    await next;
  });

  it('waits with a window of 0 from the start, and a zero-length write resolves at once', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 0 });
    const writing = channel.write('hello');
    expect(link.take()).toEqual([]);
    await channel.write(new Uint8Array(0));
    expect(await state(writing)).toBe('pending');
    mux.handleMessage(peer.adjust(0, 5));
    expect(link.take().map((m) => new TextDecoder().decode(m.data))).toEqual(['hello']);
    await writing;
  });

  it('cuts packets at the peer maximum packet', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { maxPacket: 1000 });
    await channel.write(pattern(2500));
    expect(dataOf(link.take()).map((m) => m.data?.length)).toEqual([1000, 1000, 500]);
  });

  it('never sends more than 32768 bytes in one packet, whatever the peer allows', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { maxPacket: 0xffffffff, window: 0xffffffff });
    const bytes = pattern(100_000);
    await channel.write(bytes);
    const sent = dataOf(link.take());
    expect(MAX_SEND_PACKET).toBe(32768);
    expect(sent.map((m) => m.data?.length)).toEqual([32768, 32768, 32768, 100_000 - 3 * 32768]);
    expect(sameBytes(concat(sent.map((m) => m.data!)), bytes)).toBe(true);
  });

  it('keeps the order of many writes on both streams while the window opens in small steps', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 7, maxPacket: 5 });
    const written: { stream: 'out' | 'err'; bytes: Uint8Array }[] = [];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const bytes = pattern(1 + ((i * 13) % 29), i);
      const stream = i % 3 === 0 ? 'err' : 'out';
      written.push({ stream, bytes });
      writes.push(stream === 'err' ? channel.writeStderr(bytes) : channel.stdin.write(bytes));
    }
    const received: Sent[] = [...link.take()];
    while (channel.pendingWrite > 0) {
      mux.handleMessage(peer.adjust(0, 3));
      received.push(...link.take());
    }
    await Promise.all(writes);
    for (const m of received) {
      expect(m.data!.length).toBeLessThanOrEqual(5);
      if (m.type === MessageType.CHANNEL_EXTENDED_DATA) expect(m.dataType).toBe(ExtendedDataType.STDERR);
    }
    // One queue for both streams: the bytes come out in the order they were written.
    const tagged = received.map((m) => ({
      stream: m.type === MessageType.CHANNEL_DATA ? 'out' : 'err',
      bytes: m.data!,
    }));
    const flatten = (parts: { stream: string; bytes: Uint8Array }[]) =>
      parts.flatMap((p) => [...p.bytes].map((b) => `${p.stream}${b}`));
    expect(flatten(tagged)).toEqual(flatten(written));
  });

  it('gathers writes queued together into full packets, each write resolving with its last byte', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 0, maxPacket: 100 });
    // A short header then its data (an SFTP WRITE), then more: queued while the window is shut.
    const writes = [pattern(13, 1), pattern(150, 2), pattern(7, 3), pattern(30, 4)];
    const pending = writes.map((w) => channel.write(w));
    mux.handleMessage(peer.adjust(0, 120));
    expect(dataOf(link.take()).map((m) => m.data?.length)).toEqual([100, 20]);
    // The first write's bytes are all out; the second's are not.
    expect([await state(pending[0]!), await state(pending[1]!)]).toEqual(['resolved', 'pending']);
    mux.handleMessage(peer.adjust(0, 1000));
    const rest = dataOf(link.take());
    expect(rest.map((m) => m.data?.length)).toEqual([80]);
    await Promise.all(pending);
    // Data and stderr are never gathered into one packet.
    const second = await openConfirmed(link, mux, { window: 0, maxPacket: 100 });
    const mixed = [
      second.write(pattern(5, 5)),
      second.writeStderr(pattern(5, 6)),
      second.write(pattern(5, 7)),
    ];
    mux.handleMessage(peer.adjust(1, 100));
    expect(link.take().map((m) => [m.type, m.data?.length])).toEqual([
      [MessageType.CHANNEL_DATA, 5],
      [MessageType.CHANNEL_EXTENDED_DATA, 5],
      [MessageType.CHANNEL_DATA, 5],
    ]);
    await Promise.all(mixed);
  });

  it('sends EOF only after all queued data, and end() resolves once it is sent', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 0 });
    const writing = channel.write(pattern(10));
    const ending = channel.end();
    expect(link.take()).toEqual([]);
    expect(await state(ending)).toBe('pending');
    mux.handleMessage(peer.adjust(0, 4));
    expect(link.take().map((m) => m.type)).toEqual([MessageType.CHANNEL_DATA]);
    mux.handleMessage(peer.adjust(0, 6));
    expect(link.take().map((m) => [m.type, m.recipient])).toEqual([
      [MessageType.CHANNEL_DATA, REMOTE],
      [MessageType.CHANNEL_EOF, REMOTE],
    ]);
    await writing;
    await ending;
    // A second end() sends nothing more.
    await channel.end();
    expect(link.take()).toEqual([]);
  });

  it('rejects a write after end() with ChannelClosedError, on both streams', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    await channel.end();
    await expect(channel.write('late')).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(channel.writeStderr('late')).rejects.toMatchObject({ code: 'ERR_CHANNEL_EOF' });
    expect(link.take().map((m) => m.type)).toEqual([MessageType.CHANNEL_EOF]);
  });

  it('encodes strings as UTF-8 and stderr as EXTENDED_DATA type 1', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    await channel.write('héllo');
    await channel.stderrWriter.write('oops');
    const [out, err] = link.take();
    expect(out).toMatchObject({ type: MessageType.CHANNEL_DATA, recipient: REMOTE });
    expect(out?.data).toEqual(new TextEncoder().encode('héllo'));
    expect(err).toMatchObject({ type: MessageType.CHANNEL_EXTENDED_DATA, dataType: 1 });
    expect(new TextDecoder().decode(err?.data)).toBe('oops');
  });

  it('gives a WritableStream whose writes wait for the window and whose close sends EOF', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux, { window: 3 });
    const writer = channel.stdin.writable.getWriter();
    const writing = writer.write(pattern(6));
    await tick();
    expect(dataOf(link.take()).map((m) => m.data?.length)).toEqual([3]);
    mux.handleMessage(peer.adjust(0, 3));
    await writing;
    await writer.close();
    expect(link.take().map((m) => m.type)).toEqual([MessageType.CHANNEL_DATA, MessageType.CHANNEL_EOF]);
  });
});
