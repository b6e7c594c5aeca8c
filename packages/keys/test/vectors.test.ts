// Known-answer tests against test-vectors/keys/, made by OpenSSH's ssh-keygen (keys, SSHSIG
// signatures, fingerprints) and by paramiko / AsyncSSH (RSA signatures); see
// test-vectors/generators/keys.sh and rsa_signatures.py. Never our own output.
import { describe, expect, it } from 'vitest';
import { parsePublicKey, parsePublicKeyBlob } from '../src/index.js';
import {
  blobOfLine,
  flipBit,
  hex,
  loadVectors,
  parseSshsig,
  signatureBlob,
  splitSignatureBlob,
  sshsigSignedData,
  utf8,
} from './helpers.js';

const vectors = loadVectors();

describe('test-vectors/keys', () => {
  it('has one file per key type and size', () => {
    expect(vectors.map((v) => v.name).sort()).toEqual(
      ['ecdsa-256', 'ecdsa-384', 'ecdsa-521', 'ed25519', 'rsa-2048', 'rsa-3072', 'rsa-4096'].sort(),
    );
  });

  for (const v of vectors) {
    describe(v.file, () => {
      const key = parsePublicKey(v.publicKey);
      const message = utf8(v.sshsig.message);

      it('parses the public key line like ssh-keygen', () => {
        expect(key.type).toBe(v.keyType);
        expect(key.bits).toBe(v.bits);
        expect(key.comment).toBe(v.comment);
        expect(key.blob).toEqual(blobOfLine(v.publicKey));
        expect(key.toString()).toBe(v.publicKey);
        expect(key.equals(parsePublicKeyBlob(blobOfLine(v.publicKey)))).toBe(true);
        expect(parsePublicKeyBlob(key.blob).comment).toBe('');
        expect(key.signatureAlgorithms).toEqual(
          v.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [v.keyType],
        );
      });

      it('matches ssh-keygen -l fingerprints (SHA256 and MD5)', () => {
        expect(key.fingerprint()).toBe(v.fingerprintSha256);
        expect(key.fingerprint('sha256')).toBe(v.fingerprintSha256);
        expect(key.fingerprint('md5')).toBe(v.fingerprintMd5);
      });

      for (const entry of v.sshsig.signatures) {
        describe(`SSHSIG ${entry.hashAlgorithm}`, () => {
          const sig = parseSshsig(entry.armored);
          const data = sshsigSignedData(sig, message);
          const { algorithm, signature } = splitSignatureBlob(sig.signature);

          it('carries the same key, namespace and hash', () => {
            expect(sig.publicKey).toEqual(key.blob);
            expect(sig.namespace).toBe(v.sshsig.namespace);
            expect(sig.hashAlgorithm).toBe(entry.hashAlgorithm);
            // ssh-keygen -Y sign uses rsa-sha2-512 for RSA keys (sshsig.c), the key type otherwise.
            expect(algorithm).toBe(v.keyType === 'ssh-rsa' ? 'rsa-sha2-512' : v.keyType);
          });

          it('verifies, with and without the expected algorithm', () => {
            expect(key.verify(data, sig.signature)).toBe(true);
            expect(key.verify(data, sig.signature, algorithm)).toBe(true);
          });

          it('fails for a different requested algorithm', () => {
            for (const other of ['rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'bogus']) {
              if (other !== algorithm) expect(key.verify(data, sig.signature, other), other).toBe(false);
            }
          });

          it('fails when any bit of the signed data changes', () => {
            for (const i of [0, 6, data.length >> 1, data.length - 1]) {
              for (const bit of [0, 7]) expect(key.verify(flipBit(data, i, bit), sig.signature)).toBe(false);
            }
            expect(key.verify(data.subarray(0, -1), sig.signature)).toBe(false);
            expect(key.verify(message, sig.signature)).toBe(false);
          });

          it('fails when any part of the signature changes', () => {
            for (let i = 0; i < signature.length; i += Math.max(1, Math.floor(signature.length / 24))) {
              const bad = signatureBlob(algorithm, flipBit(signature, i, i % 8));
              expect(key.verify(data, bad), `byte ${i}`).toBe(false);
            }
            expect(
              key.verify(data, signatureBlob(algorithm, flipBit(signature, signature.length - 1, 7))),
            ).toBe(false);
          });

          it('fails for a truncated or extended signature blob', () => {
            for (const cut of [1, 4, sig.signature.length >> 1, sig.signature.length - 1]) {
              expect(key.verify(data, sig.signature.subarray(0, cut))).toBe(false);
            }
            const extended = new Uint8Array(sig.signature.length + 1);
            extended.set(sig.signature);
            expect(key.verify(data, extended)).toBe(false);
            expect(key.verify(data, new Uint8Array(0))).toBe(false);
          });
        });
      }

      for (const ls of v.librarySignatures ?? []) {
        const label = `${ls.source.split(' (')[0]} ${ls.algorithm}${ls.leadingZero ? ' (leading zero)' : ''}`;
        it(`verifies the ${label} signature`, () => {
          const data = hex(ls.dataHex);
          const blob = hex(ls.signatureBlobHex);
          expect(splitSignatureBlob(blob).algorithm).toBe(ls.algorithm);
          expect(key.verify(data, blob)).toBe(true);
          expect(key.verify(data, blob, ls.algorithm)).toBe(true);
          for (const other of key.signatureAlgorithms) {
            if (other !== ls.algorithm) expect(key.verify(data, blob, other)).toBe(false);
          }
          expect(key.verify(flipBit(data, 0), blob)).toBe(false);
        });
      }
    });
  }
});
