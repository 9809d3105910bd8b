;; Chipfinder's ranking kernels: WebAssembly 128-bit SIMD, hand-written.
;;
;; Assembled by scripts/build-kernels.mjs (wabt) into kernels-wasm.ts; kernels.test.ts fails when
;; that file is stale. One module, instantiated once per block of rows (app/lib/rank/store.ts),
;; each instance over its own imported memory, so the rows of a dataset can exceed the 4 GiB
;; that one wasm32 memory holds.
;;
;; Conventions: pointers are byte offsets into the memory (unsigned; loops compare with i32.ne so
;; offsets past 2 GiB work). A row is `stride` elements, stride a multiple of 128 (rows padded
;; with zeros, queries too, so the padding adds nothing). Per-row outputs are f32 unless noted.
;; Every kernel reads its rows once, front to back.
(module
  (import "env" "memory" (memory 1))

  ;; The memory-bandwidth floor: one sequential read of n bytes (n a multiple of 64), summed as
  ;; integers so that the adds cost nothing next to the loads. Returns the sum so that the reads
  ;; can't be optimised away.
  (func (export "read_floor") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (loop $l
      (local.set $a0 (i32x4.add (local.get $a0) (v128.load (local.get $p))))
      (local.set $a1 (i32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
      (local.set $a2 (i32x4.add (local.get $a2) (v128.load offset=32 (local.get $p))))
      (local.set $a3 (i32x4.add (local.get $a3) (v128.load offset=48 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br_if $l (i32.ne (local.get $p) (local.get $end))))
    (local.set $a0 (i32x4.add (i32x4.add (local.get $a0) (local.get $a1)) (i32x4.add (local.get $a2) (local.get $a3))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0)))
      (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))

  ;; One query: out[i] = (rows[i] · q − c) · inv[i], the dot product in f32 with 16 partial sums
  ;; (4 accumulators × 4 lanes, each summing stride/16 products), then ((a0+a1)+(a2+a3)) and its
  ;; lanes, ((l0+l1)+(l2+l3)). rank/store.ts bounds the rounding error of exactly this order.
  ;; (Horizontal sums are written out in place: V8 doesn't inline calls between wasm functions.)
  (func (export "scan_f32")
    (param $rows i32) (param $stride i32) (param $count i32) (param $q i32) (param $c f32)
    (param $inv i32) (param $out i32)
    (local $hv v128)
    (local $rb i32) (local $p i32) (local $j i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (loop $row
      (local.set $a0 (v128.const i64x2 0 0))
      (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0))
      (local.set $a3 (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $j))) (v128.load (i32.add (local.get $q) (local.get $j))))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (v128.load offset=16 (i32.add (local.get $p) (local.get $j))) (v128.load offset=16 (i32.add (local.get $q) (local.get $j))))))
        (local.set $a2 (f32x4.add (local.get $a2)
          (f32x4.mul (v128.load offset=32 (i32.add (local.get $p) (local.get $j))) (v128.load offset=32 (i32.add (local.get $q) (local.get $j))))))
        (local.set $a3 (f32x4.add (local.get $a3)
          (f32x4.mul (v128.load offset=48 (i32.add (local.get $p) (local.get $j))) (v128.load offset=48 (i32.add (local.get $q) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br_if $col (i32.ne (local.get $j) (local.get $rb))))
      (f32.store (local.get $out)
        (f32.mul
          (f32.sub
            (block (result f32) (local.set $hv (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $hv)) (f32x4.extract_lane 1 (local.get $hv))) (f32.add (f32x4.extract_lane 2 (local.get $hv)) (f32x4.extract_lane 3 (local.get $hv)))))
            (local.get $c))
          (f32.load (local.get $inv))))
      (local.set $p (i32.add (local.get $p) (local.get $rb)))
      (local.set $inv (i32.add (local.get $inv) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $row (i32.ne (local.get $out) (local.get $end)))))

  ;; Many queries in one read of the rows (the 'max' method). Queries are nq rows of stride f32
  ;; at qs (nq a multiple of 4; padding queries are zero), cs[k] their offsets. Each row is read
  ;; from memory once and then from L1 for every group of 4 queries (8 accumulators: 4 queries ×
  ;; 2 interleaved chunks). dots[k] = rows[i]·qs[k] − cs[k] (scratch, nq f32); then
  ;;   mP = max over k < npos, mN = max over npos ≤ k < nreal,
  ;;   out[i] = ((2·mP − mN) / 3) · inv[i]   (or mP · inv[i] when nreal = npos).
  (func (export "scan_max")
    (param $rows i32) (param $stride i32) (param $count i32) (param $qs i32) (param $nq i32)
    (param $npos i32) (param $nreal i32) (param $cs i32) (param $inv i32) (param $out i32) (param $dots i32)
    (local $hv v128)
    (local $rb i32) (local $p i32) (local $j i32) (local $end i32) (local $g i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $k i32)
    (local $x0 v128) (local $x1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $mp f32) (local $mn f32) (local $v f32)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (loop $row
      (local.set $g (i32.const 0))
      (loop $group
        (local.set $q0 (i32.add (local.get $qs) (i32.mul (local.get $g) (local.get $rb))))
        (local.set $q1 (i32.add (local.get $q0) (local.get $rb)))
        (local.set $q2 (i32.add (local.get $q1) (local.get $rb)))
        (local.set $q3 (i32.add (local.get $q2) (local.get $rb)))
        (local.set $a00 (v128.const i64x2 0 0)) (local.set $a01 (v128.const i64x2 0 0))
        (local.set $a10 (v128.const i64x2 0 0)) (local.set $a11 (v128.const i64x2 0 0))
        (local.set $a20 (v128.const i64x2 0 0)) (local.set $a21 (v128.const i64x2 0 0))
        (local.set $a30 (v128.const i64x2 0 0)) (local.set $a31 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (loop $col
          (local.set $x0 (v128.load (i32.add (local.get $p) (local.get $j))))
          (local.set $x1 (v128.load offset=16 (i32.add (local.get $p) (local.get $j))))
          (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $q0) (local.get $j))))))
          (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $x1) (v128.load offset=16 (i32.add (local.get $q0) (local.get $j))))))
          (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $q1) (local.get $j))))))
          (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $x1) (v128.load offset=16 (i32.add (local.get $q1) (local.get $j))))))
          (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $q2) (local.get $j))))))
          (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $x1) (v128.load offset=16 (i32.add (local.get $q2) (local.get $j))))))
          (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $q3) (local.get $j))))))
          (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $x1) (v128.load offset=16 (i32.add (local.get $q3) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br_if $col (i32.ne (local.get $j) (local.get $rb))))
        (local.set $k (i32.add (local.get $dots) (i32.shl (local.get $g) (i32.const 2))))
        (f32.store (local.get $k)
          (f32.sub (block (result f32) (local.set $hv (f32x4.add (local.get $a00) (local.get $a01))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $hv)) (f32x4.extract_lane 1 (local.get $hv))) (f32.add (f32x4.extract_lane 2 (local.get $hv)) (f32x4.extract_lane 3 (local.get $hv)))))
                   (f32.load (i32.add (local.get $cs) (i32.shl (local.get $g) (i32.const 2))))))
        (f32.store offset=4 (local.get $k)
          (f32.sub (block (result f32) (local.set $hv (f32x4.add (local.get $a10) (local.get $a11))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $hv)) (f32x4.extract_lane 1 (local.get $hv))) (f32.add (f32x4.extract_lane 2 (local.get $hv)) (f32x4.extract_lane 3 (local.get $hv)))))
                   (f32.load offset=4 (i32.add (local.get $cs) (i32.shl (local.get $g) (i32.const 2))))))
        (f32.store offset=8 (local.get $k)
          (f32.sub (block (result f32) (local.set $hv (f32x4.add (local.get $a20) (local.get $a21))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $hv)) (f32x4.extract_lane 1 (local.get $hv))) (f32.add (f32x4.extract_lane 2 (local.get $hv)) (f32x4.extract_lane 3 (local.get $hv)))))
                   (f32.load offset=8 (i32.add (local.get $cs) (i32.shl (local.get $g) (i32.const 2))))))
        (f32.store offset=12 (local.get $k)
          (f32.sub (block (result f32) (local.set $hv (f32x4.add (local.get $a30) (local.get $a31))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $hv)) (f32x4.extract_lane 1 (local.get $hv))) (f32.add (f32x4.extract_lane 2 (local.get $hv)) (f32x4.extract_lane 3 (local.get $hv)))))
                   (f32.load offset=12 (i32.add (local.get $cs) (i32.shl (local.get $g) (i32.const 2))))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br_if $group (i32.lt_u (local.get $g) (local.get $nq))))
      ;; Maxima over the positives' and the negatives' dots.
      (local.set $mp (f32.load (local.get $dots)))
      (local.set $k (i32.const 1))
      (block $pdone
        (loop $pmax
          (br_if $pdone (i32.ge_u (local.get $k) (local.get $npos)))
          (local.set $mp (f32.max (local.get $mp) (f32.load (i32.add (local.get $dots) (i32.shl (local.get $k) (i32.const 2))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $pmax)))
      (local.set $v (local.get $mp))
      (if (i32.gt_u (local.get $nreal) (local.get $npos))
        (then
          (local.set $mn (f32.load (i32.add (local.get $dots) (i32.shl (local.get $npos) (i32.const 2)))))
          (local.set $k (i32.add (local.get $npos) (i32.const 1)))
          (block $ndone
            (loop $nmax
              (br_if $ndone (i32.ge_u (local.get $k) (local.get $nreal)))
              (local.set $mn (f32.max (local.get $mn) (f32.load (i32.add (local.get $dots) (i32.shl (local.get $k) (i32.const 2))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $nmax)))
          (local.set $v (f32.div (f32.sub (f32.add (local.get $mp) (local.get $mp)) (local.get $mn)) (f32.const 3)))))
      (f32.store (local.get $out) (f32.mul (local.get $v) (f32.load (local.get $inv))))
      (local.set $p (i32.add (local.get $p) (local.get $rb)))
      (local.set $inv (i32.add (local.get $inv) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $row (i32.ne (local.get $out) (local.get $end)))))

  ;; int8 codes (unsigned, 0…255; stride bytes per row) against a query quantised to i16, laid
  ;; out per 16 codes as the 8 even-numbered dims' values then the 8 odd ones' (stride i16 at q):
  ;; each i16 lane of a code vector holds an even code in its low byte and an odd one in its high
  ;; byte, so an `and` and a shift widen them (no sign extension), and i32x4.dot_i16x8_s
  ;; multiplies and adds pairs exactly (rank/store.ts picks the query's scale so that no sum can
  ;; overflow i32). Then out[r] = (f32(dot) · sq + k) · inv[r], and err[r] = e · inv[r] (the
  ;; bound on the quantisation error that the caller passes as e, per unit of inverse norm).
  ;;
  ;; Four rows at a time, n apart from each other by d1, d2, d3 rows (the caller passes a quarter
  ;; of the rows as n, and the last few rows as one group, repeating the last): the four share
  ;; each load of the query, and four streams of reads keep more of memory busy. Measured against
  ;; one row at a time, sign-extending widenings (i16x8.extend_*, v128.load8x8_s), wider unrolls
  ;; and two or three streams, this was the fastest (1.5× the one-row loop, in cache or not).
  (func (export "scan_i8")
    (param $codes i32) (param $stride i32) (param $n i32) (param $d1 i32) (param $d2 i32) (param $d3 i32)
    (param $q i32) (param $sq f32) (param $k f32) (param $inv i32) (param $out i32) (param $e f32) (param $err i32)
    (local $hv v128) (local $iv f32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o0 i32)
    (local $qp i32) (local $rend i32) (local $end i32) (local $v v128) (local $lo v128) (local $qe v128) (local $qo v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $lo (i16x8.splat (i32.const 255)))
    ;; Offsets of streams 1-3: in bytes of codes (p) and of f32 slots (o).
    (local.set $o1 (i32.shl (local.get $d1) (i32.const 2)))
    (local.set $o2 (i32.shl (local.get $d2) (i32.const 2)))
    (local.set $o3 (i32.shl (local.get $d3) (i32.const 2)))
    (local.set $p0 (local.get $codes))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (loop $row
      (local.set $p1 (i32.add (local.get $p0) (i32.mul (local.get $d1) (local.get $stride))))
      (local.set $p2 (i32.add (local.get $p0) (i32.mul (local.get $d2) (local.get $stride))))
      (local.set $p3 (i32.add (local.get $p0) (i32.mul (local.get $d3) (local.get $stride))))
      (local.set $a0 (v128.const i64x2 0 0))
      (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0))
      (local.set $a3 (v128.const i64x2 0 0))
      (local.set $qp (local.get $q))
      (local.set $rend (i32.add (local.get $p0) (local.get $stride)))
      (loop $col
        (local.set $qe (v128.load (local.get $qp)))
        (local.set $qo (v128.load offset=16 (local.get $qp)))
        (local.set $v (v128.load (local.get $p0)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
          (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $lo)) (local.get $qe))
          (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $qo)))))
        (local.set $v (v128.load (local.get $p1)))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
          (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $lo)) (local.get $qe))
          (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $qo)))))
        (local.set $v (v128.load (local.get $p2)))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
          (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $lo)) (local.get $qe))
          (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $qo)))))
        (local.set $v (v128.load (local.get $p3)))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
          (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $lo)) (local.get $qe))
          (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $qo)))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
        (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
        (br_if $col (i32.ne (local.get $p0) (local.get $rend))))
      (local.set $iv (f32.load (i32.add (local.get $inv) (local.get $o0))))
      (f32.store (i32.add (local.get $out) (local.get $o0))
        (f32.mul
          (f32.add (f32.mul (f32.convert_i32_s (block (result i32) (local.set $hv (local.get $a0)) (i32.add (i32.add (i32x4.extract_lane 0 (local.get $hv)) (i32x4.extract_lane 1 (local.get $hv))) (i32.add (i32x4.extract_lane 2 (local.get $hv)) (i32x4.extract_lane 3 (local.get $hv)))))) (local.get $sq)) (local.get $k))
          (local.get $iv)))
      (f32.store (i32.add (local.get $err) (local.get $o0)) (f32.mul (local.get $e) (local.get $iv)))
      (local.set $iv (f32.load (i32.add (local.get $inv) (local.get $o1))))
      (f32.store (i32.add (local.get $out) (local.get $o1))
        (f32.mul
          (f32.add (f32.mul (f32.convert_i32_s (block (result i32) (local.set $hv (local.get $a1)) (i32.add (i32.add (i32x4.extract_lane 0 (local.get $hv)) (i32x4.extract_lane 1 (local.get $hv))) (i32.add (i32x4.extract_lane 2 (local.get $hv)) (i32x4.extract_lane 3 (local.get $hv)))))) (local.get $sq)) (local.get $k))
          (local.get $iv)))
      (f32.store (i32.add (local.get $err) (local.get $o1)) (f32.mul (local.get $e) (local.get $iv)))
      (local.set $iv (f32.load (i32.add (local.get $inv) (local.get $o2))))
      (f32.store (i32.add (local.get $out) (local.get $o2))
        (f32.mul
          (f32.add (f32.mul (f32.convert_i32_s (block (result i32) (local.set $hv (local.get $a2)) (i32.add (i32.add (i32x4.extract_lane 0 (local.get $hv)) (i32x4.extract_lane 1 (local.get $hv))) (i32.add (i32x4.extract_lane 2 (local.get $hv)) (i32x4.extract_lane 3 (local.get $hv)))))) (local.get $sq)) (local.get $k))
          (local.get $iv)))
      (f32.store (i32.add (local.get $err) (local.get $o2)) (f32.mul (local.get $e) (local.get $iv)))
      (local.set $iv (f32.load (i32.add (local.get $inv) (local.get $o3))))
      (f32.store (i32.add (local.get $out) (local.get $o3))
        (f32.mul
          (f32.add (f32.mul (f32.convert_i32_s (block (result i32) (local.set $hv (local.get $a3)) (i32.add (i32.add (i32x4.extract_lane 0 (local.get $hv)) (i32x4.extract_lane 1 (local.get $hv))) (i32.add (i32x4.extract_lane 2 (local.get $hv)) (i32x4.extract_lane 3 (local.get $hv)))))) (local.get $sq)) (local.get $k))
          (local.get $iv)))
      (f32.store (i32.add (local.get $err) (local.get $o3)) (f32.mul (local.get $e) (local.get $iv)))
      (local.set $inv (i32.add (local.get $inv) (i32.const 4)))
      (local.set $err (i32.add (local.get $err) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $row (i32.ne (local.get $out) (local.get $end)))))

  ;; Hamming distances between sign bits (sb bytes per row, a multiple of 16) and the query's:
  ;; xor, i8x16.popcnt, widened pairwise into i16 lanes. For each row: d[i] = the distance (u16),
  ;; t[i] = lut[d] (f32: the score it suggests), and hist[d] += 1 (u32), so that the caller can
  ;; pick the nearest rows without another pass.
  (func (export "scan_bin")
    (param $bits i32) (param $sb i32) (param $count i32) (param $q i32) (param $lut i32) (param $hist i32)
    (param $t i32) (param $d i32)
    (local $hv v128) (local $p i32) (local $j i32) (local $end i32) (local $acc v128) (local $h i32) (local $slot i32)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $p (local.get $bits))
    (local.set $end (i32.add (local.get $d) (i32.shl (local.get $count) (i32.const 1))))
    (loop $row
      (local.set $acc (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $acc (i16x8.add (local.get $acc)
          (i16x8.extadd_pairwise_i8x16_u (i8x16.popcnt
            (v128.xor (v128.load (i32.add (local.get $p) (local.get $j))) (v128.load (i32.add (local.get $q) (local.get $j))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $col (i32.ne (local.get $j) (local.get $sb))))
      (local.set $hv (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
      (local.set $h (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $hv)) (i32x4.extract_lane 1 (local.get $hv)))
        (i32.add (i32x4.extract_lane 2 (local.get $hv)) (i32x4.extract_lane 3 (local.get $hv)))))
      (i32.store16 (local.get $d) (local.get $h))
      (f32.store (local.get $t) (f32.load (i32.add (local.get $lut) (i32.shl (local.get $h) (i32.const 2)))))
      (local.set $slot (i32.add (local.get $hist) (i32.shl (local.get $h) (i32.const 2))))
      (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (local.get $sb)))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (local.set $d (i32.add (local.get $d) (i32.const 2)))
      (br_if $row (i32.ne (local.get $d) (local.get $end)))))

  ;; Sign bits of rows − mu (mu: stride f32): bit b of 32-bit word w is set when element 32w + b
  ;; is greater than mu's. stride/8 bytes per row.
  (func (export "encode_bin")
    (param $rows i32) (param $stride i32) (param $count i32) (param $mu i32) (param $bits i32)
    (local $p i32) (local $m i32) (local $end i32) (local $rend i32)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.mul (local.get $count) (i32.shl (local.get $stride) (i32.const 2)))))
    (loop $row
      (local.set $m (local.get $mu))
      (local.set $rend (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 2))))
      (loop $word
        (i32.store (local.get $bits)
          (i32.or
            (i32.or
              (i32.or
                (i32x4.bitmask (f32x4.gt (v128.load (local.get $p)) (v128.load (local.get $m))))
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $m)))) (i32.const 4)))
              (i32.or
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $m)))) (i32.const 8))
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $m)))) (i32.const 12))))
            (i32.or
              (i32.or
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=64 (local.get $p)) (v128.load offset=64 (local.get $m)))) (i32.const 16))
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=80 (local.get $p)) (v128.load offset=80 (local.get $m)))) (i32.const 20)))
              (i32.or
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=96 (local.get $p)) (v128.load offset=96 (local.get $m)))) (i32.const 24))
                (i32.shl (i32x4.bitmask (f32x4.gt (v128.load offset=112 (local.get $p)) (v128.load offset=112 (local.get $m)))) (i32.const 28))))))
        (local.set $bits (i32.add (local.get $bits) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 128)))
        (local.set $m (i32.add (local.get $m) (i32.const 128)))
        (br_if $word (i32.ne (local.get $p) (local.get $rend))))
      (br_if $row (i32.ne (local.get $p) (local.get $end)))))

  ;; Per-element minimum and maximum over the rows, into lo and hi (stride f32 each, which the
  ;; caller fills with +inf and −inf first). Two rows at a time (the last one twice when count is
  ;; odd), so lo and hi are read and written half as often; pmin/pmax (one instruction each, where
  ;; min/max must order NaNs and signed zeros: several).
  (func (export "min_max")
    (param $rows i32) (param $stride i32) (param $count i32) (param $lo i32) (param $hi i32)
    (local $p i32) (local $p2 i32) (local $j i32) (local $end i32) (local $last i32) (local $rb i32)
    (local $a v128) (local $b v128)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.mul (local.get $count) (local.get $rb))))
    (local.set $last (i32.sub (local.get $end) (local.get $rb)))
    (loop $row
      (local.set $p2 (select (local.get $p) (i32.add (local.get $p) (local.get $rb)) (i32.eq (local.get $p) (local.get $last))))
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $a (v128.load (i32.add (local.get $p) (local.get $j))))
        (local.set $b (v128.load (i32.add (local.get $p2) (local.get $j))))
        (v128.store (i32.add (local.get $lo) (local.get $j))
          (f32x4.pmin (v128.load (i32.add (local.get $lo) (local.get $j))) (f32x4.pmin (local.get $a) (local.get $b))))
        (v128.store (i32.add (local.get $hi) (local.get $j))
          (f32x4.pmax (v128.load (i32.add (local.get $hi) (local.get $j))) (f32x4.pmax (local.get $a) (local.get $b))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $col (i32.ne (local.get $j) (local.get $rb))))
      (local.set $p (i32.add (local.get $p2) (local.get $rb)))
      (br_if $row (i32.ne (local.get $p) (local.get $end)))))

  ;; int8 codes: round((x − lo) · invs), saturated to [0, 255] (lo, invs: stride f32). Rounds by
  ;; adding 1.5·2²³, which leaves round-to-nearest-even(v) in the low mantissa bits for any v in
  ;; [0, 2²²) (and x ≥ lo, so v ≥ 0): cheaper than f32x4.nearest and i32x4.trunc_sat_f32x4_s.
  (func (export "quant_i8")
    (param $rows i32) (param $stride i32) (param $count i32) (param $lo i32) (param $invs i32) (param $codes i32)
    (local $p i32) (local $j i32) (local $end i32) (local $rb i32) (local $magic v128)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.mul (local.get $count) (local.get $rb))))
    (local.set $magic (f32x4.splat (f32.const 12582912)))
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        (v128.store (local.get $codes)
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_s
              (i32x4.sub (f32x4.add (local.get $magic) (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $j))) (v128.load (i32.add (local.get $lo) (local.get $j))))
                (v128.load (i32.add (local.get $invs) (local.get $j))))) (local.get $magic))
              (i32x4.sub (f32x4.add (local.get $magic) (f32x4.mul
                (f32x4.sub (v128.load offset=16 (i32.add (local.get $p) (local.get $j))) (v128.load offset=16 (i32.add (local.get $lo) (local.get $j))))
                (v128.load offset=16 (i32.add (local.get $invs) (local.get $j))))) (local.get $magic)))
            (i16x8.narrow_i32x4_s
              (i32x4.sub (f32x4.add (local.get $magic) (f32x4.mul
                (f32x4.sub (v128.load offset=32 (i32.add (local.get $p) (local.get $j))) (v128.load offset=32 (i32.add (local.get $lo) (local.get $j))))
                (v128.load offset=32 (i32.add (local.get $invs) (local.get $j))))) (local.get $magic))
              (i32x4.sub (f32x4.add (local.get $magic) (f32x4.mul
                (f32x4.sub (v128.load offset=48 (i32.add (local.get $p) (local.get $j))) (v128.load offset=48 (i32.add (local.get $lo) (local.get $j))))
                (v128.load offset=48 (i32.add (local.get $invs) (local.get $j))))) (local.get $magic)))))
        (local.set $codes (i32.add (local.get $codes) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br_if $col (i32.ne (local.get $j) (local.get $rb))))
      (local.set $p (i32.add (local.get $p) (local.get $rb)))
      (br_if $row (i32.ne (local.get $p) (local.get $end)))))

  ;; Column sums in f64: sums[j] += rows[i][j] for every row, in row order (each lane adds its
  ;; column's values one after another, so the sums are the same as a plain sequential loop's).
  (func (export "col_sums")
    (param $rows i32) (param $stride i32) (param $count i32) (param $sums i32)
    (local $p i32) (local $j i32) (local $s i32) (local $end i32) (local $rb i32) (local $v v128)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.mul (local.get $count) (local.get $rb))))
    (loop $row
      (local.set $j (i32.const 0))
      (local.set $s (local.get $sums))
      (loop $col
        (local.set $v (v128.load (i32.add (local.get $p) (local.get $j))))
        (v128.store (local.get $s) (f64x2.add (v128.load (local.get $s)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $s) (f64x2.add (v128.load offset=16 (local.get $s))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $s (i32.add (local.get $s) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $col (i32.ne (local.get $j) (local.get $rb))))
      (local.set $p (i32.add (local.get $p) (local.get $rb)))
      (br_if $row (i32.ne (local.get $p) (local.get $end)))))

  ;; Squared norms in f64: out[i] = Σ (rows[i][j] − center[j])² (center: stride f64; out: f64).
  (func (export "norms2")
    (param $rows i32) (param $stride i32) (param $count i32) (param $center i32) (param $out i32)
    (local $p i32) (local $j i32) (local $c i32) (local $end i32) (local $rb i32) (local $v v128)
    (local $d0 v128) (local $d1 v128) (local $a0 v128) (local $a1 v128) (local $s v128)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3))))
    (loop $row
      (local.set $a0 (v128.const i64x2 0 0))
      (local.set $a1 (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (local.set $c (local.get $center))
      (loop $col
        (local.set $v (v128.load (i32.add (local.get $p) (local.get $j))))
        (local.set $d0 (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (local.get $c))))
        (local.set $d1 (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                                  (v128.load offset=16 (local.get $c))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $d0) (local.get $d0))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $d1) (local.get $d1))))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $col (i32.ne (local.get $j) (local.get $rb))))
      (local.set $s (f64x2.add (local.get $a0) (local.get $a1)))
      (f64.store (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
      (local.set $p (i32.add (local.get $p) (local.get $rb)))
      (local.set $out (i32.add (local.get $out) (i32.const 8)))
      (br_if $row (i32.ne (local.get $out) (local.get $end)))))
)
