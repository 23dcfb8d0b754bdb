// ReLU forward y = max(x, 0) (NaN and -0 give +0, in both versions) and backward dx = dy where y > 0,
// else +0. In place is allowed (y == x, dx == dy).

// The SIMD versions take eight vectors per iteration first (the single-vector loop was the bound on the AMD
// EPYC host, as for f32_add; eight measured 1.32x faster than four for the forward: docs/kernel-changes.md),
// then one vector, then scalars; the same operation per element.
export function f32_relu_simd(x: usize, y: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const o = <usize>i << 2;
    const a = v128.load(x + o), b = v128.load(x + o, 16), c = v128.load(x + o, 32), d = v128.load(x + o, 48);
    const e = v128.load(x + o, 64), f = v128.load(x + o, 80), g = v128.load(x + o, 96), h = v128.load(x + o, 112);
    v128.store(y + o, f32x4.pmax(z, a)); v128.store(y + o, f32x4.pmax(z, b), 16);
    v128.store(y + o, f32x4.pmax(z, c), 32); v128.store(y + o, f32x4.pmax(z, d), 48);
    v128.store(y + o, f32x4.pmax(z, e), 64); v128.store(y + o, f32x4.pmax(z, f), 80);
    v128.store(y + o, f32x4.pmax(z, g), 96); v128.store(y + o, f32x4.pmax(z, h), 112);
  }
  for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(y + o, f32x4.pmax(z, v128.load(x + o))); }
  for (; i < n; i++) { const o = <usize>i << 2; const v = load<f32>(x + o); store<f32>(y + o, v > 0 ? v : 0); }
}
export function f32_relu_ref(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; const v = load<f32>(x + o); store<f32>(y + o, v > 0 ? v : 0); }
}

export function f32_relu_bwd_simd(y: usize, dy: usize, dx: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const o = <usize>i << 2;
    // each vector loaded, masked and stored before the next: in place (dx == dy) it reads its own lanes first
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z)));
    v128.store(dx + o, v128.and(v128.load(dy + o, 16), f32x4.gt(v128.load(y + o, 16), z)), 16);
    v128.store(dx + o, v128.and(v128.load(dy + o, 32), f32x4.gt(v128.load(y + o, 32), z)), 32);
    v128.store(dx + o, v128.and(v128.load(dy + o, 48), f32x4.gt(v128.load(y + o, 48), z)), 48);
    v128.store(dx + o, v128.and(v128.load(dy + o, 64), f32x4.gt(v128.load(y + o, 64), z)), 64);
    v128.store(dx + o, v128.and(v128.load(dy + o, 80), f32x4.gt(v128.load(y + o, 80), z)), 80);
    v128.store(dx + o, v128.and(v128.load(dy + o, 96), f32x4.gt(v128.load(y + o, 96), z)), 96);
    v128.store(dx + o, v128.and(v128.load(dy + o, 112), f32x4.gt(v128.load(y + o, 112), z)), 112);
  }
  for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z))); }
  for (; i < n; i++) { const o = <usize>i << 2; store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0); }
}
export function f32_relu_bwd_ref(y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0); }
}
