// Packetizer throughput beside the raw cipher, per cipher and provider, in the same run.
//
// "raw" is the least work any SSH implementation must do per 32 KiB payload with the same library:
// encrypt and authenticate (or verify and decrypt) 32 KiB, called directly — noble's chacha20orig +
// poly1305, gcm(), streaming AES-CTR + hmac(); or node:crypto's equivalents. "packetizer" is our
// PacketEncoder — framing, padding, sequence numbers, the SSH construction — writing the way the
// transport will: where the primitive cannot encrypt in place (node:crypto AES-GCM and AES-CTR
// with an ETM MAC), the payload sits in a PacketDraft (as SFTP reads file data straight into it)
// and the sealed chunks go to a vectored write; otherwise encodeInto() copies the payload into a
// 4 MiB write buffer reused once full. Decoding is PacketDecoder.push()+next() on a byte stream cut
// into 64 KiB socket-sized chunks.
//
// Both sides read the same kind of input: encoding (ours and raw) starts from one 32 KiB payload
// that stays in cache; decoding (ours and raw) walks a stream of distinct sealed records far larger
// than the cache, as data from a socket would be.
//
// Rounds alternate raw / encode / decode so machine noise hits all three alike; medians are
// reported. Exit code 1 when a packetizer median is below 0.9 × raw (the issue's bar), unless
// --no-gate is given. `--quick` runs fewer, shorter rounds.

import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { gcm, unsafe } from '@noble/ciphers/aes.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CipherAlgorithm } from '../src/cipher.js';
import type { CryptoProvider } from '../src/crypto-provider.js';
import type { MacAlgorithm } from '../src/mac.js';
import { hmacSha256Etm } from '../src/macs/hmac.js';
import { nobleProvider } from '../src/noble-provider.js';
import { nodeProvider } from '../src/node/node-provider.js';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import type { DirectionKeys } from '../src/packet-protection.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const ROUNDS = quick ? 3 : 5;
const PAYLOAD = 32 * 1024;
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;
const GATE = 0.9;

interface RawOps {
  /** Encrypts and authenticates `buf` (a hot payload buffer). */
  seal(buf: Uint8Array): void;
  /** A sealed record of `payload` (ciphertext and tag), for the stream `open` walks. */
  record(payload: Uint8Array): Uint8Array;
  /** Verifies and decrypts one record. */
  open(record: Uint8Array): void;
}

function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** The raw library calls for one 32 KiB payload of this suite. */
function rawOps(provider: CryptoProvider, cipher: CipherAlgorithm, keys: DirectionKeys): RawOps {
  const key = keys.encKey.slice(0, cipher.keyLength);
  const nonce8 = new Uint8Array(8);
  const iv12 = keys.iv.slice(0, 12);
  const aad = new Uint8Array(4);
  const node = provider.name === 'node';
  if (cipher.name.startsWith('chacha20')) {
    const k2 = key.slice(0, 32);
    const polyKey = filled(32, 9);
    const iv16 = new Uint8Array(16);
    iv16[0] = 1;
    const xor = node
      ? (buf: Uint8Array) => buf.set(createCipheriv('chacha20', k2, iv16).update(buf))
      : (buf: Uint8Array) => chacha20orig(k2, nonce8, buf, buf, 1);
    return {
      seal: (buf) => {
        xor(buf);
        poly1305(buf, polyKey);
      },
      record: (payload) => {
        const out = new Uint8Array(payload.length + 16);
        out.set(payload);
        xor(out.subarray(0, payload.length));
        out.set(poly1305(out.subarray(0, payload.length), polyKey), payload.length);
        return out;
      },
      open: (record) => {
        const data = record.subarray(0, record.length - 16);
        poly1305(data, polyKey);
        xor(data);
      },
    };
  }
  if (cipher.name.includes('gcm')) {
    const name = `aes-${key.length * 8}-gcm` as 'aes-128-gcm';
    if (node) {
      const seal = (buf: Uint8Array) => {
        const c = createCipheriv(name, key, iv12);
        c.setAAD(aad);
        const data = c.update(buf);
        c.final();
        return { data, tag: c.getAuthTag() };
      };
      return {
        seal,
        record: (payload) => {
          const { data, tag } = seal(payload);
          const out = new Uint8Array(data.length + 16);
          out.set(data);
          out.set(tag, data.length);
          return out;
        },
        open: (record) => {
          const d = createDecipheriv(name, key, iv12);
          d.setAAD(aad);
          d.setAuthTag(record.subarray(record.length - 16));
          d.update(record.subarray(0, record.length - 16));
          d.final();
        },
      };
    }
    return {
      seal: (buf) => gcm(key, iv12, aad).encrypt(buf),
      record: (payload) => gcm(key, iv12, aad).encrypt(payload),
      open: (record) => gcm(key, iv12, aad).decrypt(record),
    };
  }
  // AES-CTR with HMAC-SHA-256: a streaming CTR context (no per-call key schedule) and one-shot HMAC.
  const macKey = keys.macKey.slice(0, 32);
  if (node) {
    const ctr = createCipheriv(`aes-${key.length * 8}-ctr`, key, keys.iv.slice(0, 16));
    const op = (buf: Uint8Array) => {
      buf.set(ctr.update(buf));
      createHmac('sha256', macKey).update(buf).digest();
    };
    return { seal: op, record: (payload) => payload.slice(), open: op };
  }
  const roundKeys = unsafe.expandKeyLE(key);
  const counter = keys.iv.slice(0, 16);
  const op = (buf: Uint8Array) => {
    unsafe.ctrCounter(roundKeys, counter, buf, buf);
    hmac(sha256, macKey, buf);
  };
  return { seal: op, record: (payload) => payload.slice(), open: op };
}

