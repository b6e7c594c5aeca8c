// The connection ends under the channels (link.closed resolves): every pending operation rejects
// with the one error object the transport reported, `closed` resolves, nothing more is sent, and
// no promise rejects unhandled (vitest fails the run on those).
import { ConnectionLostError, DisconnectError, MessageType } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import type { IncomingChannelOpen } from '../src/index.js';
import { makeMux, openConfirmed, peer, tick } from './helpers.js';

describe('connection death', () => {
  it('rejects every pending read, write, end, request, open and exit with the same error', async () => {
    const { link, mux } = makeMux();
    const a = await openConfirmed(link, mux, { window: 0 });
    const b = await openConfirmed(link, mux);
    const stdoutRead = a.stdout.read();
    const stderrRead = a.stderr.read();
    const write = a.write('queued');
    const stderrWrite = a.writeStderr('queued too');
    const end = a.end();
    const request = a.request('exec', true);
    const exitA = a.exit;
    const exitB = b.exit;
    const opening = mux.open('session');
    const error = new DisconnectError(11, 'bye', true);
    link.take();
    const settled = Promise.allSettled([
      stdoutRead,
      stderrRead,
      write,
      stderrWrite,
      end,
      request,
      exitA,
      exitB,
      opening,
    ]);
    link.die(error);
    const outcomes = await settled;
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBe(error);
    }
    await a.closed;
    await b.closed;
    expect(mux.size).toBe(0);
  });

  it('rejects later operations with the same error and sends nothing', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    mux.handleMessage(peer.data(0, 'kept'));
    const error = new ConnectionLostError('socket reset');
    link.die(error);
    await tick();
    expect(new TextDecoder().decode(await channel.stdout.read())).toBe('kept'); // buffered first
    await expect(channel.stdout.read()).rejects.toBe(error);
    await expect(channel.write('x')).rejects.toBe(error);
    await expect(channel.end()).rejects.toBe(error);
    await expect(channel.request('env', false)).rejects.toBe(error);
    await expect(mux.open('session')).rejects.toBe(error);
    await expect(mux.globalRequest('keepalive@openssh.com', true)).rejects.toBe(error);
    expect(mux.globalRequest('no-more-sessions@openssh.com', false)).toBeUndefined();
    await channel.close();
    await channel.resizePty(80, 24).catch((e: unknown) => expect(e).toBe(error));
    expect(link.take()).toEqual([]);
  });

  it('uses ConnectionLostError with the reason when the transport gives no error', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const reading = channel.stdout.read();
    link.die(undefined, 'the socket closed');
    const error = await reading.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).message).toBe('the socket closed');
    await expect(channel.exit).rejects.toBe(error);
  });

  it('leaves a stream that had already ended alone', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    mux.handleMessage(peer.data(0, 'all'));
    mux.handleMessage(peer.eof(0));
    mux.handleMessage(peer.exitStatus(0, 0));
    link.die(new ConnectionLostError());
    await tick();
    expect(await channel.stdout.text()).toBe('all');
    expect(await channel.exit).toEqual({ exitCode: 0, signal: null });
  });

  it('makes a late accept of an incoming open throw the error, and ignores new opens', async () => {
    const { link, mux } = makeMux();
    let incoming: IncomingChannelOpen | undefined;
    mux.openHandlers.set('x11', (open) => {
      incoming = open;
    });
    mux.handleMessage(peer.open('x11', 3, 1000, 1000));
    const error = new ConnectionLostError();
    link.die(error);
    await tick();
    expect(() => incoming!.accept()).toThrow(error);
    incoming!.reject(1, 'late');
    mux.handleMessage(peer.open('x11', 4, 1000, 1000));
    expect(link.take()).toEqual([]);
  });

  it('does not send replies that were waiting on handlers when the connection died', async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    let answer!: (ok: boolean) => void;
    channel.onRequest = () =>
      new Promise<boolean>((resolve) => {
        answer = resolve;
      });
    let globalAnswer!: (ok: boolean) => void;
    mux.globalHandlers.set(
      'tcpip-forward',
      () => new Promise<boolean>((resolve) => (globalAnswer = resolve)),
    );
    mux.handleMessage(peer.request(0, 'pty-req', true));
    mux.handleMessage(peer.global('tcpip-forward', true));
    link.die(new ConnectionLostError());
    await tick();
    answer(true);
    globalAnswer(true);
    await tick();
    expect(link.take().filter((m) => m.type !== MessageType.CHANNEL_OPEN)).toEqual([]);
  });
});
