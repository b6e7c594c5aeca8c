import { NegotiationError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { type AlgorithmLists, decodeKexInit, encodeKexInit } from '../src/kexinit.js';
import { IMPLICIT_MAC, negotiate } from '../src/negotiate.js';
import { algorithmLists as lists } from './helpers.js';

const cookie = new Uint8Array(16).fill(7);
const isAead = (c: string) => c.includes('gcm') || c.startsWith('chacha');
function run(
  client: AlgorithmLists,
  server: AlgorithmLists,
  opts: { guess?: boolean; role?: 'client' | 'server' } = {},
) {
  return negotiate({
    client: encodeKexInit(client, cookie),
    server: encodeKexInit(server, cookie, opts.guess ?? false),
    role: opts.role ?? 'client',
    initial: true,
    isAead,
  });
}

describe('KEXINIT', () => {
  it('round-trips and keeps the exact payload for the exchange hash', () => {
    const k = encodeKexInit(lists({ kex: ['a', 'b'] }), cookie, true);
    const back = decodeKexInit(k.payload);
    expect(back.kex).toEqual(['a', 'b']);
    expect(back.firstKexPacketFollows).toBe(true);
    expect(back.payload).toEqual(k.payload);
    expect(back.cookie).toEqual(cookie);
  });
});

describe('negotiation (RFC 4253 §7.1)', () => {
  it("takes the client's first choice that the server also has", () => {
    const n = run(
      lists({ kex: ['sntrup', 'curve25519-sha256', 'ecdh'], cipher: ['aes256-ctr', 'aes128-ctr'] }),
      lists({ kex: ['ecdh', 'curve25519-sha256'], cipher: ['aes128-ctr', 'aes256-ctr'] }),
    );
    expect(n.kex).toBe('curve25519-sha256');
    expect(n.cipher).toEqual(['aes256-ctr', 'aes256-ctr']);
  });

  it('ignores the MAC lists for AEAD ciphers (PROTOCOL §1.6)', () => {
    const n = run(
      lists({ cipher: ['chacha20-poly1305@openssh.com'], mac: ['x'] }),
      lists({ cipher: ['chacha20-poly1305@openssh.com'], mac: ['y'] }),
    );
    expect(n.mac).toEqual([IMPLICIT_MAC, IMPLICIT_MAC]);
  });

  it('names the slot and both lists when nothing matches', () => {
    try {
      run(lists({ mac: ['hmac-sha2-256'] }), lists({ mac: ['hmac-md5'] }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NegotiationError);
      expect(error).toMatchObject({
        slot: 'mac client→server',
        ours: ['hmac-sha2-256'],
        theirs: ['hmac-md5'],
      });
    }
  });

  it('never negotiates a pseudo-algorithm (RFC 8308 §2.1)', () => {
    expect(() => run(lists({ kex: ['ext-info-c'] }), lists({ kex: ['ext-info-c'] }))).toThrow(
      NegotiationError,
    );
    expect(() =>
      run(lists({ kex: ['kex-strict-c-v00@openssh.com'] }), lists({ kex: ['kex-strict-c-v00@openssh.com'] })),
    ).toThrow(NegotiationError);
  });

  it('turns strict kex on only when both sides signal it', () => {
    const c = lists({ kex: ['curve25519-sha256', 'kex-strict-c-v00@openssh.com', 'ext-info-c'] });
    expect(run(c, lists({ kex: ['curve25519-sha256', 'kex-strict-s-v00@openssh.com'] })).strictKex).toBe(
      true,
    );
    expect(run(c, lists({ kex: ['curve25519-sha256'] })).strictKex).toBe(false);
    // the client's own marker in the server's list means nothing
    expect(run(c, lists({ kex: ['curve25519-sha256', 'kex-strict-c-v00@openssh.com'] })).strictKex).toBe(
      false,
    );
  });

  it("sees the peer's ext-info signal by role", () => {
    const c = lists({ kex: ['curve25519-sha256', 'ext-info-c'] });
    const s = lists({ kex: ['curve25519-sha256', 'ext-info-s'] });
    expect(run(c, s, { role: 'client' }).peerExtInfo).toBe(true);
    expect(run(c, lists(), { role: 'server' }).peerExtInfo).toBe(true);
    expect(run(lists(), s, { role: 'server' }).peerExtInfo).toBe(false);
  });

  it('ignores a wrongly guessed kex packet, keeps a right one (OpenSSH proposals_match)', () => {
    const right = run(lists({ kex: ['curve25519-sha256', 'ecdh'] }), lists({ kex: ['curve25519-sha256'] }), {
      guess: true,
    });
    expect(right.ignoreGuessedPacket).toBe(false);
    const wrongKex = run(
      lists({ kex: ['curve25519-sha256', 'ecdh'] }),
      lists({ kex: ['ecdh', 'curve25519-sha256'] }),
      { guess: true },
    );
    expect(wrongKex.kex).toBe('curve25519-sha256');
    expect(wrongKex.ignoreGuessedPacket).toBe(true);
    const wrongHostKey = run(
      lists({ hostKey: ['ssh-ed25519', 'rsa-sha2-256'] }),
      lists({ hostKey: ['rsa-sha2-256', 'ssh-ed25519'] }),
      { guess: true },
    );
    expect(wrongHostKey.ignoreGuessedPacket).toBe(true);
    expect(run(lists(), lists({ kex: ['ecdh', 'curve25519-sha256'] })).ignoreGuessedPacket).toBe(false);
  });
});
