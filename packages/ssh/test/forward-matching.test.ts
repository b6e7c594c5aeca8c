// Remote forwarding's open matching (RFC 4254 §7.2: "implementations MUST reject" forwarded-tcpip
// opens they did not request; OpenSSH PROTOCOL §2.4 likewise for forwarded-streamlocal), driven on a
// real ChannelMux over a fake link: we play the server, sending CHANNEL_OPENs and global replies
// that sshd would never send (unrequested addresses, a reply racing an open, bad bound ports).
import {
  ChannelMux,
  type ConnectionLink,
  encodeChannelOpen,
  encodeData,
  encodeForwardedStreamLocal,
  encodeRecipientOnly,
  encodeTcpipChannel,
} from '@sshts/channel';
import type { GlobalReply } from '@sshts/transport';
import { ChannelOpenFailureReason, MessageType, SSHError, SSHReader, SSHWriter } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardRemotePort, forwardRemoteStreamLocal } from '../src/forwarding/index.js';
import { nodePlatform } from '../src/node/index.js';
import { type EchoServer, echoServer } from './forward-helpers.js';
import { waitFor } from './session-helpers.js';

interface FakeServer {
  mux: ChannelMux;
  sent: Uint8Array[];
  requests: { name: string; data: Uint8Array }[];
  /** Answers the oldest unanswered global request. */
  reply(reply: GlobalReply): void;
  /** The server opens a channel with sender id `id`. */
  open(type: string, id: number, data: Uint8Array): void;
  /** The OPEN_CONFIRMATION (reason undefined) or OPEN_FAILURE (its reason) sent for sender id `id`. */
  answerTo(id: number): { confirmed: boolean; reason?: number; ourId?: number } | undefined;
}

function fakeServer(): FakeServer {
  const sent: Uint8Array[] = [];
  const requests: { name: string; data: Uint8Array }[] = [];
  const waiting: ((reply: GlobalReply) => void)[] = [];
  let server: FakeServer;
  const link: ConnectionLink = {
    send: (payload) => {
      sent.push(payload.slice());
      // Answers our CLOSE with its own, as a server does (§5.3).
      if (payload[0] === MessageType.CHANNEL_CLOSE) {
        const ourId = server.answerTo(new SSHReader(payload, 1).uint32('recipient'))?.ourId;
        if (ourId !== undefined) {
          queueMicrotask(() => mux.handleMessage(encodeRecipientOnly(MessageType.CHANNEL_CLOSE, ourId)));
        }
      }
    },
    globalRequest: (name, wantReply, data = new Uint8Array(0)) => {
      requests.push({ name, data });
      return wantReply ? new Promise<GlobalReply>((resolve) => waiting.push(resolve)) : undefined;
    },
    closed: new Promise(() => {}),
  };
  const mux = new ChannelMux(link);
  server = {
    mux,
    sent,
    requests,
    reply: (reply) => waiting.shift()?.(reply),
    open: (type, id, data) =>
      mux.handleMessage(encodeChannelOpen(type, { id, window: 1 << 20, maxPacket: 32768 }, data)),
    answerTo(id) {
      for (const p of sent) {
        const r = new SSHReader(p, 1);
        if (p[0] !== MessageType.CHANNEL_OPEN_CONFIRMATION && p[0] !== MessageType.CHANNEL_OPEN_FAILURE)
          continue;
        if (r.uint32('recipient') !== id) continue;
        if (p[0] === MessageType.CHANNEL_OPEN_FAILURE)
          return { confirmed: false, reason: r.uint32('reason') };
        return { confirmed: true, ourId: r.uint32('sender') };
      }
      return undefined;
    },
  };
  return server;
}

const context = (server: FakeServer) => ({
  connection: {
    channels: server.mux,
    openChannel: (type: string, data?: Uint8Array) => server.mux.open(type, data),
    closed: new Promise<never>(() => {}),
  },
  platform: nodePlatform,
});

const port32 = (port: number) => new SSHWriter(4).uint32(port).finish().slice();
const tcpip = (host: string, port: number) =>
  encodeTcpipChannel({ host, port }, { host: '203.0.113.9', port: 5555 });
const PROHIBITED = ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED;

