// Ring arithmetic for sntrup761 (NTRU Prime round-3 specification §2; R = Z[x]/(x^p − x − 1),
// p = 761, q = 4591): products in R/q and R/3 and the two reciprocals key generation needs. These
// are the hot loops of the KEM: typed arrays, no `%`, no division, no allocation inside the loops.
// R/3's reciprocal is bitsliced on int32 words; R/q's runs on doubles, reducing mod q only every
// third step; the products pack several coefficients into each double. Constant time as far as
// JavaScript allows: loop bounds depend on public values only (the step counter), selections are
// masks or multiplications by 0 / 1, never branches or secret indices.

export const P = 761;
export const Q = 4591;
const N = P + 1;

const INV_Q = 1 / Q;

/**
 * x mod q in [-(q−1)/2, (q−1)/2], for integers |x| ≤ 2^24: round(x / q) from one floating-point
 * multiply (exact enough: x/q + 1/2 is never within 1/(2q) of an integer, q being odd, and the
 * rounding error is below 2^-38), truncated after an offset that keeps it positive, so `| 0` floors.
 * No division, no branch; the tests check the whole range exhaustively.
 */
export function fqFreeze(x: number): number {
  return x - Math.imul(Q, ((x * INV_Q + 4096.5) | 0) - 4096);
}

/** x mod 3 in {-1, 0, 1}, for |x| < 2^14 (a Barrett step with 2^15 / 3 ≈ 10923). */
export function f3Freeze(x: number): number {
  return x - 3 * ((10923 * x + 16384) >> 15);
}

/** -1 when x ≠ 0, else 0 (x a 32-bit integer). */
function nonzeroMask(x: number): number {
  return (x | -x) >> 31;
}

/** 1/a in F_q as a^(q-2); the exponent is public, so its bits may steer the loop. */
function fqRecip(a: number): number {
  let result = 1;
  let base = fqFreeze(a);
  for (let e = Q - 2; e > 0; e >>>= 1) {
    if (e & 1) result = fqFreeze(result * base);
    base = fqFreeze(base * base);
  }
  return result;
}

// ----- products

const packed = new Float64Array(2 * P - 1);
const product = new Int32Array(2 * P - 1);
const MAX_LANES = 4;
/** b, as doubles, with room for the four-row passes to read zeros on both sides. */
const bPadded = new Float64Array(P + 6 * MAX_LANES);

/** The shared scratch held secret-derived products: not left in memory after the call. */
function wipeScratch(): void {
  packed.fill(0);
  product.fill(0);
  bPadded.fill(0);
}

/** Lanes a_i, a_(i+1), … of a (zero past the end) packed into one double, `radix` apart. */
function packLanes(a: Int16Array, i: number, lanes: number, radix: number): number {
  let A = 0;
  for (let l = lanes - 1; l >= 0; l--) A = A * radix + (i + l < P ? a[i + l]! : 0); // public test
  return A;
}

/**
 * a·b before reduction mod q or 3, in `product` (indices 0..p−1 hold the result), b small
 * ({-1, 0, 1}). Schoolbook without zero skipping, several coefficients of a per double ("lanes",
 * `bits` apart): A = a_i + a_(i+1)·2^bits + …, so that one multiply-add A·b_j serves as many
 * partial products (of x^(i+j), x^(i+j+1), …). The caller picks lanes and bits so that every lane
 * sum stays below 2^(bits−1) in size and the whole below 2^53: the doubles then hold exact integers
 * and the lanes separate by rounding. (Floating-point multiply and add take the same time for every
 * integer operand.) Four packed rows go through each pass over the accumulator.
 */
