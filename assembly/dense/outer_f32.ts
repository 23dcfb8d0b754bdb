// Rank-1 gradient accumulation g[r][c] += a[r] * x[c] (weights stored row = output neuron), the
// backward of a fully connected layer for one sample. Rows with a[r] == 0 are skipped: under a
// straight-through estimator most hidden units pass no gradient. cols must be a multiple of 4.

export function f32_outer_acc_simd(g: usize, rows: i32, cols: i32, a: usize, x: usize): void {
  for (let r = 0; r < rows; r++) {
    const ar = load<f32>(a + (<usize>r << 2));
    if (ar == 0) continue;
    const aV = f32x4.splat(ar);
    const gr = g + ((<usize>r * <usize>cols) << 2);
    for (let c = 0; c < cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(gr + o, f32x4.add(v128.load(gr + o), f32x4.mul(aV, v128.load(x + o))));
    }
  }
}
export function f32_outer_acc_ref(g: usize, rows: i32, cols: i32, a: usize, x: usize): void {
  for (let r = 0; r < rows; r++) {
    const ar = load<f32>(a + (<usize>r << 2));
    if (ar == 0) continue;
    for (let c = 0; c < cols; c++) {
      const o = ((<usize>r * <usize>cols + <usize>c) << 2);
      store<f32>(g + o, load<f32>(g + o) + ar * load<f32>(x + (<usize>c << 2)));
    }
  }
}
