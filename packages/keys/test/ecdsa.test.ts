// ecdsa-sha2-nistp256/384/521 (RFC 5656 §3.1, §3.1.1, §3.1.2) rules that bad input must hit,
// built by mutating the ssh-keygen vectors.

import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, parsePublicKeyBlob } from '../src/index.js';
import {
  blobFields,
  concat,
  loadVectors,
  parseSshsig,
  signatureBlob,
  splitSignatureBlob,
  sshStrings,
  sshsigSignedData,
  utf8,
} from './helpers.js';

const CURVES: Record<string, { curve: ECDSA; id: string; other: string }> = {
  'ecdsa-sha2-nistp256': { curve: p256, id: 'nistp256', other: 'nistp384' },
  'ecdsa-sha2-nistp384': { curve: p384, id: 'nistp384', other: 'nistp521' },
  'ecdsa-sha2-nistp521': { curve: p521, id: 'nistp521', other: 'nistp256' },
};

function innerSignature(r: bigint, s: bigint): Uint8Array {
  return new SSHWriter().mpint(r).mpint(s).finish().slice();
}

function fieldBytes(x: bigint, len: number): Uint8Array {
  return new Uint8Array(Buffer.from(x.toString(16).padStart(len * 2, '0'), 'hex'));
}

/** The first curve point with x ≥ `start`, as an uncompressed SEC1 encoding. */
function pointWithXFrom(curve: ECDSA, start: bigint): { x: bigint; q: Uint8Array } {
  const Fp = curve.Point.Fp;
  const { a, b } = curve.Point.CURVE();
  for (let x = start; ; x++) {
    const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(x), x), Fp.mul(a, x)), b);
    let y: bigint;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    return { x, q: concat(Uint8Array.of(4), fieldBytes(x, Fp.BYTES), fieldBytes(y, Fp.BYTES)) };
  }
}

