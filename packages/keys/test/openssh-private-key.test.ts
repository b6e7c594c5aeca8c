// openssh-key-v1 private keys against OpenSSH's ssh-keygen, at test time in a temp dir: every key
// type ssh-keygen makes, plain and encrypted, every key-file cipher `ssh -Q cipher` offers, keys we
// write read back by `ssh-keygen -y`, and SSHSIG signatures both ways (`ssh-keygen -Y sign/verify`).
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { toolAvailability } from '@sshts/test-peers';
import { SSHReader } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  PassphraseRequiredError,
  parseOpenSSHPrivateKey,
  parsePrivateKey,
  parsePublicKey,
  sshsigSign,
  sshsigVerify,
  WrongPassphraseError,
  writeOpenSSHPrivateKey,
} from '../src/index.js';
import { exec, execStatus, keyOfLine, ScratchDir } from './openssh-key-tools.js';

const keygen = await toolAvailability('ssh-keygen');
const ssh = await toolAvailability('ssh');
const PASS = 'pass phrase ✓ 鍵';
const MESSAGE = 'a message signed in the "file" namespace\n';

const TYPES = [
  ['ed25519', 'ed25519', undefined],
  ['ecdsa256', 'ecdsa', '256'],
  ['ecdsa384', 'ecdsa', '384'],
  ['ecdsa521', 'ecdsa', '521'],
  ['rsa2048', 'rsa', '2048'],
  ['rsa3072', 'rsa', '3072'],
  ['rsa4096', 'rsa', '4096'],
] as const;

