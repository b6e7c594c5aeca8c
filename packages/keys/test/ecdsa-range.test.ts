// SEC1 §4.1.4 step 1 (1 ≤ r, s ≤ n - 1) is checked by our code before noble is asked. noble's own
// Signature constructor also rejects out-of-range values, so to test our gate alone, this file
// replaces the curves' verify with one that accepts everything.
import { SSHReader, SSHWriter } from '@sshts/wire';
import { describe, expect, it, vi } from 'vitest';
import { parsePublicKey } from '../src/index.js';
import {
  loadVectors,
  parseSshsig,
  signatureBlob,
  splitSignatureBlob,
  sshsigSignedData,
  utf8,
} from './helpers.js';

vi.mock('@noble/curves/nist.js', async (importOriginal) => {
  const nist = await importOriginal<typeof import('@noble/curves/nist.js')>();
  const accepting = <T extends object>(curve: T): T => ({ ...curve, verify: () => true });
  return { ...nist, p256: accepting(nist.p256), p384: accepting(nist.p384), p521: accepting(nist.p521) };
});

const { p256, p384, p521 } = await import('@noble/curves/nist.js');
const ORDERS: Record<string, bigint> = {
  'ecdsa-sha2-nistp256': p256.Point.Fn.ORDER,
  'ecdsa-sha2-nistp384': p384.Point.Fn.ORDER,
  'ecdsa-sha2-nistp521': p521.Point.Fn.ORDER,
};

describe('ECDSA r, s range gate (noble verify stubbed to accept)', () => {
  for (const v of loadVectors().filter((x) => x.keyType.startsWith('ecdsa-'))) {
    it(v.keyType, () => {
      const key = parsePublicKey(v.publicKey);
      const n = ORDERS[v.keyType]!;
      const sshsig = parseSshsig(v.sshsig.signatures[0]!.armored);
      const data = sshsigSignedData(sshsig, utf8(v.sshsig.message));
      const { algorithm, signature } = splitSignatureBlob(sshsig.signature);
      const reader = new SSHReader(signature);
      const r = reader.mpint();
      const s = reader.mpint();
      const withRS = (rr: bigint, ss: bigint) =>
        signatureBlob(algorithm, new SSHWriter().mpint(rr).mpint(ss).finish().slice());
      expect(key.verify(utf8('anything'), withRS(r, s))).toBe(true); // the stub is in place
      expect(key.verify(data, withRS(1n, n - 1n))).toBe(true);
      for (const [rr, ss] of [
        [0n, s],
        [r, 0n],
        [n, s],
        [r, n],
      ] as const) {
        expect(key.verify(data, withRS(rr, ss)), `r=${rr} s=${ss}`).toBe(false);
      }
    });
  }
});
