// ecdh-sha2-nistp* (RFC 5656 §4): points off the curve, compressed, at infinity, of the wrong size.
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { KexMethod } from '@sshts/transport';
import { SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { bytesToBigInt } from '../src/bytes.js';
import { ecdhSha2Nistp256, ecdhSha2Nistp384, ecdhSha2Nistp521 } from '../src/ecdh-nistp.js';
import { bigIntToBytes, clientContext, expectFailure, FAKE_HOST_KEY, serverContext } from './helpers.js';

function reply(qs: Uint8Array): Uint8Array {
  return new SSHWriter().byte(31).string(FAKE_HOST_KEY).string(qs).string(new Uint8Array(8)).finish();
}

function init(qc: Uint8Array): Uint8Array {
  return new SSHWriter().byte(30).string(qc).finish();
}

const cases: [string, KexMethod, typeof p256, number][] = [
  ['nistp256', ecdhSha2Nistp256, p256, 32],
  ['nistp384', ecdhSha2Nistp384, p384, 48],
  ['nistp521', ecdhSha2Nistp521, p521, 66],
];

describe.each(cases)('%s', (_name, method, curve, size) => {
  const valid = curve.getPublicKey(curve.utils.randomSecretKey(), false);
  const x = valid.subarray(1, 1 + size);
  const y = valid.subarray(1 + size);
  const p = curve.Point.Fp.ORDER;
  const offCurve = valid.slice();
  offCurve[offCurve.length - 1]! ^= 1;
  const compressed = curve.getPublicKey(curve.utils.randomSecretKey(), true);
  const xIsP = Uint8Array.from([4, ...bigIntToBytes(p, size), ...y]);
  const yPlusP =
    bytesToBigInt(y) + p < 1n << BigInt(8 * size)
      ? Uint8Array.from([4, ...x, ...bigIntToBytes(bytesToBigInt(y) + p, size)])
      : undefined;
  const other = cases.find((c) => c[3] !== size)!;
  const bad: [string, Uint8Array][] = [
    ['off the curve (y changed)', offCurve],
    ['compressed (valid point)', compressed],
    ['infinity (single 0x00)', new Uint8Array([0])],
    ['all zeros, uncompressed length', new Uint8Array(1 + 2 * size)],
    ['0x04 with zero coordinates', Uint8Array.from([4, ...new Uint8Array(2 * size)])],
    ['hybrid prefix 0x06', Uint8Array.from([6, ...valid.subarray(1)])],
    ['x = p (not reduced)', xIsP],
    ['one byte short', valid.subarray(0, valid.length - 1)],
    ['one byte long', Uint8Array.from([...valid, 0])],
    ['a point of another curve', other[2].getPublicKey(other[2].utils.randomSecretKey(), false)],
    ['empty', new Uint8Array(0)],
    ...(yPlusP ? ([['y + p (not reduced)', yPlusP]] as [string, Uint8Array][]) : []),
  ];

  it.each(bad)('client rejects Q_S %s', async (_label, q) => {
    const c = method.client(clientContext());
    c.start();
    await expectFailure(() => c.receive(reply(q)), 'kex');
  });

  it.each(bad)('server rejects Q_C %s', async (_label, q) => {
    await expectFailure(() => method.server(serverContext()).receive(init(q)), 'kex');
  });

  it('noble itself would take the compressed point: our length/prefix rule is what refuses it', () => {
    expect(curve.getSharedSecret(curve.utils.randomSecretKey(), compressed).length).toBe(1 + size);
  });

  it('accepts a valid uncompressed point (control)', async () => {
    const c = method.client(clientContext());
    c.start();
    expect((await c.receive(reply(valid))).result).toBeDefined();
  });
});
