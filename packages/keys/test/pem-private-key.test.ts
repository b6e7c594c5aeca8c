// PEM private keys (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8, OpenSSL legacy encryption) made by
// ssh-keygen and openssl at test time, and our written files read back by both tools.
import { copyFileSync } from 'node:fs';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  PassphraseRequiredError,
  type PrivateKey,
  parsePrivateKey,
  parsePublicKey,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
  writePemPrivateKey,
} from '../src/index.js';
import { findPemBlock } from '../src/pem.js';
import { decryptLegacyPem, evpBytesToKey } from '../src/pem-legacy-encryption.js';
import { keyOfLine, opensslEd25519Public, run, sshKeygenPublic, TempDir, tryRun } from './key-file-tools.js';

const keygen = await toolAvailability('ssh-keygen');
const openssl = await toolAvailability('openssl');
const PASS = 'correct horse battery';

const publicLine = (k: PrivateKey) => keyOfLine(k.publicKey.toString());
const label = (text: string) => /-----BEGIN ([A-Z ]+)-----/.exec(text)?.[1];

describe.skipIf(!keygen.available)('keys written by ssh-keygen -m PEM / -m PKCS8', () => {
  const bin = keygen.available ? keygen.path : '';
  const dir = new TempDir();
  const TYPES = [
    ['ecdsa256', 'ecdsa', '256'],
    ['ecdsa384', 'ecdsa', '384'],
    ['ecdsa521', 'ecdsa', '521'],
    ['rsa2048', 'rsa', '2048'],
  ] as const;
  const cases: { name: string; file: string; pass: string; pub: string; label: string }[] = [];

  beforeAll(() => {
    for (const [name, t, bits] of TYPES) {
      const base = dir.file(name);
      run(bin, ['-q', '-t', t, '-b', bits, '-N', '', '-C', '', '-f', base]);
      const pub = keyOfLine(dir.read(`${name}.pub`));
      for (const format of ['PEM', 'PKCS8']) {
        for (const pass of ['', PASS]) {
          const file = `${name}-${format}-${pass === '' ? 'plain' : 'enc'}`;
          copyFileSync(base, dir.file(file));
          run(bin, ['-q', '-p', '-P', '', '-N', pass, '-m', format, '-f', dir.file(file)]);
          cases.push({ name, file, pass, pub, label: label(dir.read(file)) ?? '' });
        }
      }
    }
  });
  afterAll(() => dir.remove());

  it('writes the labels we expect (so every reader branch is exercised)', () => {
    const labels = new Set(cases.map((c) => `${c.file.replace(/\d+/, '')}:${c.label}`));
    expect(labels).toEqual(
      new Set([
        'ecdsa-PEM-plain:EC PRIVATE KEY',
        'ecdsa-PEM-enc:EC PRIVATE KEY',
        'ecdsa-PKCS8-plain:PRIVATE KEY',
        'ecdsa-PKCS8-enc:ENCRYPTED PRIVATE KEY',
        'rsa-PEM-plain:RSA PRIVATE KEY',
        'rsa-PEM-enc:RSA PRIVATE KEY',
        'rsa-PKCS8-plain:PRIVATE KEY',
        'rsa-PKCS8-enc:ENCRYPTED PRIVATE KEY',
      ]),
    );
  });

  it('parses every file to the public key of the .pub file', () => {
    for (const c of cases) {
      const key = parsePrivateKey(dir.read(c.file), c.pass === '' ? undefined : c.pass);
      expect(publicLine(key), c.file).toBe(c.pub);
      expect(key.comment).toBe('');
    }
  });

  it('reads bytes as well as text', () => {
    const c = cases[0]!;
    const bytes = new TextEncoder().encode(dir.read(c.file));
    expect(publicLine(parsePrivateKey(bytes))).toBe(c.pub);
  });

  it('signs with a parsed key so that the .pub key verifies the signature', () => {
    for (const c of cases.filter((x) => x.pass === '' && x.file.includes('PKCS8'))) {
      const key = parsePrivateKey(dir.read(c.file));
      const data = new TextEncoder().encode('data');
      expect(parsePublicKey(c.pub).verify(data, key.sign(data)), c.file).toBe(true);
    }
  });

  it('encrypted files: no passphrase → PassphraseRequiredError, wrong → WrongPassphraseError', () => {
    for (const c of cases.filter((x) => x.pass !== '')) {
      const text = dir.read(c.file);
      expect(() => parsePrivateKey(text), c.file).toThrow(PassphraseRequiredError);
      expect(() => parsePrivateKey(text, 'wrong horse'), c.file).toThrow(WrongPassphraseError);
    }
  });

  it('legacy PEM: hundreds of wrong passphrases are all WrongPassphraseError, including those whose garbage has valid padding', () => {
    const c = cases.find((x) => x.file === 'rsa2048-PEM-enc')!;
    const text = dir.read(c.file);
    const block = findPemBlock(text, (l) => l === 'RSA PRIVATE KEY')!;
    let validPadding = 0;
    for (let i = 0; i < 1500; i++) {
      const wrong = `wrong-${i}`;
      if (decryptLegacyPem(block, new TextEncoder().encode(wrong), 'PKCS#1') !== undefined) validPadding++;
      expect(() => parsePrivateKey(text, wrong)).toThrow(WrongPassphraseError);
    }
    // About 1 in 256 garbage plaintexts end in a valid PKCS#7 pad (…01 or …02 02 …).
    expect(validPadding).toBeGreaterThan(0);
  });
});

