// Blowfish (Schneier 1993) and the "expensive key schedule" of eksblowfish (Provos & Mazières,
// "A Future-Adaptable Password Scheme", USENIX 1999), as OpenBSD's blowfish.c provides them to
// bcrypt_pbkdf: Blowfish_initstate, Blowfish_expandstate, Blowfish_expand0state, blf_enc. Only the
// encryption direction is needed. @noble has no Blowfish (protocol-checklist §13), so this is ours.
import { blowfishConstants } from './blowfish-constants.js';

/** Blowfish's 16 rounds; the P-array has 16 + 2 entries. */
const ROUNDS = 16;

export interface BlowfishState {
  /** P1 … P18. */
  readonly p: Int32Array;
  /** S-boxes 1–4 concatenated: S1 at 0, S2 at 256, S3 at 512, S4 at 768. */
  readonly s: Int32Array;
}

/** Blowfish_initstate: the π-derived initial P-array and S-boxes. */
export function blowfishInitState(): BlowfishState {
  const { p, s } = blowfishConstants();
  return { p: new Int32Array(p), s: new Int32Array(s) };
}

/**
 * Encrypts the 64-bit block (block[at], block[at + 1]) in place — Blowfish_encipher: 16 Feistel
 * rounds with F(x) = ((S1[a] + S2[b]) ⊕ S3[c]) + S4[d] for the bytes a‖b‖c‖d of x (mod 2^32).
 */
export function blowfishEncipher(state: BlowfishState, block: Int32Array, at: number): void {
  const { p, s } = state;
  let l = block[at]! ^ p[0]!;
  let r = block[at + 1]!;
  for (let i = 1; i <= ROUNDS; i += 2) {
    r ^=
      (((s[l >>> 24]! + s[256 | ((l >>> 16) & 0xff)]!) ^ s[512 | ((l >>> 8) & 0xff)]!) +
        s[768 | (l & 0xff)]!) ^
      p[i]!;
    l ^=
      (((s[r >>> 24]! + s[256 | ((r >>> 16) & 0xff)]!) ^ s[512 | ((r >>> 8) & 0xff)]!) +
        s[768 | (r & 0xff)]!) ^
      p[i + 1]!;
  }
  block[at] = r ^ p[ROUNDS + 1]!;
  block[at + 1] = l;
}

/**
 * `count` big-endian 32-bit words read from `bytes` taken cyclically (Blowfish_stream2word called
 * `count` times from position 0): the key material of the key schedule.
 */
export function streamWords(bytes: Uint8Array, count: number): Int32Array {
  if (bytes.length === 0) throw new RangeError('Blowfish key material must not be empty');
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < count; i++) {
    let w = 0;
    for (let b = 0; b < 4; b++) {
      w = (w << 8) | bytes[j]!;
      j = j + 1 === bytes.length ? 0 : j + 1;
    }
    out[i] = w;
  }
  return out;
}

/** Words of key material each schedule consumes: 18 for P, and 18 + 1024 for the data stream. */
export const KEY_WORDS = ROUNDS + 2;
export const DATA_WORDS = ROUNDS + 2 + 4 * 256;

/**
 * Re-keys the state: P ⊕= key, then P and the S-boxes are replaced, two words at a time, by
 * successive encryptions of a running block that is first XORed with the next two data words
 * (Blowfish_expandstate, eksblowfish's salted schedule). With `data` undefined the block is not
 * XORed — Blowfish_expand0state, which from the initial state is Blowfish's own key schedule.
 * `key` holds KEY_WORDS words and `data` DATA_WORDS words (see streamWords).
 */
export function blowfishExpand(state: BlowfishState, key: Int32Array, data?: Int32Array): void {
  const { p, s } = state;
  for (let i = 0; i < KEY_WORDS; i++) p[i] = p[i]! ^ key[i]!;
  const block = new Int32Array(2);
  let j = 0;
  const fill = (target: Int32Array, length: number): void => {
    for (let i = 0; i < length; i += 2) {
      if (data !== undefined) {
        block[0] = block[0]! ^ data[j++]!;
        block[1] = block[1]! ^ data[j++]!;
      }
      blowfishEncipher(state, block, 0);
      target[i] = block[0]!;
      target[i + 1] = block[1]!;
    }
  };
  fill(p, KEY_WORDS);
  fill(s, 4 * 256);
}
