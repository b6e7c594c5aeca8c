// Fixed-group Diffie-Hellman (RFC 4253 §8): e and f outside (1, p − 1) or with fewer than 4 bits set
// (OpenSSH dh_pub_is_valid), negative or oversized mpints.
import { encodeMpint, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { dhGroup14Sha1, dhGroup14Sha256, dhGroup16Sha512 } from '../src/dh-group.js';
import { MODP_GROUP14, MODP_GROUP16 } from '../src/modp-groups.js';
import { clientContext, expectFailure, FAKE_HOST_KEY, serverContext } from './helpers.js';

function reply(f: Uint8Array): Uint8Array {
  return new SSHWriter().byte(31).string(FAKE_HOST_KEY).string(f).string(new Uint8Array(8)).finish();
}

function init(e: Uint8Array): Uint8Array {
  return new SSHWriter().byte(30).string(e).finish();
}

function badValues(p: bigint): [string, Uint8Array][] {
  const m = (v: bigint) => encodeMpint(v);
  return [
    ['0', m(0n)],
    ['1', m(1n)],
    ['2 (one bit)', m(2n)],
    ['7 (three bits)', m(7n)],
    ['2^1000 (one bit)', m(1n << 1000n)],
    ['2^1000 + 2^500 + 1 (three bits)', m((1n << 1000n) + (1n << 500n) + 1n)],
    ['p − 1', m(p - 1n)],
    ['p', m(p)],
    ['p + 1', m(p + 1n)],
    ['2p', m(2n * p)],
    ['negative (−5)', m(-5n)],
    ['negative (−(p − 2))', m(-(p - 2n))],
    ['longer than p by 2 bytes', Uint8Array.from([0, 0, ...m(p - 2n)])],
  ];
}

describe.each([
  [dhGroup14Sha256.name, dhGroup14Sha256, MODP_GROUP14.p],
  [dhGroup14Sha1.name, dhGroup14Sha1, MODP_GROUP14.p],
  [dhGroup16Sha512.name, dhGroup16Sha512, MODP_GROUP16.p],
] as const)('%s', (_name, method, p) => {
  it.each(badValues(p))('client rejects f = %s', async (_label, f) => {
    const c = method.client(clientContext());
    c.start();
    await expectFailure(() => c.receive(reply(f)), 'kex');
  });

  it.each(badValues(p))('server rejects e = %s (before signing)', async (_label, e) => {
    let signed = false;
    const s = method.server(
      serverContext({
        sign: () => {
          signed = true;
          return new Uint8Array(1);
        },
      }),
    );
    await expectFailure(() => s.receive(init(e)), 'kex');
    expect(signed).toBe(false);
  });

  it.each([
    ['15 (four bits)', 15n],
    ['p − 2', p - 2n],
    ['2^1000 + 2^500 + 3 (four bits)', (1n << 1000n) + (1n << 500n) + 3n],
  ])('accepts f = %s (the limits are exact)', async (_label, f) => {
    const c = method.client(clientContext());
    c.start();
    expect((await c.receive(reply(encodeMpint(f)))).result).toBeDefined();
  });

  it('accepts a non-minimal mpint (surplus zero byte) but hashes the canonical form', async () => {
    const fixed = () => new Uint8Array(64).fill(0x5a);
    const f = encodeMpint((1n << 1000n) + (1n << 500n) + 3n);
    const a = method.client(clientContext({ randomBytes: fixed }));
    a.start();
    const b = method.client(clientContext({ randomBytes: fixed }));
    b.start();
    const ha = (await a.receive(reply(f))).result!.exchangeHash;
    const hb = (await b.receive(reply(Uint8Array.from([0, ...f])))).result!.exchangeHash;
    expect(hb).toEqual(ha);
  });
});

describe('our own private value', () => {
  it('redraws when the random bytes give x < 2 or a weak public value', async () => {
    const draws = [
      new Uint8Array(64),
      new Uint8Array(64).fill(0),
      Uint8Array.from({ length: 64 }, (_, i) => (i === 63 ? 1 : 0)),
    ];
    draws.push(new Uint8Array(64).fill(0x42));
    let calls = 0;
    const c = dhGroup14Sha256.client(clientContext({ randomBytes: () => draws[calls++]! }));
    const [msg] = c.start() as Uint8Array[];
    expect(calls).toBe(4); // 0, 0 and 1 are refused as exponents
    expect(msg![0]).toBe(30);
  });
});
