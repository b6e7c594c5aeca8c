// Truncated and mutated connection-protocol messages (checklist §12 D, libssh2 CVE-2019-3859's
// class of unchecked reads): handleMessage either succeeds or throws an SSHError subclass — never
// a RangeError, TypeError or anything else — and nothing rejects unhandled afterwards.
import { SSHError, SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEnv,
  decodePtyRequest,
  decodeTcpipForward,
  decodeWindowChange,
  decodeX11Request,
  encodeEnv,
  encodeExitSignal,
  encodeExitStatus,
  encodePtyRequest,
  encodeTcpipForward,
  encodeWindowChange,
  encodeX11Request,
} from '../src/index.js';
import { makeMux, openConfirmed, peer } from './helpers.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Channel 0 open with a request of ours outstanding, channel 1 opening, handlers that decode. */
async function fixture() {
  const { link, mux } = makeMux({ window: 1 << 20, maxPacket: 1 << 15 });
  const channel = await openConfirmed(link, mux);
  channel.request('shell', true).catch(() => {});
  mux.open('session').catch(() => {});
  channel.onRequest = (type, data) => {
    if (type === 'pty-req') decodePtyRequest(data);
    else if (type === 'window-change') decodeWindowChange(data);
    else if (type === 'env') decodeEnv(data);
    else if (type === 'x11-req') decodeX11Request(data);
    return true;
  };
  mux.globalHandlers.set('tcpip-forward', (data) => {
    const bind = decodeTcpipForward(data);
    return { success: true, data: new SSHWriter().uint32(bind.port || 40000).finish() };
  });
  mux.openHandlers.set('x11', (open) => {
    open.data.utf8('originator address', 256);
    open.data.uint32('originator port');
    open.accept();
  });
  link.take();
  return { link, mux };
}

const x11Data = new SSHWriter().string('127.0.0.1').uint32(6010).finish();
const messages: [string, Uint8Array][] = [
  [
    'GLOBAL_REQUEST tcpip-forward',
    peer.global('tcpip-forward', true, encodeTcpipForward({ host: '', port: 0 })),
  ],
  ['GLOBAL_REQUEST keepalive', peer.global('keepalive@openssh.com', true)],
  ['CHANNEL_OPEN x11', peer.open('x11', 5, 65536, 16384, x11Data)],
  ['CHANNEL_OPEN session', peer.open('session', 6, 65536, 16384)],
  ['OPEN_CONFIRMATION', peer.confirm(1, 9, 65536, 32768)],
  ['OPEN_FAILURE', peer.openFailure(1, 2, 'Connection refused', 'en')],
  ['WINDOW_ADJUST', peer.adjust(0, 4096)],
  ['DATA', peer.data(0, 'some output')],
  ['EXTENDED_DATA', peer.extended(0, 1, 'some error')],
  ['EOF', peer.eof(0)],
  ['CLOSE', peer.close(0)],
  ['SUCCESS', peer.success(0)],
  ['FAILURE', peer.failure(0)],
  ['exit-status', peer.request(0, 'exit-status', false, encodeExitStatus(1))],
  ['exit-signal', peer.request(0, 'exit-signal', false, encodeExitSignal('TERM', false, 'bye'))],
  ['eow', peer.request(0, 'eow@openssh.com', false)],
  ['keepalive request', peer.request(0, 'keepalive@openssh.com', true)],
  [
    'pty-req',
    peer.request(
      0,
      'pty-req',
      true,
      encodePtyRequest({ term: 'xterm', cols: 80, rows: 24, modes: { ECHO: 1, TTY_OP_ISPEED: 38400 } }),
    ),
  ],
  ['window-change', peer.request(0, 'window-change', false, encodeWindowChange(100, 40))],
  ['env', peer.request(0, 'env', true, encodeEnv('LANG', 'C.UTF-8'))],
  [
    'x11-req',
    peer.request(
      0,
      'x11-req',
      true,
      encodeX11Request({ singleConnection: false, protocol: 'MIT-MAGIC-COOKIE-1', cookie: 'ab', screen: 0 }),
    ),
  ],
];

async function feed(payload: Uint8Array): Promise<unknown> {
  const { mux } = await fixture();
  let error: unknown;
  try {
    mux.handleMessage(payload);
  } catch (e) {
    error = e;
  }
  await settle();
  return error;
}

describe('truncated messages', () => {
  it('every valid message is accepted whole', async () => {
    for (const [name, message] of messages) expect(await feed(message), name).toBeUndefined();
  });

  it('every prefix of every message either succeeds or throws an SSHError', async () => {
    let threw = 0;
    for (const [name, message] of messages) {
      for (let cut = 0; cut < message.length; cut++) {
        const error = await feed(message.subarray(0, cut));
        if (error !== undefined) {
          threw++;
          expect(error, `${name} cut at ${cut}`).toBeInstanceOf(SSHError);
        }
      }
    }
    expect(threw).toBeGreaterThan(messages.length * 4);
  });
});

describe('mutated messages', () => {
  it('random byte changes, cuts and extensions never escape as other error types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...messages),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat()),
        fc.uint8Array({ maxLength: 8 }),
        async ([, message], changes, cut, tail) => {
          const bytes = new Uint8Array([...message, ...tail]);
          for (const [at, value] of changes) bytes[at % bytes.length] = value;
          const payload = cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          const error = await feed(payload);
          if (error !== undefined) expect(error).toBeInstanceOf(SSHError);
        },
      ),
      { numRuns: 600 },
    );
  });
});
