// The DER reader and writer (src/der.ts): encodings checked against `openssl asn1parse -genstr`,
// every non-DER form rejected with KeyFormatError, and random input never escaping as another error.
import { toolAvailability } from '@sshts/test-peers';
import { SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DER_NULL,
  DerReader,
  derBitString,
  derElement,
  derExplicit,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derTopLevel,
} from '../src/der.js';
import { KeyFormatError } from '../src/index.js';
import { decodePkcs1PrivateKey } from '../src/pkcs1-private-key.js';
import { decryptPkcs8 } from '../src/pkcs8-pbes2.js';
import { decodePkcs8PrivateKey } from '../src/pkcs8-private-key.js';
import { decodePpkPrivate } from '../src/ppk-private-blob.js';
import { decodeSec1PrivateKey } from '../src/sec1-private-key.js';
import { hex, toHex } from './helpers.js';
import { run, TempDir } from './key-file-tools.js';

const reader = (h: string) => new DerReader(hex(h), 'test');

function rejects(f: () => unknown, pattern: RegExp): void {
  expect(f).toThrow(KeyFormatError);
  expect(f).toThrow(pattern);
}

describe('DER reader: strict rules', () => {
  it('reads short and long-form lengths', () => {
    expect(toHex(reader('0403010203').octetString('x'))).toBe('010203');
    const long = `0481c8${'ab'.repeat(200)}`;
    expect(reader(long).octetString('x').length).toBe(200);
    const two = `048201f4${'cd'.repeat(500)}`;
    expect(reader(two).octetString('x').length).toBe(500);
  });

  it('rejects indefinite lengths (X.690 §10.1)', () => {
    rejects(() => reader('3080020101 0000'.replace(' ', '')).sequence('s'), /indefinite/);
  });

  it('rejects non-minimal long-form lengths', () => {
    rejects(() => reader(`048105${'00'.repeat(5)}`).octetString('x'), /under 128/);
    rejects(() => reader(`04820080${'00'.repeat(128)}`).octetString('x'), /leading zero/);
    rejects(() => reader('0485000000000100').octetString('x'), /too long/);
  });

  it('rejects lengths beyond the data, and truncated headers', () => {
    rejects(() => reader('040501').octetString('x'), /exceeds remaining/);
    rejects(() => reader('0482ff').octetString('x'), /truncated/);
    rejects(() => reader('04').octetString('x'), /truncated/);
    rejects(() => reader('').octetString('x'), /truncated/);
    // A length as large as 2^32 - 1 is refused before any allocation.
    rejects(() => reader('0484ffffffff00').octetString('x'), /exceeds remaining/);
  });

  it('rejects trailing bytes after the top-level element and inside a SEQUENCE', () => {
    rejects(() => derTopLevel(hex('3003020101 00'.replace(' ', '')), 'test', 'top'), /trailing/);
    const seq = derTopLevel(hex('3006020101020102'), 'test', 'top');
    seq.integer('a', 8);
    rejects(() => seq.end('top'), /trailing/);
  });

  it('checks tags, including high-tag-number forms', () => {
    rejects(() => reader('0401ff').integer('x', 8), /expected tag 0x02, got 0x04/);
    rejects(() => reader('1f8101 00'.replace(' ', '')).integer('x', 8), /expected tag/);
  });

  it('INTEGER: minimal encoding, non-negative, bounded', () => {
    expect(reader('020100').integer('x', 8)).toBe(0n);
    expect(reader('02020080').integer('x', 8)).toBe(128n);
    expect(reader('02017f').integer('x', 7)).toBe(127n);
    rejects(() => reader('02020001').integer('x', 8), /not minimally encoded/);
    rejects(() => reader('0202ff80').integer('x', 8), /not minimally encoded/);
    rejects(() => reader('0201ff').integer('x', 8), /negative/);
    rejects(() => reader('0200').integer('x', 8), /empty/);
    rejects(() => reader('02020100').integer('x', 8), /exceeds 8 bits/);
    rejects(() => reader(`0281c9${'7f'.repeat(201)}`).integer('x', 1024), /exceeds 1024 bits/);
    rejects(() => reader('020105').smallInteger('x', 4), /exceeds 4/);
  });

  it('OID: minimal arcs, complete, bounded', () => {
    expect(reader('06092a864886f70d010101').oid('x')).toBe('1.2.840.113549.1.1.1');
    expect(reader('0603883703').oid('x')).toBe('2.999.3');
    rejects(() => reader('0604 2a 80 01 01'.replace(/ /g, '')).oid('x'), /not minimally/);
    rejects(() => reader('06022a86').oid('x'), /ends inside an arc/);
    rejects(() => reader('0600').oid('x'), /OID of 0 bytes/);
    rejects(() => reader(`0641${'2a'.repeat(65)}`).oid('x'), /OID of 65 bytes/);
    rejects(() => reader(`060c2a${'ff'.repeat(10)}7f`).oid('x'), /too large/);
  });

  it('NULL, BIT STRING and context tags', () => {
    reader('0500').null('x');
    rejects(() => reader('050100').null('x'), /NULL with content/);
    expect(toHex(reader('030200ab').bitString('x'))).toBe('ab');
    rejects(() => reader('030201ab').bitString('x'), /unused bits/);
    rejects(() => reader('0300').bitString('x'), /empty BIT STRING/);
    const r = reader('a0030201058101ff');
    expect(r.optionalExplicit(1, 'one')).toBeUndefined();
    expect(r.optionalExplicit(0, 'zero')!.integer('v', 8)).toBe(5n);
    expect(r.peekTag()).toBe(0x81);
  });
});

