// Group exchange (RFC 4419, RFC 8270): groups too small, too large or outside the request, bad g,
// bad f/e, the old request message, server-side request checks and group selection.
import type { KexServerContext } from '@sshts/transport';
import { encodeMpint, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { dhGexSha1, dhGexSha256 } from '../src/group-exchange.js';
import { MODP_GROUP14, MODP_GROUP16, MODP_GROUP18 } from '../src/modp-groups.js';
import { clientContext, expectFailure, FAKE_HOST_KEY, runExchange, serverContext, toHex } from './helpers.js';

/** RFC 2409 §6.2 (Oakley group 2, as diffie-hellman-group1-sha1 uses it): a 1024-bit safe prime. */
const OAKLEY_1024 = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF',
);

function group(p: bigint, g: bigint): Uint8Array {
  return new SSHWriter().byte(31).mpint(p).mpint(g).finish();
}

function request(min: number, n: number, max: number): Uint8Array {
  return new SSHWriter().byte(34).uint32(min).uint32(n).uint32(max).finish();
}

describe.each([dhGexSha256, dhGexSha1].map((m) => [m.name, m] as const))('%s client', (_n, method) => {
  async function clientAfterGroup(sizes = { min: 2048, preferred: 3072, max: 8192 }) {
    const c = method.client(clientContext({ groupSizes: sizes }));
    c.start();
    return c;
  }

  it('sends the requested sizes, or 2048/3072/8192 by default', () => {
    expect(toHex((method.client(clientContext()).start() as Uint8Array[])[0]!)).toBe(
      '220000080000000c0000002000',
    );
    const sized = method.client(clientContext({ groupSizes: { min: 2048, preferred: 7680, max: 8192 } }));
    expect(toHex((sized.start() as Uint8Array[])[0]!)).toBe('220000080000001e0000002000');
  });

  it.each([
    ['a 1024-bit p', OAKLEY_1024, { min: 2048, preferred: 3072, max: 8192 }],
    [
      'a 1024-bit p even when min asks for 1024 (RFC 8270 floor)',
      OAKLEY_1024,
      { min: 1024, preferred: 2048, max: 8192 },
    ],
    ['a 4096-bit p when max is 3072', MODP_GROUP16.p, { min: 2048, preferred: 2048, max: 3072 }],
    ['a 2048-bit p when min is 3072', MODP_GROUP14.p, { min: 3072, preferred: 4096, max: 8192 }],
    ['an 8193-bit p when max is 8192', (1n << 8192n) + 1n, { min: 2048, preferred: 3072, max: 8192 }],
  ] as const)('rejects %s', async (_label, p, sizes) => {
    const c = await clientAfterGroup(sizes);
    await expectFailure(() => c.receive(group(p, 2n)), 'kex');
  });

  it.each([
    ['0', 0n],
    ['1', 1n],
    ['p − 1', MODP_GROUP14.p - 1n],
    ['p', MODP_GROUP14.p],
    ['p + 1', MODP_GROUP14.p + 1n],
  ])('rejects g = %s', async (_label, g) => {
    const c = await clientAfterGroup();
    await expectFailure(() => c.receive(group(MODP_GROUP14.p, g)), 'kex');
  });

  it('rejects an even modulus', async () => {
    const c = await clientAfterGroup();
    await expectFailure(() => c.receive(group(MODP_GROUP14.p + 1n, 2n)), 'kex');
  });

  it('accepts a 2048-bit group at the bottom of the range (control)', async () => {
    const c = await clientAfterGroup();
    const step = await c.receive(group(MODP_GROUP14.p, 2n));
    expect(step.send[0]![0]).toBe(32);
  });

  it.each([
    ['0', 0n],
    ['1', 1n],
    ['2', 2n],
    ['p − 1', MODP_GROUP14.p - 1n],
    ['p', MODP_GROUP14.p],
    ['p + 1', MODP_GROUP14.p + 1n],
  ])('rejects f = %s in the reply', async (_label, f) => {
    const c = await clientAfterGroup();
    await c.receive(group(MODP_GROUP14.p, 2n));
    const reply = new SSHWriter()
      .byte(33)
      .string(FAKE_HOST_KEY)
      .string(encodeMpint(f))
      .string(new Uint8Array(4))
      .finish();
    await expectFailure(() => c.receive(reply), 'kex');
  });

  it('refuses to send a request it could never accept a group for', () => {
    expect(() =>
      method.client(clientContext({ groupSizes: { min: 1024, preferred: 1024, max: 1024 } })),
    ).toThrow(RangeError);
    expect(() =>
      method.client(clientContext({ groupSizes: { min: 4096, preferred: 2048, max: 8192 } })),
    ).toThrow(RangeError);
  });
});

