// The default provider: pure noble, runs in every JavaScript runtime.
import { gcm, unsafe } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CipherAlgorithm } from './cipher.js';
import { cipherAlgorithms } from './ciphers/index.js';
import type { CryptoPrimitives, CryptoProvider, HashName, MacFunction } from './crypto-provider.js';
import type { MacAlgorithm } from './mac.js';
import { macAlgorithms } from './macs/index.js';
import { nobleChaCha20, noblePoly1305, nobleRandomFill } from './noble-chacha-provider.js';

const hashes = { sha1, sha256, sha384, sha512 } as const;

/** The part of noble's HMAC we use: `_cloneInto` copies keyed state into a reusable instance. */
interface ClonableMac {
  _cloneInto(to?: ClonableMac): ClonableMac;
  update(data: Uint8Array): ClonableMac;
  digestInto(out: Uint8Array): void;
}

function nobleHmac(hash: HashName, key: Uint8Array): MacFunction {
  // Key the inner and outer hashes once; each packet clones that state instead of re-keying.
  const keyed = hmac.create(hashes[hash], key) as unknown as ClonableMac;
  let scratch: ClonableMac | undefined;
  return (parts, out) => {
    const h = keyed._cloneInto(scratch);
    scratch = h;
    for (const part of parts) h.update(part);
    h.digestInto(out);
  };
}

function gcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  data: Uint8Array,
  tag: Uint8Array,
): Uint8Array | undefined {
  // noble wants ciphertext || tag in one array; in an SSH packet they already are adjacent.
  const adjacent = tag.buffer === data.buffer && tag.byteOffset === data.byteOffset + data.length;
  const sealed = adjacent
    ? new Uint8Array(data.buffer, data.byteOffset, data.length + tag.length)
    : concat(data, tag);
  try {
    return gcm(key, iv, aad).decrypt(sealed);
  } catch {
    return undefined; // noble throws on a bad tag, before decrypting anything
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export const noblePrimitives: CryptoPrimitives = {
  alignedBuffers: true,
  aesCtr(key, iv) {
    const roundKeys = unsafe.expandKeyLE(key);
    const counter = iv.slice(0, 16); // ctrCounter advances this block in place, per block
    return {
      crypt(data) {
        unsafe.ctrCounter(roundKeys, counter, data, data);
      },
    };
  },
  aesGcm(key) {
    const k = key.slice();
    return {
      seal(iv, aad, data, tag) {
        const sealed = gcm(k, iv, aad).encrypt(data);
        data.set(sealed.subarray(0, data.length));
        tag.set(sealed.subarray(data.length));
      },
      open: (iv, aad, data, tag) => gcmOpen(k, iv, aad, data, tag),
    };
  },
  chacha20: nobleChaCha20,
  poly1305: noblePoly1305,
  hmac: nobleHmac,
  randomFill: nobleRandomFill,
};

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  primitives: noblePrimitives,
  ciphers: cipherAlgorithms as readonly CipherAlgorithm[],
  macs: macAlgorithms as readonly MacAlgorithm[],
};
