// Elementwise f32 vector kernels used by optimizers and by the fixed-order gradient reduction.
// n must be a multiple of 4 for the SIMD variants (the host pads tensors to 8 floats).

/** dst[i] += src[i] */
export function f32_add_simd(dst: usize, src: usize, n: i32): void {
  // eight vectors per iteration: the loop overhead is paid once per 128 bytes of each array (four: 1.48x against
  // one vector per iteration on the AMD host, no change on the Intel one; eight: 1.04-1.05x against four on the
  // AMD host: docs/kernel-changes.md)
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 16), v128.load(src + o, 16)), 16);
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 32), v128.load(src + o, 32)), 32);
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 48), v128.load(src + o, 48)), 48);
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 64), v128.load(src + o, 64)), 64);
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 80), v128.load(src + o, 80)), 80);
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 96), v128.load(src + o, 96)), 96);
    v128.store(dst + o, f32x4.add(v128.load(dst + o, 112), v128.load(src + o, 112)), 112);
  }
  for (; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
}
export function f32_add_ref(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** x[i] /= d. The BNN divides its summed gradients by the batch size with it; its host loop did
 *  f32(f64(x) / f64(d)), which equals the f32 quotient bit for bit (a double-precision quotient rounded
 *  to float is the correctly rounded float quotient, since 53 >= 2 * 24 + 2 bits), so both versions
 *  divide in f32. n a multiple of 4 for the SIMD version's main loop (a scalar tail takes the rest). */
export function f32_div_scalar_simd(x: usize, n: i32, d: f32): void {
  const dV = f32x4.splat(d);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.div(v128.load(x + o), dV));
  }
  for (; i < n; i++) { const o = <usize>i << 2; store<f32>(x + o, load<f32>(x + o) / d); }
}
export function f32_div_scalar_ref(x: usize, n: i32, d: f32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; store<f32>(x + o, load<f32>(x + o) / d); }
}

/** SGD step with coupled L2 decay, in S4NN's order: w -= lr * g; w -= (lr * decay) * w. */
export function f32_sgd_step_simd(w: usize, g: usize, n: i32, lr: f32, decay: f32): void {
  const lrV = f32x4.splat(lr);
  const dV = f32x4.splat(lr * decay);
  let i = 0;
  // eight vectors per iteration (four, as f32_add_simd, measured 1.04-1.05x slower, sixteen 1.02x: at eight the
  // step runs at f32_add's rate, the same 12 bytes per float moved; scripts/ab-stream-kernels.mjs)
  for (; i + 32 <= n; i += 32) {
    const o = <usize>i << 2;
    sgd4(w + o, g + o, lrV, dV); sgd4(w + o + 64, g + o + 64, lrV, dV);
  }
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    sgd4(w + o, g + o, lrV, dV);
  }
  for (; i < n; i += 4) {
    const o = <usize>i << 2;
    let x = f32x4.sub(v128.load(w + o), f32x4.mul(lrV, v128.load(g + o)));
    x = f32x4.sub(x, f32x4.mul(dV, x));
    v128.store(w + o, x);
  }
}
/** Four vectors of the SGD step at w, g. */
// @ts-ignore: decorator
@inline function sgd4(w: usize, g: usize, lrV: v128, dV: v128): void {
  let x0 = f32x4.sub(v128.load(w), f32x4.mul(lrV, v128.load(g)));
  let x1 = f32x4.sub(v128.load(w, 16), f32x4.mul(lrV, v128.load(g, 16)));
  let x2 = f32x4.sub(v128.load(w, 32), f32x4.mul(lrV, v128.load(g, 32)));
  let x3 = f32x4.sub(v128.load(w, 48), f32x4.mul(lrV, v128.load(g, 48)));
  x0 = f32x4.sub(x0, f32x4.mul(dV, x0)); x1 = f32x4.sub(x1, f32x4.mul(dV, x1));
  x2 = f32x4.sub(x2, f32x4.mul(dV, x2)); x3 = f32x4.sub(x3, f32x4.mul(dV, x3));
  v128.store(w, x0); v128.store(w, x1, 16); v128.store(w, x2, 32); v128.store(w, x3, 48);
}
export function f32_sgd_step_ref(w: usize, g: usize, n: i32, lr: f32, decay: f32): void {
  const d = lr * decay;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    let x = load<f32>(w + o) - lr * load<f32>(g + o);
    x = x - d * x;
    store<f32>(w + o, x);
  }
}

