// X25519 (RFC 7748) on node:crypto for the key exchange. The key pair is made by OpenSSL, whose
// secret never leaves its KeyObject: importing a raw 32-byte secret goes through OpenSSL 3's DER
// decoders and costs more than noble's whole scalar multiplication, generating one does not
// (~0.05 ms for the pair, ~0.05 ms for the agreement, against ~0.4 + ~1.0 ms with noble here).
import { createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import type { X25519KeyPair } from '../crypto-primitives.js';

const KEY_BYTES = 32;

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
}

export function nodeX25519KeyPair(): X25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('node:crypto exported an X25519 public key without x');
  const ours = new Uint8Array(Buffer.from(x, 'base64url'));
  return {
    publicKey: ours,
    sharedSecret(peer) {
      if (peer.length !== KEY_BYTES) throw new RangeError(`X25519 public value must be ${KEY_BYTES} bytes`);
      // The JWK import takes any 32 bytes as the u-coordinate (its top bit masked, RFC 7748 §5);
      // OpenSSL fails the derivation when the result is all zeros (a low-order peer value).
      const peerKey = createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: base64url(peer) },
        format: 'jwk',
      });
      const shared = diffieHellman({ privateKey, publicKey: peerKey });
      return new Uint8Array(shared.buffer, shared.byteOffset, shared.length);
    },
  };
}
