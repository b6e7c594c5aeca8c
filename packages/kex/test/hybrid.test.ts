// The hybrid post-quantum methods (RFC 9941 sntrup761x25519-sha512; draft-ietf-sshm-mlkem-hybrid-
// kex mlkem768x25519-sha256): the exchange hash and K rebuilt by hand from the specifications'
// field order — the KEMs and X25519 called directly, every SSH field concatenated byte by byte
// (not through our SSHWriter or exchangeHash) — and compared with what each method computes, on
// both sides, with fixed randomness. Then the length, low-order and malformed-key checks.
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { KexMethod } from '@sshts/transport';
import { describe, expect, it } from 'vitest';
import { mlkem768x25519Sha256 } from '../src/mlkem768x25519.js';
import { sntrup761Decapsulate, sntrup761KeyPair } from '../src/sntrup761.js';
import { sntrup761x25519Sha512, sntrup761x25519Sha512OpenSSH } from '../src/sntrup761x25519.js';
import {
  clientContext,
  concat,
  expectFailure,
  FAKE_HOST_KEY,
  FAKE_PREFIX,
  runExchange,
  serverContext,
  toHex,
} from './helpers.js';

/** A deterministic byte stream (SHA-256 in counter mode over a label), for fixed "randomness". */
function stream(label: string) {
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n: number) => {
    while (pool.length < n) {
      pool = concat(pool, sha256(new TextEncoder().encode(`${label}/${counter++}`)));
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
const sshString = (b: Uint8Array) => concat(u32(b.length), b);

interface Case {
  method: KexMethod;
  hash: (b: Uint8Array) => Uint8Array;
  pkBytes: number;
  ctBytes: number;
  /** The client's KEM key pair from the client's first random bytes, as the method draws them. */
  clientKem: (random: (n: number) => Uint8Array) => { publicKey: Uint8Array; secretKey: Uint8Array };
  decapsulate: (ct: Uint8Array, sk: Uint8Array) => Uint8Array;
}

const cases: Case[] = [
  {
    method: mlkem768x25519Sha256,
    hash: sha256,
    pkBytes: 1184,
    ctBytes: 1088,
    clientKem: (random) => ml_kem768.keygen(random(64)),
    decapsulate: (ct, sk) => ml_kem768.decapsulate(ct, sk),
  },
  ...[sntrup761x25519Sha512, sntrup761x25519Sha512OpenSSH].map((method) => ({
    method,
    hash: sha512,
    pkBytes: 1158,
    ctBytes: 1039,
    clientKem: sntrup761KeyPair,
    decapsulate: sntrup761Decapsulate,
  })),
];

describe.each(cases.map((c) => [c.method.name, c] as const))('%s', (_name, c) => {
  it('K and H are the specification’s, built by hand, on both sides', async () => {
    const { client, server, messages } = await runExchange(
      c.method,
      clientContext({ randomBytes: stream(`${c.method.name} client`) }),
      serverContext({ randomBytes: stream(`${c.method.name} server`) }),
    );
    const [init, reply] = messages as [Uint8Array, Uint8Array];

    // The client's values, recomputed from the same random stream: KEM key pair, then X25519.
    const random = stream(`${c.method.name} client`);
    const kem = c.clientKem(random);
    const xSecret = random(32);
    const C_INIT = concat(kem.publicKey, x25519.getPublicKey(xSecret));
    expect(C_INIT.length).toBe(c.pkBytes + 32);
    // SSH_MSG_KEX_HYBRID_INIT: byte 30, string C_INIT (KEM public key first).
    expect(toHex(init)).toBe(toHex(concat(Uint8Array.of(30), sshString(C_INIT))));

    // SSH_MSG_KEX_HYBRID_REPLY: byte 31, string K_S, string S_REPLY, string signature.
    expect(reply[0]).toBe(31);
    const S_REPLY = reply.subarray(
      1 + 4 + FAKE_HOST_KEY.length + 4,
      1 + 4 + FAKE_HOST_KEY.length + 4 + c.ctBytes + 32,
    );
    expect(toHex(reply.subarray(1, 1 + 4 + FAKE_HOST_KEY.length))).toBe(toHex(sshString(FAKE_HOST_KEY)));
    const ct = S_REPLY.subarray(0, c.ctBytes);
    const serverX = S_REPLY.subarray(c.ctBytes);

    // K = string HASH(kem_shared ‖ x25519_shared); H = HASH(prefix ‖ K_S ‖ C_INIT ‖ S_REPLY ‖ K).
    const kemShared = c.decapsulate(ct, kem.secretKey);
    const xShared = x25519.getSharedSecret(xSecret, serverX);
    const K = sshString(c.hash(concat(kemShared, xShared)));
    const H = c.hash(concat(FAKE_PREFIX, sshString(FAKE_HOST_KEY), sshString(C_INIT), sshString(S_REPLY), K));
    const signature = concat(new TextEncoder().encode('sig:'), H);
    expect(toHex(reply)).toBe(
      toHex(concat(Uint8Array.of(31), sshString(FAKE_HOST_KEY), sshString(S_REPLY), sshString(signature))),
    );
    for (const side of [client, server]) {
      expect(toHex(side.sharedSecret)).toBe(toHex(K));
      expect(toHex(side.exchangeHash)).toBe(toHex(H));
    }
    expect(toHex(client.signature)).toBe(toHex(signature));
  });

  const initWith = (blob: Uint8Array) => concat(Uint8Array.of(30), sshString(blob));
  const replyWith = (blob: Uint8Array) =>
    concat(Uint8Array.of(31), sshString(FAKE_HOST_KEY), sshString(blob), sshString(new Uint8Array(8)));

  it('the server refuses a C_INIT one byte short or long', async () => {
    for (const n of [c.pkBytes + 31, c.pkBytes + 33, 32, 0]) {
      await expectFailure(() => c.method.server(serverContext()).receive(initWith(new Uint8Array(n))), 'kex');
    }
  });

  it('the client refuses an S_REPLY one byte short or long', async () => {
    for (const n of [c.ctBytes + 31, c.ctBytes + 33]) {
      const exchange = c.method.client(clientContext());
      await exchange.start();
      await expectFailure(() => exchange.receive(replyWith(new Uint8Array(n))), 'kex');
    }
  });

  it('both sides refuse a low-order X25519 value (all-zero shared secret)', async () => {
    const client = c.method.client(clientContext());
    const [init] = (await client.start()) as [Uint8Array];
    const blob = init.slice(5);
    blob.fill(0, c.pkBytes); // X25519 public value 0
    await expectFailure(() => c.method.server(serverContext()).receive(initWith(blob)), 'kex');
    const reply = new Uint8Array(c.ctBytes + 32); // ciphertext of zeros, X25519 value 0
    await expectFailure(() => client.receive(replyWith(reply)), 'kex');
  });

  it('takes no message out of turn', async () => {
    const server = c.method.server(serverContext());
    await expectFailure(() => server.receive(replyWith(new Uint8Array(c.ctBytes + 32))), 'protocol');
  });
});

describe('mlkem768x25519-sha256 encapsulation-key check (FIPS 203 §7.2)', () => {
  it('the server refuses an encapsulation key with a coefficient ≥ q', async () => {
    const { publicKey } = ml_kem768.keygen(new Uint8Array(64));
    const bad = publicKey.slice();
    bad[0] = 0xff; // the first 12-bit coefficient becomes ≥ 3329
    bad[1] = 0xff;
    const blob = concat(bad, x25519.getPublicKey(new Uint8Array(32).fill(7)));
    await expectFailure(
      () => mlkem768x25519Sha256.server(serverContext()).receive(concat(Uint8Array.of(30), sshString(blob))),
      'kex',
    );
  });
});
