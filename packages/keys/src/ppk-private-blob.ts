// The private halves PuTTY stores in a .ppk file (PuTTY manual appendix C, §C.3 "Private key
// encodings"); the public values come from the file's public blob (RFC 4253 §6.6 / RFC 5656 §3.1
// / RFC 8709 §4). Trailing bytes after the fields are the cipher padding and are ignored (§C.2).
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import { KeyFormatError, UnsupportedKeyTypeError } from './errors.js';
import { MAX_RSA_EXPONENT_BITS, MAX_RSA_MODULUS_BITS } from './limits.js';
import type { PrivateKeyComponents } from './private-key.js';
import { ECDSA_CURVES, type EcdsaKeyTypeName } from './private-key-ecdsa.js';

const FORMAT = 'PPK';

/** Key types whose PPK private encoding we implement. */
export function isPpkKeyType(type: string): boolean {
  return type === 'ssh-ed25519' || type === 'ssh-rsa' || type in ECDSA_CURVES;
}

/**
 * The components of a key of `type` from its public blob (already checked to be of that type) and
 * its decrypted private blob:
 *   ssh-rsa: mpint d, mpint p, mpint q, mpint iqmp (n, e from the public blob);
 *   ecdsa-sha2-*: mpint d;
 *   ssh-ed25519: string holding the 32-byte RFC 8032 secret (PuTTY's dump calls it the private
 *   exponent in little-endian, i.e. the seed bytes in order).
 */
export function decodePpkPrivate(
  type: string,
  publicBlob: Uint8Array,
  privateBlob: Uint8Array,
): PrivateKeyComponents {
  try {
    const pub = new SSHReader(publicBlob);
    pub.string('public key type');
    const priv = new SSHReader(privateBlob);
    if (type === 'ssh-ed25519') {
      const seed = priv.string('ed25519 private key', 32);
      if (seed.length !== 32) throw new KeyFormatError(FORMAT, 'Ed25519 private key must be 32 bytes');
      return { type, seed: seed.slice() };
    }
    if (type === 'ssh-rsa') {
      const e = pub.mpint('rsa e', MAX_RSA_EXPONENT_BITS);
      const n = pub.mpint('rsa n', MAX_RSA_MODULUS_BITS);
      const d = priv.mpint('rsa d', MAX_RSA_MODULUS_BITS);
      const p = priv.mpint('rsa p', MAX_RSA_MODULUS_BITS);
      const q = priv.mpint('rsa q', MAX_RSA_MODULUS_BITS);
      const iqmp = priv.mpint('rsa iqmp', MAX_RSA_MODULUS_BITS);
      return { type, n, e, d, p, q, iqmp };
    }
    const curve = ECDSA_CURVES[type as EcdsaKeyTypeName];
    if (curve === undefined) throw new UnsupportedKeyTypeError(type);
    const d = priv.mpint('ecdsa d', curve.curve.Point.Fn.BITS);
    return { type: type as EcdsaKeyTypeName, d };
  } catch (e) {
    if (e instanceof MalformedMessageError) throw new KeyFormatError(FORMAT, e.message);
    throw e;
  }
}

/** The unpadded private blob of `c` (the inverse of decodePpkPrivate). */
export function encodePpkPrivate(c: PrivateKeyComponents): Uint8Array {
  const w = new SSHWriter();
  if (c.type === 'ssh-ed25519') {
    w.string(c.seed);
  } else if (c.type === 'ssh-rsa') {
    if (c.iqmp === undefined) throw new TypeError('RSA components without iqmp');
    w.mpint(c.d).mpint(c.p).mpint(c.q).mpint(c.iqmp);
  } else {
    w.mpint(c.d);
  }
  return w.finish().slice();
}
