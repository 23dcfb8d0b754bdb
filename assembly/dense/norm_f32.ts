// Batch-norm pieces over activations laid out [B][C][n] (n = H W, one plane per sample and channel).
// Statistics are per channel over B n values, accumulated in f64 in a fixed order (b, then i), so the
// result does not depend on anything but the data:
//   f32_plane_stats:  mean[c] and m2[c] = sum (x - mean)^2   (two passes: exact enough, no cancellation)
//   f32_plane_sums:   sdy[c] = sum dy, sdyx[c] = sum dy x    (batch-norm backward)
// Each channel's sum is one chain of dependent f64 adds (that order is what makes a run reproducible), so
// the _ref twins, one channel at a time, wait an add's latency per value. The fast versions put two
// channels' chains in the lanes of one f64x2 and run several such pairs side by side (four pairs for the
// statistics, two for the backward sums, then one pair, then a last odd channel), each lane still summed
// in its channel's (b, i) order with the same IEEE f64 operations: the same bits.
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

// The fast kernels put two channels' chains in the two lanes of an f64x2 (lane 0 channel c, lane 1 channel c + 1):
// each lane adds its channel's values in the (b, i) order, one IEEE f64 add per value as the scalar twin does, so
// the sums keep their bits while each add instruction advances two chains. Four vectors of positions are loaded
// from the two planes and paired position by position (a shuffle, then promote_low: exact, f32 -> f64).

/** Lanes (channel c, channel c + 1) of position k of two loaded 4-position vectors, as f64x2. */
// @ts-ignore: decorator
@inline function pairAt0(a: v128, b: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(a, b, 0, 4, 0, 4)); }
// @ts-ignore: decorator
@inline function pairAt1(a: v128, b: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(a, b, 1, 5, 1, 5)); }
// @ts-ignore: decorator
@inline function pairAt2(a: v128, b: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(a, b, 2, 6, 2, 6)); }
// @ts-ignore: decorator
@inline function pairAt3(a: v128, b: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(a, b, 3, 7, 3, 7)); }
/** One position of two planes (p and p + pn) as f64x2 (the tails past the last whole vector). */
// @ts-ignore: decorator
@inline function pairScalar(p: usize, pn: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(p)), 1, <f64>load<f32>(p + pn));
}

/** Sums of channels c and c + 1 (lanes), over the B planes of each, in (b, i) order. */
// @ts-ignore: decorator
@inline function pairSum(x: usize, B: i32, C: i32, n: i32, c: i32): v128 {
  const pn = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  let s = f64x2.splat(0);
  for (let b = 0; b < B; b++) {
    const p = x + ((<usize>((b * C + c) * n)) << 2), end4 = p + n4, end = p + pn;
    let o = p;
    for (; o < end4; o += 16) {
      const u = v128.load(o), v = v128.load(o + pn);
      s = f64x2.add(s, pairAt0(u, v)); s = f64x2.add(s, pairAt1(u, v));
      s = f64x2.add(s, pairAt2(u, v)); s = f64x2.add(s, pairAt3(u, v));
    }
    for (; o < end; o += 4) s = f64x2.add(s, pairScalar(o, pn));
  }
  return s;
}

/** Squared deviations of channels c and c + 1 from their means (lanes of mu), in (b, i) order. */
// @ts-ignore: decorator
@inline function pairDev(x: usize, B: i32, C: i32, n: i32, c: i32, mu: v128): v128 {
  const pn = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  let q = f64x2.splat(0);
  for (let b = 0; b < B; b++) {
    const p = x + ((<usize>((b * C + c) * n)) << 2), end4 = p + n4, end = p + pn;
    let o = p;
    for (; o < end4; o += 16) {
      const u = v128.load(o), v = v128.load(o + pn);
      q = devAdd(devAdd(devAdd(devAdd(q, pairAt0(u, v), mu), pairAt1(u, v), mu), pairAt2(u, v), mu), pairAt3(u, v), mu);
    }
    for (; o < end; o += 4) q = devAdd(q, pairScalar(o, pn), mu);
  }
  return q;
}