function rawProduct(a: Int16Array, b: Int8Array, lanes: number, bits: number): Int32Array {
  const acc = packed;
  acc.fill(0);
  const radix = 2 ** bits;
  // bp[t] = b[t − 3·lanes]: the row starting at i + r·lanes adds A_r·b[k − i − r·lanes] to acc[k].
  const bp = bPadded;
  bp.fill(0);
  const o = 3 * lanes;
  for (let j = 0; j < P; j++) bp[o + j] = b[j]!;
  let i = 0;
  for (; i + o < P; i += 4 * lanes) {
    const A0 = packLanes(a, i, lanes, radix);
    const A1 = packLanes(a, i + lanes, lanes, radix);
    const A2 = packLanes(a, i + 2 * lanes, lanes, radix);
    const A3 = packLanes(a, i + o, lanes, radix);
    for (let t = o, k = i; t < P + 2 * o; t++, k++) {
      acc[k] = acc[k]! + A0 * bp[t]! + A1 * bp[t - lanes]! + A2 * bp[t - 2 * lanes]! + A3 * bp[t - o]!;
    }
  }
  for (; i < P; i += lanes) {
    const A0 = packLanes(a, i, lanes, radix);
    for (let t = o, k = i; t < P + o; t++, k++) acc[k] = acc[k]! + A0 * bp[t]!;
  }
  // Lane l of acc[k] belongs to x^(k+l): peel the lanes off from the bottom by balanced rounding.
  const out = product;
  out.fill(0);
  const inverse = 1 / radix;
  for (let k = 0; k < 2 * P - 1; k++) {
    let x = acc[k]!;
    for (let l = 0; l < lanes && k + l < 2 * P - 1; l++) {
      const rest = Math.round(x * inverse);
      out[k + l] = out[k + l]! + (x - rest * radix);
      x = rest;
    }
  }
  // x^k = x^(k-p) · (x + 1) for k ≥ p: fold the top down, highest first.
  for (let k = 2 * P - 2; k >= P; k--) {
    const c = out[k]!;
    out[k - P] = out[k - P]! + c;
    out[k - P + 1] = out[k - P + 1]! + c;
  }
  return out;
}

/**
 * a·b in R/q, a in R/q (centred), b small. Two lanes of 24 bits: a lane sums at most 381 products
 * of size ≤ 2295, below 2^20; the result is below 2^21 before the fold, 2^23 after.
 */
export function rqMulSmall(a: Int16Array, b: Int8Array): Int16Array {
  const prod = rawProduct(a, b, 2, 24);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = fqFreeze(prod[i]!);
  wipeScratch();
  return out;
}

/** a·b in R/3, a and b small. Four lanes of 12 bits: a lane sums at most 191 products of ±1 or 0. */
export function r3Mul(a: Int8Array, b: Int8Array): Int8Array {
  const prod = rawProduct(Int16Array.from(a), b, 4, 12); // one element type: monomorphic loads
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = f3Freeze(prod[i]!);
  wipeScratch();
  return out;
}

// ----- reciprocals
//
// Bernstein–Yang divsteps on reversed polynomials ("Fast constant-time gcd computation and modular
// inversion", as the NTRU Prime specification and OpenSSH's sntrup761.c R3_recip / Rq_recip3 use
// them): 2p−1 steps whatever the input, every swap by mask. f starts as x^p − x − 1 reversed, g as
// the input reversed, v = 0, r = the scale. Each step: v = x·v; swap (f, g) and (v, r) when
// delta > 0 and g0 ≠ 0; then g = (f0·g − g0·f) / x and r = f0·r − g0·v. At the end delta = 0 exactly
// when the input was invertible, and v reversed, divided by f's constant term, is scale / input.
//
// Two public bounds shrink the work without changing the result. v and r have nonzero coefficients
// at indices ≤ s only after step s (r starts as a constant and v as 0; the step's x·v raises the
// bound by one). And the steps from s on read
// only f and g's coefficients below 2p − 1 − s (each step reads index 0 and shifts g down by one;
// the last reads f0 only), so the coefficients above that bound may be left stale.

/** How many of f and g's coefficients (indices 0 .. bound − 1) step s must keep exact. */
function fgBound(step: number): number {
  return Math.min(N, 2 * P - 1 - step);
}

