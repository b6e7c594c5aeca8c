// ECDH on the NIST curves for ecdh-sha2-nistp256/384/521 (RFC 5656 §4, §7.1): public values are
// uncompressed SEC1 points checked to be on the curve, and K is the shared point's x-coordinate
// as an mpint. Compressed points are refused: RFC 5656 §3.1 makes them optional, and OpenSSH refuses
// them (protocol-checklist §3.4).
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { bytesToBigInt, unsignedToMpint } from './bytes.js';
import { kexFailed } from './errors.js';
import type { EphemeralKey, KeyAgreement, RandomBytes } from './key-agreement.js';

type Curve = typeof p256;

/**
 * The private scalar: ceil(bits(n) / 8) random bytes with the bits above bits(n) cleared, read
 * big-endian, accepted when 1 ≤ d < n and otherwise redrawn from fresh bytes (rejection sampling,
 * no bias). Those bytes are the secret key noble takes.
 */
function generateScalar(curve: Curve, randomBytes: RandomBytes): Uint8Array {
  const n = curve.Point.Fn.ORDER;
  const bits = n.toString(2).length;
  const length = Math.ceil(bits / 8);
  for (let attempt = 0; attempt < 64; attempt++) {
    const bytes = randomBytes(length).slice();
    if (bytes.length !== length) throw new RangeError('randomBytes returned the wrong length');
    bytes[0]! &= 0xff >> (length * 8 - bits);
    const d = bytesToBigInt(bytes);
    if (d >= 1n && d < n) return bytes;
  }
  throw kexFailed('could not generate an ECDH key: the random source is broken');
}

function ecdhAgreement(curve: Curve, name: string): KeyAgreement {
  const fieldBytes = curve.Point.Fp.BYTES;
  const pointBytes = 1 + 2 * fieldBytes;
  return {
    generate(randomBytes: RandomBytes): EphemeralKey {
      const secret = generateScalar(curve, randomBytes);
      return {
        publicValue: curve.getPublicKey(secret, false),
        agree(peerValue: Uint8Array) {
          if (peerValue.length !== pointBytes || peerValue[0] !== 0x04) {
            throw kexFailed(`${name} public value must be an uncompressed point of ${pointBytes} bytes`);
          }
          let shared: Uint8Array;
          try {
            // fromBytes inside checks that the point is on the curve and not the identity.
            shared = curve.getSharedSecret(secret, peerValue, true);
          } catch (cause) {
            throw kexFailed(`${name} public value is not a valid curve point`, cause);
          }
          return { peerValue, sharedSecret: unsignedToMpint(shared.subarray(1)) };
        },
      };
    },
  };
}

export const p256Agreement = ecdhAgreement(p256, 'nistp256');
export const p384Agreement = ecdhAgreement(p384, 'nistp384');
export const p521Agreement = ecdhAgreement(p521, 'nistp521');
