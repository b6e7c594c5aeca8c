// The node provider's X25519 key pairs (@sshts/transport's src/node/x25519.ts), checked against
// noble's audited X25519 from the other side; and the kex methods taking their ephemeral X25519
// key from the provider when it has one, with RFC 8731 §3's all-zero refusal still applied.
import { x25519 } from '@noble/curves/ed25519.js';
import type { X25519KeyPair } from '@sshts/transport';
import { nodeProvider } from '@sshts/transport/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findKexMethod } from '../src/registry.js';
import { x25519Ephemeral } from '../src/x25519.js';
import { clientContext, runExchange, serverContext, toHex } from './helpers.js';

const P = 2n ** 255n - 19n;
const nodeKeyPair = nodeProvider.primitives.x25519KeyPair!;

function uBytes(u: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return out;
}

// Low-order u-coordinates on Curve25519 and its twist (the ones libsodium and Go's x/crypto
// refuse), and p, p + 1, which reduce to 0 and 1.
const LOW_ORDER = [
  0n,
  1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
  P - 1n,
  P,
  P + 1n,
];

describe('node:crypto X25519 key pairs', () => {
  it('agree with noble computing from the other side, for random peers', () => {
    expect(nodeKeyPair).toBeTypeOf('function');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (theirSecret) => {
        const ours = nodeKeyPair();
        expect(ours.publicKey).toHaveLength(32);
        const shared = ours.sharedSecret(x25519.getPublicKey(theirSecret));
        expect(toHex(shared)).toBe(toHex(x25519.getSharedSecret(theirSecret, ours.publicKey)));
      }),
      { numRuns: 60 },
    );
  });

  it('take peer values as RFC 7748 §5 says: top bit masked, u ≥ p reduced', () => {
    const ours = nodeKeyPair();
    // X25519(k, 9) is k's public key: u = 9 and its unreduced form p + 9 both give it back.
    expect(toHex(ours.sharedSecret(uBytes(9n)))).toBe(toHex(ours.publicKey));
    expect(toHex(ours.sharedSecret(uBytes(P + 9n)))).toBe(toHex(ours.publicKey));
    const theirSecret = new Uint8Array(32).fill(0x5a);
    const theirPublic = x25519.getPublicKey(theirSecret);
    const topBit = theirPublic.slice();
    topBit[31]! |= 0x80;
    expect(toHex(ours.sharedSecret(topBit))).toBe(toHex(x25519.getSharedSecret(theirSecret, ours.publicKey)));
  });

  it.each(LOW_ORDER.map((u) => [u.toString(16).slice(0, 12), u] as const))(
    'a low-order peer value (%s…) fails the exchange with KEY_EXCHANGE_FAILED',
    (_label, u) => {
      const key = x25519Ephemeral({ randomBytes: () => new Uint8Array(32), x25519KeyPair: nodeKeyPair });
      expect(() => key.agree(uBytes(u))).toThrow(/low-order|all zeros/);
    },
  );

  it('refuse peer values of the wrong length', () => {
    const ours = nodeKeyPair();
    expect(() => ours.sharedSecret(new Uint8Array(31))).toThrow(RangeError);
    const key = x25519Ephemeral({ randomBytes: () => new Uint8Array(32), x25519KeyPair: nodeKeyPair });
    expect(() => key.agree(new Uint8Array(33))).toThrow(/32 bytes/);
  });

  it('are fresh each time', () => {
    const seen = new Set(Array.from({ length: 20 }, () => toHex(nodeKeyPair().publicKey)));
    expect(seen.size).toBe(20);
  });
});

describe('kex methods with the provider’s X25519', () => {
  const counting = () => {
    let calls = 0;
    const pair = (): X25519KeyPair => {
      calls++;
      return nodeKeyPair();
    };
    return { pair, calls: () => calls };
  };

  it.each(['curve25519-sha256', 'sntrup761x25519-sha512', 'mlkem768x25519-sha256'])(
    '%s: a node-keyed side agrees with a noble side, each way',
    async (name) => {
      const method = findKexMethod(name)!;
      for (const nodeSide of ['client', 'server'] as const) {
        const spy = counting();
        const withNode = { x25519KeyPair: spy.pair };
        const { client, server } = await runExchange(
          method,
          clientContext(nodeSide === 'client' ? withNode : {}),
          serverContext(nodeSide === 'server' ? withNode : {}),
        );
        expect(spy.calls()).toBe(1);
        expect(toHex(client.sharedSecret)).toBe(toHex(server.sharedSecret));
        expect(toHex(client.exchangeHash)).toBe(toHex(server.exchangeHash));
      }
    },
  );

  it('an all-zero result from the provider is refused (RFC 8731 §3)', () => {
    const zeros: X25519KeyPair = {
      publicKey: new Uint8Array(32).fill(1),
      sharedSecret: () => new Uint8Array(32),
    };
    const key = x25519Ephemeral({ randomBytes: () => new Uint8Array(32), x25519KeyPair: () => zeros });
    expect(() => key.agree(new Uint8Array(32).fill(9))).toThrow(/all zeros/);
  });
});