// R/3 is bitsliced: 32 coefficients per pair of int32 words, bit i of `a` set when coefficient i is
// nonzero and bit i of `s` its sign (1 for −1; don't-care where the coefficient is 0). One word
// operation then does 32 coefficients' masked swap, scaling by ±1 / 0 and addition mod 3.
//
// Addition: for a1, a2 the nonzero masks and s1, s2 the signs of two vectors, with d = s1 ^ s2, the
// sum mod 3 is nonzero where exactly one is nonzero or both are with equal signs (1 + 1 = −1):
// a = (a1 ^ a2) | (a1 & a2 & ~d); its sign is s1 where a2 = 0, s2 where only a2 ≠ 0 and ¬s1 where
// both are: s = s1 ^ (a2 & (a1 | d)). Signs of zero coefficients are never relied on. Scaling by
// f0 = ±1 flips s (mask F); by −g0 masks a with g0 ≠ 0 (G) and flips s when g0 = +1 (S).
const WORDS = (N + 31) >> 5; // 24

/**
 * One divstep's pass over a pair (x, y) of bitsliced polynomials, `words` words of each: the masked
 * swap, then y' = f0·y + (−g0)·x. For (v, r) `raise` multiplies x by x before the swap (v = x·v);
 * for (f, g) y' is divided by x instead (shifted down one coefficient: its constant term is 0).
 * `raise` is fixed at each call site, so branching on it reveals nothing, and measured no slower
 * than the two passes written out.
 */
function divstepPass(
  xA: Int32Array,
  xS: Int32Array,
  yA: Int32Array,
  yS: Int32Array,
  words: number,
  swap: number,
  F: number,
  G: number,
  S: number,
  raise: boolean,
): void {
  let carryA = 0;
  let carryS = 0;
  let prevA = 0;
  let prevS = 0;
  for (let k = 0; k < words; k++) {
    let xa = xA[k]!;
    let xs = xS[k]!;
    if (raise) {
      const oa = xa;
      const os = xs;
      xa = (oa << 1) | carryA;
      xs = (os << 1) | carryS;
      carryA = oa >>> 31;
      carryS = os >>> 31;
    }
    let ya = yA[k]!;
    let ys = yS[k]!;
    const ta = swap & (xa ^ ya);
    const ts = swap & (xs ^ ys);
    xa ^= ta;
    ya ^= ta;
    xs ^= ts;
    ys ^= ts;
    xA[k] = xa;
    xS[k] = xs;
    // (a1, s1) = f0·y, (a2, s2) = −g0·x, and their sum mod 3 (see above).
    const s1 = ys ^ F;
    const a2 = xa & G;
    const d = s1 ^ xs ^ S;
    const na = (ya ^ a2) | (ya & a2 & ~d);
    const ns = s1 ^ (a2 & (ya | d));
    if (raise) {
      yA[k] = na;
      yS[k] = ns;
    } else {
      if (k > 0) {
        yA[k - 1] = (prevA >>> 1) | (na << 31);
        yS[k - 1] = (prevS >>> 1) | (ns << 31);
      }
      prevA = na;
      prevS = ns;
    }
  }
  if (!raise) {
    yA[words - 1] = prevA >>> 1;
    yS[words - 1] = prevS >>> 1;
  }
}

