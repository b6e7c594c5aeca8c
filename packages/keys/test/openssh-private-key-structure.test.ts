// openssh-key-v1 structure checks (PROTOCOL.key; sshkey.c private2_decrypt, private2_check_padding,
// sshkey_parse_private2) on files made by ssh-keygen and edited field by field here, and the layout
// of the files we write. The test decodes and re-encodes files with Buffer and the wire codec.
import { toolAvailability } from '@sshts/test-peers';
import { SSHReader, SSHWriter } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  parsePrivateKey,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
  writeOpenSSHPrivateKey,
} from '../src/index.js';
import { exec, ScratchDir } from './openssh-key-tools.js';

const keygen = await toolAvailability('ssh-keygen');
const PASS = 'structure';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

interface Envelope {
  cipher: string;
  kdf: string;
  kdfOptions: Uint8Array;
  publicKeys: Uint8Array[];
  section: Uint8Array;
  tail: Uint8Array;
}

function unarmor(text: string): Buffer {
  const body = text.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
  return Buffer.from(body.join(''), 'base64');
}

function armor(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64.replace(/.{1,70}/g, '$&\n')}-----END OPENSSH PRIVATE KEY-----\n`;
}

function split(text: string): Envelope {
  const bytes = new Uint8Array(unarmor(text));
  expect(Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC)).toBe(true);
  const r = new SSHReader(bytes, MAGIC.length);
  const cipher = r.utf8();
  const kdf = r.utf8();
  const kdfOptions = r.string().slice();
  const n = r.uint32();
  const publicKeys = Array.from({ length: n }, () => r.string().slice());
  const section = r.string().slice();
  return { cipher, kdf, kdfOptions, publicKeys, section, tail: r.rest().slice() };
}

function join(e: Envelope): string {
  const w = new SSHWriter()
    .raw(MAGIC)
    .string(e.cipher)
    .string(e.kdf)
    .string(e.kdfOptions)
    .uint32(e.publicKeys.length);
  for (const k of e.publicKeys) w.string(k);
  return armor(w.string(e.section).raw(e.tail).finish());
}

/** The plain private section of an ed25519 file: check ints, the key's four strings, comment, padding. */
function ed25519Section(section: Uint8Array) {
  const r = new SSHReader(section);
  const check = [r.uint32(), r.uint32()];
  const fields = [r.string().slice(), r.string().slice(), r.string().slice()];
  const comment = r.string().slice();
  return { check, fields, comment, padding: r.rest().slice() };
}

function buildSection(check: number[], keys: Uint8Array[][], padding?: number[]): Uint8Array {
  const w = new SSHWriter().uint32(check[0]!).uint32(check[1]!);
  for (const fields of keys) for (const f of fields) w.string(f);
  if (padding) for (const b of padding) w.byte(b);
  else for (let i = 1; w.length % 8 !== 0; i++) w.byte(i);
  return w.finish().slice();
}

describe.skipIf(!keygen.available)('openssh-key-v1 structure', () => {
  const bin = keygen.available ? keygen.path : '';
  const dir = new ScratchDir();
  let plain = '';
  let other = '';
  let encrypted = '';

  beforeAll(() => {
    exec(bin, ['-q', '-t', 'ed25519', '-N', '', '-C', 'first', '-f', dir.file('a')]);
    exec(bin, ['-q', '-t', 'ed25519', '-N', '', '-C', 'second', '-f', dir.file('b')]);
    exec(bin, ['-q', '-t', 'ed25519', '-N', PASS, '-a', '1', '-C', 'enc', '-f', dir.file('c')]);
    plain = dir.read('a');
    other = dir.read('b');
    encrypted = dir.read('c');
  });
  afterAll(() => dir.remove());

  const rejects = (text: string, pattern: RegExp, passphrase?: string) => {
    let error: unknown;
    try {
      parsePrivateKey(text, passphrase);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyFormatError);
    expect(String(error)).toMatch(pattern);
  };

  it('re-joins an unedited file to one we read (the test codec is faithful)', () => {
    expect(parsePrivateKey(join(split(plain))).publicKey.toString()).toBe(dir.read('a.pub').trim());
  });

  it('names an unknown cipher or KDF', () => {
    rejects(
      join({ ...split(encrypted), cipher: 'twofish256-ctr' }),
      /unsupported cipher "twofish256-ctr"/,
      PASS,
    );
    rejects(join({ ...split(encrypted), kdf: 'scrypt' }), /unsupported kdf "scrypt"/, PASS);
    rejects(
      join({ ...split(plain), cipher: 'aes256-ctr' }),
      /kdf "none" does not go with cipher "aes256-ctr"/,
    );
  });

  it('rejects a bad magic, truncation and trailing data', () => {
    const bytes = unarmor(plain);
    rejects(armor(Buffer.concat([Buffer.from('openssh-key-v2\0'), bytes.subarray(MAGIC.length)])), /magic/);
    rejects(armor(bytes.subarray(0, bytes.length - 1)), /openssh-key-v1/);
    rejects(armor(bytes.subarray(0, 40)), /openssh-key-v1/);
    rejects(armor(Buffer.concat([bytes, Buffer.from([0])])), /trailing data/);
    rejects(plain.replace('-----END OPENSSH PRIVATE KEY-----', ''), /missing "-----END/);
    rejects(plain.replace(/\n[A-Za-z0-9+/]/, '\n*'), /base64/);
  });

  it('rejects zero keys and an impossible key count', () => {
    rejects(join({ ...split(plain), publicKeys: [] }), /number of keys/);
  });

  it('rejects a section that is not a whole number of cipher blocks', () => {
    const e = split(plain);
    rejects(join({ ...e, section: e.section.subarray(0, e.section.length - 1) }), /not a multiple of 8/);
  });

  it('rejects differing check integers in a plain file as malformed', () => {
    const e = split(plain);
    const s = ed25519Section(e.section);
    rejects(
      join({ ...e, section: buildSection([1, 2], [[...s.fields, s.comment]]) }),
      /check integers differ/,
    );
  });

  it('checks the padding bytes 1, 2, 3, … (sshkey.c private2_check_padding)', () => {
    const e = split(plain);
    const s = ed25519Section(e.section);
    const keyAndComment = [[...s.fields, s.comment]];
    const base = buildSection(s.check, keyAndComment, []).length;
    const need = (8 - (base % 8)) % 8 || 8;
    const good = Array.from({ length: need }, (_, i) => i + 1);
    expect(parsePrivateKey(join({ ...e, section: buildSection(s.check, keyAndComment, good) })).comment).toBe(
      'first',
    );
    const bad = good.map((b, i) => (i === good.length - 1 ? b + 1 : b));
    rejects(join({ ...e, section: buildSection(s.check, keyAndComment, bad) }), /padding/);
    const zeros = good.map(() => 0);
    rejects(join({ ...e, section: buildSection(s.check, keyAndComment, zeros) }), /padding/);
  });

  it('requires the secret to match the header public key and its own public fields', () => {
    const e = split(plain);
    const b = split(other);
    rejects(join({ ...e, publicKeys: b.publicKeys }), /public key in the header/);
    const s = ed25519Section(e.section);
    const t = ed25519Section(b.section);
    // Stored public key of b beside the secret of a.
    const mixed = [s.fields[0]!, t.fields[1]!, s.fields[2]!, s.comment];
    rejects(join({ ...e, section: buildSection(s.check, [mixed]) }), /differs from the public key/);
  });

  it('refuses a well-formed file holding two keys, as OpenSSH does (sshkey.c: one key only)', () => {
    const a = split(plain);
    const b = split(other);
    const sa = ed25519Section(a.section);
    const sb = ed25519Section(b.section);
    const two = join({
      ...a,
      publicKeys: [a.publicKeys[0]!, b.publicKeys[0]!],
      section: buildSection(sa.check, [
        [...sa.fields, sa.comment],
        [...sb.fields, sb.comment],
      ]),
    });
    rejects(two, /number of keys 2/);
  });

  it('reports an unknown key type as UnsupportedKeyTypeError', () => {
    const e = split(plain);
    const s = ed25519Section(e.section);
    const dss = [new TextEncoder().encode('ssh-dss'), ...s.fields.slice(1), s.comment];
    expect(() => parsePrivateKey(join({ ...e, section: buildSection(s.check, [dss]) }))).toThrow(
      UnsupportedKeyTypeError,
    );
  });

  it('flipping a check-integer bit under aes256-ctr reads as a wrong passphrase', () => {
    // CTR is malleable: the flip reaches the plaintext check integer, which no longer matches.
    const e = split(encrypted);
    const section = e.section.slice();
    section[0] = section[0]! ^ 0x80;
    expect(() => parsePrivateKey(join({ ...e, section }), PASS)).toThrow(WrongPassphraseError);
  });

  it('rejects unrecognised armour and non-key text', () => {
    expect(() => parsePrivateKey('hello')).toThrow(KeyFormatError);
    expect(() =>
      parsePrivateKey('-----BEGIN FOO PRIVATE KEY-----\nAAAA\n-----END FOO PRIVATE KEY-----\n'),
    ).toThrow(/unsupported key file type "FOO PRIVATE KEY"/);
    expect(() => parsePrivateKey(new Uint8Array([0x30, 0x82, 0xff, 0xfe]))).toThrow(KeyFormatError);
    expect(() => parsePrivateKey('x'.repeat(300_000))).toThrow(/larger than/);
  });

  describe('files we write', () => {
    it('follow sshkey_private_to_blob2: 70-column armour, none/none, one key, equal check ints, padding 1,2,3…', () => {
      const key = parsePrivateKey(plain);
      const text = writeOpenSSHPrivateKey(key);
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
      expect(lines.at(-1)).toBe('-----END OPENSSH PRIVATE KEY-----');
      const body = lines.slice(1, -1);
      for (const l of body.slice(0, -1)) expect(l.length).toBe(70);
      expect(body.at(-1)!.length).toBeLessThanOrEqual(70);
      expect(text.endsWith('-----\n')).toBe(true);
      const e = split(text);
      expect([e.cipher, e.kdf, e.kdfOptions.length, e.publicKeys.length, e.tail.length]).toEqual([
        'none',
        'none',
        0,
        1,
        0,
      ]);
      expect(e.publicKeys[0]).toEqual(key.publicKey.blob);
      const s = ed25519Section(e.section);
      expect(s.check[0]).toBe(s.check[1]);
      expect(new TextDecoder().decode(s.comment)).toBe('first');
      expect([...s.padding]).toEqual(Array.from({ length: s.padding.length }, (_, i) => i + 1));
      expect(e.section.length % 8).toBe(0);
      // The same key written again has fresh check integers; ssh-keygen's secret fields are kept.
      const again = ed25519Section(split(writeOpenSSHPrivateKey(key)).section);
      expect(again.check[0]).not.toBe(s.check[0]);
      expect(again.fields).toEqual(ed25519Section(split(plain).section).fields);
    });

    it('encrypt with bcrypt (16-byte salt, 16 rounds by default) and aes256-ctr', () => {
      const key = parsePrivateKey(plain);
      const e = split(writeOpenSSHPrivateKey(key, { passphrase: 'p' }));
      expect([e.cipher, e.kdf]).toEqual(['aes256-ctr', 'bcrypt']);
      const r = new SSHReader(e.kdfOptions);
      expect(r.string().length).toBe(16);
      expect(r.uint32()).toBe(16);
      r.end();
      const gcm = split(
        writeOpenSSHPrivateKey(key, { passphrase: 'p', rounds: 1, cipher: 'aes256-gcm@openssh.com' }),
      );
      expect(gcm.tail.length).toBe(16); // the tag after the encrypted string
      expect(() => writeOpenSSHPrivateKey(key, { passphrase: 'p', cipher: 'none' })).toThrow(TypeError);
      expect(() => writeOpenSSHPrivateKey(key, { passphrase: 'p', rounds: 0 })).toThrow(RangeError);
      expect(() => writeOpenSSHPrivateKey(key, { comment: 'new' })).not.toThrow();
      expect(parsePrivateKey(writeOpenSSHPrivateKey(key, { comment: 'new' })).comment).toBe('new');
    });
  });
});
