;; Poly1305 (RFC 8439 §2.5) as a WebAssembly module, for the node:crypto provider: Node exposes
;; Poly1305 only inside its RFC 8439 AEAD, whose tag covers a different message than
;; chacha20-poly1305@openssh.com's, so the MAC is the one primitive that provider cannot take from
;; node:crypto. noble's pure-JS Poly1305 (13-bit limbs, 100 multiplications per block) is the
;; bottleneck of that cipher there; this uses 26-bit limbs (5 limbs, 25 64-bit multiplications per
;; block, the schoolbook form of the public-domain poly1305-donna-32 design). The noble provider
;; (browsers) keeps noble's audited Poly1305.
;;
;; Design. RFC 8439's h = ((h + m_1)·r + m_2)·r … is one long dependency chain: the scalar block
;; loop is bound by its latency (multiply, add, carry chain), not by the multiplier, at ~1.9 GB/s.
;; Long messages are therefore split into three interleaved lanes stepping by r^3 (Horner's rule
;; on every third block, h_j ← h_j·r^3 + m; at the end h = h_0·r^3 + h_1·r^2 + h_2·r, the same
;; sum Σ m_i·r^(n−i+1)), as the vectorised Poly1305s (OpenSSL's AVX2 code, poly1305-donna's SSE2
;; one) do with r^2/r^4:
;;   - lanes 0 and 1 (blocks 3k and 3k+1) in WebAssembly SIMD: each limb of both lanes in one
;;     i64x2, packed two limbs to a v128 for the multiplication so that extmul_low/high_i32x4_u
;;     (pmuludq) multiply one limb of both lanes; the carry is lazy (two interleaved chains, limbs
;;     left a few bits above 26);
;;   - lane 2 (block 3k+2) in scalar i64 code, on the integer units, which the SIMD code leaves
;;     idle.
;; Measured on 32 KiB messages (Node 20, x86-64): two SIMD lanes alone were ~1.3× the scalar loop,
;; and hardly faster with their loop-carried dependency cut, so more SIMD lanes would not help: V8
;; lowers each extmul to two unpacks and a pmuludq, and the vector units are saturated. The scalar
;; third lane brings it to ~1.6–1.7×; a fourth lane (scalar, r^4) ran out of registers and was
;; slower. Messages under 240 bytes (the setup, r^2, r^3 and the final combination, costs five
;; scalar products) and the last one or two full blocks and the partial one go through the scalar
;; loop alone.
;; Bounds: every limb that is multiplied is < 2^28 (so < 2^32 for extmul) and every multiplier limb
;; < 2^26 + 2^11 (< 2^29 times 5), so the five-term sums stay < 2^60.
;;
;; Source of poly1305-wasm.ts's bytes: `node scripts/build-poly1305-wasm.mjs` assembles this file
;; with wabt; test/poly1305-wasm.test.ts checks that the embedded bytes are this file's.
;;
;; Memory layout (one 64 KiB page, grown by the caller for longer messages):
;;   [0, 32)   the one-time key: r (16 bytes, clamped here) then s (16 bytes)
;;   [32, 48)  the tag, written by $mac
;;   [64, …)   the message; the caller writes 0x01 and zeros after it up to the next 16-byte
;;             boundary, so the last partial block is already padded (RFC 8439 §2.5.1).
(module
  (memory (export "memory") 1)

  ;; a · b (mod 2^130 − 5) in 26-bit limbs, partially carried like the scalar block loop below
  ;; (a's limbs < 2^28, b's < 2^26 + 2^11, so are the result's): the three-lane part's powers of r
  ;; and its final combination, a few times per message.
  (func $mulmod
    (param $a0 i64) (param $a1 i64) (param $a2 i64) (param $a3 i64) (param $a4 i64)
    (param $b0 i64) (param $b1 i64) (param $b2 i64) (param $b3 i64) (param $b4 i64)
    (result i64 i64 i64 i64 i64)
    (local $s1 i64) (local $s2 i64) (local $s3 i64) (local $s4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64) (local $c i64)
    (local.set $s1 (i64.mul (local.get $b1) (i64.const 5)))
    (local.set $s2 (i64.mul (local.get $b2) (i64.const 5)))
    (local.set $s3 (i64.mul (local.get $b3) (i64.const 5)))
    (local.set $s4 (i64.mul (local.get $b4) (i64.const 5)))
    (local.set $d0 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $a0) (local.get $b0)) (i64.mul (local.get $a1) (local.get $s4)))
      (i64.mul (local.get $a2) (local.get $s3))) (i64.mul (local.get $a3) (local.get $s2)))
      (i64.mul (local.get $a4) (local.get $s1))))
    (local.set $d1 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $a0) (local.get $b1)) (i64.mul (local.get $a1) (local.get $b0)))
      (i64.mul (local.get $a2) (local.get $s4))) (i64.mul (local.get $a3) (local.get $s3)))
      (i64.mul (local.get $a4) (local.get $s2))))
    (local.set $d2 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $a0) (local.get $b2)) (i64.mul (local.get $a1) (local.get $b1)))
      (i64.mul (local.get $a2) (local.get $b0))) (i64.mul (local.get $a3) (local.get $s4)))
      (i64.mul (local.get $a4) (local.get $s3))))
    (local.set $d3 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $a0) (local.get $b3)) (i64.mul (local.get $a1) (local.get $b2)))
      (i64.mul (local.get $a2) (local.get $b1))) (i64.mul (local.get $a3) (local.get $b0)))
      (i64.mul (local.get $a4) (local.get $s4))))
    (local.set $d4 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $a0) (local.get $b4)) (i64.mul (local.get $a1) (local.get $b3)))
      (i64.mul (local.get $a2) (local.get $b2))) (i64.mul (local.get $a3) (local.get $b1)))
      (i64.mul (local.get $a4) (local.get $b0))))
    (local.set $d1 (i64.add (local.get $d1) (i64.shr_u (local.get $d0) (i64.const 26))))
    (local.set $d2 (i64.add (local.get $d2) (i64.shr_u (local.get $d1) (i64.const 26))))
    (local.set $d3 (i64.add (local.get $d3) (i64.shr_u (local.get $d2) (i64.const 26))))
    (local.set $d4 (i64.add (local.get $d4) (i64.shr_u (local.get $d3) (i64.const 26))))
    (local.set $d0 (i64.add (i64.and (local.get $d0) (i64.const 0x3ffffff))
      (i64.mul (i64.shr_u (local.get $d4) (i64.const 26)) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $d0) (i64.const 26)))
    (i64.and (local.get $d0) (i64.const 0x3ffffff))
    (i64.add (i64.and (local.get $d1) (i64.const 0x3ffffff)) (local.get $c))
    (i64.and (local.get $d2) (i64.const 0x3ffffff))
    (i64.and (local.get $d3) (i64.const 0x3ffffff))
    (i64.and (local.get $d4) (i64.const 0x3ffffff)))

  ;; The three-lane part of $mac: blocks [64, q), q − 64 a multiple of 48; returns h after them,
  ;; limbs carried to the scalar loop's bounds.
  (func $lanes (param $q i32)
    (param $r0 i64) (param $r1 i64) (param $r2 i64) (param $r3 i64) (param $r4 i64)
    (result i64 i64 i64 i64 i64)
    (local $p i32)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64)
    (local $u0 i64) (local $u1 i64) (local $u2 i64) (local $u3 i64) (local $u4 i64)
    (local $v0 i64) (local $v1 i64) (local $v2 i64) (local $v3 i64) (local $v4 i64)
    (local $t1 i64) (local $t2 i64) (local $t3 i64) (local $t4 i64)
    (local $R0 v128) (local $R1 v128) (local $R2 v128) (local $R3 v128) (local $R4 v128)
    (local $S1 v128) (local $S2 v128) (local $S3 v128) (local $S4 v128)
    (local $H0 v128) (local $H1 v128) (local $H2 v128) (local $H3 v128) (local $H4 v128)
    (local $D0 v128) (local $D1 v128) (local $D2 v128) (local $D3 v128) (local $D4 v128)
    (local $X01 v128) (local $X23 v128) (local $X4 v128) (local $T v128) (local $U v128) (local $C v128)
    (local.set $p (i32.const 64))
    ;; v = r^2, u = r^3 and t = 5·u: the lanes step by three blocks, h ← h·r^3 + m.
    (call $mulmod (local.get $r0) (local.get $r1) (local.get $r2) (local.get $r3) (local.get $r4)
      (local.get $r0) (local.get $r1) (local.get $r2) (local.get $r3) (local.get $r4))
    (local.set $v4) (local.set $v3) (local.set $v2) (local.set $v1) (local.set $v0)
    (call $mulmod (local.get $v0) (local.get $v1) (local.get $v2) (local.get $v3) (local.get $v4)
      (local.get $r0) (local.get $r1) (local.get $r2) (local.get $r3) (local.get $r4))
    (local.set $u4) (local.set $u3) (local.set $u2) (local.set $u1) (local.set $u0)
    (local.set $t1 (i64.mul (local.get $u1) (i64.const 5)))
    (local.set $t2 (i64.mul (local.get $u2) (i64.const 5)))
    (local.set $t3 (i64.mul (local.get $u3) (i64.const 5)))
    (local.set $t4 (i64.mul (local.get $u4) (i64.const 5)))
    (local.set $R0 (i32x4.splat (i32.wrap_i64 (local.get $u0))))
    (local.set $R1 (i32x4.splat (i32.wrap_i64 (local.get $u1))))
    (local.set $R2 (i32x4.splat (i32.wrap_i64 (local.get $u2))))
    (local.set $R3 (i32x4.splat (i32.wrap_i64 (local.get $u3))))
    (local.set $R4 (i32x4.splat (i32.wrap_i64 (local.get $u4))))
    (local.set $S1 (i32x4.splat (i32.wrap_i64 (local.get $t1))))
    (local.set $S2 (i32x4.splat (i32.wrap_i64 (local.get $t2))))
    (local.set $S3 (i32x4.splat (i32.wrap_i64 (local.get $t3))))
    (local.set $S4 (i32x4.splat (i32.wrap_i64 (local.get $t4))))
    (loop $triple
      ;; H *= r^3 (a no-op the first time round, when H and h are still 0), in the schoolbook
      ;; form of the scalar loop below: the limbs packed two by two into 32-bit lanes
      ;; ([h0 h0' h1 h1'], …, h' being lane 1's), so that each extmul_low/high multiplies one
      ;; limb of both lanes.
      (local.set $X01 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $H0) (local.get $H1)))
      (local.set $X23 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $H2) (local.get $H3)))
      (local.set $X4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $H4) (local.get $H4)))
      (local.set $D0 (i64x2.add (i64x2.add (i64x2.add (i64x2.add
        (i64x2.extmul_low_i32x4_u (local.get $X01) (local.get $R0))
        (i64x2.extmul_high_i32x4_u (local.get $X01) (local.get $S4)))
        (i64x2.extmul_low_i32x4_u (local.get $X23) (local.get $S3)))
        (i64x2.extmul_high_i32x4_u (local.get $X23) (local.get $S2)))
        (i64x2.extmul_low_i32x4_u (local.get $X4) (local.get $S1))))
      (local.set $D1 (i64x2.add (i64x2.add (i64x2.add (i64x2.add
        (i64x2.extmul_low_i32x4_u (local.get $X01) (local.get $R1))
        (i64x2.extmul_high_i32x4_u (local.get $X01) (local.get $R0)))
        (i64x2.extmul_low_i32x4_u (local.get $X23) (local.get $S4)))
        (i64x2.extmul_high_i32x4_u (local.get $X23) (local.get $S3)))
        (i64x2.extmul_low_i32x4_u (local.get $X4) (local.get $S2))))
      (local.set $D2 (i64x2.add (i64x2.add (i64x2.add (i64x2.add
        (i64x2.extmul_low_i32x4_u (local.get $X01) (local.get $R2))
        (i64x2.extmul_high_i32x4_u (local.get $X01) (local.get $R1)))
        (i64x2.extmul_low_i32x4_u (local.get $X23) (local.get $R0)))
        (i64x2.extmul_high_i32x4_u (local.get $X23) (local.get $S4)))
        (i64x2.extmul_low_i32x4_u (local.get $X4) (local.get $S3))))
      (local.set $D3 (i64x2.add (i64x2.add (i64x2.add (i64x2.add
        (i64x2.extmul_low_i32x4_u (local.get $X01) (local.get $R3))
        (i64x2.extmul_high_i32x4_u (local.get $X01) (local.get $R2)))
        (i64x2.extmul_low_i32x4_u (local.get $X23) (local.get $R1)))
        (i64x2.extmul_high_i32x4_u (local.get $X23) (local.get $R0)))
        (i64x2.extmul_low_i32x4_u (local.get $X4) (local.get $S4))))
      (local.set $D4 (i64x2.add (i64x2.add (i64x2.add (i64x2.add
        (i64x2.extmul_low_i32x4_u (local.get $X01) (local.get $R4))
        (i64x2.extmul_high_i32x4_u (local.get $X01) (local.get $R3)))
        (i64x2.extmul_low_i32x4_u (local.get $X23) (local.get $R2)))
        (i64x2.extmul_high_i32x4_u (local.get $X23) (local.get $R1)))
        (i64x2.extmul_low_i32x4_u (local.get $X4) (local.get $R0))))
      ;; Partial carry, as two interleaved chains (d0 → d1 → d2 → d3, d3 → d4 → d0 → d1).
      (local.set $C (i64x2.shr_u (local.get $D0) (i32.const 26)))
      (local.set $D0 (v128.and (local.get $D0) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $D1 (i64x2.add (local.get $D1) (local.get $C)))
      (local.set $C (i64x2.shr_u (local.get $D3) (i32.const 26)))
      (local.set $D3 (v128.and (local.get $D3) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $D4 (i64x2.add (local.get $D4) (local.get $C)))
      (local.set $C (i64x2.shr_u (local.get $D1) (i32.const 26)))
      (local.set $D1 (v128.and (local.get $D1) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $D2 (i64x2.add (local.get $D2) (local.get $C)))
      (local.set $C (i64x2.shr_u (local.get $D4) (i32.const 26)))
      (local.set $D4 (v128.and (local.get $D4) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $D0 (i64x2.add (local.get $D0) (i64x2.add (local.get $C) (i64x2.shl (local.get $C) (i32.const 2)))))
      (local.set $C (i64x2.shr_u (local.get $D2) (i32.const 26)))
      (local.set $H2 (v128.and (local.get $D2) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $D3 (i64x2.add (local.get $D3) (local.get $C)))
      (local.set $C (i64x2.shr_u (local.get $D0) (i32.const 26)))
      (local.set $H0 (v128.and (local.get $D0) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $H1 (i64x2.add (local.get $D1) (local.get $C)))
      (local.set $C (i64x2.shr_u (local.get $D3) (i32.const 26)))
      (local.set $H3 (v128.and (local.get $D3) (v128.const i64x2 0x3ffffff 0x3ffffff)))
      (local.set $H4 (i64x2.add (local.get $D4) (local.get $C)))
      ;; Lane 2, scalar: h *= r^3, on the integer units while the vector units do the above.
      (local.set $d0 (i64.add (i64.add (i64.add (i64.add
        (i64.mul (local.get $h0) (local.get $u0)) (i64.mul (local.get $h1) (local.get $t4)))
        (i64.mul (local.get $h2) (local.get $t3))) (i64.mul (local.get $h3) (local.get $t2)))
        (i64.mul (local.get $h4) (local.get $t1))))
      (local.set $d1 (i64.add (i64.add (i64.add (i64.add
        (i64.mul (local.get $h0) (local.get $u1)) (i64.mul (local.get $h1) (local.get $u0)))
        (i64.mul (local.get $h2) (local.get $t4))) (i64.mul (local.get $h3) (local.get $t3)))
        (i64.mul (local.get $h4) (local.get $t2))))
      (local.set $d2 (i64.add (i64.add (i64.add (i64.add
        (i64.mul (local.get $h0) (local.get $u2)) (i64.mul (local.get $h1) (local.get $u1)))
        (i64.mul (local.get $h2) (local.get $u0))) (i64.mul (local.get $h3) (local.get $t4)))
        (i64.mul (local.get $h4) (local.get $t3))))
      (local.set $d3 (i64.add (i64.add (i64.add (i64.add
        (i64.mul (local.get $h0) (local.get $u3)) (i64.mul (local.get $h1) (local.get $u2)))
        (i64.mul (local.get $h2) (local.get $u1))) (i64.mul (local.get $h3) (local.get $u0)))
        (i64.mul (local.get $h4) (local.get $t4))))
      (local.set $d4 (i64.add (i64.add (i64.add (i64.add
        (i64.mul (local.get $h0) (local.get $u4)) (i64.mul (local.get $h1) (local.get $u3)))
        (i64.mul (local.get $h2) (local.get $u2))) (i64.mul (local.get $h3) (local.get $u1)))
        (i64.mul (local.get $h4) (local.get $u0))))
      (local.set $d1 (i64.add (local.get $d1) (i64.shr_u (local.get $d0) (i64.const 26))))
      (local.set $d2 (i64.add (local.get $d2) (i64.shr_u (local.get $d1) (i64.const 26))))
      (local.set $d3 (i64.add (local.get $d3) (i64.shr_u (local.get $d2) (i64.const 26))))
      (local.set $d4 (i64.add (local.get $d4) (i64.shr_u (local.get $d3) (i64.const 26))))
      (local.set $d0 (i64.add (i64.and (local.get $d0) (i64.const 0x3ffffff))
        (i64.mul (i64.shr_u (local.get $d4) (i64.const 26)) (i64.const 5))))
      (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
      (local.set $h1 (i64.add (i64.and (local.get $d1) (i64.const 0x3ffffff)) (i64.shr_u (local.get $d0) (i64.const 26))))
      (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
      (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
      (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
      ;; H += the blocks at p (lane 0) and p + 16 (lane 1) in 26-bit limbs, 2^128 bit set;
      ;; h += the block at p + 32 (lane 2).
      (local.set $T (v128.load (local.get $p)))
      (local.set $U (v128.load offset=16 (local.get $p)))
      (local.set $C (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T) (local.get $U)))
      (local.set $U (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T) (local.get $U)))
      (local.set $H0 (i64x2.add (local.get $H0) (v128.and (local.get $C) (v128.const i64x2 0x3ffffff 0x3ffffff))))
      (local.set $H1 (i64x2.add (local.get $H1) (v128.and (i64x2.shr_u (local.get $C) (i32.const 26)) (v128.const i64x2 0x3ffffff 0x3ffffff))))
      (local.set $H2 (i64x2.add (local.get $H2)
        (v128.and (v128.or (i64x2.shr_u (local.get $C) (i32.const 52)) (i64x2.shl (local.get $U) (i32.const 12))) (v128.const i64x2 0x3ffffff 0x3ffffff))))
      (local.set $H3 (i64x2.add (local.get $H3) (v128.and (i64x2.shr_u (local.get $U) (i32.const 14)) (v128.const i64x2 0x3ffffff 0x3ffffff))))
      (local.set $H4 (i64x2.add (local.get $H4)
        (v128.or (i64x2.shr_u (local.get $U) (i32.const 40)) (v128.const i64x2 0x1000000 0x1000000))))
      (local.set $h0 (i64.add (local.get $h0) (i64.and (i64.load32_u offset=32 (local.get $p)) (i64.const 0x3ffffff))))
      (local.set $h1 (i64.add (local.get $h1)
        (i64.and (i64.shr_u (i64.load32_u offset=35 (local.get $p)) (i64.const 2)) (i64.const 0x3ffffff))))
      (local.set $h2 (i64.add (local.get $h2)
        (i64.and (i64.shr_u (i64.load32_u offset=38 (local.get $p)) (i64.const 4)) (i64.const 0x3ffffff))))
      (local.set $h3 (i64.add (local.get $h3)
        (i64.and (i64.shr_u (i64.load32_u offset=41 (local.get $p)) (i64.const 6)) (i64.const 0x3ffffff))))
      (local.set $h4 (i64.add (local.get $h4)
        (i64.or (i64.shr_u (i64.load32_u offset=44 (local.get $p)) (i64.const 8)) (i64.const 0x1000000))))
      (local.set $p (i32.add (local.get $p) (i32.const 48)))
      (br_if $triple (i32.lt_u (local.get $p) (local.get $q))))
    ;; h = lane 0 · r^3 + lane 1 · r^2 + lane 2 · r (RFC 8439's h = Σ m_i·r^(n−i+1)),
    ;; carried back to the bounds the scalar loop below expects of its h.
    (call $mulmod (i64x2.extract_lane 0 (local.get $H0)) (i64x2.extract_lane 0 (local.get $H1)) (i64x2.extract_lane 0 (local.get $H2)) (i64x2.extract_lane 0 (local.get $H3)) (i64x2.extract_lane 0 (local.get $H4))
      (local.get $u0) (local.get $u1) (local.get $u2) (local.get $u3) (local.get $u4))
    (local.set $u4) (local.set $u3) (local.set $u2) (local.set $u1) (local.set $u0)
    (call $mulmod (i64x2.extract_lane 1 (local.get $H0)) (i64x2.extract_lane 1 (local.get $H1)) (i64x2.extract_lane 1 (local.get $H2)) (i64x2.extract_lane 1 (local.get $H3)) (i64x2.extract_lane 1 (local.get $H4))
      (local.get $v0) (local.get $v1) (local.get $v2) (local.get $v3) (local.get $v4))
    (local.set $d4) (local.set $d3) (local.set $d2) (local.set $d1) (local.set $d0)
    (call $mulmod (local.get $h0) (local.get $h1) (local.get $h2) (local.get $h3) (local.get $h4)
      (local.get $r0) (local.get $r1) (local.get $r2) (local.get $r3) (local.get $r4))
    (local.set $h4) (local.set $h3) (local.set $h2) (local.set $h1) (local.set $h0)
    (local.set $h0 (i64.add (i64.add (local.get $h0) (local.get $u0)) (local.get $d0)))
    (local.set $h1 (i64.add (i64.add (local.get $h1) (local.get $u1)) (local.get $d1)))
    (local.set $h2 (i64.add (i64.add (local.get $h2) (local.get $u2)) (local.get $d2)))
    (local.set $h3 (i64.add (i64.add (local.get $h3) (local.get $u3)) (local.get $d3)))
    (local.set $h4 (i64.add (i64.add (local.get $h4) (local.get $u4)) (local.get $d4)))
    (local.set $h1 (i64.add (local.get $h1) (i64.shr_u (local.get $h0) (i64.const 26))))
    (local.set $h2 (i64.add (local.get $h2) (i64.shr_u (local.get $h1) (i64.const 26))))
    (local.set $h3 (i64.add (local.get $h3) (i64.shr_u (local.get $h2) (i64.const 26))))
    (local.set $h4 (i64.add (local.get $h4) (i64.shr_u (local.get $h3) (i64.const 26))))
    (local.set $h0 (i64.add (i64.and (local.get $h0) (i64.const 0x3ffffff))
      (i64.mul (i64.shr_u (local.get $h4) (i64.const 26)) (i64.const 5))))
    (local.set $h1 (i64.add (i64.and (local.get $h1) (i64.const 0x3ffffff)) (i64.shr_u (local.get $h0) (i64.const 26))))
    (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
    (local.set $h2 (i64.and (local.get $h2) (i64.const 0x3ffffff)))
    (local.set $h3 (i64.and (local.get $h3) (i64.const 0x3ffffff)))
    (local.set $h4 (i64.and (local.get $h4) (i64.const 0x3ffffff)))
    (local.get $h0) (local.get $h1) (local.get $h2) (local.get $h3) (local.get $h4))

  (func (export "mac") (param $len i32)
    (local $p i32) (local $end i32) (local $full i32) (local $q i32)
    (local $r0 i64) (local $r1 i64) (local $r2 i64) (local $r3 i64) (local $r4 i64)
    (local $s1 i64) (local $s2 i64) (local $s3 i64) (local $s4 i64)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64)
    (local $g0 i64) (local $g1 i64) (local $g2 i64) (local $g3 i64) (local $g4 i64)
    (local $c i64) (local $hibit i64) (local $keep i64)

    ;; r, clamped (RFC 8439 §2.5: r &= 0x0ffffffc0ffffffc0ffffffc0fffffff), in 26-bit limbs.
    (local.set $r0 (i64.and (i64.load32_u offset=0 (i32.const 0)) (i64.const 0x3ffffff)))
    (local.set $r1 (i64.and (i64.shr_u (i64.load32_u offset=3 (i32.const 0)) (i64.const 2)) (i64.const 0x3ffff03)))
    (local.set $r2 (i64.and (i64.shr_u (i64.load32_u offset=6 (i32.const 0)) (i64.const 4)) (i64.const 0x3ffc0ff)))
    (local.set $r3 (i64.and (i64.shr_u (i64.load32_u offset=9 (i32.const 0)) (i64.const 6)) (i64.const 0x3f03fff)))
    (local.set $r4 (i64.and (i64.shr_u (i64.load32_u offset=12 (i32.const 0)) (i64.const 8)) (i64.const 0x00fffff)))
    ;; 2^130 ≡ 5 (mod 2^130 − 5): limb products that overflow 2^130 wrap around times 5.
    (local.set $s1 (i64.mul (local.get $r1) (i64.const 5)))
    (local.set $s2 (i64.mul (local.get $r2) (i64.const 5)))
    (local.set $s3 (i64.mul (local.get $r3) (i64.const 5)))
    (local.set $s4 (i64.mul (local.get $r4) (i64.const 5)))

    (local.set $p (i32.const 64))
    ;; Three-lane part ($lanes): the first 3·floor(len/48) blocks (all full), when there are at
    ;; least 5 such triples; the rest (at most two full blocks and the partial one) go to the
    ;; scalar loop below.
    (if (i32.ge_u (local.get $len) (i32.const 240))
      (then
        (local.set $q (i32.add (i32.const 64) (i32.mul (i32.div_u (local.get $len) (i32.const 48)) (i32.const 48))))
        (call $lanes (local.get $q) (local.get $r0) (local.get $r1) (local.get $r2) (local.get $r3) (local.get $r4))
        (local.set $h4) (local.set $h3) (local.set $h2) (local.set $h1) (local.set $h0)
        (local.set $p (local.get $q))))

    ;; Scalar part: the remaining blocks, one at a time (all of them for short messages).
    (local.set $full (i32.add (i32.const 64) (local.get $len)))
    ;; The padded end: every block, the last one partial and already padded by the caller.
    (local.set $end (i32.add (i32.const 64) (i32.and (i32.add (local.get $len) (i32.const 15)) (i32.const -16))))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; A full block gets the 2^128 bit; the padded last block has its 0x01 byte instead.
        (local.set $hibit
          (select (i64.const 0x1000000) (i64.const 0)
            (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $full))))
        ;; h += m
        (local.set $h0 (i64.add (local.get $h0)
          (i64.and (i64.load32_u offset=0 (local.get $p)) (i64.const 0x3ffffff))))
        (local.set $h1 (i64.add (local.get $h1)
          (i64.and (i64.shr_u (i64.load32_u offset=3 (local.get $p)) (i64.const 2)) (i64.const 0x3ffffff))))
        (local.set $h2 (i64.add (local.get $h2)
          (i64.and (i64.shr_u (i64.load32_u offset=6 (local.get $p)) (i64.const 4)) (i64.const 0x3ffffff))))
        (local.set $h3 (i64.add (local.get $h3)
          (i64.and (i64.shr_u (i64.load32_u offset=9 (local.get $p)) (i64.const 6)) (i64.const 0x3ffffff))))
        (local.set $h4 (i64.add (local.get $h4)
          (i64.or (i64.shr_u (i64.load32_u offset=12 (local.get $p)) (i64.const 8)) (local.get $hibit))))
        ;; h *= r (mod 2^130 − 5), each sum < 2^64 because the limbs are < 2^27 and s < 2^29.
        (local.set $d0 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r0)) (i64.mul (local.get $h1) (local.get $s4)))
          (i64.mul (local.get $h2) (local.get $s3))) (i64.mul (local.get $h3) (local.get $s2)))
          (i64.mul (local.get $h4) (local.get $s1))))
        (local.set $d1 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r1)) (i64.mul (local.get $h1) (local.get $r0)))
          (i64.mul (local.get $h2) (local.get $s4))) (i64.mul (local.get $h3) (local.get $s3)))
          (i64.mul (local.get $h4) (local.get $s2))))
        (local.set $d2 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r2)) (i64.mul (local.get $h1) (local.get $r1)))
          (i64.mul (local.get $h2) (local.get $r0))) (i64.mul (local.get $h3) (local.get $s4)))
          (i64.mul (local.get $h4) (local.get $s3))))
        (local.set $d3 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r3)) (i64.mul (local.get $h1) (local.get $r2)))
          (i64.mul (local.get $h2) (local.get $r1))) (i64.mul (local.get $h3) (local.get $r0)))
          (i64.mul (local.get $h4) (local.get $s4))))
        (local.set $d4 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r4)) (i64.mul (local.get $h1) (local.get $r3)))
          (i64.mul (local.get $h2) (local.get $r2))) (i64.mul (local.get $h3) (local.get $r1)))
          (i64.mul (local.get $h4) (local.get $r0))))
        ;; Partial carry back to 26-bit limbs (h0 and h1 may keep a bit or two more).
        (local.set $c (i64.shr_u (local.get $d0) (i64.const 26)))
        (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
        (local.set $d1 (i64.add (local.get $d1) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d1) (i64.const 26)))
        (local.set $h1 (i64.and (local.get $d1) (i64.const 0x3ffffff)))
        (local.set $d2 (i64.add (local.get $d2) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d2) (i64.const 26)))
        (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
        (local.set $d3 (i64.add (local.get $d3) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d3) (i64.const 26)))
        (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
        (local.set $d4 (i64.add (local.get $d4) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d4) (i64.const 26)))
        (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
        (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
        (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
        (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
        (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $block)))

    ;; Full carry.
    (local.set $c (i64.shr_u (local.get $h1) (i64.const 26)))
    (local.set $h1 (i64.and (local.get $h1) (i64.const 0x3ffffff)))
    (local.set $h2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h2) (i64.const 26)))
    (local.set $h2 (i64.and (local.get $h2) (i64.const 0x3ffffff)))
    (local.set $h3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h3) (i64.const 26)))
    (local.set $h3 (i64.and (local.get $h3) (i64.const 0x3ffffff)))
    (local.set $h4 (i64.add (local.get $h4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h4) (i64.const 26)))
    (local.set $h4 (i64.and (local.get $h4) (i64.const 0x3ffffff)))
    (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
    (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))

    ;; g = h + 5 − 2^130; h ≥ p exactly when g does not go negative. Chosen without a branch.
    (local.set $g0 (i64.add (local.get $h0) (i64.const 5)))
    (local.set $c (i64.shr_u (local.get $g0) (i64.const 26)))
    (local.set $g0 (i64.and (local.get $g0) (i64.const 0x3ffffff)))
    (local.set $g1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g1) (i64.const 26)))
    (local.set $g1 (i64.and (local.get $g1) (i64.const 0x3ffffff)))
    (local.set $g2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g2) (i64.const 26)))
    (local.set $g2 (i64.and (local.get $g2) (i64.const 0x3ffffff)))
    (local.set $g3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g3) (i64.const 26)))
    (local.set $g3 (i64.and (local.get $g3) (i64.const 0x3ffffff)))
    (local.set $g4 (i64.sub (i64.add (local.get $h4) (local.get $c)) (i64.const 0x4000000)))
    ;; $keep is all ones when g4 went negative (h < p: keep h), else zero (take g).
    (local.set $keep (i64.shr_s (local.get $g4) (i64.const 63)))
    (local.set $h0 (i64.or (i64.and (local.get $h0) (local.get $keep))
      (i64.and (local.get $g0) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h1 (i64.or (i64.and (local.get $h1) (local.get $keep))
      (i64.and (local.get $g1) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h2 (i64.or (i64.and (local.get $h2) (local.get $keep))
      (i64.and (local.get $g2) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h3 (i64.or (i64.and (local.get $h3) (local.get $keep))
      (i64.and (local.get $g3) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h4 (i64.or (i64.and (local.get $h4) (local.get $keep))
      (i64.and (local.get $g4) (i64.xor (local.get $keep) (i64.const -1)))))

    ;; h mod 2^128 as four 32-bit words, plus s (mod 2^128), carrying word to word.
    (local.set $d0 (i64.and (i64.or (local.get $h0) (i64.shl (local.get $h1) (i64.const 26))) (i64.const 0xffffffff)))
    (local.set $d1 (i64.and (i64.or (i64.shr_u (local.get $h1) (i64.const 6)) (i64.shl (local.get $h2) (i64.const 20))) (i64.const 0xffffffff)))
    (local.set $d2 (i64.and (i64.or (i64.shr_u (local.get $h2) (i64.const 12)) (i64.shl (local.get $h3) (i64.const 14))) (i64.const 0xffffffff)))
    (local.set $d3 (i64.and (i64.or (i64.shr_u (local.get $h3) (i64.const 18)) (i64.shl (local.get $h4) (i64.const 8))) (i64.const 0xffffffff)))
    (local.set $d0 (i64.add (local.get $d0) (i64.load32_u offset=16 (i32.const 0))))
    (local.set $d1 (i64.add (i64.add (local.get $d1) (i64.load32_u offset=20 (i32.const 0)))
      (i64.shr_u (local.get $d0) (i64.const 32))))
    (local.set $d2 (i64.add (i64.add (local.get $d2) (i64.load32_u offset=24 (i32.const 0)))
      (i64.shr_u (local.get $d1) (i64.const 32))))
    (local.set $d3 (i64.add (i64.add (local.get $d3) (i64.load32_u offset=28 (i32.const 0)))
      (i64.shr_u (local.get $d2) (i64.const 32))))
    (i64.store32 offset=32 (i32.const 0) (local.get $d0))
    (i64.store32 offset=36 (i32.const 0) (local.get $d1))
    (i64.store32 offset=40 (i32.const 0) (local.get $d2))
    (i64.store32 offset=44 (i32.const 0) (local.get $d3)))
)
