// The main job until the client exists: shows the binary packet protocol working. For every cipher
// (CTR ciphers with the default ETM MAC) it seals a message with one crypto provider, opens it with
// the other, flips one byte to show the MAC/tag refusing it, and opens a packet that AsyncSSH
// produced (test-vectors/packets).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MacError } from '@sshts/wire';
import type { CipherAlgorithm } from '../src/cipher.js';
import { hmacSha256Etm } from '../src/macs/hmac.js';
import { nobleProvider } from '../src/noble-provider.js';
import { nodeProvider } from '../src/node/node-provider.js';
import { PacketDecoder } from '../src/packet-decoder.js';
import { PacketEncoder } from '../src/packet-encoder.js';
import type { DirectionKeys } from '../src/packet-protection.js';
import { findCipher, findMac } from '../src/registry.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const text = new TextEncoder();

function keysFor(cipher: CipherAlgorithm): DirectionKeys {
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  return {
    cipher,
    mac: hmacSha256Etm,
    encKey: random(cipher.keyLength),
    iv: random(cipher.ivLength),
    macKey: random(hmacSha256Etm.keyLength),
  };
}

const vectorsDir = join(import.meta.dirname, '../../../test-vectors/packets');
function asyncsshVector(cipher: CipherAlgorithm) {
  const file = cipher.kind === 'aead' ? `${cipher.name}-aead` : `${cipher.name}-${hmacSha256Etm.name}`;
  return JSON.parse(readFileSync(join(vectorsDir, `asyncssh-${file}.json`), 'utf8'));
}

console.log('sshts packet layer: seal with noble, open with node:crypto, tamper, and open AsyncSSH output\n');
for (const cipher of nobleProvider.ciphers) {
  const keys = keysFor(cipher);
  const message = text.encode(`\x5ehello over ${cipher.name}`); // 94 = SSH_MSG_CHANNEL_DATA
  const encoder = new PacketEncoder(nobleProvider.primitives);
  encoder.setKeys(keys);
  const wire = encoder.encode(message);

  const decoder = new PacketDecoder(nodeProvider.primitives);
  decoder.setKeys(keys);
  decoder.push(wire.slice());
  const opened = decoder.next();
  const roundTrip = opened !== undefined && hex(opened) === hex(message);

  const tampered = wire.slice();
  tampered[wire.length >> 1]! ^= 0x40;
  const victim = new PacketDecoder(nodeProvider.primitives);
  victim.setKeys(keys);
  victim.push(tampered);
  let refused = false;
  try {
    victim.next();
  } catch (error) {
    refused = error instanceof MacError;
  }

  const vector = asyncsshVector(cipher);
  const peer = new PacketDecoder(nobleProvider.primitives);
  peer.setKeys({
    cipher: findCipher(nobleProvider, vector.cipher)!,
    mac: vector.mac ? findMac(nobleProvider, vector.mac)! : hmacSha256Etm,
    encKey: unhex(vector.encKey),
    iv: unhex(vector.iv),
    macKey: unhex(vector.macKey),
  });
  peer.push(unhex(vector.packets.map((p: { wire: string }) => p.wire).join('')));
  let matched = 0;
  for (const p of vector.packets) if (hex(peer.next() ?? new Uint8Array()) === p.payload) matched++;

  const label = cipher.kind === 'aead' ? cipher.name : `${cipher.name} + ${hmacSha256Etm.name}`;
  console.log(`${label}`);
  console.log(`  ${wire.length}-byte packet on the wire: ${hex(wire.subarray(0, 24))}…`);
  console.log(`  noble → node:crypto round trip: ${roundTrip ? 'ok' : 'FAILED'}`);
  console.log(`  one byte flipped: ${refused ? 'refused with MacError' : 'NOT REFUSED'}`);
  console.log(`  AsyncSSH 2.10.1 packets opened: ${matched}/${vector.packets.length}\n`);
  if (!roundTrip || !refused || matched !== vector.packets.length) process.exitCode = 1;
}
