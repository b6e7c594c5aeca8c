// PuTTY .ppk files (versions 2 and 3, plain and encrypted, every Argon2 flavour) made by puttygen
// at test time, and our written files read back by puttygen, which prints the private components.
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  MAX_PPK_ARGON2_COST,
  PassphraseRequiredError,
  type PrivateKey,
  parsePpk,
  parsePrivateKey,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
  writePpk,
} from '../src/index.js';
import { keyOfLine, puttygenDump, run, TempDir } from './key-file-tools.js';

const puttygen = await toolAvailability('puttygen');
const PASS = 'correct horse battery';

const publicLine = (k: PrivateKey) => keyOfLine(k.publicKey.toString());
const hex = (v: bigint) => `0x${v.toString(16)}`;

/** The private values as `puttygen -O text` names them. */
function dumpOf(key: PrivateKey): Record<string, string> {
  const c = key.components();
  if (c.type === 'ssh-ed25519')
    return { private_exponent: hex(BigInt(`0x${Buffer.from(c.seed).reverse().toString('hex')}`)) };
  if (c.type === 'ssh-rsa') {
    return {
      public_modulus: hex(c.n),
      public_exponent: hex(c.e),
      private_exponent: hex(c.d),
      private_p: hex(c.p),
      private_q: hex(c.q),
      private_inverse_q_mod_p: hex(c.iqmp!),
    };
  }
  return { private_exponent: hex(c.d) };
}

function expectDump(actual: Map<string, string>, key: PrivateKey, what: string): void {
  for (const [name, value] of Object.entries(dumpOf(key)))
    expect(actual.get(name), `${what} ${name}`).toBe(value);
}

