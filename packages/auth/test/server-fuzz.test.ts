// Property tests: whatever a client sends — random messages, valid requests with bytes flipped,
// cut or inserted, random INFO_RESPONSEs, in any order — ServerAuth never authenticates without
// the credential, and nothing escapes as anything but an SSHError (checklist §12 C).
import type { PrivateKey } from '@sshts/keys';
import { SSHError, SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeInfoResponse, decodeUserauthRequest } from '../src/server-userauth-messages.js';
import { publicKeySignedData } from '../src/userauth-messages.js';
import { raw, request, SESSION_ID, settle, testKey } from './server-helpers.js';

// Long and random-looking, so that no mutation of the requests below can produce it.
const SECRET = 'Zq8#vL2@pW9!rT4$kM7%nB3^xC6&jH1*';
const OTHER_SESSION = SESSION_ID.map((b) => b ^ 0x5a);

let authorized: PrivateKey;
let seeds: Uint8Array[];

beforeAll(async () => {
  authorized = await testKey('ed25519');
  const ecdsa = await testKey('ecdsa256');
  const fields = (key: PrivateKey, algorithm: string, method = 'publickey') => ({
    user: 'fuzz',
    service: 'ssh-connection',
    method,
    algorithm,
    blob: key.publicKey.blob,
  });
  const signed = (key: PrivateKey, algorithm: string) => {
    // Signed over another session: a valid-looking request no mutation turns into a valid one.
    const f = fields(key, algorithm);
    const signature = key.sign(publicKeySignedData(OTHER_SESSION, f), algorithm);
    return request('fuzz', 'publickey', (w) =>
      w.boolean(true).string(algorithm).string(f.blob).string(signature),
    );
  };
  seeds = [
    request('fuzz', 'none'),
    request('fuzz', 'password', (w) => w.boolean(false).string('hunter2')),
    request('fuzz', 'password', (w) => w.boolean(true).string('old-one').string('new-one')),
    request('fuzz', 'publickey', (w) =>
      w.boolean(false).string('ssh-ed25519').string(authorized.publicKey.blob),
    ),
    signed(authorized, 'ssh-ed25519'),
    signed(ecdsa, 'ecdsa-sha2-nistp256'),
    request('fuzz', 'keyboard-interactive', (w) => w.string('').string('')),
    request('fuzz', 'hostbased', (w) => w.string('x')),
    new SSHWriter().byte(61).uint32(1).string('wrong answer').finish().slice(),
    new SSHWriter().byte(61).uint32(0).finish().slice(),
  ];
});

type Edit =
  | { kind: 'flip'; at: number; bits: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };
type Message = { seed: number; edits: Edit[] } | { bytes: Uint8Array };

const mutation: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

function mutate(seed: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let out = seed.slice();
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % out.length;
    if (e.kind === 'flip' && out.length > 0) out[at] = (out[at] ?? 0) ^ e.bits;
    else if (e.kind === 'cut') out = out.slice(0, at);
    else if (e.kind === 'insert') out = Uint8Array.from([...out.slice(0, at), ...e.bytes, ...out.slice(at)]);
  }
  return out.length === 0 ? Uint8Array.of(50) : out;
}

const message: fc.Arbitrary<Message> = fc.oneof(
  // A seed, mutated (1–3 edits) or not.
  fc.tuple(fc.nat(), fc.array(mutation, { maxLength: 3 })).map(([i, edits]) => ({ seed: i, edits })),
  // Random bytes under an authentication-relevant or connection message number.
  fc
    .tuple(
      fc.constantFrom(50, 51, 52, 53, 54, 60, 61, 79, 80, 90, 94, 98, 192),
      fc.uint8Array({ maxLength: 48 }),
    )
    .map(([t, body]) => ({ bytes: Uint8Array.of(t, ...body) })),
);

function materialize(m: Message): Uint8Array {
  if ('bytes' in m) return m.bytes;
  return mutate(seeds[m.seed % seeds.length]!, m.edits);
}

describe('random and mutated client messages', () => {
  it('never authenticate, and only SSHErrors come out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 6 }), async (messages) => {
        const p = raw({
          none: false,
          password: (_u, pw) => pw === SECRET,
          changePassword: (_u, old) => old === SECRET,
          publicKey: (_u, key) => key.equals(authorized.publicKey),
          keyboardInteractive: async (_u, ask) => (await ask([{ prompt: 'Secret: ' }]))[0] === SECRET,
          hostbound: true,
        });
        for (const m of messages) {
          try {
            p.serverAuth.handleMessage(materialize(m));
          } catch (error) {
            expect(error).toBeInstanceOf(SSHError);
          }
          await settle();
        }
        expect(p.serverAuth.authenticated).toBe(false);
        expect(p.server.setAuthenticatedCalls).toBe(0);
        expect(p.server.sentTypes).not.toContain(52);
        p.server.end({ reason: 'done' });
      }),
      { numRuns: 400 },
    );
  });

  it('the server-side decoders throw only SSHError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.nat({ max: 4 }), (body, expected) => {
        for (const decode of [
          () => decodeUserauthRequest(Uint8Array.of(50, ...body)),
          () => decodeInfoResponse(Uint8Array.of(61, ...body), expected),
        ]) {
          try {
            decode();
          } catch (error) {
            expect(error).toBeInstanceOf(SSHError);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