/** dst[i] = sign(src[i]) as i16 in {-1, 0, +1}. */
export function f32_sign_i16_simd(src: usize, dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  // 32 weights per iteration (1.14-1.15x the 8 of the loop below alone, 64 no better; scripts/ab-stream-kernels.mjs)
  for (; i + 32 <= n; i += 32) {
    const s = src + (<usize>i << 2), d = dst + (<usize>i << 1);
    signs16(s, d, z); signs16(s + 64, d + 32, z);
  }
  for (; i + 16 <= n; i += 16) signs16(src + (<usize>i << 2), dst + (<usize>i << 1), z);
  for (; i < n; i += 8) {
    const a = v128.load(src + (<usize>i << 2));
    const b = v128.load(src + (<usize>i << 2), 16);
    const sa = i32x4.sub(f32x4.lt(a, z), f32x4.gt(a, z));
    const sb = i32x4.sub(f32x4.lt(b, z), f32x4.gt(b, z));
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_s(sa, sb));
  }
}
/** Signs of 16 floats at s as i16 at d. */
// @ts-ignore: decorator
@inline function signs16(s: usize, d: usize, z: v128): void {
  const a = v128.load(s), b = v128.load(s, 16), c = v128.load(s, 32), e = v128.load(s, 48);
  v128.store(d, i16x8.narrow_i32x4_s(i32x4.sub(f32x4.lt(a, z), f32x4.gt(a, z)), i32x4.sub(f32x4.lt(b, z), f32x4.gt(b, z))));
  v128.store(d, i16x8.narrow_i32x4_s(i32x4.sub(f32x4.lt(c, z), f32x4.gt(c, z)), i32x4.sub(f32x4.lt(e, z), f32x4.gt(e, z))), 16);
}
export function f32_sign_i16_ref(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(src + (<usize>i << 2));
    store<i16>(dst + (<usize>i << 1), x > 0 ? 1 : (x < 0 ? -1 : 0));
  }
}

/** Returns 1 if any element is NaN or +-Inf, else 0 (numerical fault detection). */
export function f32_nonfinite_any(src: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(src + (<usize>i << 2));
    if (!isFinite<f32>(x)) return 1;
  }
  return 0;
}

/**
 * max |x[i]| over n floats: NaN if any element is NaN, +Inf if any is infinite (and none NaN), 0 for n = 0.
 * The host's periodic weight scan (overflow guard and NaN check of a layer: 313,600 floats for S4NN's
 * 784 -> 400 layer) ran in JavaScript. Magnitudes compare as their bit patterns with the sign cleared
 * (non-negative floats order as their bits; every NaN's bits lie above +Inf's), so the SIMD version is an
 * integer max, exact in any order; the result is the float of the largest pattern (a NaN's payload may
 * differ from the twin's, which returns the first NaN's: both are NaN).
 */