describe.skipIf(!openssl.available || !keygen.available)('keys written by openssl', () => {
  const bin = openssl.available ? openssl.path : '';
  const sshKeygen = keygen.available ? keygen.path : '';
  const dir = new TempDir();
  const GEN = {
    ed25519: ['-algorithm', 'ed25519'],
    p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
    rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  } as const;
  type Name = keyof typeof GEN;
  const pub = new Map<Name, string>();
  const expectedPublic = (name: Name, file: string, pass = '') =>
    name === 'ed25519' ? opensslEd25519Public(bin, file, pass) : sshKeygenPublic(sshKeygen, file, pass);

  beforeAll(() => {
    for (const [name, args] of Object.entries(GEN) as [Name, readonly string[]][]) {
      run(bin, ['genpkey', ...args, '-out', dir.file(name)]);
      pub.set(name, expectedPublic(name, dir.file(name)));
    }
  });
  afterAll(() => dir.remove());

  it('reads openssl genpkey PKCS#8 for every key type', () => {
    for (const name of pub.keys()) {
      expect(label(dir.read(name))).toBe('PRIVATE KEY');
      expect(publicLine(parsePrivateKey(dir.read(name))), name).toBe(pub.get(name));
    }
  });

  it('reads openssl pkcs8 -topk8 -v2 with each PRF and AES key size', () => {
    const variants = [
      ['aes-256-cbc', 'hmacWithSHA256'],
      ['aes-128-cbc', 'hmacWithSHA1'], // the DEFAULT PRF: the prf field is left out
      ['aes-192-cbc', 'hmacWithSHA384'],
      ['aes-256-cbc', 'hmacWithSHA512'],
      ['aes-128-cbc', 'hmacWithSHA224'],
    ];
    let i = 0;
    for (const name of pub.keys()) {
      for (const [cipher, prf] of variants) {
        const out = dir.file(`${name}-p8-${i++}`);
        run(bin, [
          'pkcs8',
          '-topk8',
          '-v2',
          cipher!,
          '-v2prf',
          prf!,
          '-iter',
          '1000',
          '-in',
          dir.file(name),
          '-passout',
          `pass:${PASS}`,
          '-out',
          out,
        ]);
        const text = dir.read(out.slice(dir.path.length + 1));
        expect(label(text)).toBe('ENCRYPTED PRIVATE KEY');
        expect(publicLine(parsePrivateKey(text, PASS)), `${name} ${cipher} ${prf}`).toBe(pub.get(name));
        expect(() => parsePrivateKey(text, 'nope'), `${name} ${cipher} ${prf}`).toThrow(WrongPassphraseError);
      }
    }
  });

  it('reads legacy encrypted PKCS#1 and SEC1 (openssl rsa/ec -aes*)', () => {
    const files = [
      ['rsa', ['rsa', '-traditional', '-aes128']],
      ['rsa', ['rsa', '-traditional', '-aes192']],
      ['p256', ['ec', '-aes256']],
      ['p521', ['ec', '-aes128']],
    ] as const;
    files.forEach(([name, args], i) => {
      const out = `legacy-${i}`;
      run(bin, [...args, '-in', dir.file(name), '-passout', `pass:${PASS}`, '-out', dir.file(out)]);
      const text = dir.read(out);
      expect(text).toContain('Proc-Type: 4,ENCRYPTED');
      expect(publicLine(parsePrivateKey(text, PASS)), out).toBe(pub.get(name));
      expect(() => parsePrivateKey(text, 'nope'), out).toThrow(WrongPassphraseError);
      expect(() => parsePrivateKey(text), out).toThrow(PassphraseRequiredError);
    });
  });

  it('skips an EC PARAMETERS block (openssl ecparam -genkey)', () => {
    run(bin, ['ecparam', '-name', 'secp384r1', '-genkey', '-out', dir.file('ecparam')]);
    const text = dir.read('ecparam');
    expect(label(text)).toBe('EC PARAMETERS');
    expect(publicLine(parsePrivateKey(text))).toBe(sshKeygenPublic(sshKeygen, dir.file('ecparam')));
  });

  it('reads an RFC 5958 v2 OneAsymmetricKey with a matching publicKey, refuses a mismatched one', () => {
    // openssl 3.0 writes v1; build v2 from its Ed25519 file (RFC 8410 §10.3 shows the layout):
    // version 1 and `[1] IMPLICIT BIT STRING` with the raw public key from openssl pkey -pubout.
    const der = Buffer.from(
      run(bin, ['pkey', '-in', dir.file('ed25519'), '-outform', 'DER'], undefined, 'buffer'),
    );
    const spki = Buffer.from(
      run(bin, ['pkey', '-in', dir.file('ed25519'), '-pubout', '-outform', 'DER'], undefined, 'buffer'),
    );
    const raw = spki.subarray(spki.length - 32);
    const v2 = (pub: Buffer) => {
      const body = Buffer.concat([der.subarray(2), Buffer.from([0x81, 0x21, 0x00]), pub]);
      body[2] = 1; // INTEGER 0 → 1
      const pem = Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64');
      return `-----BEGIN PRIVATE KEY-----\n${pem}\n-----END PRIVATE KEY-----\n`;
    };
    expect(publicLine(parsePrivateKey(v2(raw)))).toBe(pub.get('ed25519'));
    const wrong = Buffer.from(raw);
    wrong[0]! ^= 1;
    expect(() => parsePrivateKey(v2(wrong))).toThrow(/publicKey does not match/);
  });

  it('EVP_BytesToKey matches openssl enc -md md5 -P (key ‖ iv)', () => {
    const out = run(bin, [
      'enc',
      '-aes-256-cbc',
      '-md',
      'md5',
      '-S',
      '0102030405060708',
      '-pass',
      'pass:secret',
      '-P',
    ]);
    const key = /key=([0-9A-F]+)/.exec(out)![1]!;
    const iv = /iv\s*=([0-9A-F]+)/.exec(out)![1]!;
    const derived = evpBytesToKey(
      new TextEncoder().encode('secret'),
      Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      48,
    );
    expect(Buffer.from(derived).toString('hex').toUpperCase()).toBe(key + iv);
  });

  it('refuses ciphers and schemes we do not implement with KeyFormatError', () => {
    const unsupported: [string, string[]][] = [
      ['legacy DES-EDE3-CBC', ['rsa', '-traditional', '-des3', '-in', dir.file('rsa')]],
      ['PBES2 with 3DES', ['pkcs8', '-topk8', '-v2', 'des3', '-in', dir.file('p256')]],
      ['PBES1', ['pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES', '-in', dir.file('p256')]],
      ['scrypt', ['pkcs8', '-topk8', '-scrypt', '-in', dir.file('p256')]],
    ];
    for (const [what, args] of unsupported) {
      const r = tryRun(bin, [...args, '-passout', `pass:${PASS}`]);
      expect(r.status, `${what}: ${r.output}`).toBe(0);
      expect(() => parsePrivateKey(r.output, PASS), what).toThrow(KeyFormatError);
      expect(() => parsePrivateKey(r.output, PASS), what).toThrow(/unsupported/);
    }
    // Explicit curve parameters (SEC1 specifiedCurve) instead of a named curve.
    const explicit = run(bin, ['pkey', '-in', dir.file('p256'), '-ec_param_enc', 'explicit']);
    expect(() => parsePrivateKey(explicit)).toThrow(KeyFormatError);
  });

  it('refuses key types we do not implement with UnsupportedKeyTypeError', () => {
    for (const alg of ['ed448', 'x25519']) {
      const text = run(bin, ['genpkey', '-algorithm', alg]);
      expect(() => parsePrivateKey(text), alg).toThrow(UnsupportedKeyTypeError);
      // Encrypted: decryption succeeds, so this is not reported as a wrong passphrase.
      const enc = run(bin, [
        'pkcs8',
        '-topk8',
        '-v2',
        'aes-256-cbc',
        '-in',
        dir.write(alg, text),
        '-passout',
        `pass:${PASS}`,
      ]);
      expect(() => parsePrivateKey(enc, PASS), alg).toThrow(UnsupportedKeyTypeError);
      expect(() => parsePrivateKey(enc, 'nope'), alg).toThrow(WrongPassphraseError);
    }
    const dsa8 = run(bin, ['dsaparam', '-genkey', '-noout', '1024']);
    expect(label(dsa8)).toBe('PRIVATE KEY');
    expect(() => parsePrivateKey(dsa8)).toThrow(UnsupportedKeyTypeError);
    run(sshKeygen, ['-q', '-t', 'dsa', '-m', 'PEM', '-N', '', '-f', dir.file('dsa')]);
    const dsa = dir.read('dsa');
    expect(label(dsa)).toBe('DSA PRIVATE KEY');
    expect(() => parsePrivateKey(dsa)).toThrow(UnsupportedKeyTypeError);
  });

  describe('our PEM output', () => {
    const FORMATS: Record<Name, ('pkcs1' | 'sec1' | 'pkcs8')[]> = {
      ed25519: ['pkcs8'],
      p256: ['sec1', 'pkcs8'],
      p384: ['sec1', 'pkcs8'],
      p521: ['sec1', 'pkcs8'],
      rsa: ['pkcs1', 'pkcs8'],
    };
    const LABELS = { pkcs1: 'RSA PRIVATE KEY', sec1: 'EC PRIVATE KEY', pkcs8: 'PRIVATE KEY' };

    it('is read by openssl pkey (with -check) and ssh-keygen -y, plain and encrypted', () => {
      for (const name of pub.keys()) {
        const key = parsePrivateKey(dir.read(name));
        const spki = run(bin, ['pkey', '-in', dir.file(name), '-pubout']);
        for (const format of FORMATS[name]) {
          for (const pass of ['', PASS]) {
            const text = writePemPrivateKey(key, {
              format,
              ...(pass ? { passphrase: pass, iterations: 2048 } : {}),
            });
            const expectedLabel = format === 'pkcs8' && pass ? 'ENCRYPTED PRIVATE KEY' : LABELS[format];
            expect(label(text)).toBe(expectedLabel);
            if (pass && format !== 'pkcs8') expect(text).toContain('DEK-Info: AES-256-CBC,');
            const file = dir.write(`ours-${name}-${format}-${pass ? 'enc' : 'plain'}`, text);
            const what = `${name} ${format} ${pass ? 'encrypted' : 'plain'}`;
            expect(run(bin, ['pkey', '-in', file, '-passin', `pass:${pass}`, '-pubout']), what).toBe(spki);
            if (name !== 'rsa') {
              expect(
                run(bin, ['pkey', '-in', file, '-passin', `pass:${pass}`, '-check', '-noout']),
                what,
              ).toMatch(/valid/);
            } else {
              expect(
                run(bin, ['rsa', '-in', file, '-passin', `pass:${pass}`, '-check', '-noout']),
                what,
              ).toMatch(/RSA key ok/);
            }
            // OpenSSH 9.2 cannot read Ed25519 PKCS#8 at all ("invalid format"), even openssl's.
            if (name !== 'ed25519') expect(sshKeygenPublic(sshKeygen, file, pass), what).toBe(pub.get(name));
            // And back through our reader.
            expect(publicLine(parsePrivateKey(text, pass || undefined)), what).toBe(pub.get(name));
          }
        }
      }
    });

    it('encrypts PKCS#8 by default with PBES2, PBKDF2-HMAC-SHA-256 × 100,000, AES-256-CBC', () => {
      const key = parsePrivateKey(dir.read('p256'));
      const file = dir.write('ours-default.pem', writePemPrivateKey(key, { passphrase: PASS }));
      const asn1 = run(bin, ['asn1parse', '-in', file]);
      expect(asn1).toMatch(/OBJECT\s+:PBES2/);
      expect(asn1).toMatch(/OBJECT\s+:PBKDF2/);
      expect(asn1).toMatch(/INTEGER\s+:0186A0/); // 100000
      expect(asn1).toMatch(/OBJECT\s+:hmacWithSHA256/);
      expect(asn1).toMatch(/OBJECT\s+:aes-256-cbc/);
      expect(asn1).toMatch(/OCTET STRING\s+\[HEX DUMP\]:[0-9A-F]{32}\n/); // 16-byte salt
      expect(run(bin, ['pkey', '-in', file, '-passin', `pass:${PASS}`, '-pubout'])).toBe(
        run(bin, ['pkey', '-in', dir.file('p256'), '-pubout']),
      );
    });

    it('refuses formats that do not fit the key type', () => {
      const ed = parsePrivateKey(dir.read('ed25519'));
      const rsa = parsePrivateKey(dir.read('rsa'));
      expect(() => writePemPrivateKey(ed, { format: 'pkcs1' })).toThrow(KeyFormatError);
      expect(() => writePemPrivateKey(ed, { format: 'sec1' })).toThrow(KeyFormatError);
      expect(() => writePemPrivateKey(rsa, { format: 'sec1' })).toThrow(KeyFormatError);
    });
  });
});
