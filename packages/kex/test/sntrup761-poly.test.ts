// The fast ring arithmetic of src/sntrup761-poly.ts against plain references: products by the
// schoolbook definition with `%` (R = Z[x]/(x^p − x − 1)), reciprocals multiplied back to 1, and the
// modular reductions over their whole stated ranges. Inputs come from a seeded generator, plus the
// extreme ones (every coefficient at its largest) that push the packed lanes and the lazy reduction
// to their limits.
import { describe, expect, it } from 'vitest';
import {
  f3Freeze,
  fqFreeze,
  fqFreezeWide,
  P,
  Q,
  r3Mul,
  r3Recip,
  rqMulSmall,
  rqRecip3,
} from '../src/sntrup761-poly.js';

const Q12 = (Q - 1) / 2;

/** x mod m, centred: in [-(m−1)/2, (m−1)/2] (m odd). */
function centred(x: number, m: number): number {
  const r = ((x % m) + m) % m;
  return r > (m - 1) / 2 ? r - m : r;
}

/** a·b in Z[x]/(x^p − x − 1), coefficients mod m: the schoolbook definition, nothing clever. */
function referenceProduct(a: ArrayLike<number>, b: ArrayLike<number>, m: number): number[] {
  const c = new Array<number>(2 * P - 1).fill(0);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) c[i + j] = (c[i + j]! + a[i]! * b[j]!) % m;
  for (let k = 2 * P - 2; k >= P; k--) {
    // x^k = x^(k−p)·x^p and x^p = x + 1
    c[k - P + 1] = (c[k - P + 1]! + c[k]!) % m;
    c[k - P] = (c[k - P]! + c[k]!) % m;
  }
  return c.slice(0, P).map((x) => centred(x, m));
}

