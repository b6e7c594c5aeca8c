// PKCS#1 RSAPrivateKey (RFC 8017 Appendix A.1.2), the DER inside `-----BEGIN RSA PRIVATE KEY-----`
// and inside a PKCS#8 rsaEncryption key:
//   RSAPrivateKey ::= SEQUENCE { version, modulus n, publicExponent e, privateExponent d,
//     prime1 p, prime2 q, exponent1 d mod (p-1), exponent2 d mod (q-1), coefficient q⁻¹ mod p,
//     otherPrimeInfos OPTIONAL }

import { modInverse } from './bigint-modular.js';
import { type DerReader, derInteger, derSequence, derTopLevel } from './der.js';
import { KeyFormatError } from './errors.js';
import { MAX_RSA_EXPONENT_BITS, MAX_RSA_MODULUS_BITS } from './limits.js';
import type { PrivateKeyComponents } from './private-key.js';

type RsaComponents = Extract<PrivateKeyComponents, { type: 'ssh-rsa' }>;

/**
 * Reads an RSAPrivateKey; only two-prime keys (version 0) are accepted. The CRT exponents are
 * checked against d here; the other relations (n = p·q, e·d ≡ 1, iqmp) by privateKeyFromComponents.
 */
export function decodePkcs1PrivateKey(der: Uint8Array, format = 'PKCS#1'): RsaComponents {
  const seq = derTopLevel(der, format, 'RSAPrivateKey');
  return readRsaPrivateKey(seq, format);
}

function readRsaPrivateKey(seq: DerReader, format: string): RsaComponents {
  const version = seq.smallInteger('version', 1);
  // version 1 means otherPrimeInfos follow (multi-prime RSA, §3.2): OpenSSH cannot use those.
  if (version !== 0) throw new KeyFormatError(format, 'multi-prime RSA keys are not supported');
  const n = seq.integer('modulus', MAX_RSA_MODULUS_BITS);
  const e = seq.integer('publicExponent', MAX_RSA_EXPONENT_BITS);
  const d = seq.integer('privateExponent', MAX_RSA_MODULUS_BITS);
  const p = seq.integer('prime1', MAX_RSA_MODULUS_BITS);
  const q = seq.integer('prime2', MAX_RSA_MODULUS_BITS);
  const dP = seq.integer('exponent1', MAX_RSA_MODULUS_BITS);
  const dQ = seq.integer('exponent2', MAX_RSA_MODULUS_BITS);
  const iqmp = seq.integer('coefficient', MAX_RSA_MODULUS_BITS);
  seq.end('RSAPrivateKey');
  // A wrong dP or dQ would make CRT signatures that leak a factor (Boneh-DeMillo-Lipton); we sign
  // with d mod (p-1) computed ourselves, but a file disagreeing with itself is corrupt.
  if (p < 2n || q < 2n || dP !== d % (p - 1n) || dQ !== d % (q - 1n)) {
    throw new KeyFormatError(format, 'RSA CRT exponents do not match d');
  }
  return { type: 'ssh-rsa', n, e, d, p, q, iqmp };
}

/** The RSAPrivateKey DER of `c` (version 0, CRT values computed from d, p, q). */
export function encodePkcs1PrivateKey(c: RsaComponents): Uint8Array {
  const iqmp = c.iqmp ?? modInverse(c.q, c.p);
  if (iqmp === undefined) throw new KeyFormatError('PKCS#1', 'RSA q has no inverse mod p');
  return derSequence(
    derInteger(0),
    derInteger(c.n),
    derInteger(c.e),
    derInteger(c.d),
    derInteger(c.p),
    derInteger(c.q),
    derInteger(c.d % (c.p - 1n)),
    derInteger(c.d % (c.q - 1n)),
    derInteger(iqmp),
  );
}
