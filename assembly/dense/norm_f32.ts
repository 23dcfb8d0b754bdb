// Batch-norm pieces over activations laid out [B][C][n] (n = H W, one plane per sample and channel).
// Statistics are per channel over B n values, accumulated in f64 in a fixed order (b, then i), so the
// result does not depend on anything but the data:
//   f32_plane_stats:  mean[c] and m2[c] = sum (x - mean)^2   (two passes: exact enough, no cancellation)
//   f32_plane_sums:   sdy[c] = sum dy, sdyx[c] = sum dy x    (batch-norm backward)
// Each channel's sum is one chain of dependent f64 adds (that order is what makes a run reproducible), so
// the _ref twins, one channel at a time, wait an add's latency per value. The fast versions run the
// chains of several channels side by side (four for the statistics, two for the backward sums, then one
// at a time for the rest), each channel still summed in the (b, i) order: the same bits.
// The element-wise parts have SIMD kernels and scalar twins with one operation order:
//   f32_affine_planes:  y = x a[c] + s[c]                   (forward, train or eval: a, s from the host)
//   f32_bn_bwd_planes:  dx = (p[c] dy + q[c] x) + r[c]      (backward; eval mode: q = r = 0)

export function f32_plane_stats_ref(x: usize, B: i32, C: i32, n: i32, mean: usize, m2: usize): void {
  for (let c = 0; c < C; c++) planeStats1(x, B, C, n, c, mean, m2);
}

/** Channel c's mean and m2 (the twin, one channel at a time; also the fast kernel's remainder channels). */
// @ts-ignore: decorator
@inline function planeStats1(x: usize, B: i32, C: i32, n: i32, c: i32, mean: usize, m2: usize): void {
  let s: f64 = 0;
  for (let b = 0; b < B; b++) {
    const p = x + ((<usize>((b * C + c) * n)) << 2);
    for (let i = 0; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  }
  const mu = s / <f64>(B * n);
  let q: f64 = 0;
  for (let b = 0; b < B; b++) {
    const p = x + ((<usize>((b * C + c) * n)) << 2);
    for (let i = 0; i < n; i++) { const d = <f64>load<f32>(p + (<usize>i << 2)) - mu; q += d * d; }
  }
  store<f64>(mean + (<usize>c << 3), mu);
  store<f64>(m2 + (<usize>c << 3), q);
}

export function f32_plane_sums_ref(dy: usize, x: usize, B: i32, C: i32, n: i32, sdy: usize, sdyx: usize): void {
  for (let c = 0; c < C; c++) planeSums1(dy, x, B, C, n, c, sdy, sdyx);
}

/** Channel c's sum of dy and of dy x (the twin, one channel at a time; also the fast kernel's remainder channels). */
// @ts-ignore: decorator
@inline function planeSums1(dy: usize, x: usize, B: i32, C: i32, n: i32, c: i32, sdy: usize, sdyx: usize): void {
  let s: f64 = 0, t: f64 = 0;
  for (let b = 0; b < B; b++) {
    const o = (<usize>((b * C + c) * n)) << 2;
    for (let i = 0; i < n; i++) {
      const g = <f64>load<f32>(dy + o + (<usize>i << 2));
      s += g;
      t += g * <f64>load<f32>(x + o + (<usize>i << 2));
    }
  }
  store<f64>(sdy + (<usize>c << 3), s);
  store<f64>(sdyx + (<usize>c << 3), t);
}

/** f32_plane_stats_ref with four channels' chains interleaved (then one at a time): same sums, same bits. Four, not
 *  eight: V8 issues an iteration's loads before its adds, and eight sums with eight loaded values need more than its
 *  15 vector registers; it kept one sum on the stack, a store and a reload in that chain every iteration. */
export function f32_plane_stats_fast(x: usize, B: i32, C: i32, n: i32, mean: usize, m2: usize): void {
  const pn = <usize>n << 2, N = <f64>(B * n);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (let b = 0; b < B; b++) {
      const p = x + ((<usize>((b * C + c) * n)) << 2), end = p + pn;
      for (let o = p; o < end; o += 4) {
        s0 += <f64>load<f32>(o); s1 += <f64>load<f32>(o + pn); s2 += <f64>load<f32>(o + 2 * pn); s3 += <f64>load<f32>(o + 3 * pn);
      }
    }
    const m0 = s0 / N, m1 = s1 / N, m2_ = s2 / N, m3 = s3 / N;
    let q0: f64 = 0, q1: f64 = 0, q2: f64 = 0, q3: f64 = 0;
    for (let b = 0; b < B; b++) {
      const p = x + ((<usize>((b * C + c) * n)) << 2), end = p + pn;
      for (let o = p; o < end; o += 4) {
        const d0 = <f64>load<f32>(o) - m0, d1 = <f64>load<f32>(o + pn) - m1;
        const d2 = <f64>load<f32>(o + 2 * pn) - m2_, d3 = <f64>load<f32>(o + 3 * pn) - m3;
        q0 += d0 * d0; q1 += d1 * d1; q2 += d2 * d2; q3 += d3 * d3;
      }
    }
    const mc = mean + (<usize>c << 3), qc = m2 + (<usize>c << 3);
    store<f64>(mc, m0); store<f64>(mc, m1, 8); store<f64>(mc, m2_, 16); store<f64>(mc, m3, 24);
    store<f64>(qc, q0); store<f64>(qc, q1, 8); store<f64>(qc, q2, 16); store<f64>(qc, q3, 24);
  }
  for (; c < C; c++) planeStats1(x, B, C, n, c, mean, m2);
}

