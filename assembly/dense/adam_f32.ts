// Adam with coupled L2 weight decay (torch.optim.Adam semantics) and an optional clip of the
// result to [-clip, clip] (BinaryConnect keeps latent binary weights in [-1, 1]; clip <= 0: none).
//   g' = g + wd * w;  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2
//   w -= lr * (m / bc1) / (sqrt(v / bc2) + eps)      with bc = 1 - beta^step from the host.
// Only IEEE-exact operations (add, mul, div, sqrt): results are the same on every machine.

export function f32_adam_step_simd(w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, wd: f32, clip: f32): void {
  const lrV = f32x4.splat(lr), b1V = f32x4.splat(b1), b2V = f32x4.splat(b2);
  const c1V = f32x4.splat(1 - b1), c2V = f32x4.splat(1 - b2), epsV = f32x4.splat(eps);
  const bc1V = f32x4.splat(bc1), bc2V = f32x4.splat(bc2), wdV = f32x4.splat(wd);
  const hi = f32x4.splat(clip), lo = f32x4.splat(-clip);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(w + o);
    const gg = f32x4.add(v128.load(g + o), f32x4.mul(wdV, x));
    const mm = f32x4.add(f32x4.mul(b1V, v128.load(m + o)), f32x4.mul(c1V, gg));
    const vv = f32x4.add(f32x4.mul(b2V, v128.load(v + o)), f32x4.mul(c2V, f32x4.mul(gg, gg)));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    let y = f32x4.sub(x, f32x4.div(f32x4.mul(lrV, f32x4.div(mm, bc1V)), f32x4.add(f32x4.sqrt(f32x4.div(vv, bc2V)), epsV)));
    if (clip > 0) y = f32x4.pmax(f32x4.pmin(y, hi), lo);
    v128.store(w + o, y);
  }
}
export function f32_adam_step_ref(w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, wd: f32, clip: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(w + o);
    const gg = load<f32>(g + o) + wd * x;
    const mm = b1 * load<f32>(m + o) + (1 - b1) * gg;
    const vv = b2 * load<f32>(v + o) + (1 - b2) * (gg * gg);
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    let y = x - (lr * (mm / bc1)) / (Mathf.sqrt(vv / bc2) + eps);
    if (clip > 0) { if (y > clip) y = clip; if (y < -clip) y = -clip; }
    store<f32>(w + o, y);
  }
}
