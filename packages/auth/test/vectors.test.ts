// Known answers from paramiko over ssh-keygen keys (test-vectors/userauth, see its README): the
// RFC 4252 §7 data ClientAuth signs, the request it sends (signature included, deterministic for
// Ed25519 and RSA PKCS#1 v1.5), and the agent SIGN_REQUEST with the RSA hash flags.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrivateKey } from '@sshts/keys';
import { describe, expect, it } from 'vitest';
import { agentSignFlags } from '../src/agent/agent-key.js';
import { encodeSignRequest } from '../src/agent/agent-messages.js';
import { ClientAuth } from '../src/client-auth.js';
import { FakeConnection, pkOk, readRequest, success } from './helpers.js';

interface Vector {
  privateKey: string;
  sessionId: string;
  user: string;
  service: string;
  cases: { algorithm: string; signedData: string; signature: string; agentSignRequest: string }[];
}

const DIR = join(import.meta.dirname, '../../../test-vectors/userauth');
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe.each(['publickey-ed25519.json', 'publickey-rsa-2048.json'])('%s', (file) => {
  const vector = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Vector;
  const key = parsePrivateKey(vector.privateKey);

  it.each(vector.cases.map((c) => [c.algorithm, c] as const))(
    '%s: signed data and request',
    async (_alg, c) => {
      const conn = new FakeConnection();
      conn.sessionId = hex(vector.sessionId);
      const auth = new ClientAuth(conn, { service: vector.service });
      const signed: Uint8Array[] = [];
      const recording = {
        publicKey: key.publicKey,
        sign: (data: Uint8Array, algorithm?: string) => {
          signed.push(data.slice());
          return key.sign(data, algorithm);
        },
      };
      const result = auth.publicKey(vector.user, recording, { algorithm: c.algorithm });
      await conn.nextSent();
      conn.deliver(pkOk(c.algorithm, key.publicKey.blob));
      const request = readRequest(await conn.nextSent());
      expect(signed[0]).toEqual(hex(c.signedData));
      expect(request.rest.boolean()).toBe(true);
      expect(request.rest.utf8()).toBe(c.algorithm);
      expect(request.rest.string()).toEqual(key.publicKey.blob);
      expect(request.rest.string()).toEqual(hex(c.signature));
      conn.deliver(success());
      expect((await result).success).toBe(true);
    },
  );

  it.each(vector.cases.map((c) => [c.algorithm, c] as const))('%s: agent SIGN_REQUEST', (_alg, c) => {
    expect(encodeSignRequest(key.publicKey.blob, hex(c.signedData), agentSignFlags(c.algorithm))).toEqual(
      hex(c.agentSignRequest),
    );
  });
});