const openssl = await toolAvailability('openssl');

// Only when the tool is missing outside CI (toolAvailability throws under CI=true instead).
describe.skipIf(!openssl.available)('DER writer: byte-identical to openssl asn1parse -genstr', () => {
  const bin = openssl.available ? openssl.path : '';
  const dir = new TempDir();
  afterAll(() => dir.remove());
  const gen = (spec: string) => {
    run(bin, ['asn1parse', '-genstr', spec, '-noout', '-out', dir.file('out.der')]);
    return run('xxd', ['-p', '-c', '100000', dir.file('out.der')]).trim();
  };

  it('INTEGER', () => {
    for (const v of [0n, 1n, 127n, 128n, 255n, 256n, 65535n, 2n ** 64n - 1n, 2n ** 1023n + 12345n]) {
      expect(toHex(derInteger(v)), String(v)).toBe(gen(`INTEGER:0x${v.toString(16)}`));
      expect(reader(toHex(derInteger(v))).integer('x', 1024)).toBe(v);
    }
  });

  it('OBJECT IDENTIFIER', () => {
    for (const oid of [
      '1.2.840.113549.1.1.1',
      '1.3.101.112',
      '2.16.840.1.101.3.4.1.42',
      '1.3.132.0.35',
      '2.999.3',
      '0.39',
    ]) {
      expect(toHex(derOid(oid)), oid).toBe(gen(`OID:${oid}`));
      expect(reader(gen(`OID:${oid}`)).oid('x')).toBe(oid);
    }
  });

  it('OCTET STRING with short and long lengths, BIT STRING, NULL', () => {
    expect(toHex(derOctetString(new Uint8Array(0)))).toBe('0400');
    for (const n of [1, 127, 128, 255, 256, 60000]) {
      const bytes = new Uint8Array(n).map((_, i) => i * 7);
      expect(toHex(derOctetString(bytes)), String(n)).toBe(gen(`FORMAT:HEX,OCTETSTRING:${toHex(bytes)}`));
    }
    expect(toHex(derBitString(hex('00ff')))).toBe(gen('FORMAT:HEX,BITSTRING:00ff'));
    expect(toHex(derNull())).toBe(gen('NULL'));
  });

  it('SEQUENCE with EXPLICIT context tags', () => {
    dir.write(
      'conf',
      'asn1=SEQUENCE:s\n[s]\na=INTEGER:5\nb=OID:1.3.101.112\nc=NULL\nd=EXPLICIT:0,OID:1.3.132.0.34\ne=EXPLICIT:1,FORMAT:HEX,BITSTRING:00ff\n',
    );
    run(bin, ['asn1parse', '-genconf', dir.file('conf'), '-noout', '-out', dir.file('seq.der')]);
    const expected = run('xxd', ['-p', '-c', '1000', dir.file('seq.der')]).trim();
    const ours = derSequence(
      derInteger(5),
      derOid('1.3.101.112'),
      derNull(),
      derExplicit(0, derOid('1.3.132.0.34')),
      derExplicit(1, derBitString(hex('00ff'))),
    );
    expect(toHex(ours)).toBe(expected);
  });
});

describe('DER round trips and random input', () => {
  it('INTEGER and OID round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 600n }), (v) => {
        expect(reader(toHex(derInteger(v))).integer('x', 601)).toBe(v);
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 8 }),
        (a, b, rest) => {
          const oid = [a, b, ...rest].join('.');
          expect(reader(toHex(derOid(oid))).oid('x')).toBe(oid);
        },
      ),
    );
  });

  it('nested lengths: an element with a 2-byte length inside a SEQUENCE', () => {
    const inner = derOctetString(new Uint8Array(300));
    const outer = derSequence(inner, derElement(DER_NULL));
    const seq = derTopLevel(outer, 'test', 'outer');
    expect(seq.octetString('in').length).toBe(300);
    seq.null('null');
    seq.end('outer');
  });

  it('every DER decoder throws only SSHError subclasses on random and mutated input', () => {
    const decoders: ((b: Uint8Array) => unknown)[] = [
      (b) => decodePkcs1PrivateKey(b),
      (b) => decodeSec1PrivateKey(b),
      (b) => decodePkcs8PrivateKey(b),
      (b) => decryptPkcs8(b, new Uint8Array(1)),
      (b) => decodePpkPrivate('ssh-rsa', b, b),
      (b) => decodePpkPrivate('ecdsa-sha2-nistp256', b, b),
      (b) => decodePpkPrivate('ssh-ed25519', b, b),
    ];
    // Random bytes, and random bytes behind plausible headers (SEQUENCE, INTEGER 0/1).
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => derSequence(derInteger(0), b)),
      fc
        .uint8Array({ maxLength: 200 })
        .map((b) => derSequence(derInteger(1), derOctetString(b.subarray(0, 32)), b)),
      fc
        .uint8Array({ maxLength: 200 })
        .map((b) => derSequence(derSequence(derOid('1.2.840.113549.1.5.13'), b), derOctetString(b))),
    );
    fc.assert(
      fc.property(input, fc.nat({ max: decoders.length - 1 }), (bytes, which) => {
        try {
          decoders[which]!(bytes);
        } catch (e) {
          if (!(e instanceof SSHError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
