// Batch-norm pieces over activations laid out [B][C][n] (n = H W, one plane per sample and channel).
// Statistics are per channel over B n values, accumulated in f64 in a fixed order (b, then i), so the
// result does not depend on anything but the data; they are reductions (one version each).
//   f32_plane_stats:  mean[c] and m2[c] = sum (x - mean)^2   (two passes: exact enough, no cancellation)
//   f32_plane_sums:   sdy[c] = sum dy, sdyx[c] = sum dy x    (batch-norm backward)
// The element-wise parts have SIMD kernels and scalar twins with one operation order:
//   f32_affine_planes:  y = x a[c] + s[c]                   (forward, train or eval: a, s from the host)
//   f32_bn_bwd_planes:  dx = (p[c] dy + q[c] x) + r[c]      (backward; eval mode: q = r = 0)

export function f32_plane_stats(x: usize, B: i32, C: i32, n: i32, mean: usize, m2: usize): void {
  for (let c = 0; c < C; c++) {
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
}

export function f32_plane_sums(dy: usize, x: usize, B: i32, C: i32, n: i32, sdy: usize, sdyx: usize): void {
  for (let c = 0; c < C; c++) {
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
