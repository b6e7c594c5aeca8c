// A provider for Node.js that runs the bulk ciphers, the MACs, X25519 and the
// host key's Ed25519 signature check in node:crypto (OpenSSL, built into the
// runtime; no native addon). Poly1305 is ours in WebAssembly (poly1305-wasm.ts): Node exposes
// Poly1305 only inside the RFC 8439 AEAD, which is not OpenSSH's construction, and noble's pure-JS
// Poly1305 was the bottleneck of chacha20-poly1305@openssh.com here.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomFillSync } from 'node:crypto';
import type { CryptoPrimitives, CryptoProvider, HashName } from '../crypto-provider.js';
import { nobleProvider } from '../noble-provider.js';
import { nodeEd25519Verify } from './ed25519-verify.js';
import { wasmPoly1305, wasmPoly1305Parts } from './poly1305-wasm.js';
import { nodeX25519KeyPair } from './x25519.js';

/** A plain Uint8Array over a Buffer's bytes: Buffer#slice returns a view, not a copy, a trap for callers. */
function plainView(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

const hmacNames: Record<HashName, string> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};

function aesName(key: Uint8Array, mode: 'ctr' | 'gcm'): string {
  return `aes-${key.length * 8}-${mode}`;
}

export const nodePrimitives: CryptoPrimitives = {
  alignedBuffers: false,
  aesCtr(key, iv) {
    // One OpenSSL context for the life of the keys: its counter carries across packets (RFC 4344 §4).
    const cipher = createCipheriv(aesName(key, 'ctr'), key, iv.subarray(0, 16));
    return {
      crypt(data) {
        data.set(cipher.update(data));
      },
      cryptDetached: (data) => plainView(cipher.update(data)),
    };
  },
  aesGcm(key) {
    const name = aesName(key, 'gcm') as 'aes-128-gcm';
    const secret = createSecretKey(key);
    return {
      seal(iv, aad, data, tag) {
        const cipher = createCipheriv(name, secret, iv);
        cipher.setAAD(aad);
        const out = cipher.update(data);
        cipher.final();
        data.set(out);
        tag.set(cipher.getAuthTag());
      },
      sealDetached(iv, aad, data) {
        const cipher = createCipheriv(name, secret, iv);
        cipher.setAAD(aad);
        const ciphertext = cipher.update(data);
        cipher.final();
        return [plainView(ciphertext), plainView(cipher.getAuthTag())];
      },
      open(iv, aad, data, tag) {
        const decipher = createDecipheriv(name, secret, iv);
        decipher.setAAD(aad);
        decipher.setAuthTag(tag);
        const plaintext = decipher.update(data);
        try {
          decipher.final(); // throws on a bad tag; only then is the plaintext released
        } catch {
          return undefined;
        }
        return plainView(plaintext);
      },
    };
  },
  chacha20(key, nonce, counter, data) {
    // OpenSSL's chacha20 IV is a 32-bit little-endian block counter then a 96-bit nonce. Its words
    // coincide with the original ChaCha20's 64-bit counter and 64-bit nonce while the counter stays
    // below 2^32 blocks (256 GiB), far above any SSH packet; OpenSSH's cipher-chachapoly-libcrypto.c
    // does the same.
    const iv = new Uint8Array(16);
    new DataView(iv.buffer).setUint32(0, counter, true);
    iv.set(nonce.subarray(0, 8), 8);
    data.set(createCipheriv('chacha20', key, iv).update(data));
  },
  chacha20Keyed(key) {
    // A KeyObject once per key: createCipheriv imports a raw key on every call otherwise.
    const secret = createSecretKey(key);
    const iv = new Uint8Array(16); // createCipheriv copies it; reused for the next packet
    const ivView = new DataView(iv.buffer);
    return {
      start(nonce, counter) {
        ivView.setUint32(0, counter, true); // as in chacha20() above
        iv.set(nonce.subarray(0, 8), 8);
        const cipher = createCipheriv('chacha20', secret, iv);
        return { next: (data) => plainView(cipher.update(data)) };
      },
    };
  },
  poly1305: wasmPoly1305,
  poly1305Parts: wasmPoly1305Parts,
  x25519KeyPair: nodeX25519KeyPair,
  ed25519Verify: nodeEd25519Verify,
  hmac(hash, key) {
    const secret = createSecretKey(key);
    const name = hmacNames[hash];
    return (parts, out) => {
      const h = createHmac(name, secret);
      for (const part of parts) h.update(part);
      out.set(h.digest());
    };
  },
  randomFill(out) {
    randomFillSync(out);
  },
};

export const nodeProvider: CryptoProvider = {
  name: 'node',
  primitives: nodePrimitives,
  ciphers: nobleProvider.ciphers,
  macs: nobleProvider.macs,
};
