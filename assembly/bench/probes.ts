// Machine-ceiling probes for bench/kernels.ts: what this core can do at best with the same WASM
// instructions the kernels use, so each kernel can be reported as a fraction of it. Not used in
// training. Each probe returns a value derived from all of its work so nothing is optimised away.

/**
 * f32x4 mul+add peak: 12 independent accumulator chains a_k = a_k * m + c (toolchain.md: at most
 * ~13 live v128 values before V8 spills). One iteration = 12 chains x 4 lanes x 2 FLOP = 96 FLOP.
 * m and c are parameters so nothing folds; with |m| < 1 the chains converge (no overflow, no denormals).
 */
export function probe_f32_fma_peak(iters: i32, m: f32, c: f32): f32 {
  const mv = f32x4.splat(m);
  const cv = f32x4.splat(c);
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.1), a2 = f32x4.splat(1.2), a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4), a5 = f32x4.splat(1.5), a6 = f32x4.splat(1.6), a7 = f32x4.splat(1.7);
  let a8 = f32x4.splat(1.8), a9 = f32x4.splat(1.9), a10 = f32x4.splat(2.0), a11 = f32x4.splat(2.1);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, mv), cv);
    a1 = f32x4.add(f32x4.mul(a1, mv), cv);
    a2 = f32x4.add(f32x4.mul(a2, mv), cv);
    a3 = f32x4.add(f32x4.mul(a3, mv), cv);
    a4 = f32x4.add(f32x4.mul(a4, mv), cv);
    a5 = f32x4.add(f32x4.mul(a5, mv), cv);
    a6 = f32x4.add(f32x4.mul(a6, mv), cv);
    a7 = f32x4.add(f32x4.mul(a7, mv), cv);
    a8 = f32x4.add(f32x4.mul(a8, mv), cv);
    a9 = f32x4.add(f32x4.mul(a9, mv), cv);
    a10 = f32x4.add(f32x4.mul(a10, mv), cv);
    a11 = f32x4.add(f32x4.mul(a11, mv), cv);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/**
 * Binary dot throughput: scalar i64.popcnt over the XOR of two u64 vectors (the BNN kernels'
 * instruction), four independent accumulators. `words` must be a multiple of 4; keep both vectors
 * in L1 (a few KiB) for the in-cache peak. Work = reps * words * 64 bit-products.
 */
export function probe_popcnt_peak(a: usize, b: usize, words: i32, reps: i32): i64 {
  let s0: i64 = 0, s1: i64 = 0, s2: i64 = 0, s3: i64 = 0;
  for (let r = 0; r < reps; r++) {
    for (let w = 0; w < words; w += 4) {
      const o = <usize>w << 3;
      s0 += popcnt<i64>(load<u64>(a + o) ^ load<u64>(b + o));
      s1 += popcnt<i64>(load<u64>(a + o, 8) ^ load<u64>(b + o, 8));
      s2 += popcnt<i64>(load<u64>(a + o, 16) ^ load<u64>(b + o, 16));
      s3 += popcnt<i64>(load<u64>(a + o, 24) ^ load<u64>(b + o, 24));
    }
  }
  return s0 + s1 + s2 + s3;
}

/** Streaming read bandwidth: v128 loads summed into 4 i32x4 accumulators. `bytes` a multiple of 64. */
export function probe_stream_read(p: usize, bytes: usize, reps: i32): i32 {
  let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
  for (let r = 0; r < reps; r++) {
    for (let o: usize = 0; o < bytes; o += 64) {
      a0 = i32x4.add(a0, v128.load(p + o));
      a1 = i32x4.add(a1, v128.load(p + o, 16));
      a2 = i32x4.add(a2, v128.load(p + o, 32));
      a3 = i32x4.add(a3, v128.load(p + o, 48));
    }
  }
  const s = i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}

/**
 * In-place update bandwidth (the access pattern of weight updates): x += c over f32x4, read and
 * written once per rep. Bytes moved per rep = 2 * bytes. `bytes` a multiple of 64.
 */
export function probe_stream_update(p: usize, bytes: usize, reps: i32, c: f32): void {
  const cv = f32x4.splat(c);
  for (let r = 0; r < reps; r++) {
    for (let o: usize = 0; o < bytes; o += 64) {
      v128.store(p + o, f32x4.add(v128.load(p + o), cv));
      v128.store(p + o, f32x4.add(v128.load(p + o, 16), cv), 16);
      v128.store(p + o, f32x4.add(v128.load(p + o, 32), cv), 32);
      v128.store(p + o, f32x4.add(v128.load(p + o, 48), cv), 48);
    }
  }
}

/**
 * Copy bandwidth (the access pattern of kernels that read one array and write another: ReLU, im2col):
 * dst = src over v128, 4 vectors per iteration. Unlike the in-place update, every destination line is
 * fetched for ownership before it is written, so a copy moves more lines per byte stored. Bytes moved per
 * rep = 2 * bytes (read + write, counted as the kernels count theirs). `bytes` a multiple of 64.
 */
