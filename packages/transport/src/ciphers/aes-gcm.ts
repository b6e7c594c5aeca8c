// aes128-gcm@openssh.com and aes256-gcm@openssh.com: RFC 5647 §7 as used by OpenSSH (PROTOCOL §1.6,
// draft-miller-sshm-aes-gcm). The MAC negotiation is ignored; the 4-byte length is sent in the
// clear as the AAD; the 12-byte IV from the key derivation is a 4-byte fixed field and an 8-byte
// invocation counter, used as derived for the first packet and incremented after each one.
import { MacError } from '@sshts/wire';
import type { AeadCipherAlgorithm, PacketOpener, PacketSealer } from '../cipher.js';
import type { AesGcm, CryptoPrimitives } from '../crypto-primitives.js';

const TAG_LENGTH = 16;
const BLOCK_SIZE = 16;

class InvocationCounter {
  readonly iv: Uint8Array;
  private readonly view: DataView;
  constructor(iv: Uint8Array) {
    this.iv = iv.slice(0, 12);
    this.view = new DataView(this.iv.buffer);
  }
  /** RFC 5647 §7.1: the invocation counter (last 8 bytes, big-endian) increments modulo 2^64. */
  increment(): void {
    const low = this.view.getUint32(8) + 1;
    this.view.setUint32(8, low >>> 0);
    if (low > 0xffffffff) this.view.setUint32(4, (this.view.getUint32(4) + 1) >>> 0);
  }
}

function createSealer(gcm: AesGcm, iv: Uint8Array): PacketSealer {
  const counter = new InvocationCounter(iv);
  const sealer: PacketSealer = {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    seal(_seq, packet) {
      const end = packet.length - TAG_LENGTH;
      gcm.seal(counter.iv, packet.subarray(0, 4), packet.subarray(4, end), packet.subarray(end));
      counter.increment();
    },
  };
  const { sealDetached } = gcm;
  if (sealDetached) {
    sealer.sealDetached = (_seq, lengthField, body) => {
      const [ciphertext, tag] = sealDetached(counter.iv, lengthField, body);
      counter.increment();
      return [lengthField, ciphertext, tag];
    };
  }
  return sealer;
}

function createOpener(gcm: AesGcm, iv: Uint8Array): PacketOpener {
  const counter = new InvocationCounter(iv);
  return {
    blockSize: BLOCK_SIZE,
    macLength: TAG_LENGTH,
    lengthIsAad: true,
    headerLength: 4,
    decryptLength(_seq, header) {
      return new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
    },
    open(_seq, packet) {
      const end = packet.length - TAG_LENGTH;
      const body = gcm.open(counter.iv, packet.subarray(0, 4), packet.subarray(4, end), packet.subarray(end));
      if (!body) throw new MacError();
      counter.increment();
      return body;
    },
  };
}

function aesGcm(name: string, keyLength: number): AeadCipherAlgorithm {
  return {
    name,
    kind: 'aead',
    keyLength,
    ivLength: 12,
    blockSize: BLOCK_SIZE,
    tagLength: TAG_LENGTH,
    createSealer: (p: CryptoPrimitives, key, iv) => createSealer(p.aesGcm(key.slice(0, keyLength)), iv),
    createOpener: (p: CryptoPrimitives, key, iv) => createOpener(p.aesGcm(key.slice(0, keyLength)), iv),
  };
}

export const aes128Gcm = aesGcm('aes128-gcm@openssh.com', 16);
export const aes256Gcm = aesGcm('aes256-gcm@openssh.com', 32);
