// Message framing for every method family, both sides: wrong message number (ProtocolError),
// trailing bytes and truncation (MalformedMessageError), messages out of order or after the end.
import type { KexExchange, KexMethod } from '@sshts/transport';
import { describe, expect, it } from 'vitest';
import { curve25519Sha256 } from '../src/curve25519.js';
import { dhGroup14Sha256 } from '../src/dh-group.js';
import { ecdhSha2Nistp256 } from '../src/ecdh-nistp.js';
import { dhGexSha256 } from '../src/group-exchange.js';
import { MODP_GROUP14 } from '../src/modp-groups.js';
import { kexMethods } from '../src/registry.js';
import { clientContext, expectFailure, runExchange, serverContext } from './helpers.js';

const gexSizes = { min: 2048, preferred: 2048, max: 2048 };
const cctx = () => clientContext({ groupSizes: gexSizes });
const sctx = () => serverContext({ chooseGroup: () => MODP_GROUP14 });

/** Messages of one real exchange, split by sender, in order. */
async function transcript(method: KexMethod) {
  const { messages } = await runExchange(method, cctx(), sctx());
  // runExchange records client→server and server→client messages alternately.
  return {
    fromClient: messages.filter((_, i) => i % 2 === 0),
    fromServer: messages.filter((_, i) => i % 2 === 1),
  };
}

/** A client that has consumed the first `n` server messages of `t` (and is waiting for the next). */
async function clientAt(method: KexMethod, fromServer: Uint8Array[], n: number): Promise<KexExchange> {
  const c = method.client(cctx());
  await c.start();
  for (let i = 0; i < n; i++) await c.receive(fromServer[i]!);
  return c;
}

async function serverAt(method: KexMethod, fromClient: Uint8Array[], n: number): Promise<KexExchange> {
  const s = method.server(sctx());
  await s.start();
  for (let i = 0; i < n; i++) await s.receive(fromClient[i]!);
  return s;
}

function cuts(length: number): number[] {
  return [...new Set([0, 1, 2, 4, 5, 8, Math.floor(length / 2), length - 2, length - 1])].filter(
    (n) => n >= 0 && n < length,
  );
}

describe.each(
  [curve25519Sha256, ecdhSha2Nistp256, dhGroup14Sha256, dhGexSha256].map((m) => [m.name, m] as const),
)('%s', async (_name, method) => {
  const t = await transcript(method);

  it('the transcript has the expected shape', () => {
    const gex = method === dhGexSha256;
    expect(t.fromClient.map((m) => m[0])).toEqual(gex ? [34, 32] : [30]);
    expect(t.fromServer.map((m) => m[0])).toEqual(gex ? [31, 33] : [31]);
  });

  describe.each(t.fromServer.map((m, i) => [i, m] as const))('client, server message #%i', (i, msg) => {
    it.each([0, 1, 20, 21, 29, 35, 49, 255].filter((n) => n !== msg[0]))(
      'message number %i → ProtocolError',
      async (n) => {
        const c = await clientAt(method, t.fromServer, i);
        await expectFailure(() => c.receive(Uint8Array.from([n, ...msg.subarray(1)])), 'protocol');
      },
    );

    it.each([[[0]], [[1, 2, 3]]])('trailing bytes %j → MalformedMessageError', async (extra) => {
      const c = await clientAt(method, t.fromServer, i);
      await expectFailure(() => c.receive(Uint8Array.from([...msg, ...extra])), 'malformed');
    });

    it.each(cuts(msg.length))('truncated to %i bytes → MalformedMessageError', async (n) => {
      const c = await clientAt(method, t.fromServer, i);
      await expectFailure(() => c.receive(msg.subarray(0, n)), 'malformed');
    });
  });

  describe.each(t.fromClient.map((m, i) => [i, m] as const))('server, client message #%i', (i, msg) => {
    it.each([0, 1, 20, 21, 29, 35, 49, 255].filter((n) => n !== msg[0]))(
      'message number %i → ProtocolError',
      async (n) => {
        const s = await serverAt(method, t.fromClient, i);
        await expectFailure(() => s.receive(Uint8Array.from([n, ...msg.subarray(1)])), 'protocol');
      },
    );

    it.each([[[0]], [[1, 2, 3]]])('trailing bytes %j → MalformedMessageError', async (extra) => {
      const s = await serverAt(method, t.fromClient, i);
      await expectFailure(() => s.receive(Uint8Array.from([...msg, ...extra])), 'malformed');
    });

    it.each(cuts(msg.length))('truncated to %i bytes → MalformedMessageError', async (n) => {
      const s = await serverAt(method, t.fromClient, i);
      await expectFailure(() => s.receive(msg.subarray(0, n)), 'malformed');
    });
  });

  it('client: a message before start, or after the result, is a ProtocolError', async () => {
    const fresh = method.client(cctx());
    await expectFailure(() => fresh.receive(t.fromServer[0]!), 'protocol');
    const done = await clientAt(method, t.fromServer, t.fromServer.length);
    await expectFailure(() => done.receive(t.fromServer.at(-1)!), 'protocol');
  });

  it('server: a message after the result is a ProtocolError', async () => {
    const done = await serverAt(method, t.fromClient, t.fromClient.length);
    await expectFailure(() => done.receive(t.fromClient.at(-1)!), 'protocol');
  });

  it('a failed exchange stays failed', async () => {
    const c = await clientAt(method, t.fromServer, 0);
    await expectFailure(() => c.receive(Uint8Array.from([...t.fromServer[0]!, 0])), 'malformed');
    await expectFailure(() => c.receive(t.fromServer[0]!), 'protocol');
  });
});

describe('every method', () => {
  it.each(kexMethods.map((m) => [m.name, m] as const))(
    '%s: client start() twice throws',
    async (_n, method) => {
      const c = method.client(cctx());
      await c.start();
      expect(() => c.start()).toThrow();
    },
  );
});
