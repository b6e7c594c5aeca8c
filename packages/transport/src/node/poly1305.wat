;; Poly1305 (RFC 8439 §2.5) as a WebAssembly module, for the node:crypto provider: Node exposes
;; Poly1305 only inside its RFC 8439 AEAD, whose tag covers a different message than
;; chacha20-poly1305@openssh.com's, so the MAC is the one primitive that provider cannot take from
;; node:crypto. noble's pure-JS Poly1305 (13-bit limbs, 100 multiplications per block) is the
;; bottleneck of that cipher there; this is the 26-bit-limb schoolbook form (5 limbs, 25 64-bit
;; multiplications per block, as in the public-domain poly1305-donna-32 design), about 3× faster.
;; The noble provider (browsers) keeps noble's audited Poly1305.
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
  (func (export "mac") (param $len i32)
    (local $p i32) (local $end i32) (local $full i32)
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
