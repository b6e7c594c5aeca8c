// Property: a corrupted openssh-key-v1 file (bytes replaced, inserted, deleted or cut, in the binary
// or in the armoured text) is either still a valid key or fails with one of our typed SSHErrors —
// never a TypeError, RangeError or an error from a crypto library. Keys come from ssh-keygen.
import { toolAvailability } from '@sshts/test-peers';
import { SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpenSSHPrivateKey, parsePrivateKey, sshsigVerify } from '../src/index.js';
import { exec, ScratchDir } from './openssh-key-tools.js';

const keygen = await toolAvailability('ssh-keygen');
const PASS = 'fuzz';

function unarmor(text: string): Uint8Array {
  return new Uint8Array(
    Buffer.from(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join(''),
      'base64',
    ),
  );
}

function armor(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes)
    .toString('base64')
    .replace(/.{1,70}/g, '$&\n');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`;
}

/** An edit of a byte string: replace, insert, delete or truncate at a random place. */
const byteEdit = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(data: Uint8Array, edit: ByteEdit): Uint8Array {
  const at = data.length === 0 ? 0 : edit.at % data.length;
  const out = Array.from(data);
  switch (edit.kind) {
    case 'set':
      out[at] = edit.value;
      break;
    case 'flip':
      out[at] = out[at]! ^ (1 << edit.bit);
      break;
    case 'insert':
      out.splice(at, 0, ...edit.bytes);
      break;
    case 'delete':
      out.splice(at, edit.count);
      break;
    case 'truncate':
      out.length = at;
      break;
  }
  return Uint8Array.from(out);
}

function onlyTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SSHError)) throw e;
  }
}

describe.skipIf(!keygen.available)('corrupted openssh-key-v1 files', () => {
  const bin = keygen.available ? keygen.path : '';
  const dir = new ScratchDir();
  const files: { name: string; text: string; bytes: Uint8Array }[] = [];

  beforeAll(() => {
    const make = (name: string, args: string[]) => {
      exec(bin, ['-q', ...args, '-C', `fuzz ${name}`, '-f', dir.file(name)]);
      const text = dir.read(name);
      files.push({ name, text, bytes: unarmor(text) });
    };
    make('ed25519', ['-t', 'ed25519', '-N', '']);
    make('ecdsa256', ['-t', 'ecdsa', '-b', '256', '-N', '']);
    make('ecdsa521', ['-t', 'ecdsa', '-b', '521', '-N', '']);
    make('rsa2048', ['-t', 'rsa', '-b', '2048', '-N', '']);
    make('ed25519-ctr', ['-t', 'ed25519', '-N', PASS, '-a', '1']);
    make('ecdsa256-gcm', ['-t', 'ecdsa', '-N', PASS, '-a', '1', '-Z', 'aes256-gcm@openssh.com']);
    make('ed25519-chacha', ['-t', 'ed25519', '-N', PASS, '-a', '1', '-Z', 'chacha20-poly1305@openssh.com']);
    make('ed25519-cbc', ['-t', 'ed25519', '-N', PASS, '-a', '1', '-Z', 'aes128-cbc']);
  }, 60_000);
  afterAll(() => dir.remove());

  it('the unedited files parse', () => {
    for (const f of files) expect(parsePrivateKey(f.text, PASS).comment).toBe(`fuzz ${f.name}`);
  });

  it('binary edits never throw a non-SSHError', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(byteEdit, { minLength: 1, maxLength: 4 }), (pick, edits) => {
        const f = files[pick % files.length]!;
        const bytes = edits.reduce(applyEdit, f.bytes);
        // A low round limit keeps an edited rounds field from costing seconds.
        onlyTyped(() => parseOpenSSHPrivateKey(armor(bytes), PASS, { maxRounds: 4 }));
      }),
      { numRuns: 600 },
    );
  });

  it('text edits never throw a non-SSHError', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.constantFrom(
          '',
          '\n',
          ' ',
          '-',
          '=',
          'A',
          '\r',
          '\u00e9',
          '-----END OPENSSH PRIVATE KEY-----\n',
          '\0',
        ),
        fc.integer({ min: 0, max: 3 }),
        (pick, at, insert, remove) => {
          const f = files[pick % files.length]!;
          const i = at % f.text.length;
          const text = f.text.slice(0, i) + insert + f.text.slice(i + remove);
          onlyTyped(() => parsePrivateKey(text, PASS));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('corrupted SSHSIG signatures never throw a non-SSHError', () => {
    const key = parsePrivateKey(files[0]!.text);
    exec(bin, ['-Y', 'sign', '-n', 'file', '-f', dir.file('ed25519'), dir.write('msg', 'hello')]);
    const sig = dir.read('msg.sig');
    const bytes = new Uint8Array(
      Buffer.from(
        sig
          .split('\n')
          .filter((l) => l && !l.startsWith('-----'))
          .join(''),
        'base64',
      ),
    );
    expect(sshsigVerify(sig, 'file', 'hello')).toMatchObject({ valid: true });
    fc.assert(
      fc.property(fc.array(byteEdit, { minLength: 1, maxLength: 3 }), (edits) => {
        const edited = edits.reduce(applyEdit, bytes);
        const b64 = Buffer.from(edited)
          .toString('base64')
          .replace(/.{1,70}/g, '$&\n');
        onlyTyped(() =>
          sshsigVerify(`-----BEGIN SSH SIGNATURE-----\n${b64}-----END SSH SIGNATURE-----\n`, 'file', 'hello'),
        );
      }),
      { numRuns: 400 },
    );
    expect(key.type).toBe('ssh-ed25519');
  });
});