for (const v of loadVectors().filter((x) => x.keyType.startsWith('ecdsa-'))) {
  const { curve, id, other } = CURVES[v.keyType]!;
  const n = curve.Point.Fn.ORDER;
  const [typeField, , q] = blobFields(parsePublicKey(v.publicKey).blob) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const makeBlob = (curveId: string | Uint8Array, point: Uint8Array) => sshStrings(typeField, curveId, point);

  describe(`${v.keyType} (${v.file})`, () => {
    const key = parsePublicKeyBlob(makeBlob(id, q));
    const sshsig = parseSshsig(v.sshsig.signatures[0]!.armored);
    const data = sshsigSignedData(sshsig, utf8(v.sshsig.message));
    const { algorithm, signature } = splitSignatureBlob(sshsig.signature);
    const rs = new SSHReader(signature);
    const r = rs.mpint();
    const s = rs.mpint();
    const withRS = (rr: bigint, ss: bigint) => signatureBlob(algorithm, innerSignature(rr, ss));

    it('has the curve size as bits and verifies the vector', () => {
      expect(key.bits).toBe(curve.Point.Fp.BITS);
      expect(key.verify(data, withRS(r, s))).toBe(true);
    });

    it('rejects a curve identifier that does not match the type', () => {
      expect(() => parsePublicKeyBlob(makeBlob(other, q))).toThrow(MalformedMessageError);
      expect(() => parsePublicKeyBlob(makeBlob('', q))).toThrow(MalformedMessageError);
      expect(() => parsePublicKeyBlob(makeBlob(`${id}\0`, q))).toThrow(MalformedMessageError);
    });

    it('rejects a compressed point (OpenSSH accepts only 0x04 ‖ X ‖ Y)', () => {
      const compressed = curve.Point.fromBytes(q).toBytes(true);
      expect(curve.Point.fromBytes(compressed).equals(curve.Point.fromBytes(q))).toBe(true);
      expect(() => parsePublicKeyBlob(makeBlob(id, compressed))).toThrow(MalformedMessageError);
    });

    it('rejects the point at infinity', () => {
      expect(() => parsePublicKeyBlob(makeBlob(id, Uint8Array.of(0)))).toThrow(MalformedMessageError);
      expect(() =>
        parsePublicKeyBlob(makeBlob(id, concat(Uint8Array.of(4), new Uint8Array(q.length - 1)))),
      ).toThrow(MalformedMessageError);
    });

    it('rejects points off the curve, with x ≥ p, or of the wrong length', () => {
      const offCurve = q.slice();
      offCurve[offCurve.length - 1]! ^= 1;
      expect(() => parsePublicKeyBlob(makeBlob(id, offCurve))).toThrow(MalformedMessageError);
      const len = curve.Point.Fp.BYTES;
      const bigX = concat(Uint8Array.of(4), fieldBytes(curve.Point.Fp.ORDER, len), q.subarray(1 + len));
      expect(() => parsePublicKeyBlob(makeBlob(id, bigX))).toThrow(MalformedMessageError);
      expect(() => parsePublicKeyBlob(makeBlob(id, q.subarray(0, -1)))).toThrow(MalformedMessageError);
      expect(() => parsePublicKeyBlob(makeBlob(id, concat(q, Uint8Array.of(0))))).toThrow(
        MalformedMessageError,
      );
      expect(() => parsePublicKeyBlob(makeBlob(id, new Uint8Array(0)))).toThrow(MalformedMessageError);
    });

    it('rejects on-curve points OpenSSH rejects: bits(x) ≤ bits(n)/2, x ≥ n - 1', () => {
      for (const start of [0n, n - 1n]) {
        const { x, q: point } = pointWithXFrom(curve, start);
        expect(() => curve.Point.fromBytes(point)).not.toThrow(); // a real curve point
        expect(x >= n - 1n || x.toString(2).length <= n.toString(2).length / 2).toBe(true);
        expect(() => parsePublicKeyBlob(makeBlob(id, point)), `x from ${start}`).toThrow(
          MalformedMessageError,
        );
      }
    });

    it('returns false for r or s outside [1, n-1]', () => {
      for (const [rr, ss] of [
        [0n, s],
        [r, 0n],
        [n, s],
        [r, n],
        [r + n, s],
        [r, s + n],
        [0n, 0n],
      ] as const) {
        expect(key.verify(data, withRS(rr, ss)), `r=${rr} s=${ss}`).toBe(false);
      }
      // A negative mpint, and an oversized one.
      expect(key.verify(data, withRS(-r, s))).toBe(false);
      expect(key.verify(data, withRS(r, s << 64n))).toBe(false);
    });

    it('accepts high-S signatures (OpenSSH does not require low S)', () => {
      // Exactly one of s and n - s is above n/2; both must verify.
      expect(key.verify(data, withRS(r, n - s))).toBe(true);
      expect(key.verify(data, withRS(r, s))).toBe(true);
    });

    it('rejects a malformed inner signature blob', () => {
      const inner = innerSignature(r, s);
      expect(key.verify(data, signatureBlob(algorithm, concat(inner, Uint8Array.of(0))))).toBe(false);
      expect(key.verify(data, signatureBlob(algorithm, inner.subarray(0, -1)))).toBe(false);
      expect(key.verify(data, signatureBlob(algorithm, new Uint8Array(0)))).toBe(false);
      // Raw r ‖ s instead of two mpints.
      expect(
        key.verify(
          data,
          signatureBlob(
            algorithm,
            curve.Signature.fromBytes(
              concat(fieldBytes(r, curve.Point.Fn.BYTES), fieldBytes(s, curve.Point.Fn.BYTES)),
              'compact',
            ).toBytes('der'),
          ),
        ),
      ).toBe(false);
    });

    it('rejects another curve’s algorithm name', () => {
      for (const alg of Object.keys(CURVES).filter((a) => a !== v.keyType)) {
        expect(key.verify(data, signatureBlob(alg, innerSignature(r, s)))).toBe(false);
        expect(key.verify(data, withRS(r, s), alg)).toBe(false);
      }
      expect(key.verify(data, signatureBlob('rsa-sha2-256', innerSignature(r, s)))).toBe(false);
    });
  });
}