/** 1/g in R/3, and whether g is invertible. */
export function r3Recip(input: Int8Array): { value: Int8Array; invertible: boolean } {
  const fa = new Int32Array(WORDS);
  const fs = new Int32Array(WORDS);
  const ga = new Int32Array(WORDS);
  const gs = new Int32Array(WORDS);
  const va = new Int32Array(WORDS);
  const vs = new Int32Array(WORDS);
  const ra = new Int32Array(WORDS);
  const rs = new Int32Array(WORDS);
  // f = x^p − x − 1 reversed: 1 − x^(p−1) − x^p.
  fa[0] = 1;
  for (const i of [P - 1, P]) {
    fa[i >> 5]! |= 1 << (i & 31);
    fs[i >> 5]! |= 1 << (i & 31);
  }
  for (let i = 0; i < P; i++) {
    const j = P - 1 - i;
    const c = input[i]!;
    ga[j >> 5]! |= (c & 1) << (j & 31); // c in {-1, 0, 1}: c & 1 is "nonzero"
    gs[j >> 5]! |= ((c >> 1) & 1) << (j & 31); // and c >> 1 is -1 for c = -1
  }
  ra[0] = 1;

  let delta = 1;
  for (let step = 0; step < 2 * P - 1; step++) {
    const g0nz = -(ga[0]! & 1);
    const swap = (-delta >> 31) & g0nz;
    delta = (delta ^ (swap & (delta ^ -delta))) + 1;
    // After the swap f0 = ±1 (never 0) and g0 ∈ {-1, 0, 1}; as masks (all ones or zero):
    const F = -((fs[0]! ^ (swap & (fs[0]! ^ gs[0]!))) & 1); // f0 = −1
    const G = g0nz; // g0 ≠ 0 (the same before and after the swap: f0 ≠ 0)
    const S = ~-((gs[0]! ^ (swap & (fs[0]! ^ gs[0]!))) & 1); // −g0 = −1, i.e. g0 = +1
    divstepPass(fa, fs, ga, gs, (fgBound(step) + 31) >> 5, swap, F, G, S, false);
    divstepPass(va, vs, ra, rs, Math.min(WORDS, (step >> 5) + 1), swap, F, G, S, true); // covers index step
  }
  // f0 = ±1 is its own reciprocal: value_i = f0 · v_(p−1−i).
  const flip = -(fs[0]! & 1);
  const value = new Int8Array(P);
  for (let i = 0; i < P; i++) {
    const j = P - 1 - i;
    const nz = (va[j >> 5]! >>> (j & 31)) & 1;
    const sign = ((vs[j >> 5]! ^ flip) >>> (j & 31)) & 1;
    value[i] = nz - 2 * (nz & sign);
  }
  return { value, invertible: delta === 0 };
}

// R/q works on doubles, so that reduction mod q can wait: each step multiplies by the reduced
// scalars f0, g0 (|·| ≤ 2295 < 2^11.2), so entries grow by at most 2·2295 < 2^12.2 per step, from
// ≤ 2295 after a reduction to < 2^47.7 three steps later. Reducing every third step keeps every value
// an exact integer below 2^48, and round(x / q) from x·(1/q) exact (the error is below 2^-16, while
// x/q is never within 1/(2q) of a half-integer). And since 2p − 1 = 1521 = 3·507, the three steps
// between reductions run fused, in one pass over f, g and one over v, r, each value passing through
// the three steps in registers. Floating-point multiply and add take the same time for every integer
// operand (no subnormals arise), and which steps reduce is fixed.

/** x mod q in [-(q−1)/2, (q−1)/2] for integers |x| < 2^48, on doubles. */
export function fqFreezeWide(x: number): number {
  return x - Q * Math.floor(x * INV_Q + 0.5);
}

/** Below index 0 of f and g: room for the fused pass's writes of not-yet-valid outputs. */
const OFFSET = 3;
/** f and g are read up to index N + 2 (zeros above x^p), so their arrays run to N + 3. */
const FG_LENGTH = OFFSET + N + 3;

