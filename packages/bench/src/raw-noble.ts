// TARGETS.md target 2: pure-noble SFTP with chacha20-poly1305 ≥ 0.85 × "the raw noble cipher
// throughput measured in the same process". Raw: the least work any implementation of
// chacha20-poly1305@openssh.com does per 32 KiB packet with noble, called directly — the payload
// cipher (chacha20orig, counter 1) and the Poly1305 tag (as packages/transport/bench does).
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { median } from './report.js';

const PACKET = 32 * 1024;

/** MiB/s sealing (encrypt then tag) and opening (tag then decrypt) 32 KiB packets, median of `rounds`. */
export function rawNobleChacha(mib = 64, rounds = 5): { seal: number; open: number } {
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(8);
  const polyKey = new Uint8Array(32).fill(9);
  const buf = new Uint8Array(PACKET).fill(1);
  const packets = (mib * 1024 * 1024) / PACKET;
  const seal: number[] = [];
  const open: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < packets; i++) {
      chacha20orig(key, nonce, buf, buf, 1);
      poly1305(buf, polyKey);
    }
    seal.push(mib / ((performance.now() - t) / 1000));
    t = performance.now();
    for (let i = 0; i < packets; i++) {
      poly1305(buf, polyKey);
      chacha20orig(key, nonce, buf, buf, 1);
    }
    open.push(mib / ((performance.now() - t) / 1000));
  }
  return { seal: median(seal), open: median(open) };
}
