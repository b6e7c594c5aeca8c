// The strict base64 codec (RFC 4648 §4), checked against RFC 4648 §10 and Node's Buffer.
import { MalformedMessageError } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from '../src/index.js';
import { utf8 } from './helpers.js';

const RFC4648: [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

describe('base64', () => {
  it('matches RFC 4648 §10', () => {
    for (const [plain, encoded] of RFC4648) {
      expect(base64Encode(utf8(plain))).toBe(encoded);
      expect(base64Decode(encoded)).toEqual(utf8(plain));
      expect(base64Encode(utf8(plain), false)).toBe(encoded.replace(/=+$/, ''));
    }
  });

  it('round-trips like Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(base64Encode(bytes)).toBe(text);
        expect(base64Decode(text)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-canonical or malformed text', () => {
    for (const bad of [
      'Zg',
      'Zg=',
      'Zh==',
      'Zm9=',
      'Zm9v=',
      '=Zm9',
      'Zg==Zg==',
      'Zm 9v',
      'Zm9v\n',
      'Zm9ö',
      '====',
      'A===',
      'Z-_v',
    ]) {
      expect(() => base64Decode(bad), JSON.stringify(bad)).toThrow(MalformedMessageError);
    }
  });
});
