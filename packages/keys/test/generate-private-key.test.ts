// Key generation, checked by tools that did not make the keys: ssh-keygen reads them (-y) and
// verifies their SSHSIG signatures (-Y verify), openssl checks RSA keys (`openssl rsa -check`:
// p and q prime, n = p·q, d and the CRT values consistent), and the Miller–Rabin test is checked
// on numbers whose primality is known.
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  generatePrivateKey,
  type PrivateKey,
  type PrivateKeyComponents,
  sshsigSign,
  writeOpenSSHPrivateKey,
} from '../src/index.js';
import { millerRabin, millerRabinRounds } from '../src/prime.js';
import { exec, execStatus, keyOfLine, ScratchDir } from './openssh-key-tools.js';

const keygen = await toolAvailability('ssh-keygen');
const openssl = await toolAvailability('openssl');

type RsaComponents = Extract<PrivateKeyComponents, { type: 'ssh-rsa' }>;
const bitLength = (x: bigint) => x.toString(2).length;

describe('generatePrivateKey', () => {
  const dir = new ScratchDir();
  afterAll(() => dir.remove());

  const CASES = [
    ['ed25519', undefined, 'ssh-ed25519', 256],
    ['ecdsa', undefined, 'ecdsa-sha2-nistp256', 256],
    ['ecdsa', 384, 'ecdsa-sha2-nistp384', 384],
    ['ecdsa', 521, 'ecdsa-sha2-nistp521', 521],
    ['rsa', 2048, 'ssh-rsa', 2048],
    ['rsa', undefined, 'ssh-rsa', 3072],
  ] as const;

  describe.each(CASES)('%s %s', (type, bits, keyType, expectedBits) => {
    let key: PrivateKey;
    it('makes a key of the requested type and size', async () => {
      key = await generatePrivateKey(type, { bits, comment: `generated ${type}` });
      expect(key.type).toBe(keyType);
      expect(key.bits).toBe(expectedBits);
      expect(key.comment).toBe(`generated ${type}`);
      const data = new Uint8Array([1, 2, 3]);
      expect(key.publicKey.verify(data, key.sign(data))).toBe(true);
    }, 60_000);

    it.skipIf(!keygen.available)(
      'is read by ssh-keygen -y and its SSHSIG verifies with ssh-keygen -Y verify',
      () => {
        const bin = keygen.available ? keygen.path : '';
        const name = `${type}${bits ?? ''}`;
        const file = dir.write(name, writeOpenSSHPrivateKey(key, { passphrase: 'gen pass', rounds: 2 }));
        expect(keyOfLine(exec(bin, ['-y', '-P', 'gen pass', '-f', file]))).toBe(
          keyOfLine(key.publicKey.toString()),
        );
        dir.write(`${name}.allowed`, `gen@example.org ${key.publicKey.toString()}\n`);
        const sig = dir.write(`${name}.sig`, sshsigSign(key, 'file', 'generated'));
        const result = execStatus(
          bin,
          [
            '-Y',
            'verify',
            '-f',
            dir.file(`${name}.allowed`),
            '-I',
            'gen@example.org',
            '-n',
            'file',
            '-s',
            sig,
          ],
          'generated',
        );
        expect(result.output).toContain('Good "file" signature');
      },
    );
  });

  it.skipIf(!keygen.available || !openssl.available)(
    'RSA keys pass openssl rsa -check and FIPS 186-5 size rules',
    async () => {
      const bin = keygen.available ? keygen.path : '';
      const ossl = openssl.available ? openssl.path : '';
      for (const bits of [2048, 4096]) {
        const key = await generatePrivateKey('rsa', { bits });
        const c = key.components() as RsaComponents;
        expect(c.e).toBe(65537n);
        expect(bitLength(c.n)).toBe(bits);
        expect(bitLength(c.p)).toBe(bits / 2);
        expect(bitLength(c.q)).toBe(bits / 2);
        const diff = c.p > c.q ? c.p - c.q : c.q - c.p;
        expect(bitLength(diff)).toBeGreaterThan(bits / 2 - 100);
        // ssh-keygen converts our file to PKCS#1 PEM; OpenSSL then checks the key's arithmetic.
        const file = dir.write(`rsa-check-${bits}`, writeOpenSSHPrivateKey(key));
        exec(bin, ['-q', '-p', '-P', '', '-N', '', '-m', 'PEM', '-f', file]);
        expect(exec(ossl, ['rsa', '-check', '-noout', '-in', file])).toContain('RSA key ok');
      }
    },
    120_000,
  );

  it('rejects sizes it does not make', async () => {
    await expect(generatePrivateKey('rsa', { bits: 1024 })).rejects.toThrow(RangeError);
    await expect(generatePrivateKey('rsa', { bits: 2049 })).rejects.toThrow(RangeError);
    await expect(generatePrivateKey('ecdsa', { bits: 224 })).rejects.toThrow(RangeError);
    await expect(generatePrivateKey('ed25519', { bits: 448 })).rejects.toThrow(RangeError);
    await expect(generatePrivateKey('dsa' as 'rsa')).rejects.toThrow(TypeError);
  });

  it('makes different keys each time', async () => {
    const a = await generatePrivateKey('ed25519');
    const b = await generatePrivateKey('ed25519');
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
  });
});

describe('Miller–Rabin', () => {
  it('accepts primes', () => {
    const primes = [5n, 7n, 65537n, 2n ** 61n - 1n, 2n ** 89n - 1n, 2n ** 127n - 1n, 2n ** 521n - 1n];
    for (const p of primes) expect(millerRabin(p, 8)).toBe(true);
  });

  it('rejects composites, including Carmichael numbers and strong pseudoprimes to base 2', () => {
    // 561, 41041, 825265: Carmichael; 2047, 3215031751: strong pseudoprimes to base 2; 2^128 + 1 = F7.
    const composites = [
      9n,
      561n,
      2047n,
      41041n,
      825265n,
      3215031751n,
      2n ** 128n + 1n,
      (2n ** 127n - 1n) * (2n ** 89n - 1n),
    ];
    for (const c of composites) expect(millerRabin(c, 8)).toBe(false);
  });

  it('uses the FIPS 186-5 Table B.1 round counts', () => {
    expect(millerRabinRounds(1024)).toBe(5);
    expect(millerRabinRounds(1536)).toBe(4);
    expect(millerRabinRounds(2048)).toBe(4);
  });
});