function keysFor(cipher: CipherAlgorithm, mac: MacAlgorithm): DirectionKeys {
  return {
    cipher,
    mac,
    encKey: filled(cipher.keyLength, 1),
    iv: filled(cipher.ivLength, 2),
    macKey: filled(mac.keyLength, 3),
  };
}

/** MiB/s of `op`, called on 32 KiB payloads until `bytes` have been processed. */
function measure(bytes: number, op: () => void): number {
  const count = Math.ceil(bytes / PAYLOAD);
  const start = performance.now();
  for (let i = 0; i < count; i++) op();
  const seconds = (performance.now() - start) / 1000;
  return (count * PAYLOAD) / MiB / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Row {
  provider: string;
  suite: string;
  raw: number;
  encode: number;
  decode: number;
  rawOpen: number;
}

function benchSuite(provider: CryptoProvider, cipher: CipherAlgorithm, mac: MacAlgorithm): Row {
  const keys = keysFor(cipher, mac);
  const raw = rawOps(provider, cipher, keys);
  const payload = filled(PAYLOAD, 7);
  const scratch = payload.slice();
  // Size each measurement to roughly a quarter second at this suite's speed.
  const probe = measure(2 * MiB, () => raw.seal(scratch));
  const bytes = Math.max(4 * MiB, Math.min(256 * MiB, Math.round((probe * MiB) / (quick ? 8 : 4))));

  const rawSeal: number[] = [];
  const rawOpen: number[] = [];
  const encode: number[] = [];
  const decode: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawSeal.push(measure(bytes, () => raw.seal(scratch)));
    const template = raw.record(payload);
    const records = new Uint8Array(Math.ceil(bytes / PAYLOAD) * template.length);
    for (let at = 0; at < records.length; at += template.length) records.set(template, at);
    let next = 0;
    rawOpen.push(
      measure(bytes, () => {
        raw.open(records.subarray(next, next + template.length));
        next += template.length;
      }),
    );

    const encoder = new PacketEncoder(provider.primitives);
    encoder.setKeys(keys);
    const writeBuffer = new Uint8Array(4 * MiB);
    const packetBytes = encoder.packetSize(PAYLOAD);
    let written = 0;
    const chunks: Uint8Array[] = [];
    const detached = encoder.canEncodeChunksWithoutCopy;
    encode.push(
      measure(
        bytes,
        detached
          ? () => {
              // The draft's payload area is reused: the data is already in place, as raw's is.
              chunks.length = 0;
              encoder.seal(encoder.draft(PAYLOAD), chunks);
            }
          : () => {
              if (written + packetBytes > writeBuffer.length) written = 0;
              written += encoder.encodeInto(payload, writeBuffer, written);
            },
      ),
    );

    // Decoding consumes its input (decrypted in place), so build a fresh stream first, untimed.
    const source = new PacketEncoder(provider.primitives);
    source.setKeys(keys);
    const count = Math.ceil(bytes / PAYLOAD);
    const packetSize = source.packetSize(PAYLOAD);
    const stream = new Uint8Array(count * packetSize);
    for (let i = 0; i < count; i++) source.encodeInto(payload, stream, i * packetSize);
    const decoder = new PacketDecoder(provider.primitives);
    decoder.setKeys(keys);
    let offset = 0;
    decode.push(
      measure(bytes, () => {
        while (decoder.next() === undefined) {
          decoder.push(stream.subarray(offset, offset + CHUNK));
          offset += CHUNK;
        }
      }),
    );
  }
  const suite = cipher.kind === 'aead' ? cipher.name : `${cipher.name} + ${mac.name}`;
  return {
    provider: provider.name,
    suite,
    raw: median(rawSeal),
    rawOpen: median(rawOpen),
    encode: median(encode),
    decode: median(decode),
  };
}

const rows: Row[] = [];
for (const provider of [nobleProvider, nodeProvider]) {
  for (const cipher of provider.ciphers) {
    if (only && !`${provider.name} ${cipher.name}`.includes(only)) continue;
    rows.push(benchSuite(provider, cipher, hmacSha256Etm));
    const r = rows[rows.length - 1]!;
    console.log(
      `${r.provider.padEnd(6)} ${r.suite.padEnd(46)} raw seal ${r.raw.toFixed(1).padStart(7)}  encode ${r.encode
        .toFixed(1)
        .padStart(
          7,
        )} (${(r.encode / r.raw).toFixed(2)}×)   raw open ${r.rawOpen.toFixed(1).padStart(7)}  decode ${r.decode
        .toFixed(1)
        .padStart(7)} (${(r.decode / r.rawOpen).toFixed(2)}×)  MiB/s`,
    );
  }
}

const failures = rows.filter((r) => r.encode / r.raw < GATE || r.decode / r.rawOpen < GATE);
console.log(`\n${ROUNDS} rounds, medians, 32 KiB payloads; node ${process.version}, ${process.arch}`);
if (failures.length > 0) {
  console.log(`below ${GATE}× raw: ${failures.map((r) => `${r.provider} ${r.suite}`).join('; ')}`);
  if (!args.has('--no-gate')) process.exit(1);
} else {
  console.log(`every packetizer median ≥ ${GATE}× raw`);
}
