// Fixed PEM / PKCS#8 / PPK files made by ssh-keygen, openssl and puttygen
// (test-vectors/private-key-formats, README there), and corruption of them: whatever the damage,
// parsePrivateKey returns a key or throws an SSHError subclass, never anything else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PassphraseRequiredError,
  type PrivateKey,
  parsePrivateKey,
  WrongPassphraseError,
} from '../src/index.js';
import { keyOfLine } from './key-file-tools.js';

interface Vector {
  name: string;
  passphrase: string | null;
  text: string;
  publicKey: string;
  comment?: string;
  puttygenText?: Record<string, string>;
}

const DIR = join(import.meta.dirname, '../../../test-vectors/private-key-formats');
const vectors: Vector[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Vector);

const hex = (v: bigint) => `0x${v.toString(16)}`;

function privateValues(key: PrivateKey): Record<string, string> {
  const c = key.components();
  if (c.type === 'ssh-ed25519')
    return { private_exponent: hex(BigInt(`0x${Buffer.from(c.seed).reverse().toString('hex')}`)) };
  if (c.type === 'ssh-rsa') {
    return {
      private_exponent: hex(c.d),
      private_p: hex(c.p),
      private_q: hex(c.q),
      private_inverse_q_mod_p: hex(c.iqmp!),
    };
  }
  return { private_exponent: hex(c.d) };
}

/** Parses and returns 'ok', or the error's class name; fails the property on a non-SSHError. */
function outcome(text: string, passphrase: string | undefined): string {
  try {
    parsePrivateKey(text, passphrase);
    return 'ok';
  } catch (e) {
    if (!(e instanceof SSHError)) throw e;
    return e.name;
  }
}

describe('fixed private key file vectors', () => {
  it('has the expected set of vectors', () => {
    expect(vectors.length).toBe(8);
  });

  for (const v of vectors) {
    describe(v.name, () => {
      const pass = v.passphrase ?? undefined;

      it('parses to the tool’s public key (and puttygen’s private values)', () => {
        const key = parsePrivateKey(v.text, pass);
        expect(keyOfLine(key.publicKey.toString())).toBe(v.publicKey);
        if (v.comment !== undefined) expect(key.comment).toBe(v.comment);
        if (v.puttygenText !== undefined) {
          for (const [name, value] of Object.entries(privateValues(key)))
            expect(v.puttygenText[name], name).toBe(value);
        }
      });

      if (pass !== undefined) {
        it('needs the passphrase, and rejects a wrong one', () => {
          expect(() => parsePrivateKey(v.text)).toThrow(PassphraseRequiredError);
          expect(() => parsePrivateKey(v.text, `${pass}!`)).toThrow(WrongPassphraseError);
          expect(() => parsePrivateKey(v.text, '')).toThrow(WrongPassphraseError);
        });
      }

      it('text corruption throws only SSHError subclasses', () => {
        fc.assert(
          fc.property(
            fc.nat({ max: v.text.length - 1 }),
            fc.constantFrom(...'AZaz09+/=-: \n\r\0é'),
            fc.constantFrom('replace', 'delete', 'insert', 'truncate'),
            (at, ch, how) => {
              const t =
                how === 'replace'
                  ? v.text.slice(0, at) + ch + v.text.slice(at + 1)
                  : how === 'delete'
                    ? v.text.slice(0, at) + v.text.slice(at + 1)
                    : how === 'insert'
                      ? v.text.slice(0, at) + ch + v.text.slice(at)
                      : v.text.slice(0, at);
              outcome(t, pass);
            },
          ),
          { numRuns: 150 },
        );
      });

      it('binary corruption of an encoded blob throws only SSHError subclasses', () => {
        // Mutate the bytes of one base64 run (PEM body, PPK public or private lines) and re-encode
        // it, so base64 stays valid and the DER / PPK structures themselves are attacked.
        const lines = v.text.split('\n');
        const runs: [number, number][] = [];
        lines.forEach((l, i) => {
          if (!/^[A-Za-z0-9+/=]+$/.test(l)) return;
          const last = runs.at(-1);
          if (last !== undefined && last[1] === i) last[1] = i + 1;
          else runs.push([i, i + 1]);
        });
        fc.assert(
          fc.property(
            fc.nat({ max: runs.length - 1 }),
            fc.nat(),
            fc.integer({ min: 0, max: 255 }),
            fc.boolean(),
            (r, pos, byte, cut) => {
              const [from, to] = runs[r]!;
              const body = Buffer.from(lines.slice(from, to).join(''), 'base64');
              const at = pos % body.length;
              body[at] = byte;
              const b64 = (cut ? body.subarray(0, at) : body).toString('base64');
              const rebuilt = [
                ...lines.slice(0, from),
                ...(b64.match(/.{1,64}/g) ?? ['']),
                ...lines.slice(to),
              ];
              outcome(rebuilt.join('\n'), pass);
            },
          ),
          { numRuns: 200 },
        );
      });
    });
  }
});
