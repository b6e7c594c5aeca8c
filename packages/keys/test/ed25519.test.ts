// ssh-ed25519 (RFC 8709 §4, §6; RFC 8032 §5.1.7) rules that bad input must hit.
import { ed25519 } from '@noble/curves/ed25519.js';
import { MalformedMessageError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyBlob } from '../src/index.js';
import { hex, signatureBlob, sshStrings } from './helpers.js';

// RFC 8032 §7.1, TEST 1 and TEST 2.
const RFC8032 = [
  {
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

const keyBlob = (key: Uint8Array) => sshStrings('ssh-ed25519', key);
const L = 2n ** 252n + 27742317777372353535851937790883648493n; // RFC 8032 §5.1 group order

describe('ssh-ed25519', () => {
  const { publicKey, message, signature } = RFC8032[0]!;
  const key = parsePublicKeyBlob(keyBlob(hex(publicKey)));

  it('verifies the RFC 8032 §7.1 test vectors in SSH encoding', () => {
    for (const t of RFC8032) {
      const k = parsePublicKeyBlob(keyBlob(hex(t.publicKey)));
      expect(k.type).toBe('ssh-ed25519');
      expect(k.bits).toBe(256);
      expect(k.verify(hex(t.message), signatureBlob('ssh-ed25519', hex(t.signature)), 'ssh-ed25519')).toBe(
        true,
      );
    }
  });

  it('rejects keys that are not exactly 32 bytes (Go CVE-2020-9283)', () => {
    for (const len of [0, 1, 31, 33, 64]) {
      expect(() => parsePublicKeyBlob(keyBlob(new Uint8Array(len).fill(7))), `${len}`).toThrow(
        MalformedMessageError,
      );
    }
  });

  it('returns false for signatures that are not exactly 64 bytes', () => {
    const sig = hex(signature);
    for (const bad of [
      new Uint8Array(0),
      sig.subarray(0, 32),
      sig.subarray(0, 63),
      new Uint8Array([...sig, 0]),
    ]) {
      expect(key.verify(hex(message), signatureBlob('ssh-ed25519', bad)), `${bad.length}`).toBe(false);
    }
  });

  it('verifies strictly per RFC 8032, not ZIP-215', () => {
    // Identity public key, R = identity, S = 0: the cofactored equation holds, so ZIP-215 (noble's
    // default for ed25519.verify) accepts it; RFC 8032 strict mode rejects the small-order key.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const sig = new Uint8Array(64);
    sig[0] = 1;
    expect(ed25519.verify(sig, hex('00'), identity)).toBe(true); // noble default: zip215
    const k = parsePublicKeyBlob(keyBlob(identity));
    expect(k.verify(hex('00'), signatureBlob('ssh-ed25519', sig))).toBe(false);
  });

  it('rejects a non-canonical S (S + L)', () => {
    const sig = hex(signature);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    let big = s + L;
    const bad = sig.slice();
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(big & 0xffn);
      big >>= 8n;
    }
    expect(key.verify(hex(message), signatureBlob('ssh-ed25519', bad))).toBe(false);
  });

  it('rejects a signature blob naming another algorithm', () => {
    const sig = hex(signature);
    expect(key.verify(hex(message), signatureBlob('ssh-ed25519', sig))).toBe(true);
    for (const alg of ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed448', '']) {
      expect(key.verify(hex(message), signatureBlob(alg, sig)), alg).toBe(false);
      expect(key.verify(hex(message), signatureBlob('ssh-ed25519', sig), alg), alg).toBe(false);
    }
  });

  it('rejects trailing bytes in the signature blob', () => {
    const blob = signatureBlob('ssh-ed25519', hex(signature));
    expect(key.verify(hex(message), new Uint8Array([...blob, 0]))).toBe(false);
  });
});
