// ReLU forward y = max(x, 0) (NaN and -0 give +0, in both versions) and backward dx = dy where y > 0,
// else +0. In place is allowed (y == x, dx == dy).

export function f32_relu_simd(x: usize, y: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(y + o, f32x4.pmax(z, v128.load(x + o))); }
  for (; i < n; i++) { const o = <usize>i << 2; const v = load<f32>(x + o); store<f32>(y + o, v > 0 ? v : 0); }
}
export function f32_relu_ref(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; const v = load<f32>(x + o); store<f32>(y + o, v > 0 ? v : 0); }
}

export function f32_relu_bwd_simd(y: usize, dy: usize, dx: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z))); }
  for (; i < n; i++) { const o = <usize>i << 2; store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0); }
}
export function f32_relu_bwd_ref(y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0); }
}
