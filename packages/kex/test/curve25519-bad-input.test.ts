// curve25519-sha256 (RFC 8731 §3): low-order points that give an all-zero secret, wrong lengths.
import { x25519 } from '@noble/curves/ed25519.js';
import { SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { curve25519Sha256, curve25519Sha256Libssh } from '../src/curve25519.js';
import { assertNonZeroSecret } from '../src/x25519.js';
import { clientContext, expectFailure, FAKE_HOST_KEY, serverContext } from './helpers.js';

const P = 2n ** 255n - 19n;

function le(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** u-coordinates of points of order 1, 2, 4 and 8 (RFC 7748 §5; cr.yp.to/ecdh.html#validate), plus non-canonical encodings. */
const LOW_ORDER: [string, Uint8Array][] = [
  ['0', le(0n)],
  ['1', le(1n)],
  ['order 8 (a)', le(325606250916557431795983626356110631294008115727848805560023387167927233504n)],
  ['order 8 (b)', le(39382357235489614581723060781553021112529911719440698176882885853963445705823n)],
  ['p − 1', le(P - 1n)],
  ['p (= 0)', le(P)],
  ['p + 1 (= 1)', le(P + 1n)],
  ['0 with the top bit set', le(1n << 255n)],
  ['1 with the top bit set', le((1n << 255n) + 1n)],
];

function reply(qs: Uint8Array): Uint8Array {
  return new SSHWriter().byte(31).string(FAKE_HOST_KEY).string(qs).string(new Uint8Array(8)).finish();
}

function init(qc: Uint8Array): Uint8Array {
  return new SSHWriter().byte(30).string(qc).finish();
}

describe('assertNonZeroSecret (RFC 8731 §3)', () => {
  it('throws for 32 zero bytes and passes anything else', () => {
    expect(() => assertNonZeroSecret(new Uint8Array(32))).toThrow(/all zeros/);
    for (let i = 0; i < 32; i++) {
      const s = new Uint8Array(32);
      s[i] = 1;
      expect(() => assertNonZeroSecret(s)).not.toThrow();
    }
  });
});

describe.each([curve25519Sha256, curve25519Sha256Libssh].map((m) => [m.name, m] as const))(
  '%s',
  (_n, method) => {
    it.each(LOW_ORDER)('client rejects Q_S = %s (low order: all-zero secret)', async (_label, q) => {
      const c = method.client(clientContext());
      c.start();
      await expectFailure(() => c.receive(reply(q)), 'kex');
    });

    it.each(LOW_ORDER)('server rejects Q_C = %s', async (_label, q) => {
      let signed = false;
      const s = method.server(
        serverContext({
          sign: () => {
            signed = true;
            return new Uint8Array(1);
          },
        }),
      );
      await expectFailure(() => s.receive(init(q)), 'kex');
      expect(signed).toBe(false);
    });

    it.each([0, 1, 31, 33, 64, 65])('rejects a %i-byte public value', async (n) => {
      const q = new Uint8Array(n).fill(9);
      const c = method.client(clientContext());
      c.start();
      expect((await expectFailure(() => c.receive(reply(q)), 'kex')).message).toMatch(/must be 32 bytes/);
      const s = method.server(serverContext());
      expect((await expectFailure(() => s.receive(init(q)), 'kex')).message).toMatch(/must be 32 bytes/);
    });

    it('accepts a valid 32-byte point (control for the tests above)', async () => {
      const c = method.client(clientContext());
      c.start();
      const step = await c.receive(reply(x25519.getPublicKey(new Uint8Array(32).fill(7))));
      expect(step.result).toBeDefined();
    });
  },
);
