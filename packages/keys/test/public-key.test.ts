// Public key blob (RFC 4253 §6.6) and OpenSSH line parsing: bad encodings, unknown types, limits.
import { MalformedMessageError, SSHError, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import {
  keyTypeForAlgorithm,
  keyTypes,
  legacyPublicKeyAlgorithms,
  MAX_PUBLIC_KEY_BLOB_BYTES,
  parsePublicKey,
  parsePublicKeyBlob,
  publicKeyAlgorithms,
  UnsupportedKeyTypeError,
} from '../src/index.js';
import { blobOfLine, concat, loadVectors, sshStrings } from './helpers.js';

const vectors = loadVectors();
const ed = vectors.find((v) => v.keyType === 'ssh-ed25519')!;
const rsa = vectors.find((v) => v.name === 'rsa-2048')!;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('parsePublicKeyBlob', () => {
  it('rejects every truncation of every vector blob', () => {
    for (const v of vectors) {
      const blob = blobOfLine(v.publicKey);
      for (let len = 0; len < blob.length; len++) {
        expect(() => parsePublicKeyBlob(blob.subarray(0, len)), `${v.name} at ${len}`).toThrow(
          MalformedMessageError,
        );
      }
    }
  });

  it('rejects trailing bytes', () => {
    for (const v of vectors) {
      const blob = blobOfLine(v.publicKey);
      expect(() => parsePublicKeyBlob(concat(blob, Uint8Array.of(0)))).toThrow(MalformedMessageError);
      expect(() => parsePublicKeyBlob(concat(blob, sshStrings('')))).toThrow(MalformedMessageError);
    }
  });

  it('throws UnsupportedKeyTypeError for unknown types', () => {
    for (const type of [
      'ssh-dss',
      'ssh-ed448',
      'ssh-dss-cert-v01@openssh.com', // certificates of the types we implement are supported
      'rsa-sha2-256-cert-v01@openssh.com', // an algorithm name, never a blob type (PROTOCOL.certkeys)
      'sk-ssh-ed25519@openssh.com',
      '',
    ]) {
      const blob = sshStrings(type, new Uint8Array(32));
      const err = (() => {
        try {
          parsePublicKeyBlob(blob);
        } catch (e) {
          return e;
        }
      })();
      expect(err, type).toBeInstanceOf(UnsupportedKeyTypeError);
      expect(err).toBeInstanceOf(SSHError);
      expect((err as UnsupportedKeyTypeError).code).toBe('ERR_UNSUPPORTED_KEY_TYPE');
      expect((err as UnsupportedKeyTypeError).keyType).toBe(type);
    }
  });

  it('escapes non-printable bytes in an unknown type name and never matches them', () => {
    const err = (() => {
      try {
        parsePublicKeyBlob(sshStrings(Uint8Array.of(0x73, 0x73, 0x68, 0x00, 0x0a, 0xff), new Uint8Array(32)));
      } catch (e) {
        return e as UnsupportedKeyTypeError;
      }
    })();
    expect(err?.keyType).toBe('ssh\\x00\\x0a\\xff');
    expect(() => parsePublicKeyBlob(sshStrings('ssh-ed25519\0', new Uint8Array(32)))).toThrow(
      UnsupportedKeyTypeError,
    );
  });

  it('rejects over-long length fields before allocating', () => {
    const huge = Uint8Array.of(0xff, 0xff, 0xff, 0xff);
    expect(() => parsePublicKeyBlob(huge)).toThrow(MalformedMessageError);
    expect(() => parsePublicKeyBlob(concat(huge, new Uint8Array(16)))).toThrow(MalformedMessageError);
    expect(() => parsePublicKeyBlob(sshStrings('x'.repeat(65)))).toThrow(MalformedMessageError);
    expect(() => parsePublicKeyBlob(concat(sshStrings('ssh-ed25519'), huge))).toThrow(MalformedMessageError);
    expect(() =>
      parsePublicKeyBlob(concat(sshStrings('ssh-rsa'), Uint8Array.of(0, 0, 0, 3, 1, 0, 1), huge)),
    ).toThrow(MalformedMessageError);
    expect(() => parsePublicKeyBlob(concat(sshStrings('ecdsa-sha2-nistp256', 'nistp256'), huge))).toThrow(
      MalformedMessageError,
    );
  });

  it(`rejects blobs over ${MAX_PUBLIC_KEY_BLOB_BYTES} bytes`, () => {
    const big = new SSHWriter()
      .string('ssh-rsa')
      .mpint(65537n)
      .string(new Uint8Array(MAX_PUBLIC_KEY_BLOB_BYTES))
      .finish();
    // The size limit fires first, before any field is decoded.
    expect(() => parsePublicKeyBlob(big)).toThrow(/public key: blob of \d+ bytes exceeds 16384/);
    expect(() => parsePublicKeyBlob(new Uint8Array(MAX_PUBLIC_KEY_BLOB_BYTES + 1))).toThrow(/exceeds 16384/);
  });

  it('copies the blob', () => {
    const blob = blobOfLine(ed.publicKey);
    const key = parsePublicKeyBlob(blob);
    blob[blob.length - 1]! ^= 1;
    expect(key.blob).toEqual(blobOfLine(ed.publicKey));
  });
});

describe('parsePublicKey (OpenSSH one-line format)', () => {
  it('accepts surrounding whitespace, tabs and no comment', () => {
    const [type, data] = ed.publicKey.split(' ') as [string, string];
    expect(parsePublicKey(`  ${type}\t${data}  \n`).comment).toBe('');
    expect(parsePublicKey(`${type} ${data}`).toString()).toBe(`${type} ${data}`);
    expect(parsePublicKey(`${type} ${data}\t a  b \r\n`).comment).toBe('a  b');
  });

  it('keeps a comment with spaces', () => {
    const v = vectors.find((x) => x.comment.includes(' '))!;
    expect(parsePublicKey(v.publicKey).comment).toBe(v.comment);
  });

  it('rejects a type that does not match the blob', () => {
    const data = ed.publicKey.split(' ')[1];
    expect(() => parsePublicKey(`ssh-rsa ${data}`)).toThrow(MalformedMessageError);
    expect(() => parsePublicKey(`ecdsa-sha2-nistp256 ${rsa.publicKey.split(' ')[1]}`)).toThrow(
      MalformedMessageError,
    );
  });

  it('rejects unknown types', () => {
    expect(() => parsePublicKey(`ssh-dss ${ed.publicKey.split(' ')[1]}`)).toThrow(UnsupportedKeyTypeError);
  });

  it('rejects bad base64', () => {
    const data = ed.publicKey.split(' ')[1]!;
    for (const bad of [
      data.slice(0, -1),
      `${data}=`,
      data.replace('A', '*'),
      `${data.slice(0, -2)}R=`,
      'AAAA',
    ]) {
      expect(() => parsePublicKey(`ssh-ed25519 ${bad}`), bad).toThrow(MalformedMessageError);
    }
  });

  it('rejects lines without a blob, several lines, and over-long base64', () => {
    for (const bad of ['', 'ssh-ed25519', '  ssh-ed25519  ', `${ed.publicKey}\n${ed.publicKey}`]) {
      expect(() => parsePublicKey(bad), JSON.stringify(bad)).toThrow(MalformedMessageError);
    }
    expect(() => parsePublicKey(`ssh-rsa ${'A'.repeat(22000)}`)).toThrow(MalformedMessageError);
  });
});

describe('PublicKey', () => {
  it('equals compares blobs only', () => {
    const a = parsePublicKey(ed.publicKey);
    const b = parsePublicKeyBlob(blobOfLine(ed.publicKey));
    expect(a.equals(b)).toBe(true);
    expect(b.equals(a)).toBe(true);
    expect(a.equals(parsePublicKey(rsa.publicKey))).toBe(false);
    expect(
      parsePublicKey(`ssh-ed25519 ${b64(sshStrings('ssh-ed25519', new Uint8Array(32).fill(9)))}`).equals(a),
    ).toBe(false);
  });

  it('verify rejects non-Uint8Array arguments with TypeError', () => {
    const key = parsePublicKey(ed.publicKey);
    expect(() => key.verify('x' as unknown as Uint8Array, new Uint8Array(0))).toThrow(TypeError);
    expect(() => key.fingerprint('sha1' as 'md5')).toThrow(TypeError);
  });
});

describe('algorithm registry', () => {
  it('maps signature algorithms to key types', () => {
    expect(keyTypeForAlgorithm('rsa-sha2-256')).toBe('ssh-rsa');
    expect(keyTypeForAlgorithm('rsa-sha2-512')).toBe('ssh-rsa');
    expect(keyTypeForAlgorithm('ssh-rsa')).toBe('ssh-rsa');
    expect(keyTypeForAlgorithm('ssh-ed25519')).toBe('ssh-ed25519');
    for (const c of ['nistp256', 'nistp384', 'nistp521']) {
      expect(keyTypeForAlgorithm(`ecdsa-sha2-${c}`)).toBe(`ecdsa-sha2-${c}`);
    }
    for (const unknown of [
      'ssh-dss',
      'rsa-sha2-384',
      'rsa-sha2-256-cert-v01@openssh.com',
      '',
      'toString',
      '__proto__',
    ]) {
      expect(keyTypeForAlgorithm(unknown), unknown).toBeUndefined();
    }
  });

  it('lists the algorithms in preference order, with ssh-rsa only as legacy', () => {
    expect(publicKeyAlgorithms).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
    ]);
    expect(legacyPublicKeyAlgorithms).toEqual(['ssh-rsa']);
    expect(Object.isFrozen(publicKeyAlgorithms)).toBe(true);
    const all = keyTypes.flatMap((t) => t.signatureAlgorithms);
    expect(new Set(all)).toEqual(new Set([...publicKeyAlgorithms, ...legacyPublicKeyAlgorithms]));
  });
});