/** A small deterministic generator (mulberry32), so failures reproduce. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const next = generator(761);
const randomSmall = () => Int8Array.from({ length: P }, () => Math.floor(next() * 3) - 1);
const randomRq = () => Int16Array.from({ length: P }, () => Math.floor(next() * Q) - Q12);
const one = (scale: number) => Array.from({ length: P }, (_, i) => (i === 0 ? scale : 0));

describe('sntrup761 reductions', () => {
  it('fqFreeze is x mod q, centred, for every |x| ≤ 2^24', () => {
    let bad = 0;
    for (let x = -(2 ** 24); x <= 2 ** 24; x++) if (fqFreeze(x) !== centred(x, Q)) bad++;
    expect(bad).toBe(0);
  });

  it('fqFreezeWide is x mod q, centred, for |x| < 2^48', () => {
    const edges = [0, 1, -1, Q12, -Q12, Q12 + 1, -Q12 - 1, 2 ** 48 - 1, -(2 ** 48) + 1];
    for (let k = 1; k < 2 ** 16; k++) edges.push(k * Q + Q12, k * Q - Q12, -k * Q + Q12, -k * Q - Q12);
    for (let i = 0; i < 100_000; i++) edges.push(Math.floor((next() * 2 - 1) * 2 ** 48));
    for (const x of edges) {
      const expected = Number(((BigInt(x) % BigInt(Q)) + BigInt(Q) + BigInt(Q12)) % BigInt(Q)) - Q12;
      if (fqFreezeWide(x) !== expected) expect(fqFreezeWide(x), `x = ${x}`).toBe(expected);
    }
  });

  it('f3Freeze is x mod 3, centred, for every |x| < 2^14', () => {
    for (let x = -(2 ** 14) + 1; x < 2 ** 14; x++)
      if (f3Freeze(x) !== centred(x, 3)) expect(f3Freeze(x)).toBe(centred(x, 3));
  });
});

describe('sntrup761 products', () => {
  it('rqMulSmall matches the schoolbook product mod q', () => {
    const cases: [Int16Array, Int8Array][] = [
      [new Int16Array(P).fill(Q12), new Int8Array(P).fill(1)],
      [new Int16Array(P).fill(-Q12), new Int8Array(P).fill(1)],
      [new Int16Array(P).fill(Q12), new Int8Array(P).fill(-1)],
      [
        Int16Array.from({ length: P }, (_, i) => (i % 2 ? Q12 : -Q12)),
        Int8Array.from({ length: P }, (_, i) => (i % 2 ? 1 : -1)),
      ],
    ];
    for (let i = 0; i < 6; i++) cases.push([randomRq(), randomSmall()]);
    for (const [a, b] of cases) expect(Array.from(rqMulSmall(a, b))).toEqual(referenceProduct(a, b, Q));
  });

  it('r3Mul matches the schoolbook product mod 3', () => {
    const cases: [Int8Array, Int8Array][] = [
      [new Int8Array(P).fill(1), new Int8Array(P).fill(1)],
      [new Int8Array(P).fill(-1), new Int8Array(P).fill(1)],
      [new Int8Array(P).fill(-1), new Int8Array(P).fill(-1)],
    ];
    for (let i = 0; i < 6; i++) cases.push([randomSmall(), randomSmall()]);
    for (const [a, b] of cases) expect(Array.from(r3Mul(a, b))).toEqual(referenceProduct(a, b, 3));
  });
});

describe('sntrup761 reciprocals', () => {
  it('r3Recip: g · (1/g) = 1 in R/3 whenever it reports g invertible', () => {
    const cases = [
      new Int8Array(P).fill(1),
      new Int8Array(P).fill(-1),
      Int8Array.from({ length: P }, (_, i) => (i === 0 ? 1 : 0)),
    ];
    for (let i = 0; i < 12; i++) cases.push(randomSmall());
    let invertible = 0;
    for (const g of cases) {
      const { value, invertible: ok } = r3Recip(g);
      if (!ok) continue;
      invertible++;
      expect(referenceProduct(value, g, 3)).toEqual(one(1));
    }
    expect(invertible).toBeGreaterThan(10);
  });

  it('r3Recip: reports g not invertible when it shares a factor with x^p − x − 1 mod 3', () => {
    expect(r3Recip(new Int8Array(P)).invertible).toBe(false);
    // Mod 3, x^761 − x − 1 factors into irreducibles of degrees 19, 60 and 682; this is the one of
    // degree 19 (coefficients from x^0 up; found with sympy's factor_list over GF(3)).
    const factor = [-1, -1, 0, -1, -1, -1, 1, -1, 1, -1, 0, -1, 1, 1, 1, 1, -1, 0, 1, 1];
    const cases = [factor];
    for (let n = 0; n < 4; n++) {
      // factor · h for a random h of degree < p − 19: still of degree < p, no reduction needed
      const h = randomSmall().subarray(0, P - 19);
      const g = new Array<number>(P).fill(0);
      for (let i = 0; i < factor.length; i++)
        for (let j = 0; j < h.length; j++) g[i + j] = g[i + j]! + factor[i]! * h[j]!;
      cases.push(g.map((c) => centred(c, 3)));
    }
    for (const g of cases) {
      const padded = new Int8Array(P);
      padded.set(g);
      expect(r3Recip(padded).invertible).toBe(false);
    }
  });

  it('rqRecip3: 3f · (1/(3f)) = 1 in R/q, for small f', () => {
    const cases = [
      new Int8Array(P).fill(1),
      new Int8Array(P).fill(-1),
      Int8Array.from({ length: P }, (_, i) => (i % 2 ? 1 : -1)),
    ];
    for (let i = 0; i < 10; i++) cases.push(randomSmall());
    // a short f: exactly 286 nonzero coefficients, as key generation draws it
    cases.push(Int8Array.from({ length: P }, (_, i) => (i < 286 ? (i % 3 ? 1 : -1) : 0)));
    for (const f of cases) {
      const inverse = rqRecip3(f);
      expect(inverse.every((c) => c >= -Q12 && c <= Q12)).toBe(true);
      expect(
        referenceProduct(
          inverse,
          Array.from(f, (c) => 3 * c),
          Q,
        ),
      ).toEqual(one(1));
    }
  });
});