/** f32_plane_sums_ref with two channels' chains interleaved (four chains: dy and dy x of each), then one: same bits.
 *  Two, not four: eight sums and eight loaded values spilled a sum to the stack (as in f32_plane_stats_fast). */
export function f32_plane_sums_fast(dy: usize, x: usize, B: i32, C: i32, n: i32, sdy: usize, sdyx: usize): void {
  const pn = <usize>n << 2;
  let c = 0;
  for (; c + 2 <= C; c += 2) {
    let s0: f64 = 0, s1: f64 = 0, t0: f64 = 0, t1: f64 = 0;
    for (let b = 0; b < B; b++) {
      const o0 = (<usize>((b * C + c) * n)) << 2, g = dy + o0, xx = x + o0, end = g + pn;
      for (let o = g, q = xx; o < end; o += 4, q += 4) {
        const g0 = <f64>load<f32>(o), g1 = <f64>load<f32>(o + pn);
        s0 += g0; s1 += g1;
        t0 += g0 * <f64>load<f32>(q); t1 += g1 * <f64>load<f32>(q + pn);
      }
    }
    const sc = sdy + (<usize>c << 3), tc = sdyx + (<usize>c << 3);
    store<f64>(sc, s0); store<f64>(sc, s1, 8);
    store<f64>(tc, t0); store<f64>(tc, t1, 8);
  }
  for (; c < C; c++) planeSums1(dy, x, B, C, n, c, sdy, sdyx);
}

export function f32_affine_planes_simd(x: usize, y: usize, B: i32, C: i32, n: i32, a: usize, s: usize): void {
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (<usize>((b * C + c) * n)) << 2;
    const av = load<f32>(a + (<usize>c << 2)), sv = load<f32>(s + (<usize>c << 2));
    const A = f32x4.splat(av), S = f32x4.splat(sv);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const p = o + (<usize>i << 2);
      v128.store(y + p, f32x4.add(f32x4.mul(v128.load(x + p), A), S));
    }
    for (; i < n; i++) { const p = o + (<usize>i << 2); store<f32>(y + p, load<f32>(x + p) * av + sv); }
  }
}
export function f32_affine_planes_ref(x: usize, y: usize, B: i32, C: i32, n: i32, a: usize, s: usize): void {
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (<usize>((b * C + c) * n)) << 2;
    const av = load<f32>(a + (<usize>c << 2)), sv = load<f32>(s + (<usize>c << 2));
    for (let i = 0; i < n; i++) { const p = o + (<usize>i << 2); store<f32>(y + p, load<f32>(x + p) * av + sv); }
  }
}

export function f32_bn_bwd_planes_simd(dy: usize, x: usize, dx: usize, B: i32, C: i32, n: i32, p: usize, q: usize, r: usize): void {
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (<usize>((b * C + c) * n)) << 2;
    const pv = load<f32>(p + (<usize>c << 2)), qv = load<f32>(q + (<usize>c << 2)), rv = load<f32>(r + (<usize>c << 2));
    const P = f32x4.splat(pv), Q = f32x4.splat(qv), R = f32x4.splat(rv);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const e = o + (<usize>i << 2);
      v128.store(dx + e, f32x4.add(f32x4.add(f32x4.mul(P, v128.load(dy + e)), f32x4.mul(Q, v128.load(x + e))), R));
    }
    for (; i < n; i++) { const e = o + (<usize>i << 2); store<f32>(dx + e, (pv * load<f32>(dy + e) + qv * load<f32>(x + e)) + rv); }
  }
}
export function f32_bn_bwd_planes_ref(dy: usize, x: usize, dx: usize, B: i32, C: i32, n: i32, p: usize, q: usize, r: usize): void {
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (<usize>((b * C + c) * n)) << 2;
    const pv = load<f32>(p + (<usize>c << 2)), qv = load<f32>(q + (<usize>c << 2)), rv = load<f32>(r + (<usize>c << 2));
    for (let i = 0; i < n; i++) { const e = o + (<usize>i << 2); store<f32>(dx + e, (pv * load<f32>(dy + e) + qv * load<f32>(x + e)) + rv); }
  }
}