describe('remote forwarding: forwarded opens are matched against the active forwards', {
  timeout: 15_000,
}, () => {
  let echo: EchoServer;
  beforeAll(async () => {
    echo = await echoServer();
  });
  afterAll(() => echo.close());

  it('accepts only the requested (address, port); the rest are ADMINISTRATIVELY_PROHIBITED', async () => {
    const server = fakeServer();
    const pending = forwardRemotePort(context(server), {
      remotePort: 0,
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await waitFor(() => server.requests.length === 1, 1000, 'tcpip-forward');
    expect(server.requests[0]!.name).toBe('tcpip-forward');
    server.reply({ success: true, data: port32(40000) });
    const forward = await pending;
    expect(forward).toMatchObject({ host: 'localhost', port: 40000 });

    server.open('forwarded-tcpip', 1, tcpip('localhost', 40001)); // another port
    server.open('forwarded-tcpip', 2, tcpip('192.0.2.1', 40000)); // another address
    server.open('forwarded-streamlocal@openssh.com', 3, encodeForwardedStreamLocal('/tmp/x.sock'));
    server.open('forwarded-tcpip', 4, tcpip('localhost', 40000)); // as sshd reports it
    server.open('forwarded-tcpip', 5, tcpip('127.0.0.1', 40000)); // how another server may report it
    await waitFor(() => [1, 2, 3, 4, 5].every((id) => server.answerTo(id)), 5000, 'answers');
    expect(server.answerTo(1)).toEqual({ confirmed: false, reason: PROHIBITED });
    expect(server.answerTo(2)).toEqual({ confirmed: false, reason: PROHIBITED });
    expect(server.answerTo(3)).toEqual({ confirmed: false, reason: PROHIBITED });
    expect(server.answerTo(4)?.confirmed).toBe(true);
    expect(server.answerTo(5)?.confirmed).toBe(true);

    // The accepted channel is piped to the local echo server: data comes back on it.
    const ourId = server.answerTo(4)!.ourId!;
    server.mux.handleMessage(encodeData(ourId, new TextEncoder().encode('ping')));
    const echoed = () =>
      server.sent.some(
        (p) => p[0] === MessageType.CHANNEL_DATA && new TextDecoder().decode(p.subarray(9)) === 'ping',
      );
    await waitFor(echoed, 5000, 'echoed data');

    // After close(): cancel-tcpip-forward for the bound port, and the port is no longer accepted.
    const closing = forward.close();
    await waitFor(() => server.requests.length === 2, 1000, 'cancel');
    const cancel = server.requests[1]!;
    expect(cancel.name).toBe('cancel-tcpip-forward');
    const r = new SSHReader(cancel.data);
    expect([r.utf8('host'), r.uint32('port')]).toEqual(['localhost', 40000]);
    server.reply({ success: true, data: new Uint8Array(0) });
    await closing;
    server.open('forwarded-tcpip', 6, tcpip('localhost', 40000));
    await waitFor(() => server.answerTo(6) !== undefined, 5000, 'answer after close');
    expect(server.answerTo(6)).toEqual({ confirmed: false, reason: PROHIBITED });
  });

  it('an open processed before the tcpip-forward reply settled waits for it, then is accepted', async () => {
    const server = fakeServer();
    const pending = forwardRemotePort(context(server), {
      remotePort: 0,
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await waitFor(() => server.requests.length === 1, 1000, 'tcpip-forward');
    // Same tick: the reply and the open are handled before any promise continuation runs.
    server.reply({ success: true, data: port32(41000) });
    server.open('forwarded-tcpip', 7, tcpip('localhost', 41000));
    await pending;
    await waitFor(() => server.answerTo(7) !== undefined, 5000, 'answer');
    expect(server.answerTo(7)?.confirmed).toBe(true);
  });

  it('a refused request rejects, and an open for it is refused', async () => {
    const server = fakeServer();
    const pending = forwardRemotePort(context(server), {
      remotePort: 2222,
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await waitFor(() => server.requests.length === 1, 1000, 'tcpip-forward');
    server.reply({ success: false, data: new Uint8Array(0) });
    server.open('forwarded-tcpip', 8, tcpip('localhost', 2222));
    await expect(pending).rejects.toMatchObject({ code: 'ERR_FORWARD_REFUSED' });
    await waitFor(() => server.answerTo(8) !== undefined, 5000, 'answer');
    expect(server.answerTo(8)).toEqual({ confirmed: false, reason: PROHIBITED });
  });

  it.each([
    ['a truncated port', new Uint8Array([0, 1])],
    ['port 0', port32(0)],
    ['a port above 65535', port32(70000)],
  ])('a success reply with %s is a typed error', async (_, data) => {
    const server = fakeServer();
    const pending = forwardRemotePort(context(server), {
      remotePort: 0,
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await waitFor(() => server.requests.length === 1, 1000, 'tcpip-forward');
    server.reply({ success: true, data });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SSHError);
  });

  it('a fixed port ignores reply data; streamlocal opens match the exact path', async () => {
    const server = fakeServer();
    const tcp = forwardRemotePort(context(server), {
      remotePort: 2200,
      remoteHost: '',
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await waitFor(() => server.requests.length === 1, 1000, 'tcpip-forward');
    server.reply({ success: true, data: port32(9999) });
    expect((await tcp).port).toBe(2200);

    const unix = forwardRemoteStreamLocal(context(server), {
      remotePath: '/run/app.sock',
      localHost: '127.0.0.1',
      localPort: echo.port,
    });
    await waitFor(() => server.requests.length === 2, 1000, 'streamlocal-forward');
    expect(server.requests[1]!.name).toBe('streamlocal-forward@openssh.com');
    server.reply({ success: true, data: new Uint8Array(0) });
    expect(await unix).toMatchObject({ path: '/run/app.sock', host: '', port: 0 });

    server.open('forwarded-streamlocal@openssh.com', 10, encodeForwardedStreamLocal('/run/app.sock.evil'));
    server.open('forwarded-streamlocal@openssh.com', 11, encodeForwardedStreamLocal('/run/app.sock'));
    server.open('forwarded-tcpip', 12, tcpip('0.0.0.0', 2200)); // '' requested: the wildcard group
    server.open('forwarded-tcpip', 13, tcpip('', 9999));
    await waitFor(() => [10, 11, 12, 13].every((id) => server.answerTo(id)), 5000, 'answers');
    expect(server.answerTo(10)).toEqual({ confirmed: false, reason: PROHIBITED });
    expect(server.answerTo(11)?.confirmed).toBe(true);
    expect(server.answerTo(12)?.confirmed).toBe(true);
    expect(server.answerTo(13)).toEqual({ confirmed: false, reason: PROHIBITED });
  });
});
