// Cipher algorithms and the per-direction packet protection they produce (RFC 4253 §6.3).
import type { CryptoPrimitives, StreamCipher } from './crypto-primitives.js';

/**
 * Seals outgoing packets in place. `packet` spans `uint32 packet_length || padding_length ||
 * payload || padding` followed by `macLength` bytes of room for the MAC or tag.
 */
export interface PacketSealer {
  readonly blockSize: number;
  readonly macLength: number;
  /**
   * True when the 4-byte length field is outside the block-size multiple (ETM MACs and AEAD
   * ciphers; OpenSSH packet.c `aadlen`), false when it is encrypted with the first block.
   */
  readonly lengthIsAad: boolean;
  seal(seq: number, packet: Uint8Array): void;
  /**
   * Optional: seals a packet given its 4-byte length field and its body (`padding_length || payload
   * || padding`), returning the wire bytes as a list of chunks. Neither argument is modified or kept
   * except `lengthField`, which may be returned as the first chunk.
   */
  sealDetached?(seq: number, lengthField: Uint8Array, body: Uint8Array): Uint8Array[];
}

/** Opens incoming packets: learns the length first, then verifies and decrypts in place. */
export interface PacketOpener {
  readonly blockSize: number;
  readonly macLength: number;
  readonly lengthIsAad: boolean;
  /** How many leading bytes `decryptLength` needs: 4, or the first cipher block. */
  readonly headerLength: number;
  /**
   * Returns `packet_length` from the first `headerLength` bytes without modifying them. May keep
   * decrypted state (the first CTR block) for the `open` that follows with the same `seq`.
   */
  decryptLength(seq: number, header: Uint8Array): number;
  /**
   * Verifies the MAC or tag of `packet` (length field, body, MAC; exactly 4 + packet_length +
   * macLength bytes) and returns the decrypted body (`padding_length || payload || padding`):
   * either `packet`'s own bytes decrypted in place, or a new buffer when the primitive cannot work
   * in place. Throws MacError on a bad MAC or tag; nothing is decrypted before an ETM MAC or an
   * AEAD tag has been checked.
   */
  open(seq: number, packet: Uint8Array): Uint8Array;
}

interface CipherAlgorithmBase {
  readonly name: string;
  readonly keyLength: number;
  readonly ivLength: number;
  /** Padding block size (RFC 4253 §6: max(cipher block size, 8)). */
  readonly blockSize: number;
  /** Implemented but not offered unless asked for (ARCHITECTURE.md principle 8). */
  readonly legacy?: boolean;
}

/** A cipher used together with a negotiated MAC (CTR modes, and `none`). */
export interface StreamCipherAlgorithm extends CipherAlgorithmBase {
  readonly kind: 'stream';
  /** Returns the cipher stream for one direction, its state carried across packets. */
  createStream(p: CryptoPrimitives, key: Uint8Array, iv: Uint8Array): StreamCipher;
}

/** A cipher that authenticates by itself; the MAC negotiation is ignored for it (PROTOCOL §1.6). */
export interface AeadCipherAlgorithm extends CipherAlgorithmBase {
  readonly kind: 'aead';
  readonly tagLength: number;
  createSealer(p: CryptoPrimitives, key: Uint8Array, iv: Uint8Array): PacketSealer;
  createOpener(p: CryptoPrimitives, key: Uint8Array, iv: Uint8Array): PacketOpener;
}

export type CipherAlgorithm = StreamCipherAlgorithm | AeadCipherAlgorithm;
