// chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) over primitives that cannot work in
// place: node:crypto returns every ciphertext as a new buffer and costs a cipher object per call.
// Per packet this takes one ChaCha20(K_2, seq) keystream for both the Poly1305 key (block 0) and
// the payload (from block 1: the keystream simply continues past the 64-byte block), one
// ChaCha20(K_1, seq) for the length field, and it hands the ciphertext on instead of copying it
// back. Only the keystreams are here: the packet handling and its checks are chacha20-poly1305.ts's.
import type { ChaCha20Keyed, CryptoPrimitives } from '../crypto-primitives.js';
import type { ChaChaPolyCore, ChaChaPolyPayload } from './chacha20-poly1305.js';

const TAG_LENGTH = 16;
/** One keystream block: its first 32 bytes are the Poly1305 key, the rest is discarded. */
const ZERO_BLOCK = new Uint8Array(64);

type Poly1305Parts = NonNullable<CryptoPrimitives['poly1305Parts']>;

/** One packet's ChaCha20(K_2, seq) keystream, its Poly1305 key already taken from block 0. */
class KeyedPayload implements ChaChaPolyPayload {
  constructor(
    private readonly stream: ReturnType<ChaCha20Keyed['start']>,
    private readonly polyKey: Uint8Array,
    private readonly mac: Poly1305Parts,
  ) {}

  tag(authenticated: Uint8Array, out: Uint8Array): void {
    this.tagParts([authenticated], out);
  }

  /** Poly1305 of the concatenation of `parts`, so a detached packet needs no join first. */
  tagParts(parts: readonly Uint8Array[], out: Uint8Array): void {
    this.mac(this.polyKey, parts, out);
    this.polyKey.fill(0);
  }

  crypt(body: Uint8Array): Uint8Array {
    return this.stream.next(body);
  }
}

export class KeyedCore implements ChaChaPolyCore {
  private readonly main: ChaCha20Keyed;
  private readonly header: ChaCha20Keyed;
  /** The nonce is the packet sequence number as a uint64, big-endian. */
  private readonly nonce = new Uint8Array(8);
  private readonly nonceView = new DataView(this.nonce.buffer);

  constructor(
    keyed: NonNullable<CryptoPrimitives['chacha20Keyed']>,
    private readonly mac: Poly1305Parts,
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

  payload(seq: number): KeyedPayload {
    this.nonceView.setUint32(4, seq >>> 0);
    const stream = this.main.start(this.nonce, 0);
    return new KeyedPayload(stream, stream.next(ZERO_BLOCK).subarray(0, 32), this.mac);
  }

  /** PacketSealer.sealDetached: the ciphertext goes out as the primitive returned it, uncopied. */
  sealDetached(seq: number, lengthField: Uint8Array, body: Uint8Array): Uint8Array[] {
    const encryptedLength = this.cryptLength(seq, lengthField);
    const payload = this.payload(seq);
    const ciphertext = payload.crypt(body);
    const tag = new Uint8Array(TAG_LENGTH);
    payload.tagParts([encryptedLength, ciphertext], tag);
    return [encryptedLength, ciphertext, tag];
  }
}