/** Sums of channels c .. c + 7 (four pairs side by side: four chains in flight, as the adder's latency needs). */
// @ts-ignore: decorator
@inline function quadPairSum(x: usize, B: i32, C: i32, n: i32, c: i32, out: usize): void {
  const pn = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  for (let b = 0; b < B; b++) {
    const p = x + ((<usize>((b * C + c) * n)) << 2), end4 = p + n4, end = p + pn;
    let o = p;
    for (; o < end4; o += 16) {
      let u = v128.load(o), v = v128.load(o + pn);
      s0 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(s0, pairAt0(u, v)), pairAt1(u, v)), pairAt2(u, v)), pairAt3(u, v));
      u = v128.load(o + 2 * pn); v = v128.load(o + 3 * pn);
      s1 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(s1, pairAt0(u, v)), pairAt1(u, v)), pairAt2(u, v)), pairAt3(u, v));
      u = v128.load(o + 4 * pn); v = v128.load(o + 5 * pn);
      s2 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(s2, pairAt0(u, v)), pairAt1(u, v)), pairAt2(u, v)), pairAt3(u, v));
      u = v128.load(o + 6 * pn); v = v128.load(o + 7 * pn);
      s3 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(s3, pairAt0(u, v)), pairAt1(u, v)), pairAt2(u, v)), pairAt3(u, v));
    }
    for (; o < end; o += 4) {
      s0 = f64x2.add(s0, pairScalar(o, pn)); s1 = f64x2.add(s1, pairScalar(o + 2 * pn, pn));
      s2 = f64x2.add(s2, pairScalar(o + 4 * pn, pn)); s3 = f64x2.add(s3, pairScalar(o + 6 * pn, pn));
    }
  }
  v128.store(out, s0); v128.store(out, s1, 16); v128.store(out, s2, 32); v128.store(out, s3, 48);
}

/** d = value - mean, q + d d (one lane per channel; no fused multiply-add in wasm: the twin's two roundings). */
// @ts-ignore: decorator
@inline function devAdd(q: v128, e: v128, mu: v128): v128 { const d = f64x2.sub(e, mu); return f64x2.add(q, f64x2.mul(d, d)); }

/** Squared deviations of channels c .. c + 7 from their means (mean + c: eight f64), four pairs side by side. */
// @ts-ignore: decorator
@inline function quadPairDev(x: usize, B: i32, C: i32, n: i32, c: i32, mean: usize, out: usize): void {
  const pn = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  const m0 = v128.load(mean), m1 = v128.load(mean, 16), m2 = v128.load(mean, 32), m3 = v128.load(mean, 48);
  let q0 = f64x2.splat(0), q1 = f64x2.splat(0), q2 = f64x2.splat(0), q3 = f64x2.splat(0);
  for (let b = 0; b < B; b++) {
    const p = x + ((<usize>((b * C + c) * n)) << 2), end4 = p + n4, end = p + pn;
    let o = p;
    for (; o < end4; o += 16) {
      let u = v128.load(o), v = v128.load(o + pn);
      q0 = devAdd(devAdd(devAdd(devAdd(q0, pairAt0(u, v), m0), pairAt1(u, v), m0), pairAt2(u, v), m0), pairAt3(u, v), m0);
      u = v128.load(o + 2 * pn); v = v128.load(o + 3 * pn);
      q1 = devAdd(devAdd(devAdd(devAdd(q1, pairAt0(u, v), m1), pairAt1(u, v), m1), pairAt2(u, v), m1), pairAt3(u, v), m1);
      u = v128.load(o + 4 * pn); v = v128.load(o + 5 * pn);
      q2 = devAdd(devAdd(devAdd(devAdd(q2, pairAt0(u, v), m2), pairAt1(u, v), m2), pairAt2(u, v), m2), pairAt3(u, v), m2);
      u = v128.load(o + 6 * pn); v = v128.load(o + 7 * pn);
      q3 = devAdd(devAdd(devAdd(devAdd(q3, pairAt0(u, v), m3), pairAt1(u, v), m3), pairAt2(u, v), m3), pairAt3(u, v), m3);
    }
    for (; o < end; o += 4) {
      q0 = devAdd(q0, pairScalar(o, pn), m0); q1 = devAdd(q1, pairScalar(o + 2 * pn, pn), m1);
      q2 = devAdd(q2, pairScalar(o + 4 * pn, pn), m2); q3 = devAdd(q3, pairScalar(o + 6 * pn, pn), m3);
    }
  }
  v128.store(out, q0); v128.store(out, q1, 16); v128.store(out, q2, 32); v128.store(out, q3, 48);
}

/** f32_plane_stats_ref with channel pairs in f64x2 lanes, four pairs at a time, then one pair, then a last odd
 *  channel alone: same sums, same bits (the mean is the same f64 division, lane by lane). */
