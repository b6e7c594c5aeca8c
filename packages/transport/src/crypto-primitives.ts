// The primitives a CryptoProvider supplies: block ciphers, stream ciphers, MACs and randomness,
// with no SSH knowledge. The SSH constructions on top of them live in ciphers/ and macs/.

import type { PacketOffload } from './packet-offload.js';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A keyed MAC over the concatenation of `parts` (SSH MACs cover `uint32 seq || packet`). */
export type MacFunction = (parts: readonly Uint8Array[], out: Uint8Array) => void;

/** A cipher stream whose state carries across calls (AES-CTR, RFC 4344 §4). */
export interface StreamCipher {
  /** Transforms `data` in place; its length is a multiple of 16, its byteOffset of 4. */
  crypt(data: Uint8Array): void;
  /**
   * Optional: returns the transformed bytes as a new buffer, leaving `data` untouched (offered by
   * primitives that cannot work in place, so the result can be sent without a copy back).
   */
  cryptDetached?(data: Uint8Array): Uint8Array;
}

/** AES-GCM with a fixed key, one call per packet. */
export interface AesGcm {
  /** Encrypts `data` in place and writes the 16-byte tag into `tag`. */
  seal(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, tag: Uint8Array): void;
  /**
   * Optional: returns `[ciphertext, tag]` as new buffers, leaving `data` untouched. Offered by
   * primitives that cannot encrypt in place (node:crypto always returns a fresh buffer), so the
   * packet can go to the socket as chunks instead of being copied back.
   */
  sealDetached?(iv: Uint8Array, aad: Uint8Array, data: Uint8Array): [Uint8Array, Uint8Array];
  /**
   * Verifies `tag` and, only if it is valid, returns the plaintext of `data` (`data` itself
   * decrypted in place, or a new buffer). Returns undefined on a bad tag.
   */
  open(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, tag: Uint8Array): Uint8Array | undefined;
}

/** ChaCha20 under one fixed key (the key set up once, not per packet). */
export interface ChaCha20Keyed {
  /**
   * Starts the original ChaCha20's keystream (64-bit nonce) at block `counter`; each `next()`
   * XORs the following keystream bytes into a new buffer, leaving `data` untouched.
   */
  start(nonce: Uint8Array, counter: number): { next(data: Uint8Array): Uint8Array };
}

/** One ephemeral X25519 key pair (RFC 7748 §6.1), for one key exchange. */
export interface X25519KeyPair {
  /** Our 32-byte public value. */
  readonly publicKey: Uint8Array;
  /** The raw 32-byte shared secret with the peer's public value; throws for a value it rejects. */
  sharedSecret(peerPublicKey: Uint8Array): Uint8Array;
}

export interface CryptoPrimitives {
  /**
   * True when the primitives need buffers whose byteOffset is a multiple of 4 (noble works on
   * Uint32Array views). The packet decoder then copies an unaligned packet once instead of
   * decrypting it in place.
   */
  readonly alignedBuffers: boolean;
  /** AES in CTR mode (RFC 4344 §4) with a counter that carries across calls. */
  aesCtr(key: Uint8Array, iv: Uint8Array): StreamCipher;
  aesGcm(key: Uint8Array): AesGcm;
  /**
   * The original ChaCha20 (64-bit nonce, 64-bit block counter), XORing its keystream into `data`
   * in place starting at block `counter`.
   */
  chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): void;
  /** Poly1305 one-time authenticator of `data` under a 32-byte key, written into `out` (16 bytes). */
  poly1305(key: Uint8Array, data: Uint8Array, out: Uint8Array): void;
  /**
   * Optional, offered together with `poly1305Parts` by primitives that cannot work in place and
   * pay a set-up per call (node:crypto: a cipher object per call, the key imported each time).
   * chacha20-poly1305@openssh.com then takes one keystream per packet for the Poly1305 key and
   * the payload, and sends the ciphertext it gets back instead of copying it into the packet.
   */
  chacha20Keyed?(key: Uint8Array): ChaCha20Keyed;
  /** Optional: Poly1305 of the concatenation of `parts` (see `chacha20Keyed`). */
  poly1305Parts?(key: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array): void;
  /**
   * Optional: a fresh X25519 key pair whose secret the primitive draws from its own CSPRNG and
   * never shows (node:crypto: importing a raw secret costs more than the key agreement itself).
   * Without it the key exchange runs noble's X25519 on bytes from `randomFill`.
   */
  x25519KeyPair?(): X25519KeyPair;
  /**
   * Optional: Ed25519 verification (RFC 8032 §5.1.7) of a 64-byte signature under a 32-byte
   * public key, used for the server's signature over the exchange hash. It must refuse everything
   * the strict noble check refuses (non-canonical encodings, S ≥ L, small-order keys); it may
   * refuse more. Without it the host key verifies with noble.
   */
  ed25519Verify?(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean;
  /**
   * Optional: a thread beside the event loop that opens incoming packets once bulk data flows
   * (packet-offload.ts; `withPacketOffload` in `@sshts/transport/node` adds one on worker_threads).
   */
  readonly packetOffload?: PacketOffload;
  /** HMAC with the given hash and key. */
  hmac(hash: HashName, key: Uint8Array): MacFunction;
  /** Fills `out` with cryptographically secure random bytes. */
  randomFill(out: Uint8Array): void;
}
