// Blowfish's initial P-array and S-boxes (Schneier, "Description of a New Variable-Length Key,
// 64-Bit Block Cipher (Blowfish)", FSE 1993) are the hexadecimal digits of the fractional part of π,
// 0x243f6a88 85a308d3 …, taken 32 bits at a time: the 18 P entries first, then S-boxes 1 to 4.
// They are computed here from π the first time bcrypt_pbkdf needs them (Machin's formula
// π = 16·arctan(1/5) − 4·arctan(1/239) on BigInt, some 40 ms once) instead of shipping the 1,042
// words, which were 11 KB of every browser bundle that can read a passphrase-protected key.
// test/blowfish-constants.test.ts checks every word against the published table.

const P_WORDS = 18;
const S_WORDS = 4 * 256;
const WORDS = P_WORDS + S_WORDS;
/** Bits kept beyond the table: the series' rounding errors (one unit per term) stay far below them. */
const GUARD_BITS = 64n;

/** arctan(1/x) · 2^bits, by its Taylor series 1/x − 1/(3x³) + 1/(5x⁵) − …, truncating each term. */
function arctanInverse(x: bigint, bits: bigint): bigint {
  const x2 = x * x;
  let power = (1n << bits) / x; // 2^bits / x^(2k+1)
  let sum = power;
  for (let k = 1n; power !== 0n; k++) {
    power /= x2;
    const term = power / (2n * k + 1n);
    sum += k % 2n === 1n ? -term : term;
  }
  return sum;
}

function computeTable(): Uint32Array {
  const bits = BigInt(WORDS * 32) + GUARD_BITS;
  const pi = 16n * arctanInverse(5n, bits) - 4n * arctanInverse(239n, bits);
  let fraction = (pi - (3n << bits)) >> GUARD_BITS; // the first WORDS·32 bits after the point
  const table = new Uint32Array(WORDS);
  for (let i = WORDS - 1; i >= 0; i--) {
    table[i] = Number(fraction & 0xffffffffn);
    fraction >>= 32n;
  }
  return table;
}

let table: Uint32Array | undefined;

/** P1 … P18 then S1[0] … S4[255], computed on first use and shared (callers copy it). */
export function blowfishConstants(): { readonly p: Uint32Array; readonly s: Uint32Array } {
  table ??= computeTable();
  return { p: table.subarray(0, P_WORDS), s: table.subarray(P_WORDS) };
}
