// Untrusted input never escapes as anything but an SSHError (common rules; checklist §12 C and F):
// random server messages in every ClientAuth state, and random agent replies to each decoder.
import { SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIdentitiesAnswer, decodeSignResponse } from '../src/agent/agent-messages.js';
import { ClientAuth } from '../src/client-auth.js';
import {
  decodeBanner,
  decodeFailure,
  decodeInfoRequest,
  decodePasswordChangeRequest,
  decodePkOk,
} from '../src/userauth-messages.js';
import { FakeConnection, nodeSigner } from './helpers.js';

const signer = nodeSigner('ed25519');
const authTypes = fc.constantFrom(51, 52, 53, 54, 60, 61, 79, 80, 94);
const message = fc
  .tuple(authTypes, fc.uint8Array({ maxLength: 64 }))
  .map(([t, rest]) => Uint8Array.of(t, ...rest));

function noThrowOrSSHError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SSHError);
  }
}

describe('random input', () => {
  it('USERAUTH decoders throw only SSHError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
        const payload = Uint8Array.of(60, ...body);
        for (const decode of [
          decodeBanner,
          decodeFailure,
          decodeInfoRequest,
          decodePasswordChangeRequest,
          decodePkOk,
        ]) {
          noThrowOrSSHError(() => decode(payload));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('agent reply decoders throw only SSHError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
        noThrowOrSSHError(() => decodeIdentitiesAnswer(Uint8Array.of(12, ...body)));
        noThrowOrSSHError(() => decodeSignResponse(Uint8Array.of(14, ...body)));
      }),
      { numRuns: 2000 },
    );
  });

  it('ClientAuth in each state: a message is handled, refused as UNIMPLEMENTED, or ends the connection with an SSHError', async () => {
    const states = ['idle', 'none', 'password', 'publickey', 'keyboard-interactive'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...states),
        fc.array(message, { minLength: 1, maxLength: 4 }),
        async (state, messages) => {
          const conn = new FakeConnection();
          const auth = new ClientAuth(conn);
          let pending: Promise<unknown> | undefined;
          if (state === 'none') pending = auth.none('u');
          if (state === 'password') pending = auth.password('u', 'p');
          if (state === 'publickey') pending = auth.publicKey('u', signer);
          if (state === 'keyboard-interactive')
            pending = auth.keyboardInteractive('u', (c) => c.prompts.map(() => 'x'));
          const outcome = pending?.then(
            () => undefined,
            (e: unknown) => e,
          );
          if (pending) await conn.nextSent();
          for (const m of messages) conn.deliver(m);
          conn.close();
          const error = await outcome;
          if (error !== undefined) expect(error).toBeInstanceOf(SSHError);
          if (conn.thrown !== undefined) expect(conn.thrown).toBeInstanceOf(SSHError);
        },
      ),
      { numRuns: 500 },
    );
  });
});
