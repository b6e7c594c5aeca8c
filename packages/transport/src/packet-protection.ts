// Builds the per-direction sealer/opener from the negotiated cipher, MAC and derived keys. AEAD
// ciphers protect packets by themselves; every other cipher is paired with a MAC here, either
// encrypt-and-MAC (RFC 4253 §6.4: MAC over seq || plaintext packet) or encrypt-then-MAC (OpenSSH
// PROTOCOL §1.5: length in the clear, MAC over seq || length || ciphertext, checked before decrypting).
import { MacError } from '@sshts/wire';
import type { CipherAlgorithm, PacketOpener, PacketSealer, StreamCipherAlgorithm } from './cipher.js';
import { noneCipher } from './ciphers/none.js';
import { constantTimeEqual } from './constant-time.js';
import type { CryptoPrimitives, MacFunction, StreamCipher } from './crypto-primitives.js';
import type { MacAlgorithm } from './mac.js';
import { noneMac } from './macs/none.js';

/** What one direction needs after NEWKEYS: the algorithms and the key material of RFC 4253 §7.2. */
export interface DirectionKeys {
  cipher: CipherAlgorithm;
  /** Ignored for AEAD ciphers. */
  mac: MacAlgorithm;
  encKey: Uint8Array;
  iv: Uint8Array;
  macKey: Uint8Array;
}

/** The protection in force before the first NEWKEYS: no encryption, no MAC. */
export const INITIAL_KEYS: DirectionKeys = {
  cipher: noneCipher,
  mac: noneMac,
  encKey: new Uint8Array(0),
  iv: new Uint8Array(0),
  macKey: new Uint8Array(0),
};

export function createSealer(p: CryptoPrimitives, keys: DirectionKeys): PacketSealer {
  const { cipher } = keys;
  if (cipher.kind === 'aead') return cipher.createSealer(p, keys.encKey, keys.iv);
  return new StreamMacSealer(p, cipher, keys);
}

export function createOpener(p: CryptoPrimitives, keys: DirectionKeys): PacketOpener {
  const { cipher } = keys;
  if (cipher.kind === 'aead') return cipher.createOpener(p, keys.encKey, keys.iv);
  return new StreamMacOpener(p, cipher, keys);
}

class SequenceField {
  readonly bytes = new Uint8Array(4);
  private readonly view = new DataView(this.bytes.buffer);
  set(seq: number): Uint8Array {
    this.view.setUint32(0, seq >>> 0);
    return this.bytes;
  }
}

class StreamMacSealer implements PacketSealer {
  readonly blockSize: number;
  readonly macLength: number;
  readonly lengthIsAad: boolean;
  readonly sealDetached?: (seq: number, lengthField: Uint8Array, body: Uint8Array) => Uint8Array[];
  private readonly stream: StreamCipher;
  private readonly mac: MacFunction;
  private readonly seq = new SequenceField();

  constructor(p: CryptoPrimitives, cipher: StreamCipherAlgorithm, keys: DirectionKeys) {
    this.blockSize = cipher.blockSize;
    this.macLength = keys.mac.digestLength;
    this.lengthIsAad = keys.mac.etm;
    this.stream = cipher.createStream(p, keys.encKey, keys.iv);
    this.mac = keys.mac.create(p, keys.macKey);
    const { cryptDetached } = this.stream;
    // Encrypt-then-MAC can take the stream's fresh output as is: the length stays in the clear and
    // the MAC covers the ciphertext (PROTOCOL §1.5).
    if (this.lengthIsAad && cryptDetached) {
      this.sealDetached = (seq, lengthField, body) => {
        const ciphertext = cryptDetached.call(this.stream, body);
        const mac = new Uint8Array(this.macLength);
        this.mac([this.seq.set(seq), lengthField, ciphertext], mac);
        return [lengthField, ciphertext, mac];
      };
    }
  }

  seal(seq: number, packet: Uint8Array): void {
    const end = packet.length - this.macLength;
    const macOut = packet.subarray(end);
    if (this.lengthIsAad) {
      this.stream.crypt(packet.subarray(4, end));
      this.mac([this.seq.set(seq), packet.subarray(0, end)], macOut);
    } else {
      this.mac([this.seq.set(seq), packet.subarray(0, end)], macOut);
      this.stream.crypt(packet.subarray(0, end));
    }
  }
}

class StreamMacOpener implements PacketOpener {
  readonly blockSize: number;
  readonly macLength: number;
  readonly lengthIsAad: boolean;
  readonly headerLength: number;
  private readonly stream: StreamCipher;
  private readonly mac: MacFunction;
  private readonly seq = new SequenceField();
  /** Encrypt-and-MAC: the first block, decrypted to learn the length, kept for `open`. */
  private readonly firstBlock: Uint8Array;
  private readonly expectedMac: Uint8Array;

  constructor(p: CryptoPrimitives, cipher: StreamCipherAlgorithm, keys: DirectionKeys) {
    this.blockSize = cipher.blockSize;
    this.macLength = keys.mac.digestLength;
    this.lengthIsAad = keys.mac.etm;
    this.headerLength = this.lengthIsAad ? 4 : cipher.blockSize;
    this.stream = cipher.createStream(p, keys.encKey, keys.iv);
    this.mac = keys.mac.create(p, keys.macKey);
    this.firstBlock = new Uint8Array(cipher.blockSize);
    this.expectedMac = new Uint8Array(this.macLength);
  }

  decryptLength(_seq: number, header: Uint8Array): number {
    if (this.lengthIsAad) return new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
    // The stream advances by one block here; `open` continues from the second block.
    this.firstBlock.set(header.subarray(0, this.blockSize));
    this.stream.crypt(this.firstBlock);
    return new DataView(this.firstBlock.buffer).getUint32(0);
  }

  open(seq: number, packet: Uint8Array): Uint8Array {
    const end = packet.length - this.macLength;
    if (this.lengthIsAad) {
      this.checkMac(seq, packet.subarray(0, end), packet.subarray(end));
      const body = packet.subarray(4, end);
      // A primitive that cannot work in place returns a fresh buffer; use it rather than copy back.
      if (this.stream.cryptDetached) return this.stream.cryptDetached(body);
      this.stream.crypt(body);
      return body;
    }
    packet.set(this.firstBlock, 0);
    this.stream.crypt(packet.subarray(this.blockSize, end));
    this.checkMac(seq, packet.subarray(0, end), packet.subarray(end));
    return packet.subarray(4, end);
  }

  private checkMac(seq: number, covered: Uint8Array, received: Uint8Array): void {
    if (this.macLength === 0) return;
    this.mac([this.seq.set(seq), covered], this.expectedMac);
    if (!constantTimeEqual(this.expectedMac, received)) throw new MacError();
  }
}
