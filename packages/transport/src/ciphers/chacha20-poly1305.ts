// chacha20-poly1305@openssh.com, OpenSSH PROTOCOL.chacha20poly1305 (draft-ietf-sshm-chacha20-poly1305).
// Not the RFC 8439 AEAD: two ChaCha20 instances with 64-bit nonces, and the length field encrypted
// separately so the receiver can learn it before the whole packet has arrived. The packet handling
// (what is encrypted and authenticated, and the tag checked before anything is decrypted) is here
// once; where the keystreams come from is a ChaChaPolyCore: in place over `chacha20` / `poly1305`
// here, or over keyed primitives that cannot work in place (chacha20-poly1305-detached.ts).
import { MacError } from '@sshts/wire';
import type { AeadCipherAlgorithm, PacketOpener, PacketSealer } from '../cipher.js';
import { constantTimeEqual } from '../constant-time.js';
import type { CryptoPrimitives } from '../crypto-primitives.js';
import { KeyedCore } from './chacha20-poly1305-detached.js';

const TAG_LENGTH = 16;
const BLOCK_SIZE = 8; // OpenSSH pads chacha20-poly1305 packets to 8 bytes (cipher.c)

/** The keystreams of one direction, for the packet handling below. */
export interface ChaChaPolyCore {
  /**
   * The 4-byte length field of packet `seq` en- or decrypted with ChaCha20(K_1, seq), into a buffer
   * of the core's: `field` stays as it is (decryptLength must not modify the header).
   */
  cryptLength(seq: number, field: Uint8Array): Uint8Array;
  /** Packet `seq`'s Poly1305 key (ChaCha20(K_2, seq) block 0) and payload keystream (from block 1). */
  payload(seq: number): ChaChaPolyPayload;
}

export interface ChaChaPolyPayload {
  /** Poly1305 of `authenticated` under the packet's key, written into `out` (16 bytes). */
  tag(authenticated: Uint8Array, out: Uint8Array): void;
  /** En- or decrypts `body`, in place (returning `body`) or into a new buffer. */
  crypt(body: Uint8Array): Uint8Array;
}

class InPlaceCore implements ChaChaPolyCore, ChaChaPolyPayload {
  /** K_2: the first 32 bytes of key material, for the payload and the Poly1305 key. */
  private readonly mainKey: Uint8Array;
  /** K_1: the last 32 bytes, for the 4-byte length field only. */
  private readonly headerKey: Uint8Array;
  /** The nonce is the packet sequence number as a uint64, big-endian. */
  private readonly nonce = new Uint8Array(8);
  private readonly nonceView = new DataView(this.nonce.buffer);
  private readonly lengthField = new Uint8Array(4);
  private readonly polyKey = new Uint8Array(32);

  constructor(
    private readonly p: CryptoPrimitives,
    key: Uint8Array,
  ) {
    this.mainKey = key.slice(0, 32);
    this.headerKey = key.slice(32, 64);
  }

  private setSequence(seq: number): void {
    // High 32 bits stay zero: SSH sequence numbers are uint32.
    this.nonceView.setUint32(4, seq >>> 0);
  }

  cryptLength(seq: number, field: Uint8Array): Uint8Array {
    this.setSequence(seq);
    this.lengthField.set(field);
    this.p.chacha20(this.headerKey, this.nonce, 0, this.lengthField);
    return this.lengthField;
  }

  /** Nothing to set up per packet but the nonce, so the core is its own payload. */
  payload(seq: number): ChaChaPolyPayload {
    this.setSequence(seq);
    return this;
  }

  tag(authenticated: Uint8Array, out: Uint8Array): void {
    this.polyKey.fill(0);
    this.p.chacha20(this.mainKey, this.nonce, 0, this.polyKey);
    this.p.poly1305(this.polyKey, authenticated, out);
  }

  crypt(body: Uint8Array): Uint8Array {
    this.p.chacha20(this.mainKey, this.nonce, 1, body);
    return body;
  }
}

function createSealer(core: ChaChaPolyCore): PacketSealer {
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    seal(seq, packet) {
      const end = packet.length - TAG_LENGTH;
      packet.set(core.cryptLength(seq, packet.subarray(0, 4)));
      const payload = core.payload(seq);
      const body = packet.subarray(4, end);
      const ciphertext = payload.crypt(body);
      if (ciphertext !== body) packet.set(ciphertext, 4);
      payload.tag(packet.subarray(0, end), packet.subarray(end));
    },
  };
}

function createOpener(core: ChaChaPolyCore): PacketOpener {
  const expected = new Uint8Array(TAG_LENGTH);
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    headerLength: 4,
    decryptLength(seq, header) {
      const f = core.cryptLength(seq, header.subarray(0, 4));
      return ((f[0]! << 24) | (f[1]! << 16) | (f[2]! << 8) | f[3]!) >>> 0;
    },
    open(seq, packet) {
      const end = packet.length - TAG_LENGTH;
      const payload = core.payload(seq);
      // The tag covers the encrypted length and body; check it before decrypting anything.
      payload.tag(packet.subarray(0, end), expected);
      if (!constantTimeEqual(expected, packet.subarray(end))) throw new MacError();
      return payload.crypt(packet.subarray(4, end));
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
  // Primitives that cannot work in place (node:crypto) get the core built for them.
  createSealer(p, key) {
    if (!(p.chacha20Keyed && p.poly1305Parts)) return createSealer(new InPlaceCore(p, key));
    const core = new KeyedCore(p.chacha20Keyed, p.poly1305Parts, key);
    const sealer = createSealer(core);
    sealer.sealDetached = (seq, lengthField, body) => core.sealDetached(seq, lengthField, body);
    return sealer;
  },
  createOpener: (p, key) =>
    createOpener(
      p.chacha20Keyed && p.poly1305Parts
        ? new KeyedCore(p.chacha20Keyed, p.poly1305Parts, key)
        : new InPlaceCore(p, key),
    ),
};