export function probe_stream_copy(src: usize, dst: usize, bytes: usize, reps: i32): void {
  for (let r = 0; r < reps; r++) {
    for (let o: usize = 0; o < bytes; o += 64) {
      const a = v128.load(src + o), b = v128.load(src + o, 16), c = v128.load(src + o, 32), d = v128.load(src + o, 48);
      v128.store(dst + o, a); v128.store(dst + o, b, 16); v128.store(dst + o, c, 32); v128.store(dst + o, d, 48);
    }
  }
}

/**
 * f32x4 divide/square-root peak in Adam's mix (f32_adam_step: two divisions and one square root per
 * 4 weights, torch's order): 8 independent chains a_k = (sqrt(a_k) / d) / e. One iteration = 8 chains x
 * 4 lanes = 32 lanes of that work. With d e > 1 the chains converge to 1 / (d e)^2 (normal numbers: no
 * subnormal slow path); d and e are parameters so nothing folds.
 */
export function probe_f32_divsqrt_peak(iters: i32, d: f32, e: f32): f32 {
  const dv = f32x4.splat(d), ev = f32x4.splat(e);
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.1), a2 = f32x4.splat(1.2), a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4), a5 = f32x4.splat(1.5), a6 = f32x4.splat(1.6), a7 = f32x4.splat(1.7);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.div(f32x4.div(f32x4.sqrt(a0), dv), ev);
    a1 = f32x4.div(f32x4.div(f32x4.sqrt(a1), dv), ev);
    a2 = f32x4.div(f32x4.div(f32x4.sqrt(a2), dv), ev);
    a3 = f32x4.div(f32x4.div(f32x4.sqrt(a3), dv), ev);
    a4 = f32x4.div(f32x4.div(f32x4.sqrt(a4), dv), ev);
    a5 = f32x4.div(f32x4.div(f32x4.sqrt(a5), dv), ev);
    a6 = f32x4.div(f32x4.div(f32x4.sqrt(a6), dv), ev);
    a7 = f32x4.div(f32x4.div(f32x4.sqrt(a7), dv), ev);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/**
 * f32x4.add latency: one chain of dependent adds a = a + c, 4 per iteration (iters * 4 adds). Time per add is the
 * add's latency: what bounds a sum kept in a fixed order (the spike gathers, docs/kernel-changes.md).
 */
export function probe_f32_add_latency(iters: i32, c: f32): f32 {
  const cv = f32x4.splat(c);
  let a = f32x4.splat(0);
  for (let i = 0; i < iters; i++) { a = f32x4.add(a, cv); a = f32x4.add(a, cv); a = f32x4.add(a, cv); a = f32x4.add(a, cv); }
  return f32x4.extract_lane(a, 0);
}

/** f32x4.add throughput: 8 independent chains (iters * 8 adds): time per add is the issue rate of adds alone. */
export function probe_f32_add_peak(iters: i32, c: f32): f32 {
  const cv = f32x4.splat(c);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(1), a2 = f32x4.splat(2), a3 = f32x4.splat(3);
  let a4 = f32x4.splat(4), a5 = f32x4.splat(5), a6 = f32x4.splat(6), a7 = f32x4.splat(7);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(a0, cv); a1 = f32x4.add(a1, cv); a2 = f32x4.add(a2, cv); a3 = f32x4.add(a3, cv);
    a4 = f32x4.add(a4, cv); a5 = f32x4.add(a5, cv); a6 = f32x4.add(a6, cv); a7 = f32x4.add(a7, cv);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0);
}

/**
 * Indexed row gather: the rows at byte offsets idx[0..m) (64 bytes each, 16 f32) added into 16 f32 sums, `reps`
 * times: the access the event-driven kernels make (an input event's weight-row segment, a spiking input's row),
 * with nothing else in the loop. Two rows per iteration into two sets of four accumulators (a row's four vectors
 * depend on one index load; eight chains keep the adder busy whatever its latency). `m` must be even.
 * Work = reps * m * 64 bytes read.
 */
export function probe_gather_rows(table: usize, idx: usize, m: i32, reps: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  const end = idx + (<usize>m << 2);
  for (let r = 0; r < reps; r++) {
    for (let j = idx; j < end; j += 8) {
      const p = table + <usize>load<i32>(j), q = table + <usize>load<i32>(j, 4);
      a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
      b0 = f32x4.add(b0, v128.load(q)); b1 = f32x4.add(b1, v128.load(q, 16));
      b2 = f32x4.add(b2, v128.load(q, 32)); b3 = f32x4.add(b3, v128.load(q, 48));
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(b0, b1), f32x4.add(b2, b3)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** probe_gather_rows with one row per iteration into four accumulators (the kernels' shape: the sum order of
 *  an output block fixes one chain per vector). Work = reps * m * 64 bytes read. */
export function probe_gather_rows4(table: usize, idx: usize, m: i32, reps: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const end = idx + (<usize>m << 2);
  for (let r = 0; r < reps; r++) {
    for (let j = idx; j < end; j += 4) {
      const p = table + <usize>load<i32>(j);
      a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
    }
  }
  const s = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