describe.skipIf(!puttygen.available)('PPK files from puttygen', () => {
  const bin = puttygen.available ? puttygen.path : '';
  const dir = new TempDir();
  const passFile = dir.write('pass', `${PASS}\n`);
  const emptyFile = dir.write('empty', '');
  const TYPES = [
    ['ed25519', 'ed25519', '255'],
    ['ecdsa256', 'ecdsa', '256'],
    ['ecdsa384', 'ecdsa', '384'],
    ['ecdsa521', 'ecdsa', '521'],
    ['rsa2048', 'rsa', '2048'],
  ] as const;
  const pub = new Map<string, string>();

  /** puttygen re-saving `from` as `to` with the given PPK parameters and passphrase file. */
  const resave = (from: string, to: string, params: string, newPass: string) =>
    run(bin, [
      dir.file(from),
      '-q',
      '--reencrypt',
      '-O',
      'private',
      '-o',
      dir.file(to),
      '--ppk-param',
      params,
      '--new-passphrase',
      newPass,
    ]);

  beforeAll(() => {
    for (const [name, t, bits] of TYPES) {
      run(bin, [
        '--random-device',
        '/dev/urandom',
        '-q',
        '-t',
        t,
        '-b',
        bits,
        '-C',
        `${name} key`,
        '-o',
        dir.file(name),
        '--new-passphrase',
        emptyFile,
      ]);
      pub.set(name, keyOfLine(run(bin, [dir.file(name), '-L'])));
    }
  });
  afterAll(() => dir.remove());

  it('reads unencrypted v3 (puttygen default) and v2 files', () => {
    for (const name of pub.keys()) {
      resave(name, `${name}-v2`, 'version=2', emptyFile);
      for (const file of [name, `${name}-v2`]) {
        const text = dir.read(file);
        expect(text).toMatch(file.endsWith('v2') ? /^PuTTY-User-Key-File-2: / : /^PuTTY-User-Key-File-3: /);
        const key = parsePrivateKey(text);
        expect(publicLine(key), file).toBe(pub.get(name));
        expect(key.comment).toBe(`${name} key`);
        expectDump(puttygenDump(bin, dir.file(file)), key, file);
      }
    }
  });

  it('reads encrypted v2 files and v3 files with each Argon2 flavour', () => {
    const variants = [
      ['v2', 'version=2'],
      ['argon2id', 'version=3,kdf=argon2id,passes=2'],
      ['argon2i', 'version=3,kdf=argon2i,passes=1,memory=1024'],
      ['argon2d', 'version=3,kdf=argon2d,passes=1,parallelism=2'],
    ];
    for (const name of pub.keys()) {
      for (const [variant, params] of variants) {
        const file = `${name}-${variant}-enc`;
        resave(name, file, params!, passFile);
        const text = dir.read(file);
        expect(text).toContain('Encryption: aes256-cbc');
        const key = parsePrivateKey(text, PASS);
        expect(publicLine(key), file).toBe(pub.get(name));
        expect(key.comment).toBe(`${name} key`);
        expect(() => parsePrivateKey(text, 'wrong'), file).toThrow(WrongPassphraseError);
        expect(() => parsePrivateKey(text), file).toThrow(PassphraseRequiredError);
      }
    }
  });

  it('reads a v3 file with puttygen default Argon2 parameters and reports the time', () => {
    resave('ed25519', 'default-enc', 'version=3', passFile);
    const text = dir.read('default-enc');
    expect(text).toMatch(
      /Key-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Passes: \d+\nArgon2-Parallelism: 1\n/,
    );
    const t0 = performance.now();
    expect(publicLine(parsePrivateKey(text, PASS))).toBe(pub.get('ed25519'));
    const passes = /Argon2-Passes: (\d+)/.exec(text)![1];
    console.info(
      `PPK v3 default (8 MiB × ${passes} passes): parsed in ${(performance.now() - t0).toFixed(0)} ms`,
    );
  });

  it('a corrupted MAC is KeyFormatError for a plain file and WrongPassphraseError for an encrypted one', () => {
    const flipMac = (text: string) =>
      text.replace(/Private-MAC: (.)/, (_m, c: string) => `Private-MAC: ${c === '0' ? '1' : '0'}`);
    const plain = dir.read('ecdsa256');
    expect(() => parsePrivateKey(flipMac(plain))).toThrow(KeyFormatError);
    expect(() => parsePrivateKey(flipMac(plain))).toThrow(/MAC/);
    const enc = dir.read('ecdsa256-v2-enc');
    expect(() => parsePrivateKey(flipMac(enc), PASS)).toThrow(WrongPassphraseError);
    // The MAC covers the comment and the public key too.
    expect(() => parsePrivateKey(plain.replace('Comment: ecdsa256 key', 'Comment: other'))).toThrow(
      KeyFormatError,
    );
  });

  it('refuses Argon2 parameters over the bounds before deriving', () => {
    const enc = dir.read('ed25519-argon2id-enc');
    const huge = enc.replace(/Argon2-Memory: \d+/, 'Argon2-Memory: 4194304');
    expect(() => parsePrivateKey(huge, PASS)).toThrow(/Argon2-Memory/);
    const slow = enc.replace(/Argon2-Passes: \d+/, `Argon2-Passes: ${MAX_PPK_ARGON2_COST}`);
    const t0 = performance.now();
    expect(() => parsePrivateKey(slow, PASS)).toThrow(KeyFormatError);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(() =>
      parsePrivateKey(enc.replace(/Argon2-Parallelism: \d+/, 'Argon2-Parallelism: 0'), PASS),
    ).toThrow(KeyFormatError);
  });

  it('refuses key types we do not implement', () => {
    run(bin, [
      '--random-device',
      '/dev/urandom',
      '-q',
      '-t',
      'ed448',
      '-o',
      dir.file('ed448'),
      '--new-passphrase',
      emptyFile,
    ]);
    expect(() => parsePrivateKey(dir.read('ed448'))).toThrow(UnsupportedKeyTypeError);
  });

  describe('our PPK output', () => {
    it('is read by puttygen (which checks the MAC and prints the private values), v2 and v3, plain and encrypted', () => {
      for (const name of pub.keys()) {
        const key = parsePrivateKey(dir.read(name));
        for (const version of [2, 3] as const) {
          for (const pass of ['', PASS]) {
            const what = `${name} v${version} ${pass ? 'encrypted' : 'plain'}`;
            const text = writePpk(key, { version, passphrase: pass, argon2: { passes: 1 } });
            const file = dir.write(`ours-${name}-v${version}-${pass ? 'enc' : 'plain'}.ppk`, text);
            const passArgs = pass ? ['--old-passphrase', passFile] : [];
            expect(keyOfLine(run(bin, [file, '-O', 'public-openssh', ...passArgs])), what).toBe(
              pub.get(name),
            );
            expectDump(puttygenDump(bin, file, pass ? passFile : undefined), key, what);
            // puttygen re-saves the key with the comment it read.
            const resaved = dir.file(`resaved-${name}-${version}-${pass ? 'e' : 'p'}`);
            run(bin, [
              file,
              ...passArgs,
              '--reencrypt',
              '-O',
              'private',
              '-o',
              resaved,
              '--new-passphrase',
              emptyFile,
            ]);
            expect(parsePrivateKey(dir.read(resaved.slice(dir.path.length + 1))).comment, what).toBe(
              `${name} key`,
            );
            // And back through our reader.
            const back = parsePpk(text, pass || undefined);
            expect(publicLine(back), what).toBe(pub.get(name));
            expect(back.comment).toBe(`${name} key`);
          }
        }
      }
    });

    it('writes v3 with Argon2id, 8 MiB, 8 passes, parallelism 1 and a 16-byte salt by default', () => {
      const key = parsePrivateKey(dir.read('ecdsa384'));
      const text = writePpk(key, { passphrase: PASS });
      expect(text).toMatch(
        /^PuTTY-User-Key-File-3: ecdsa-sha2-nistp384\nEncryption: aes256-cbc\nComment: ecdsa384 key\nPublic-Lines: \d+\n/,
      );
      expect(text).toMatch(
        /\nKey-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Passes: 8\nArgon2-Parallelism: 1\nArgon2-Salt: [0-9a-f]{32}\nPrivate-Lines: /,
      );
      const file = dir.write('ours-default.ppk', text);
      expectDump(puttygenDump(bin, file, passFile), key, 'default');
    });

    it('keeps a non-ASCII comment byte-exact (the MAC covers its UTF-8 bytes)', () => {
      const key = parsePrivateKey(dir.read('ed25519')).withComment('clé – 鍵');
      const file = dir.write('ours-utf8.ppk', writePpk(key, { passphrase: PASS, argon2: { passes: 1 } }));
      expectDump(puttygenDump(bin, file, passFile), key, 'utf8 comment');
      expect(parsePrivateKey(dir.read('ours-utf8.ppk'), PASS).comment).toBe('clé – 鍵');
      expect(() => writePpk(key.withComment('a\nb'))).toThrow(KeyFormatError);
    });
  });
});
