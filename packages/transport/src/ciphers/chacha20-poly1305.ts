// chacha20-poly1305@openssh.com, OpenSSH PROTOCOL.chacha20poly1305 (draft-ietf-sshm-chacha20-poly1305).
// Not the RFC 8439 AEAD: two ChaCha20 instances with 64-bit nonces, and the length field encrypted
// separately so the receiver can learn it before the whole packet has arrived.
import { MacError } from '@sshts/wire';
import type { AeadCipherAlgorithm, PacketOpener, PacketSealer } from '../cipher.js';
import { constantTimeEqual } from '../constant-time.js';
import type { CryptoPrimitives } from '../crypto-primitives.js';
import { createKeyedOpener, createKeyedSealer } from './chacha20-poly1305-detached.js';

const TAG_LENGTH = 16;
const BLOCK_SIZE = 8; // OpenSSH pads chacha20-poly1305 packets to 8 bytes (cipher.c)

class ChaChaPolyState {
  /** K_2: the first 32 bytes of key material, for the payload and the Poly1305 key. */
  private readonly mainKey: Uint8Array;
  /** K_1: the last 32 bytes, for the 4-byte length field only. */
  private readonly headerKey: Uint8Array;
  /** The nonce is the packet sequence number as a uint64, big-endian. */
  private readonly nonce = new Uint8Array(8);
  private readonly polyKey = new Uint8Array(32);
  private readonly tag = new Uint8Array(TAG_LENGTH);

  constructor(
    private readonly p: CryptoPrimitives,
    key: Uint8Array,
  ) {
    this.mainKey = key.slice(0, 32);
    this.headerKey = key.slice(32, 64);
  }

  setSequence(seq: number): void {
    // High 32 bits stay zero: SSH sequence numbers are uint32.
    new DataView(this.nonce.buffer).setUint32(4, seq >>> 0);
  }

  /** The Poly1305 key is the first 32 bytes of ChaCha20(K_2, seq) block 0. */
  derivePolyKey(): Uint8Array {
    this.polyKey.fill(0);
    this.p.chacha20(this.mainKey, this.nonce, 0, this.polyKey);
    return this.polyKey;
  }

  cryptLength(field: Uint8Array): void {
    this.p.chacha20(this.headerKey, this.nonce, 0, field);
  }

  /** The payload uses ChaCha20(K_2, seq) starting at block counter 1. */
  cryptBody(body: Uint8Array): void {
    this.p.chacha20(this.mainKey, this.nonce, 1, body);
  }

  computeTag(authenticated: Uint8Array): Uint8Array {
    this.p.poly1305(this.derivePolyKey(), authenticated, this.tag);
    return this.tag;
  }
}

function createSealer(p: CryptoPrimitives, key: Uint8Array): PacketSealer {
  const state = new ChaChaPolyState(p, key);
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    seal(seq, packet) {
      const end = packet.length - TAG_LENGTH;
      state.setSequence(seq);
      state.cryptLength(packet.subarray(0, 4));
      state.cryptBody(packet.subarray(4, end));
      packet.set(state.computeTag(packet.subarray(0, end)), end);
    },
  };
}

function createOpener(p: CryptoPrimitives, key: Uint8Array): PacketOpener {
  const state = new ChaChaPolyState(p, key);
  const lengthField = new Uint8Array(4);
  const lengthView = new DataView(lengthField.buffer);
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    headerLength: 4,
    decryptLength(seq, header) {
      state.setSequence(seq);
      lengthField.set(header.subarray(0, 4));
      state.cryptLength(lengthField);
      return lengthView.getUint32(0);
    },
    open(seq, packet) {
      const end = packet.length - TAG_LENGTH;
      state.setSequence(seq);
      // The tag covers the encrypted length and body; check it before decrypting anything.
      const expected = state.computeTag(packet.subarray(0, end));
      if (!constantTimeEqual(expected, packet.subarray(end))) throw new MacError();
      const body = packet.subarray(4, end);
      state.cryptBody(body);
      return body;
    },
  };
}

export const chacha20Poly1305: AeadCipherAlgorithm = {
  name: 'chacha20-poly1305@openssh.com',
  kind: 'aead',
  keyLength: 64,
  ivLength: 0,
  blockSize: BLOCK_SIZE,
  tagLength: TAG_LENGTH,
  // Primitives that cannot work in place (node:crypto) get the variant built for them.
  createSealer: (p, key) =>
    p.chacha20Keyed && p.poly1305Parts
      ? createKeyedSealer(p.chacha20Keyed, p.poly1305Parts, key)
      : createSealer(p, key),
  createOpener: (p, key) =>
    p.chacha20Keyed && p.poly1305Parts
      ? createKeyedOpener(p.chacha20Keyed, p.poly1305Parts, key)
      : createOpener(p, key),
};