export function f32_max_abs_simd(src: usize, n: i32): f32 {
  const abs = i32x4.splat(0x7fffffff);
  let m0 = i32x4.splat(0), m1 = m0, m2 = m0, m3 = m0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const s = src + (<usize>i << 2);
    m0 = i32x4.max_s(m0, v128.and(v128.load(s), abs));
    m1 = i32x4.max_s(m1, v128.and(v128.load(s, 16), abs));
    m2 = i32x4.max_s(m2, v128.and(v128.load(s, 32), abs));
    m3 = i32x4.max_s(m3, v128.and(v128.load(s, 48), abs));
  }
  const m = i32x4.max_s(i32x4.max_s(m0, m1), i32x4.max_s(m2, m3));
  let r = max(max(i32x4.extract_lane(m, 0), i32x4.extract_lane(m, 1)), max(i32x4.extract_lane(m, 2), i32x4.extract_lane(m, 3)));
  for (; i < n; i++) r = max(r, load<i32>(src + (<usize>i << 2)) & 0x7fffffff);
  return reinterpret<f32>(r);
}
export function f32_max_abs_ref(src: usize, n: i32): f32 {
  let m: f32 = 0;
  for (let i = 0; i < n; i++) {
    const a = abs<f32>(load<f32>(src + (<usize>i << 2)));
    if (isNaN<f32>(a)) return a;
    if (a > m) m = a;
  }
  return m;
}

/**
 * In-place L2 normalisation of n floats: ss = the sum of x[i]^2 in f64, in index order (each square exact in
 * f64), norm = sqrt(ss); when norm != 0, x[i] = f32(f64(x[i]) / norm). Returns norm. The TTFS and STiDi trainers
 * normalise every back-propagated error with it (src/algorithms/ttfs/targets.ts had it in JavaScript: 0.8 us for
 * S4NN's 400 hidden neurons, 5% of an online step; STiDi's conv-layer error is 9,216 floats, mostly zeros).
 * The sum stays one scalar chain in index order in both variants (another order would round differently), but
 * the SIMD variant skips groups of four zeros (bit patterns all 0): a square of +0 adds nothing to a sum that is
 * +0 or positive. Its division takes two lanes per f64x2 division (each quotient the twin's, rounded to f32 the
 * same way) and skips groups of four zeros too (0 / norm is that zero, sign kept), except when norm is NaN
 * (a NaN among the inputs), where the twin writes NaN everywhere. n need not be a multiple of 4.
 */
export function f32_l2_normalise_simd(x: usize, n: i32): f64 {
  let ss: f64 = 0;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const p = x + (<usize>i << 2);
    if (!v128.any_true(v128.load(p))) continue;
    const a = <f64>load<f32>(p), b = <f64>load<f32>(p, 4), c = <f64>load<f32>(p, 8), d = <f64>load<f32>(p, 12);
    ss += a * a; ss += b * b; ss += c * c; ss += d * d;
  }
  for (let i = n4; i < n; i++) { const v = <f64>load<f32>(x + (<usize>i << 2)); ss += v * v; }
  const norm = Math.sqrt(ss);
  if (norm == 0) return norm;
  const skip = !isNaN(norm);
  const nV = f64x2.splat(norm);
  for (let i = 0; i < n4; i += 4) {
    const p = x + (<usize>i << 2);
    const v = v128.load(p);
    if (skip && !v128.any_true(v)) continue;
    const lo = f32x4.demote_f64x2_zero(f64x2.div(f64x2.promote_low_f32x4(v), nV));
    const hi = f32x4.demote_f64x2_zero(f64x2.div(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), nV));
    v128.store(p, i32x4.shuffle(lo, hi, 0, 1, 4, 5));
  }
  for (let i = n4; i < n; i++) { const p = x + (<usize>i << 2); store<f32>(p, <f32>(<f64>load<f32>(p) / norm)); }
  return norm;
}
export function f32_l2_normalise_ref(x: usize, n: i32): f64 {
  let ss: f64 = 0;
  for (let i = 0; i < n; i++) { const v = <f64>load<f32>(x + (<usize>i << 2)); ss += v * v; }
  const norm = Math.sqrt(ss);
  if (norm != 0) for (let i = 0; i < n; i++) { const p = x + (<usize>i << 2); store<f32>(p, <f32>(<f64>load<f32>(p) / norm)); }
  return norm;
}
