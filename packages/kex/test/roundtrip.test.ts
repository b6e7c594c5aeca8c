// Every registered method: our client against our server with real randomness, plus the registry.
import { describe, expect, it } from 'vitest';
import { findKexMethod, kexMethods } from '../src/registry.js';
import { clientContext, runExchange, serverContext, toHex } from './helpers.js';

const HASH_BYTES = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 } as const;

describe('registry', () => {
  it('lists the methods in default preference order, legacy last', () => {
    expect(kexMethods.map((m) => m.name)).toEqual([
      'mlkem768x25519-sha256',
      'sntrup761x25519-sha512',
      'sntrup761x25519-sha512@openssh.com',
      'curve25519-sha256',
      'curve25519-sha256@libssh.org',
      'ecdh-sha2-nistp256',
      'ecdh-sha2-nistp384',
      'ecdh-sha2-nistp521',
      'diffie-hellman-group-exchange-sha256',
      'diffie-hellman-group16-sha512',
      'diffie-hellman-group18-sha512',
      'diffie-hellman-group14-sha256',
      'diffie-hellman-group14-sha1',
      'diffie-hellman-group-exchange-sha1',
    ]);
    expect(kexMethods.filter((m) => m.legacy).map((m) => m.name)).toEqual([
      'diffie-hellman-group14-sha1',
      'diffie-hellman-group-exchange-sha1',
    ]);
    expect(Object.isFrozen(kexMethods)).toBe(true);
  });

  it('findKexMethod finds by exact name only', () => {
    for (const m of kexMethods) expect(findKexMethod(m.name)).toBe(m);
    expect(findKexMethod('curve25519-sha256 ')).toBeUndefined();
    expect(findKexMethod('diffie-hellman-group1-sha1')).toBeUndefined();
    expect(findKexMethod('ext-info-c')).toBeUndefined();
  });
});

describe.each(kexMethods.map((m) => [m.name, m] as const))('%s round trip', (_name, method) => {
  it('client and server agree on K and H; the client gets K_S and the signature', async () => {
    const started = performance.now();
    const { client, server } = await runExchange(method);
    const ms = performance.now() - started;
    if (method.name.includes('group18'))
      console.info(`${method.name}: client + server exchange took ${ms.toFixed(0)} ms`);
    expect(toHex(client.sharedSecret)).toBe(toHex(server.sharedSecret));
    expect(toHex(client.exchangeHash)).toBe(toHex(server.exchangeHash));
    expect(client.exchangeHash.length).toBe(HASH_BYTES[method.hash]);
    expect(toHex(client.hostKeyBlob)).toBe(toHex(serverContext().hostKeyBlob));
    expect(toHex(client.signature)).toBe(toHex(server.signature));
    expect(toHex(server.signature)).toBe(`7369673a${toHex(server.exchangeHash)}`); // 'sig:' || H
  });

  it('two runs give different secrets (fresh randomness each time)', async () => {
    const a = await runExchange(method);
    const b = await runExchange(method);
    expect(toHex(a.client.sharedSecret)).not.toBe(toHex(b.client.sharedSecret));
  });

  it('H covers the prefix and K_S: changing either changes H', async () => {
    const fixed = (seed: number) => {
      let i = seed;
      return (n: number) =>
        Uint8Array.from({ length: n }, () => {
          i = (i * 1103515245 + 12345) >>> 0;
          return i >>> 24;
        });
    };
    const base = await runExchange(
      method,
      clientContext({ randomBytes: fixed(1) }),
      serverContext({ randomBytes: fixed(2) }),
    );
    const prefixed = await runExchange(
      method,
      clientContext({ randomBytes: fixed(1), exchangeHashPrefix: new Uint8Array([0, 0, 0, 1, 0x41]) }),
      serverContext({ randomBytes: fixed(2), exchangeHashPrefix: new Uint8Array([0, 0, 0, 1, 0x41]) }),
    );
    expect(toHex(prefixed.client.sharedSecret)).toBe(toHex(base.client.sharedSecret));
    expect(toHex(prefixed.client.exchangeHash)).not.toBe(toHex(base.client.exchangeHash));
    const otherKey = await runExchange(
      method,
      clientContext({ randomBytes: fixed(1) }),
      serverContext({ randomBytes: fixed(2), hostKeyBlob: new Uint8Array([1, 2, 3]) }),
    );
    expect(toHex(otherKey.client.exchangeHash)).not.toBe(toHex(base.client.exchangeHash));
    expect(toHex(otherKey.client.hostKeyBlob)).toBe('010203');
  });

  it('the server may sign asynchronously', async () => {
    const { client, server } = await runExchange(
      method,
      clientContext(),
      serverContext({ sign: async (h) => new Uint8Array([...h].reverse()) }),
    );
    expect(toHex(client.signature)).toBe(toHex(new Uint8Array([...server.exchangeHash].reverse())));
  });
});
