// Time of one key exchange per method: our client against our server in one process — the whole
// exchange (both sides' work: two modular exponentiations per side for finite-field DH) and the
// client's share alone (what a handshake costs the side that connects; for the hybrid methods the
// KEM key generation and decapsulation), plus the modPow behind the largest group alone. Medians of several rounds; machines are noisy, so read
// the figures as orders of magnitude. `--quick` runs fewer rounds. Last, the sntrup761 KEM's three
// operations alone (the bulk of the sntrup761x25519 client's share).
import { performance } from 'node:perf_hooks';
import type { KexServerContext } from '@sshts/transport';
import { modPow } from '../src/modexp.js';
import { MODP_GROUP14, MODP_GROUP18 } from '../src/modp-groups.js';
import { kexMethods } from '../src/registry.js';
import { sntrup761Decapsulate, sntrup761Encapsulate, sntrup761KeyPair } from '../src/sntrup761.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 9;
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function exchangeOnce(index: number): Promise<{ total: number; client: number }> {
  const method = kexMethods[index]!;
  const server: KexServerContext = {
    randomBytes: random,
    exchangeHashPrefix: new Uint8Array(0),
    hostKeyBlob: new Uint8Array(51),
    sign: () => new Uint8Array(83),
    // A fixed 2048-bit group, so group exchange measures DH rather than group choice.
    chooseGroup: () => MODP_GROUP14,
  };
  let client = 0;
  const timed = async <T>(run: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await run();
    client += performance.now() - t;
    return out;
  };
  const t0 = performance.now();
  const c = await timed(() => method.client({ randomBytes: random, exchangeHashPrefix: new Uint8Array(0) }));
  const s = method.server(server);
  let toServer = await timed(() => c.start());
  for (let i = 0; i < 4 && toServer.length > 0; i++) {
    const next: Uint8Array[] = [];
    for (const m of toServer) {
      for (const reply of (await s.receive(m)).send) next.push(...(await timed(() => c.receive(reply))).send);
    }
    toServer = next;
  }
  return { total: performance.now() - t0, client };
}

console.log(`Node ${process.version}; ${rounds} rounds after one warm-up; median ms per exchange`);
console.log(`${'method'.padEnd(40)} ${'client'.padStart(8)} ${'c + s'.padStart(8)}`);
for (let i = 0; i < kexMethods.length; i++) {
  await exchangeOnce(i); // warm-up (JIT)
  const totals: number[] = [];
  const clients: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { total, client } = await exchangeOnce(i);
    totals.push(total);
    clients.push(client);
  }
  console.log(
    `${kexMethods[i]!.name.padEnd(40)} ${median(clients).toFixed(1).padStart(8)} ${median(totals).toFixed(1).padStart(8)}`,
  );
}

const x = BigInt(`0x${Array.from(random(64), (b) => b.toString(16).padStart(2, '0')).join('')}`);
const y = modPow(2n, x, MODP_GROUP18.p);
for (const [label, base] of [
  ['2^x mod p18 (512-bit x)', 2n],
  ['f^x mod p18 (512-bit x)', y],
] as const) {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    modPow(base, x, MODP_GROUP18.p);
    times.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(40)} ${median(times).toFixed(1).padStart(8)}`);
}

{
  const keygen: number[] = [];
  const encap: number[] = [];
  const decap: number[] = [];
  for (let r = 0; r < 2 + 3 * rounds; r++) {
    const t0 = performance.now();
    const { publicKey, secretKey } = sntrup761KeyPair(random);
    const t1 = performance.now();
    const { cipherText } = sntrup761Encapsulate(publicKey, random);
    const t2 = performance.now();
    sntrup761Decapsulate(cipherText, secretKey);
    const t3 = performance.now();
    if (r < 2) continue; // warm-up (JIT)
    keygen.push(t1 - t0);
    encap.push(t2 - t1);
    decap.push(t3 - t2);
  }
  for (const [label, times] of [
    ['sntrup761 key generation', keygen],
    ['sntrup761 encapsulation', encap],
    ['sntrup761 decapsulation', decap],
  ] as const) {
    console.log(`${label.padEnd(40)} ${median(times).toFixed(1).padStart(8)}`);
  }
}
