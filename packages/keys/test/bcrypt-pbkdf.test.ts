// Blowfish and bcrypt_pbkdf against independent implementations: Schneier's published Blowfish
// vectors, pyca/bcrypt vectors stored in test-vectors/keys/bcrypt-pbkdf/, and live cross-checks
// with /usr/bin/python3 (cryptography's Blowfish, bcrypt.kdf) on random inputs.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerAvailability } from '@sshts/test-peers';
import { describe, expect, it } from 'vitest';
import { bcryptPbkdf } from '../src/bcrypt-pbkdf.js';
import {
  blowfishEncipher,
  blowfishExpand,
  blowfishInitState,
  KEY_WORDS,
  streamWords,
} from '../src/blowfish.js';
import { VECTOR_DIR } from './helpers.js';
import { fromHex, python, toHex } from './openssh-key-tools.js';

// python3-bcrypt comes with the paramiko peer (installed when root; a failure under CI=true).
const paramiko = await peerAvailability('paramiko');

/** Standard Blowfish ECB encryption of one 8-byte block: key schedule = expand0state from the initial state. */
function blowfishEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const state = blowfishInitState();
  blowfishExpand(state, streamWords(key, KEY_WORDS));
  const words = streamWords(block, 2);
  blowfishEncipher(state, words, 0);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setInt32(0, words[0]!);
  new DataView(out.buffer).setInt32(4, words[1]!);
  return out;
}

describe('Blowfish', () => {
  // Schneier's / Eric Young's Blowfish ECB test vectors (key, plaintext, ciphertext); the same values
  // come out of pyca/cryptography 38.0.4's algorithms.Blowfish.
  const published = [
    ['0000000000000000', '0000000000000000', '4ef997456198dd78'],
    ['ffffffffffffffff', 'ffffffffffffffff', '51866fd5b85ecb8a'],
    ['3000000000000000', '1000000000000001', '7d856f9a613063f2'],
    ['0123456789abcdef', '1111111111111111', '61f9c3802281b096'],
    ['fedcba9876543210', '0123456789abcdef', '0aceab0fc6a0a28d'],
  ] as const;
  it.each(published)('key %s, plaintext %s → %s', (key, plain, cipher) => {
    expect(toHex(blowfishEcb(fromHex(key), fromHex(plain)))).toBe(cipher);
  });

  // Only when python3-bcrypt (with paramiko) is missing outside CI; under CI=true that throws.
  it.skipIf(!paramiko.available)('matches pyca/cryptography on random keys of 4 to 56 bytes', () => {
    const cases = Array.from({ length: 40 }, (_, i) => ({
      key: toHex(randomBytes(4 + ((i * 13) % 53))),
      block: toHex(randomBytes(8)),
    }));
    const expected = python<string[]>(
      `import json, sys, warnings
warnings.simplefilter('ignore')
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
out = []
for c in json.load(sys.stdin):
    e = Cipher(algorithms.Blowfish(bytes.fromhex(c['key'])), modes.ECB()).encryptor()
    out.append((e.update(bytes.fromhex(c['block'])) + e.finalize()).hex())
print(json.dumps(out))`,
      cases,
    );
    expect(cases.map((c) => toHex(blowfishEcb(fromHex(c.key), fromHex(c.block))))).toEqual(expected);
  });
});

interface BcryptVector {
  passwordHex: string;
  saltHex: string;
  rounds: number;
  keyLength: number;
  keyHex: string;
}

describe('bcrypt_pbkdf', () => {
  const file = JSON.parse(readFileSync(join(VECTOR_DIR, 'bcrypt-pbkdf/vectors.json'), 'utf8')) as {
    vectors: BcryptVector[];
  };

  it('has the stored pyca/bcrypt vectors', () => expect(file.vectors.length).toBeGreaterThanOrEqual(10));

  it.each(
    file.vectors.map(
      (v) => [`${v.rounds} rounds, ${v.keyLength} bytes, password ${v.passwordHex.slice(0, 16)}`, v] as const,
    ),
  )('pyca/bcrypt vector: %s', (_name, v) => {
    const key = bcryptPbkdf(fromHex(v.passwordHex), fromHex(v.saltHex), v.rounds, v.keyLength);
    expect(toHex(key)).toBe(v.keyHex);
  });

  // Only when python3-bcrypt (with paramiko) is missing outside CI; under CI=true that throws.
  it.skipIf(!paramiko.available)(
    'matches bcrypt.kdf live on random passwords, salts, rounds and lengths',
    () => {
      const cases = Array.from({ length: 12 }, (_, i) => ({
        password: toHex(randomBytes(1 + ((i * 29) % 90))),
        salt: toHex(randomBytes(1 + ((i * 7) % 40))),
        rounds: 1 + (i % 5),
        length: 1 + ((i * 37) % 140),
      }));
      const expected = python<string[]>(
        `import json, sys, warnings, bcrypt
warnings.simplefilter('ignore')
print(json.dumps([bcrypt.kdf(bytes.fromhex(c['password']), bytes.fromhex(c['salt']), c['length'], c['rounds'], True).hex() for c in json.load(sys.stdin)]))`,
        cases,
      );
      const ours = cases.map((c) =>
        toHex(bcryptPbkdf(fromHex(c.password), fromHex(c.salt), c.rounds, c.length)),
      );
      expect(ours).toEqual(expected);
    },
  );

  it('derives every byte of a 1024-byte key (32 interleaved blocks)', () => {
    const key = bcryptPbkdf(new Uint8Array([1]), new Uint8Array([2]), 1, 1024);
    const prefix = bcryptPbkdf(new Uint8Array([1]), new Uint8Array([2]), 1, 512);
    expect(key.length).toBe(1024);
    // The interleaving stride depends on the length, so a shorter key is not a prefix.
    expect(toHex(key.subarray(0, 512))).not.toBe(toHex(prefix));
  });

  it('rejects what OpenBSD bcrypt_pbkdf rejects', () => {
    const p = new Uint8Array([1]);
    expect(() => bcryptPbkdf(p, p, 0, 32)).toThrow(RangeError);
    expect(() => bcryptPbkdf(new Uint8Array(0), p, 1, 32)).toThrow(RangeError);
    expect(() => bcryptPbkdf(p, new Uint8Array(0), 1, 32)).toThrow(RangeError);
    expect(() => bcryptPbkdf(p, p, 1, 0)).toThrow(RangeError);
    expect(() => bcryptPbkdf(p, p, 1, 1025)).toThrow(RangeError);
  });
});
