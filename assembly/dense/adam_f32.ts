// Adam with coupled L2 weight decay (torch.optim.Adam semantics) and an optional clip of the
// result to [-clip, clip] (BinaryConnect keeps latent binary weights in [-1, 1]; clip <= 0: none).
//   g' = g + wd * w;  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2
//   w -= (lr / bc1) * (m / (sqrt(v) / sqrt(bc2) + eps))   with bc = 1 - beta^step from the host,
// in torch's order (two divisions and a square root per weight; lr / bc1 and sqrt(bc2) once per call).
// Only IEEE-exact operations (add, mul, div, sqrt): results are the same on every machine.
//
// Moments that fall below the normal range (|x| < 2^-126) are stored as +0. WASM keeps IEEE
// subnormals (no flush-to-zero mode), and x86 cores run every operation that reads or makes one on
// a microcode path about 37x slower (scripts/adam-subnormal.mjs). They are common: a weight whose
// gradient stays 0 has m = 0.9^k m0, subnormal after ~750 steps (5.3% of the BNN's first-layer m
// after 30 MNIST epochs). Their effect on w is below lr * 2^-126 / eps ~ 1e-33. The flush is an
// exact compare-and-select, the same bits everywhere; NaN is kept (the host's check must see it).

export function f32_adam_step_simd(w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, wd: f32, clip: f32): void {
  const b1V = f32x4.splat(b1), b2V = f32x4.splat(b2);
  const c1V = f32x4.splat(1 - b1), c2V = f32x4.splat(1 - b2), epsV = f32x4.splat(eps);
  const wdV = f32x4.splat(wd);
  const hi = f32x4.splat(clip), lo = f32x4.splat(-clip);
  // x is kept where its exponent field is non-zero (normal, Inf, NaN): an and and a signed compare
  const expBits = i32x4.splat(0x7f800000), zero = i32x4.splat(0);
  const stepV = f32x4.splat(lr / bc1), s2V = f32x4.splat(Mathf.sqrt(bc2));
  // four vectors per iteration: each vector's chain (sqrt, two divisions) is long, and independent ones in the
  // same iteration let the divider start them while the first waits (same operations per lane, same bits; four
  // measured 1.03-1.04x two, scripts/ab-stream-kernels.mjs)
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    adam4(w + o, g + o, m + o, v + o, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
    adam4(w + o + 16, g + o + 16, m + o + 16, v + o + 16, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
    adam4(w + o + 32, g + o + 32, m + o + 32, v + o + 32, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
    adam4(w + o + 48, g + o + 48, m + o + 48, v + o + 48, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
  }
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    adam4(w + o, g + o, m + o, v + o, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
    adam4(w + o + 16, g + o + 16, m + o + 16, v + o + 16, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
  }
  for (; i < n; i += 4) {
    const o = <usize>i << 2;
    adam4(w + o, g + o, m + o, v + o, b1V, b2V, c1V, c2V, epsV, wdV, hi, lo, clip, expBits, zero, stepV, s2V);
  }
}

// @ts-ignore: decorator
@inline function adam4(w: usize, g: usize, m: usize, v: usize, b1V: v128, b2V: v128, c1V: v128, c2V: v128, epsV: v128,
  wdV: v128, hi: v128, lo: v128, clip: f32, expBits: v128, zero: v128, stepV: v128, s2V: v128): void {
  const x = v128.load(w);
  const gg = f32x4.add(v128.load(g), f32x4.mul(wdV, x));
  let mm = f32x4.add(f32x4.mul(b1V, v128.load(m)), f32x4.mul(c1V, gg));
  let vv = f32x4.add(f32x4.mul(b2V, v128.load(v)), f32x4.mul(c2V, f32x4.mul(gg, gg)));
  mm = v128.and(mm, i32x4.gt_s(v128.and(mm, expBits), zero));
  vv = v128.and(vv, i32x4.gt_s(v128.and(vv, expBits), zero));
  v128.store(m, mm);
  v128.store(v, vv);
  let y = f32x4.sub(x, f32x4.mul(stepV, f32x4.div(mm, f32x4.add(f32x4.div(f32x4.sqrt(vv), s2V), epsV))));
  if (clip > 0) y = f32x4.pmax(f32x4.pmin(y, hi), lo);
  v128.store(w, y);
}
export function f32_adam_step_ref(w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, wd: f32, clip: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(w + o);
    const gg = load<f32>(g + o) + wd * x;
    let mm = b1 * load<f32>(m + o) + (1 - b1) * gg;
    let vv = b2 * load<f32>(v + o) + (1 - b2) * (gg * gg);
    if (Mathf.abs(mm) < f32.MIN_NORMAL_VALUE) mm = 0;
    if (Mathf.abs(vv) < f32.MIN_NORMAL_VALUE) vv = 0;
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    let y = x - (lr / bc1) * (mm / (Mathf.sqrt(vv) / Mathf.sqrt(bc2) + eps));
    if (clip > 0) { if (y > clip) y = clip; if (y < -clip) y = -clip; }
    store<f32>(w + o, y);
  }
}
