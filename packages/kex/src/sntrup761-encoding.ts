// The NTRU Prime specification's Encode / Decode (round-3 spec §3.2 "Encoding"): a vector of
// integers R[i] in [0, M[i]) as bytes, by repeatedly merging neighbours into one radix
// M[i]·M[i+1] digit and emitting its low bytes while the merged radix is at least 2^14. Here every
// M[i] is the same modulus (q for public keys, (q+2)/3 for rounded ciphertexts). The input values of
// Encode may be secret (decapsulation re-encrypts); its control flow depends on the moduli only.
// Decode reads public data (public keys, ciphertexts); like the reference it reduces every output
// mod its M, so any byte string decodes to some vector.

const MERGE_LIMIT = 16384;

function encodeInto(out: number[], R: number[], M: number[]): void {
  if (M.length === 0) return;
  if (M.length === 1) {
    let r = R[0]!;
    for (let m = M[0]!; m > 1; m = (m + 255) >>> 8) {
      out.push(r & 255);
      r >>>= 8;
    }
    return;
  }
  const R2: number[] = [];
  const M2: number[] = [];
  for (let i = 0; i + 1 < M.length; i += 2) {
    let m = M[i]! * M[i + 1]!;
    let r = R[i]! + M[i]! * R[i + 1]!;
    while (m >= MERGE_LIMIT) {
      out.push(r & 255);
      r >>>= 8;
      m = (m + 255) >>> 8;
    }
    R2.push(r);
    M2.push(m);
  }
  if (M.length % 2 === 1) {
    R2.push(R[M.length - 1]!);
    M2.push(M[M.length - 1]!);
  }
  encodeInto(out, R2, M2);
}

/** Encodes `values` (each in [0, modulus)). */
export function encodeVector(values: readonly number[], modulus: number): Uint8Array {
  const out: number[] = [];
  encodeInto(out, [...values], new Array<number>(values.length).fill(modulus));
  return Uint8Array.from(out);
}

function decodeFrom(S: Uint8Array, at: number, M: number[]): number[] {
  if (M.length === 0) return [];
  if (M.length === 1) {
    const m = M[0]!;
    if (m === 1) return [0];
    const r = m <= 256 ? S[at]! : S[at]! + 256 * S[at + 1]!;
    return [r % m];
  }
  const bottomR: number[] = [];
  const bottomT: number[] = [];
  const M2: number[] = [];
  for (let i = 0; i + 1 < M.length; i += 2) {
    let m = M[i]! * M[i + 1]!;
    let r = 0;
    let t = 1;
    while (m >= MERGE_LIMIT) {
      r += S[at++]! * t;
      t *= 256;
      m = (m + 255) >>> 8;
    }
    bottomR.push(r);
    bottomT.push(t);
    M2.push(m);
  }
  if (M.length % 2 === 1) M2.push(M[M.length - 1]!);
  const R2 = decodeFrom(S, at, M2);
  const out: number[] = [];
  for (let i = 0; i + 1 < M.length; i += 2) {
    const r = bottomR[i / 2]! + bottomT[i / 2]! * R2[i / 2]!;
    out.push(r % M[i]!, Math.floor(r / M[i]!) % M[i + 1]!);
  }
  if (M.length % 2 === 1) out.push(R2[R2.length - 1]!);
  return out;
}

/** Decodes `count` values, each reduced mod `modulus`. */
export function decodeVector(bytes: Uint8Array, count: number, modulus: number): number[] {
  return decodeFrom(bytes, 0, new Array<number>(count).fill(modulus));
}