/** 1/(3f) in R/q; f short is always invertible (R/q is a field: x^p − x − 1 is irreducible mod q). */
export function rqRecip3(input: Int8Array): Int16Array {
  // f and g interleaved, coefficient i at fg[2(i + OFFSET)] and fg[2(i + OFFSET) + 1]; v and r
  // likewise at vr[2i] and vr[2i + 1]: one array per pass.
  const fg = new Float64Array(2 * FG_LENGTH);
  const F = 2 * OFFSET;
  fg[F] = 1;
  fg[F + 2 * (P - 1)] = -1;
  fg[F + 2 * P] = -1;
  for (let i = 0; i < P; i++) fg[F + 2 * (P - 1 - i) + 1] = input[i]!;
  const vr = new Float64Array(2 * N);
  vr[1] = fqRecip(3);
  const pf = new Float64Array(4);
  const pg = new Float64Array(4);
  const sw = new Float64Array(3);
  const ka = new Float64Array(3);
  const kb = new Float64Array(3);
  let delta = 1;
  for (let step = 0; step < 2 * P - 1; step += 3) {
    // The three steps' scalars, from f and g's first four coefficients (all they depend on). Each
    // step: swap when delta > 0 and g0 ≠ 0, by sw = 1 (else 0). Swapping and then computing
    // f0'·g' − g0'·f' is the same as ±(f0·g − g0·f) from the unswapped values, − when swapping, so
    // only f takes a selection: f = f + sw·(g − f), g = (a·g − b·f) / x, a = ±f0 and b = ±g0.
    for (let i = 0; i < 4; i++) {
      pf[i] = fg[F + 2 * i]!;
      pg[i] = fg[F + 2 * i + 1]!;
    }
    for (let t = 0; t < 3; t++) {
      const f0 = fqFreezeWide(pf[0]!);
      const g0 = fqFreezeWide(pg[0]!);
      const swap = (-delta >> 31) & nonzeroMask(g0);
      delta = (delta ^ (swap & (delta ^ -delta))) + 1;
      const s = -swap;
      const a = f0 - 2 * s * f0;
      const b = g0 - 2 * s * g0;
      sw[t] = s;
      ka[t] = a;
      kb[t] = b;
      for (let i = 0; i < 4 - t; i++) {
        const fi = pf[i]!;
        const gi = pg[i]!;
        pf[i] = fi + s * (gi - fi);
        if (i > 0) pg[i - 1] = a * gi - b * fi; // i: public
      }
    }
    const s1 = sw[0]!;
    const a1 = ka[0]!;
    const b1 = kb[0]!;
    const s2 = sw[1]!;
    const a2 = ka[1]!;
    const b2 = kb[1]!;
    const s3 = sw[2]!;
    const a3 = ka[2]!;
    const b3 = kb[2]!;
    // f, g: step t reads coefficient i of its input and yields f_t[i] and g_t[i − 1], so reading
    // coefficient j yields f1[j], g1[j−1]; then f2[j−1], g2[j−2]; then f3[j−2], g3[j−3], each stage
    // holding its f one iteration back. Writes below index 0 land in the offset and are never read.
    // The steps from `step` on need only the coefficients below 2p − 1 − step (see fgBound): the
    // pass stops when it has produced those the next pass needs.
    const jEnd = fgBound(step + 3) + 2;
    let d1 = fg[F]! + s1 * (fg[F + 1]! - fg[F]!); // f1[0]
    let d2 = 0; // f2[−1]: a placeholder, its outputs land in the offset
    for (let j = 1, at = F + 2; j <= jEnd; j++, at += 2) {
      const x0 = fg[at]!;
      const y0 = fg[at + 1]!;
      const f1 = x0 + s1 * (y0 - x0);
      const g1 = a1 * y0 - b1 * x0;
      const f2 = d1 + s2 * (g1 - d1);
      const g2 = a2 * g1 - b2 * d1;
      d1 = f1;
      fg[at - 4] = fqFreezeWide(d2 + s3 * (g2 - d2));
      fg[at - 5] = fqFreezeWide(a3 * g2 - b3 * d2);
      d2 = f2;
    }
    // v, r: each step v = x·v, then v = v + sw·(r − v), r = a·r − b·v: step t reads v_(t−1)[i − 1]
    // and r_(t−1)[i] and yields v_t[i], r_t[i], so the three stages share the index, each holding
    // its v one iteration back. After step s + 2 only indices ≤ s + 2 can be nonzero.
    const vrEnd = Math.min(step + 3, N);
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; i < vrEnd; i++) {
      const v0 = vr[2 * i]!;
      const r0 = vr[2 * i + 1]!;
      const v1 = c0 + s1 * (r0 - c0);
      const r1 = a1 * r0 - b1 * c0;
      c0 = v0;
      const v2 = c1 + s2 * (r1 - c1);
      const r2 = a2 * r1 - b2 * c1;
      c1 = v1;
      vr[2 * i] = fqFreezeWide(c2 + s3 * (r2 - c2));
      vr[2 * i + 1] = fqFreezeWide(a3 * r2 - b3 * c2);
      c2 = v2;
    }
  }
  const s = fqRecip(fqFreezeWide(fg[F]!));
  const value = new Int16Array(P);
  for (let i = 0; i < P; i++) value[i] = fqFreeze(s * vr[2 * (P - 1 - i)]!);
  return value;
}
