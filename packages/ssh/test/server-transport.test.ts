// Issue 7, the transport's server role: our client against our server in memory, for every kex
// method and every host-key type — the host key is the server's, the session ids agree, strict kex
// is on, the client gets server-sig-algs in EXT_INFO right after NEWKEYS, ssh-userauth is accepted
// and anything else refused, and either side can rekey.
import { kexMethods } from '@sshts/kex';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { driveOverStream, nobleProvider, TransportConnection } from '@sshts/transport';
import { DisconnectReason } from '@sshts/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../src/node/index.js';
import { bytePipe } from './mux-fakes.js';

const TYPES = ['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa'] as const;
let keys: Record<(typeof TYPES)[number], PrivateKey>;
beforeAll(async () => {
  keys = {
    ed25519: await generatePrivateKey('ed25519'),
    ecdsa256: await generatePrivateKey('ecdsa', { bits: 256 }),
    ecdsa384: await generatePrivateKey('ecdsa', { bits: 384 }),
    ecdsa521: await generatePrivateKey('ecdsa', { bits: 521 }),
    rsa: await generatePrivateKey('rsa', { bits: 2048 }),
  };
}, 60_000);

function serve(options: Partial<ConstructorParameters<typeof TransportConnection>[0]> = {}) {
  const { near, far } = bytePipe();
  const server = new TransportConnection({
    role: 'server',
    provider: nobleProvider,
    kexMethods,
    hostKeys: Object.values(keys),
    serverSigAlgs: ['ssh-ed25519', 'rsa-sha2-512'],
    onServiceRequest: (name) => name === 'ssh-userauth',
    ...options,
  });
  driveOverStream(server, far);
  void server.handshake().catch(() => {});
  return { server, stream: near };
}

describe('the server role against our client', () => {
  for (const method of kexMethods) {
    it(`kex ${method.name}`, async () => {
      const { server, stream } = serve({ algorithms: { kex: [method.name] } });
      const client = new Transport(stream, { algorithms: { kex: [method.name] }, timeout: 30_000 });
      await client.startClient({ verifyHostKey: (key) => key.equals(keys.ed25519.publicKey) });
      expect(client.negotiated.kex).toBe(method.name);
      expect(client.sessionId).toEqual(server.sessionId);
      expect(client.connection.strictKex).toBe(true);
      expect(server.strictKex).toBe(true);
      await client.close();
    }, 60_000);
  }

  for (const type of TYPES) {
    it(`host key ${type}: every signature algorithm it has (legacy ssh-rsa when asked for)`, async () => {
      for (const algorithm of keys[type].signatureAlgorithms) {
        const { server, stream } = serve({ hostKeys: [keys[type]], algorithms: { hostKey: [algorithm] } });
        const client = new Transport(stream, { algorithms: { hostKey: [algorithm] }, timeout: 30_000 });
        await client.startClient({ verifyHostKey: (key) => key.equals(keys[type].publicKey) });
        expect(client.negotiated.hostKey).toBe(algorithm);
        expect(server.hostKey?.equals(keys[type].publicKey)).toBe(true);
        await client.close();
      }
    }, 60_000);
  }

  it('offers ssh-rsa (SHA-1) only when asked for', async () => {
    const { stream } = serve({ hostKeys: [keys.rsa] });
    const client = new Transport(stream, { algorithms: { hostKey: ['ssh-rsa'] }, timeout: 30_000 });
    await expect(client.startClient({ verifyHostKey: () => true })).rejects.toMatchObject({
      code: 'ERR_NEGOTIATION',
    });
  });

  it('offers only the host-key algorithms its keys sign with', async () => {
    const { stream } = serve({ hostKeys: [keys.ecdsa384] });
    const client = new Transport(stream, { algorithms: { hostKey: ['ssh-ed25519'] }, timeout: 30_000 });
    await expect(client.startClient({ verifyHostKey: () => true })).rejects.toMatchObject({
      code: 'ERR_NEGOTIATION',
    });
  });

  it('EXT_INFO server-sig-algs after NEWKEYS; ssh-userauth accepted, other services refused', async () => {
    const { server, stream } = serve();
    const client = new Transport(stream, { timeout: 30_000 });
    await client.startClient({ verifyHostKey: () => true });
    await client.connection.requestService('ssh-userauth');
    expect(client.connection.serverSigAlgs).toEqual(['ssh-ed25519', 'rsa-sha2-512']);
    const closed = server.closed;
    await expect(client.connection.requestService('ssh-connection')).rejects.toBeDefined();
    expect((await closed).code).toBe(DisconnectReason.SERVICE_NOT_AVAILABLE);
  });

  it('rekeys when the client asks and when the server asks', async () => {
    const { server, stream } = serve();
    const client = new Transport(stream, { timeout: 30_000 });
    await client.startClient({ verifyHostKey: () => true });
    await client.rekey();
    // The client is done once the server's NEWKEYS arrives; the server only once the client's
    // does. A rekey() before that would join the exchange still in progress, not start another.
    await server.whenKexDone();
    await server.rekey();
    await client.connection.whenKexDone();
    expect(client.connection.kexCount).toBe(3);
    expect(server.kexCount).toBe(3);
    expect(client.connection.peerInitiatedKexCount).toBe(1);
    await client.close();
  });
});