describe.skipIf(!keygen.available)('openssh-key-v1 files made by ssh-keygen', () => {
  const bin = keygen.available ? keygen.path : '';
  const dir = new ScratchDir();
  const comment = (name: string) => `tester@example.org ${name} key`;

  beforeAll(() => {
    for (const [name, type, bits] of TYPES) {
      const b = bits === undefined ? [] : ['-b', bits];
      exec(bin, ['-q', '-t', type, ...b, '-N', '', '-C', comment(name), '-f', dir.file(name)]);
      exec(bin, ['-q', '-t', type, ...b, '-N', PASS, '-C', comment(name), '-f', dir.file(`${name}.enc`)]);
    }
    dir.write('message', MESSAGE);
  }, 120_000);
  afterAll(() => dir.remove());

  describe.each(TYPES)('%s', (name) => {
    it('parses plain and encrypted files to the .pub key, keeping the comment', () => {
      for (const file of [name, `${name}.enc`]) {
        const pub = dir.read(`${file}.pub`).trim();
        const key = parsePrivateKey(dir.read(file), PASS);
        expect(key.comment).toBe(comment(name));
        expect(key.publicKey.toString()).toBe(pub);
        expect(key.publicKey.equals(parsePublicKey(pub))).toBe(true);
        expect(key.type).toBe(pub.split(' ')[0]);
      }
    });

    it('makes SSHSIG signatures that ssh-keygen -Y verify accepts (sha512 and sha256)', () => {
      const key = parsePrivateKey(dir.read(name));
      dir.write(`${name}.allowed`, `signer@example.org ${dir.read(`${name}.pub`)}`);
      for (const hash of ['sha512', 'sha256'] as const) {
        const sig = dir.write(`${name}.${hash}.sig`, sshsigSign(key, 'file', MESSAGE, { hash }));
        const verify = (ns: string, message: string) =>
          execStatus(
            bin,
            [
              '-Y',
              'verify',
              '-f',
              dir.file(`${name}.allowed`),
              '-I',
              'signer@example.org',
              '-n',
              ns,
              '-s',
              sig,
            ],
            message,
          );
        const good = verify('file', MESSAGE);
        expect(good.output).toContain('Good "file" signature for signer@example.org');
        expect(good.status).toBe(0);
        expect(verify('git', MESSAGE).status).not.toBe(0);
        expect(verify('file', `${MESSAGE}!`).status).not.toBe(0);
      }
    });

    it('verifies ssh-keygen -Y sign signatures (sha512 and sha256)', () => {
      const pub = parsePublicKey(dir.read(`${name}.pub`));
      for (const hashArgs of [[], ['-O', 'hashalg=sha256']]) {
        const copy = dir.file(`message-${name}-${hashArgs.length}`);
        copyFileSync(dir.file('message'), copy);
        exec(bin, ['-Y', 'sign', '-n', 'file', '-f', dir.file(name), ...hashArgs, copy]);
        const armored = readFileSync(`${copy}.sig`, 'utf8');
        const result = sshsigVerify(armored, 'file', MESSAGE);
        expect(result.valid).toBe(true);
        expect(result.publicKey.equals(pub)).toBe(true);
        expect(sshsigVerify(armored, 'files', MESSAGE).valid).toBe(false);
        expect(sshsigVerify(armored, 'file', `${MESSAGE} `).valid).toBe(false);
      }
    });

    it.skipIf(name === 'ed25519')(
      'signs so that node:crypto verifies with the ssh-keygen -e -m PKCS8 public key (RSA: SHA-256/512; ECDSA: deterministic)',
      () => {
        const key = parsePrivateKey(dir.read(name));
        const pem = createPublicKey(exec(bin, ['-e', '-m', 'PKCS8', '-f', dir.file(`${name}.pub`)]));
        const data = new TextEncoder().encode(MESSAGE);
        const inner = (blob: Uint8Array) => {
          const r = new SSHReader(blob);
          const algorithm = r.utf8();
          const signature = r.string().slice();
          r.end();
          return { algorithm, signature };
        };
        if (key.type === 'ssh-rsa') {
          for (const [alg, hash] of [
            ['rsa-sha2-256', 'sha256'],
            ['rsa-sha2-512', 'sha512'],
          ] as const) {
            const { algorithm, signature } = inner(key.sign(data, alg));
            expect(algorithm).toBe(alg);
            expect(signature.length).toBe(key.bits / 8);
            expect(nodeVerify(hash, data, pem, signature)).toBe(true);
          }
        } else {
          const blob = key.sign(data);
          expect(key.sign(data)).toEqual(blob); // RFC 6979
          const size = Math.ceil(key.bits / 8);
          const r = new SSHReader(inner(blob).signature);
          const p1363 = Buffer.from(
            [r.mpint(), r.mpint()].map((v) => v.toString(16).padStart(2 * size, '0')).join(''),
            'hex',
          );
          const hash = { 256: 'sha256', 384: 'sha384', 521: 'sha512' }[key.bits as 256 | 384 | 521];
          expect(nodeVerify(hash, data, { key: pem, dsaEncoding: 'ieee-p1363' }, p1363)).toBe(true);
        }
      },
    );

    it('writes files that ssh-keygen -y reads, plain and encrypted', () => {
      const key = parsePrivateKey(dir.read(name));
      const expected = keyOfLine(dir.read(`${name}.pub`));
      const plain = dir.write(`${name}.ours`, writeOpenSSHPrivateKey(key));
      expect(keyOfLine(exec(bin, ['-y', '-P', '', '-f', plain]))).toBe(expected);
      const enc = dir.write(`${name}.ours.enc`, writeOpenSSHPrivateKey(key, { passphrase: PASS, rounds: 4 }));
      expect(keyOfLine(exec(bin, ['-y', '-P', PASS, '-f', enc]))).toBe(expected);
      expect(execStatus(bin, ['-y', '-P', 'wrong', '-f', enc]).status).not.toBe(0);
      // ssh-keygen -y prints the comment stored in the file (OpenSSH ≥ 8.x).
      expect(exec(bin, ['-y', '-P', '', '-f', plain]).trim()).toBe(dir.read(`${name}.pub`).trim());
    });
  });

  it('reports a wrong passphrase as WrongPassphraseError, not KeyFormatError', () => {
    for (const [name] of TYPES) {
      const text = dir.read(`${name}.enc`);
      let error: unknown;
      try {
        parsePrivateKey(text, `${PASS}x`);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WrongPassphraseError);
      expect(error).not.toBeInstanceOf(KeyFormatError);
    }
  });

  it('asks for a passphrase when the file is encrypted and none (or "") is given', () => {
    const text = dir.read('ed25519.enc');
    expect(() => parsePrivateKey(text)).toThrow(PassphraseRequiredError);
    expect(() => parsePrivateKey(text, '')).toThrow(PassphraseRequiredError);
    // A plain file ignores a passphrase, as ssh-keygen does.
    expect(parsePrivateKey(dir.read('ed25519'), 'unused').type).toBe('ssh-ed25519');
  });

  it('accepts CRLF line endings, Uint8Array input and text around the armour', () => {
    const text = dir.read('ecdsa256');
    const expected = dir.read('ecdsa256.pub').trim();
    expect(parsePrivateKey(text.replaceAll('\n', '\r\n')).publicKey.toString()).toBe(expected);
    expect(parsePrivateKey(new TextEncoder().encode(text)).publicKey.toString()).toBe(expected);
    expect(parsePrivateKey(`my key:\n${text}\ntrailer\n`).publicKey.toString()).toBe(expected);
  });

  describe.skipIf(!ssh.available)('every key-file cipher of `ssh -Q cipher`', () => {
    const ciphers = ssh.available ? exec(ssh.path, ['-Q', 'cipher']).trim().split('\n') : [];
    const supported = ciphers.filter((c) => c !== '3des-cbc');

    it('lists the ciphers OpenSSH 9.2 offers', () => {
      expect(ciphers).toEqual(
        expect.arrayContaining(['aes256-ctr', 'chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com']),
      );
    });

    it.each(supported)('ssh-keygen -Z %s round-trips (ed25519, ecdsa384, rsa2048)', (cipher) => {
      for (const name of ['ed25519', 'ecdsa384', 'rsa2048']) {
        const file = dir.file(`${name}.Z.${cipher}`);
        copyFileSync(dir.file(name), file);
        exec(bin, ['-q', '-p', '-P', '', '-N', PASS, '-a', '2', '-Z', cipher, '-f', file]);
        const text = readFileSync(file, 'utf8');
        const key = parsePrivateKey(text, PASS);
        expect(key.publicKey.toString()).toBe(dir.read(`${name}.pub`).trim());
        expect(() => parsePrivateKey(text, 'not it')).toThrow(WrongPassphraseError);
        expect(() => parsePrivateKey(text)).toThrow(PassphraseRequiredError);
      }
    });

    it.each(supported)('our %s files are read by ssh-keygen -y', (cipher) => {
      const key = parsePrivateKey(dir.read('ecdsa521'));
      const file = dir.write(
        `ours.${cipher}`,
        writeOpenSSHPrivateKey(key, { passphrase: PASS, rounds: 2, cipher: cipher as 'aes256-ctr' }),
      );
      expect(keyOfLine(exec(bin, ['-y', '-P', PASS, '-f', file]))).toBe(keyOfLine(dir.read('ecdsa521.pub')));
      expect(parsePrivateKey(readFileSync(file, 'utf8'), PASS).publicKey.equals(key.publicKey)).toBe(true);
    });

    it.skipIf(!ciphers.includes('3des-cbc'))('names 3des-cbc (not implemented) in a KeyFormatError', () => {
      const file = dir.file('ed25519.Z.3des');
      copyFileSync(dir.file('ed25519'), file);
      exec(bin, ['-q', '-p', '-P', '', '-N', PASS, '-a', '2', '-Z', '3des-cbc', '-f', file]);
      expect(() => parsePrivateKey(readFileSync(file, 'utf8'), PASS)).toThrow(
        /unsupported cipher "3des-cbc"/,
      );
    });
  });

  it('reads with a bcrypt round limit and refuses files over it', () => {
    const file = dir.file('ed25519.a20');
    copyFileSync(dir.file('ed25519'), file);
    exec(bin, ['-q', '-p', '-P', '', '-N', PASS, '-a', '20', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(() => parseOpenSSHPrivateKey(text, PASS, { maxRounds: 19 })).toThrow(/rounds 20 outside 1..19/);
    expect(parseOpenSSHPrivateKey(text, PASS, { maxRounds: 20 }).type).toBe('ssh-ed25519');
  });
});
