// chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) over primitives that cannot work in
// place: node:crypto returns every ciphertext as a new buffer and costs a cipher object per call.
// Per packet this takes one ChaCha20(K_2, seq) keystream for both the Poly1305 key (block 0) and
// the payload (from block 1: the keystream simply continues past the 64-byte block), one
// ChaCha20(K_1, seq) for the length field, and it hands the ciphertext on instead of copying it
// back. Same construction, bytes and checks as chacha20-poly1305.ts.
import { MacError } from '@sshts/wire';
import type { PacketOpener, PacketSealer } from '../cipher.js';
import { constantTimeEqual } from '../constant-time.js';
import type { ChaCha20Keyed, CryptoPrimitives } from '../crypto-primitives.js';

const TAG_LENGTH = 16;
const BLOCK_SIZE = 8;
/** One keystream block: its first 32 bytes are the Poly1305 key, the rest is discarded. */
const ZERO_BLOCK = new Uint8Array(64);

type Poly1305Parts = NonNullable<CryptoPrimitives['poly1305Parts']>;

class KeyedState {
  private readonly main: ChaCha20Keyed;
  private readonly header: ChaCha20Keyed;
  /** The nonce is the packet sequence number as a uint64, big-endian. */
  private readonly nonce = new Uint8Array(8);
  private readonly nonceView = new DataView(this.nonce.buffer);

  constructor(
    keyed: NonNullable<CryptoPrimitives['chacha20Keyed']>,
    readonly mac: Poly1305Parts,
    key: Uint8Array,
  ) {
    this.main = keyed(key.subarray(0, 32)); // K_2
    this.header = keyed(key.subarray(32, 64)); // K_1
  }

  /** Encrypts or decrypts the 4-byte length field of packet `seq` into a new buffer. */
  cryptLength(seq: number, field: Uint8Array): Uint8Array {
    this.nonceView.setUint32(4, seq >>> 0); // high 32 bits stay zero: sequence numbers are uint32
    return this.header.start(this.nonce, 0).next(field);
  }

  /** The payload keystream of packet `seq` and its Poly1305 key (block 0). */
  payload(seq: number): { polyKey: Uint8Array; crypt(body: Uint8Array): Uint8Array } {
    this.nonceView.setUint32(4, seq >>> 0);
    const stream = this.main.start(this.nonce, 0);
    const polyKey = stream.next(ZERO_BLOCK).subarray(0, 32);
    return { polyKey, crypt: (body) => stream.next(body) };
  }
}

export function createKeyedSealer(
  keyed: NonNullable<CryptoPrimitives['chacha20Keyed']>,
  mac: Poly1305Parts,
  key: Uint8Array,
): PacketSealer {
  const state = new KeyedState(keyed, mac, key);
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    seal(seq, packet) {
      const end = packet.length - TAG_LENGTH;
      packet.set(state.cryptLength(seq, packet.subarray(0, 4)));
      const { polyKey, crypt } = state.payload(seq);
      packet.set(crypt(packet.subarray(4, end)), 4);
      mac(polyKey, [packet.subarray(0, end)], packet.subarray(end));
      polyKey.fill(0);
    },
    sealDetached(seq, lengthField, body) {
      const encryptedLength = state.cryptLength(seq, lengthField);
      const { polyKey, crypt } = state.payload(seq);
      const ciphertext = crypt(body);
      const tag = new Uint8Array(TAG_LENGTH);
      mac(polyKey, [encryptedLength, ciphertext], tag);
      polyKey.fill(0);
      return [encryptedLength, ciphertext, tag];
    },
  };
}

export function createKeyedOpener(
  keyed: NonNullable<CryptoPrimitives['chacha20Keyed']>,
  mac: Poly1305Parts,
  key: Uint8Array,
): PacketOpener {
  const state = new KeyedState(keyed, mac, key);
  const expected = new Uint8Array(TAG_LENGTH);
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    headerLength: 4,
    decryptLength(seq, header) {
      const field = state.cryptLength(seq, header.subarray(0, 4));
      return new DataView(field.buffer, field.byteOffset, 4).getUint32(0);
    },
    open(seq, packet) {
      const end = packet.length - TAG_LENGTH;
      const { polyKey, crypt } = state.payload(seq);
      // The tag covers the encrypted length and body; check it before decrypting anything.
      mac(polyKey, [packet.subarray(0, end)], expected);
      polyKey.fill(0);
      if (!constantTimeEqual(expected, packet.subarray(end))) throw new MacError();
      return crypt(packet.subarray(4, end));
    },
  };
}