describe.each([dhGexSha256, dhGexSha1].map((m) => [m.name, m] as const))('%s server', (_n, method) => {
  function server(overrides: Partial<KexServerContext> = {}) {
    return method.server(serverContext(overrides));
  }

  it('refuses KEX_DH_GEX_REQUEST_OLD (30) with a ProtocolError', async () => {
    const old = new SSHWriter().byte(30).uint32(2048).finish();
    const e = await expectFailure(() => server().receive(old), 'protocol');
    expect(e.message).toMatch(/REQUEST_OLD/);
  });

  it.each([
    ['max < min', 4096, 4096, 2048],
    ['n < min', 4096, 2048, 8192],
    ['n > max', 2048, 8192, 4096],
    ['max < 2048', 1024, 1024, 1536],
    ['min above what we hand out', 9000, 9000, 9000],
  ])('rejects a request with %s', async (_label, min, n, max) => {
    await expectFailure(() => server().receive(request(min, n, max)), 'kex');
  });

  it('passes clamped sizes to chooseGroup and rejects a group it returns outside them', async () => {
    let asked: unknown;
    const s = server({
      chooseGroup: (sizes) => {
        asked = sizes;
        return { p: OAKLEY_1024, g: 2n };
      },
    });
    await expectFailure(() => s.receive(request(1024, 1536, 16384)), 'kex');
    expect(asked).toEqual({ min: 2048, preferred: 2048, max: 8192 });
  });

  it('rejects a chosen group with a bad generator', async () => {
    const s = server({ chooseGroup: () => ({ p: MODP_GROUP14.p, g: 1n }) });
    await expectFailure(() => s.receive(request(2048, 2048, 8192)), 'kex');
  });

  it.each([
    ['2048/2048/8192', [2048, 2048, 8192], MODP_GROUP14.p],
    ['2048/3072/8192', [2048, 3072, 8192], MODP_GROUP16.p],
    ['2048/8192/8192', [2048, 8192, 8192], MODP_GROUP18.p],
    ['2048/7680/7680 (no group ≥ n fits: largest within)', [2048, 7680, 7680], MODP_GROUP16.p],
    ['1024/1024/2048', [1024, 1024, 2048], MODP_GROUP14.p],
  ] as const)(
    'falls back to the RFC 3526 groups without chooseGroup: %s',
    async (_label, [min, n, max], p) => {
      const step = await server().receive(request(min, n, max));
      expect(toHex(step.send[0]!)).toBe(toHex(group(p, 2n)));
    },
  );

  it('falls back when chooseGroup returns undefined', async () => {
    const step = await server({ chooseGroup: () => undefined }).receive(request(2048, 2048, 2048));
    expect(toHex(step.send[0]!)).toBe(toHex(group(MODP_GROUP14.p, 2n)));
  });

  it('fails when no group fits', async () => {
    await expectFailure(
      () => server({ chooseGroup: () => undefined }).receive(request(3000, 3000, 4000)),
      'kex',
    );
  });

  it.each([
    ['0', 0n],
    ['1', 1n],
    ['p − 1', MODP_GROUP14.p - 1n],
    ['p', MODP_GROUP14.p],
  ])('rejects e = %s', async (_label, e) => {
    const s = server();
    await s.receive(request(2048, 2048, 2048));
    const msg = new SSHWriter().byte(32).mpint(e).finish();
    await expectFailure(() => s.receive(msg), 'kex');
  });

  it.each([
    [
      { min: 2048, preferred: 2048, max: 8192 },
      { min: 2048, preferred: 2048, max: 8192 },
    ],
    [
      { min: 1024, preferred: 1024, max: 16384 },
      { min: 2048, preferred: 2048, max: 8192 },
    ],
  ])('hashes the sizes as the client sent them (%j), not as clamped', async (sizes, clamped) => {
    let asked: unknown;
    const { client, server: srv } = await runExchange(
      method,
      clientContext({ groupSizes: sizes }),
      serverContext({
        chooseGroup: (s) => {
          asked = s;
          return MODP_GROUP14;
        },
      }),
    );
    expect(asked).toEqual(clamped);
    expect(toHex(client.exchangeHash)).toBe(toHex(srv.exchangeHash));
  });
});
