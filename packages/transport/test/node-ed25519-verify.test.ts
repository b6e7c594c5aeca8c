// The node provider's Ed25519 check of the host key's signature (src/node/ed25519-verify.ts) and
// its use for K_S (src/host-key-signature.ts): it accepts what noble's strict RFC 8032 check
// accepts for honest signatures, and never accepts what noble refuses — S ≥ L, non-canonical and
// small-order public keys (which OpenSSL alone would take), tampered data.
import { createHash, createPublicKey, verify as opensslVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { parsePublicKeyBlob } from '@sshts/keys';
import { SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CryptoPrimitives } from '../src/crypto-primitives.js';
import { verifyHostSignature } from '../src/host-key-signature.js';
import { nobleProvider } from '../src/noble-provider.js';
import { nodeEd25519Verify } from '../src/node/ed25519-verify.js';
import { nodeProvider } from '../src/node/node-provider.js';
import { bytesToHex } from './helpers.js';

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const STRICT = { zip215: false } as const;
const noble = (pub: Uint8Array, sig: Uint8Array, msg: Uint8Array) => {
  try {
    return ed25519.verify(sig, msg, pub, STRICT);
  } catch {
    return false;
  }
};

const le = (bytes: Uint8Array) => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
function leBytes(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** The encodings of the eight points of small order, computed with noble from one of order 8. */
function smallOrderEncodings(): Uint8Array[] {
  const t = ed25519.Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
  expect(t.multiplyUnsafe(8n).is0()).toBe(true);
  expect(t.multiplyUnsafe(4n).is0()).toBe(false);
  const out: Uint8Array[] = [];
  let p = ed25519.Point.ZERO;
  for (let k = 0; k < 8; k++, p = p.add(t)) out.push(p.toBytes());
  return out;
}

describe('node Ed25519 verify', () => {
  it('is what the node provider offers', () => {
    expect(nodeProvider.primitives.ed25519Verify).toBe(nodeEd25519Verify);
    expect(nobleProvider.primitives.ed25519Verify).toBeUndefined();
  });

  it('agrees with noble on honest signatures and on single-bit changes to any part', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.constantFrom('signature', 'message', 'key', 'none'),
        (seed, msg, bit, target) => {
          const pub = ed25519.getPublicKey(seed);
          const sig = ed25519.sign(msg, seed);
          const [p, s, m] = [pub.slice(), sig.slice(), msg.slice()];
          const flip = (a: Uint8Array) => {
            if (a.length > 0) a[(bit >> 3) % a.length]! ^= 1 << (bit & 7);
          };
          if (target === 'signature') flip(s);
          if (target === 'message') flip(m);
          if (target === 'key') flip(p);
          const ours = nodeEd25519Verify(p, s, m);
          expect(ours).toBe(noble(p, s, m));
          if (target === 'none' || (target === 'message' && m.length === 0)) expect(ours).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses S + L, which names the same scalar (RFC 8032 §5.1.7: S < L)', () => {
    const seed = new Uint8Array(32).fill(3);
    const msg = new TextEncoder().encode('exchange hash');
    const sig = ed25519.sign(msg, seed);
    const s = le(sig.subarray(32));
    const bumped = sig.slice();
    bumped.set(leBytes(s + L), 32);
    expect(s + L < 2n ** 256n).toBe(true);
    expect(noble(ed25519.getPublicKey(seed), bumped, msg)).toBe(false);
    expect(nodeEd25519Verify(ed25519.getPublicKey(seed), bumped, msg)).toBe(false);
  });

  it('refuses every small-order public key, even with a signature OpenSSL accepts', () => {
    // With A of small order and k·A the identity (A = the identity itself), R = [S]B satisfies the
    // cofactorless equation for any message: OpenSSL says yes, RFC 8032 strict and noble say no.
    const seed = new Uint8Array(32).fill(7);
    const h = createHash('sha512').update(seed).digest();
    h[0]! &= 248;
    h[31]! &= 127;
    h[31]! |= 64;
    const scalar = le(h.subarray(0, 32)) % L;
    const forged = new Uint8Array(64);
    forged.set(ed25519.getPublicKey(seed)); // R = [a]B = [S]B
    forged.set(leBytes(scalar), 32);
    const identity = leBytes(1n);
    const msg = new TextEncoder().encode('anything at all');
    const opensslAlone = opensslVerify(
      null,
      msg,
      createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(identity).toString('base64url') },
        format: 'jwk',
      }),
      forged,
    );
    expect(opensslAlone).toBe(true);
    expect(noble(identity, forged, msg)).toBe(false);
    expect(nodeEd25519Verify(identity, forged, msg)).toBe(false);
    for (const encoding of smallOrderEncodings()) {
      for (const signBit of [0, 0x80]) {
        const a = encoding.slice();
        a[31] = (a[31]! & 0x7f) | signBit;
        expect(nodeEd25519Verify(a, forged, msg), bytesToHex(a)).toBe(false);
      }
    }
  });

  it('refuses non-canonical public keys (y ≥ p)', () => {
    const msg = new Uint8Array(0);
    const sig = ed25519.sign(msg, new Uint8Array(32).fill(1));
    for (let y = 0n; y < 19n; y++) {
      const a = leBytes(P + y);
      expect(nodeEd25519Verify(a, sig, msg)).toBe(false);
      expect(noble(a, sig, msg)).toBe(false);
    }
  });

  it('refuses wrong lengths', () => {
    const seed = new Uint8Array(32).fill(9);
    const msg = new Uint8Array(5);
    const pub = ed25519.getPublicKey(seed);
    const sig = ed25519.sign(msg, seed);
    expect(nodeEd25519Verify(pub, sig.subarray(0, 63), msg)).toBe(false);
    expect(nodeEd25519Verify(pub.subarray(0, 31), sig, msg)).toBe(false);
  });
});

describe('verifyHostSignature', () => {
  const seed = new Uint8Array(32).fill(5);
  const pub = ed25519.getPublicKey(seed);
  const hostKey = parsePublicKeyBlob(new SSHWriter(64).string('ssh-ed25519').string(pub).finish().slice());
  const H = new Uint8Array(32).fill(0xab);
  const blob = (name: string, sig: Uint8Array) => new SSHWriter(96).string(name).string(sig).finish().slice();
  const good = blob('ssh-ed25519', ed25519.sign(H, seed));

  it('uses the provider’s Ed25519 when it has one, and refuses what the key’s own check refuses', () => {
    let calls = 0;
    const spy: CryptoPrimitives = {
      ...nodeProvider.primitives,
      ed25519Verify: (...args) => {
        calls++;
        return nodeEd25519Verify(...args);
      },
    };
    expect(verifyHostSignature(spy, hostKey, H, good, 'ssh-ed25519')).toBe(true);
    expect(calls).toBe(1);
    const cases = [
      blob('ssh-rsa', ed25519.sign(H, seed)), // the blob names another algorithm
      blob('ssh-ed25519', ed25519.sign(H, seed).subarray(0, 63)),
      new Uint8Array([...good, 0]), // trailing data
      good.subarray(0, good.length - 1),
      blob('ssh-ed25519', ed25519.sign(new Uint8Array(32), seed)),
    ];
    for (const c of cases) {
      expect(verifyHostSignature(spy, hostKey, H, c, 'ssh-ed25519')).toBe(false);
      expect(hostKey.verify(H, c, 'ssh-ed25519')).toBe(false);
    }
    expect(verifyHostSignature(nobleProvider.primitives, hostKey, H, good, 'ssh-ed25519')).toBe(true);
  });
});
