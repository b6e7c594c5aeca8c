// Property: hostile bytes never make parsing or verification throw anything but our typed errors
// (no TypeError/RangeError or noble Error leaking out), and verify never throws at all.
import { MalformedMessageError, SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, parsePublicKeyBlob, UnsupportedKeyTypeError } from '../src/index.js';
import { blobOfLine, loadVectors, parseSshsig, sshsigSignedData, utf8 } from './helpers.js';

const vectors = loadVectors();
const keys = vectors.map((v) => parsePublicKey(v.publicKey));
const TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'];
const ALGORITHMS = [...TYPES.slice(0, 4), 'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa', 'bogus'];

function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof MalformedMessageError || e instanceof UnsupportedKeyTypeError)) throw e;
  }
}

/** A random SSH "string": usually well-formed and short, sometimes with a lying length. */
const field = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((b) => new SSHWriter().string(b).finish().slice()),
  fc.uint8Array({ maxLength: 8 }),
  fc.constantFrom(
    Uint8Array.of(0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0, 0, 0, 0x21, 0x04),
    Uint8Array.of(0, 0, 0, 1, 0x80),
  ),
);

/** `string type` followed by random fields: reaches each key type's field decoder. */
const structuredBlob = fc
  .tuple(fc.constantFrom(...TYPES), fc.array(field, { maxLength: 4 }))
  .map(([type, fields]) => {
    const w = new SSHWriter().string(type);
    for (const f of fields) w.raw(f);
    return w.finish().slice();
  });

/** A real key blob with a few bytes overwritten, cut or appended. */
const mutatedBlob = fc
  .tuple(
    fc.constantFrom(...vectors.map((v) => blobOfLine(v.publicKey))),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat()),
    fc.uint8Array({ maxLength: 4 }),
  )
  .map(([blob, edits, cut, tail]) => {
    const out = blob.slice();
    for (const [i, b] of edits) out[i % out.length] = b;
    const cutAt = cut === null ? out.length : cut % (out.length + 1);
    return new Uint8Array([...out.subarray(0, cutAt), ...tail]);
  });

describe('fuzz: parsing', () => {
  it('parsePublicKeyBlob throws only typed errors on random bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), structuredBlob, mutatedBlob), (blob) =>
        typedOnly(() => parsePublicKeyBlob(blob)),
      ),
      { numRuns: 3000 },
    );
  });

  it('parsePublicKey throws only typed errors on random text', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .tuple(
          fc.constantFrom(...TYPES, 'x'),
          fc.oneof(structuredBlob, mutatedBlob),
          fc.string({ maxLength: 20 }),
        )
        .map(([t, b, c]) => `${t} ${Buffer.from(b).toString('base64')} ${c}`),
      fc
        .tuple(fc.constantFrom(...TYPES), fc.stringMatching(/^[A-Za-z0-9+/=]{0,60}$/))
        .map(([t, d]) => `${t} ${d}`),
    );
    fc.assert(
      fc.property(line, (text) => typedOnly(() => parsePublicKey(text))),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz: verify', () => {
  const sigBlob = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc
      .tuple(
        fc.constantFrom(...ALGORITHMS),
        fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.array(field, { maxLength: 3 })),
      )
      .map(([alg, sig]) => {
        const inner = Array.isArray(sig) ? new Uint8Array(sig.flatMap((f) => [...f])) : sig;
        return new SSHWriter().string(alg).string(inner).finish().slice();
      }),
  );

  it('returns false (never throws) for random signature blobs', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: keys.length - 1 }),
        sigBlob,
        fc.option(fc.constantFrom(...ALGORITHMS)),
        (k, blob, alg) => {
          expect(keys[k]!.verify(utf8('data'), blob, alg ?? undefined)).toBe(false);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('returns false (never throws) for mutated real signatures', () => {
    const cases = vectors.map((v, i) => {
      const sig = parseSshsig(v.sshsig.signatures[0]!.armored);
      return { key: keys[i]!, data: sshsigSignedData(sig, utf8(v.sshsig.message)), blob: sig.signature };
    });
    fc.assert(
      fc.property(
        fc.nat({ max: cases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        (c, edits) => {
          const { key, data, blob } = cases[c]!;
          const bad = blob.slice();
          for (const [i, x] of edits) bad[i % bad.length]! ^= x;
          fc.pre(bad.some((b, i) => b !== blob[i])); // edits at one index may cancel out
          expect(key.verify(data, bad)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });
});