export function f32_plane_stats_fast(x: usize, B: i32, C: i32, n: i32, mean: usize, m2: usize): void {
  const N = f64x2.splat(<f64>(B * n));
  let c = 0;
  for (; c + 8 <= C; c += 8) {
    const mc = mean + (<usize>c << 3);
    quadPairSum(x, B, C, n, c, mc);
    for (let j: usize = 0; j < 64; j += 16) v128.store(mc + j, f64x2.div(v128.load(mc + j), N));
    quadPairDev(x, B, C, n, c, mc, m2 + (<usize>c << 3));
  }
  for (; c + 2 <= C; c += 2) {
    const mu = f64x2.div(pairSum(x, B, C, n, c), N);
    v128.store(mean + (<usize>c << 3), mu);
    v128.store(m2 + (<usize>c << 3), pairDev(x, B, C, n, c, mu));
  }
  for (; c < C; c++) planeStats1(x, B, C, n, c, mean, m2);
}

/** f32_plane_sums_ref with channel pairs in f64x2 lanes (two chains per pair: dy and dy x), two pairs at a time
 *  (four chains in flight), then one pair, then a last odd channel: same bits. */
export function f32_plane_sums_fast(dy: usize, x: usize, B: i32, C: i32, n: i32, sdy: usize, sdyx: usize): void {
  const pn = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    let s0 = f64x2.splat(0), t0 = f64x2.splat(0), s1 = f64x2.splat(0), t1 = f64x2.splat(0);
    for (let b = 0; b < B; b++) {
      const o0 = (<usize>((b * C + c) * n)) << 2, g = dy + o0, end4 = g + n4, end = g + pn;
      let o = g, q = x + o0;
      for (; o < end4; o += 16, q += 16) {
        let u = v128.load(o), v = v128.load(o + pn), xu = v128.load(q), xv = v128.load(q + pn);
        let e = pairAt0(u, v); s0 = f64x2.add(s0, e); t0 = f64x2.add(t0, f64x2.mul(e, pairAt0(xu, xv)));
        e = pairAt1(u, v); s0 = f64x2.add(s0, e); t0 = f64x2.add(t0, f64x2.mul(e, pairAt1(xu, xv)));
        e = pairAt2(u, v); s0 = f64x2.add(s0, e); t0 = f64x2.add(t0, f64x2.mul(e, pairAt2(xu, xv)));
        e = pairAt3(u, v); s0 = f64x2.add(s0, e); t0 = f64x2.add(t0, f64x2.mul(e, pairAt3(xu, xv)));
        u = v128.load(o + 2 * pn); v = v128.load(o + 3 * pn); xu = v128.load(q + 2 * pn); xv = v128.load(q + 3 * pn);
        e = pairAt0(u, v); s1 = f64x2.add(s1, e); t1 = f64x2.add(t1, f64x2.mul(e, pairAt0(xu, xv)));
        e = pairAt1(u, v); s1 = f64x2.add(s1, e); t1 = f64x2.add(t1, f64x2.mul(e, pairAt1(xu, xv)));
        e = pairAt2(u, v); s1 = f64x2.add(s1, e); t1 = f64x2.add(t1, f64x2.mul(e, pairAt2(xu, xv)));
        e = pairAt3(u, v); s1 = f64x2.add(s1, e); t1 = f64x2.add(t1, f64x2.mul(e, pairAt3(xu, xv)));
      }
      for (; o < end; o += 4, q += 4) {
        let e = pairScalar(o, pn); s0 = f64x2.add(s0, e); t0 = f64x2.add(t0, f64x2.mul(e, pairScalar(q, pn)));
        e = pairScalar(o + 2 * pn, pn); s1 = f64x2.add(s1, e); t1 = f64x2.add(t1, f64x2.mul(e, pairScalar(q + 2 * pn, pn)));
      }
    }
    const sc = sdy + (<usize>c << 3), tc = sdyx + (<usize>c << 3);
    v128.store(sc, s0); v128.store(sc, s1, 16);
    v128.store(tc, t0); v128.store(tc, t1, 16);
  }
  for (; c + 2 <= C; c += 2) {
    let s = f64x2.splat(0), t = f64x2.splat(0);
    for (let b = 0; b < B; b++) {
      const o0 = (<usize>((b * C + c) * n)) << 2, g = dy + o0, end = g + pn;
      for (let o = g, q = x + o0; o < end; o += 4, q += 4) { const e = pairScalar(o, pn); s = f64x2.add(s, e); t = f64x2.add(t, f64x2.mul(e, pairScalar(q, pn))); }
    }
    v128.store(sdy + (<usize>c << 3), s);
    v128.store(sdyx + (<usize>c << 3), t);
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
