// G[M][N] += A^T B for A = [K][M] (row s: one sample's output gradient) and B = [K][N] (row s: that
// sample's input): the weight gradient of a fully connected layer over K samples at once. Reading and
// writing G once per K samples instead of once per sample (a rank-1 update streams the whole gradient
// through memory each time) turns a memory-bound loop into a compute-bound one.
// Register tile: 4 rows of G x 8 columns = 8 f32x4 accumulators, summed over s in order, then added
// to G; toolchain.md measured this tile shape near the WASM SIMD ceiling. N must be a multiple of 4
// (a 4-column tail tile handles N % 8); rows past the last multiple of 4 take a one-row tile.
// Every element is acc = sum_s a[s][r] * b[s][c] (in s order, starting from 0), then g + acc: the
// scalar twin does exactly that, so the two agree bit for bit.

export function f32_gemm_tn_acc_simd(g: usize, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  let r = 0;
  for (; r + 4 <= M; r += 4) {
    let c = 0;
    for (; c + 8 <= N; c += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let s = 0; s < K; s++) {
        const ar = a + ((<usize>s * <usize>lda + <usize>r) << 2);
        const br = b + ((<usize>s * <usize>ldb + <usize>c) << 2);
        const b0 = v128.load(br), b1 = v128.load(br, 16);
        // broadcast loads (vbroadcastss), not a scalar load + shuffle: see gemm_nn_f32.ts
        const a0 = v128.load32_splat(ar), a1 = v128.load32_splat(ar, 4);
        const a2 = v128.load32_splat(ar, 8), a3 = v128.load32_splat(ar, 12);
        c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
        c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
        c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
        c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
      }
      const g0 = g + ((<usize>r * <usize>N + <usize>c) << 2);
      const rs = <usize>N << 2;
      v128.store(g0, f32x4.add(v128.load(g0), c00)); v128.store(g0, f32x4.add(v128.load(g0, 16), c01), 16);
      v128.store(g0 + rs, f32x4.add(v128.load(g0 + rs), c10)); v128.store(g0 + rs, f32x4.add(v128.load(g0 + rs, 16), c11), 16);
      v128.store(g0 + 2 * rs, f32x4.add(v128.load(g0 + 2 * rs), c20)); v128.store(g0 + 2 * rs, f32x4.add(v128.load(g0 + 2 * rs, 16), c21), 16);
      v128.store(g0 + 3 * rs, f32x4.add(v128.load(g0 + 3 * rs), c30)); v128.store(g0 + 3 * rs, f32x4.add(v128.load(g0 + 3 * rs, 16), c31), 16);
    }
    for (; c < N; c += 4) {
      for (let i = 0; i < 4; i++) gemm_tile_1x4(g, N, a, lda, b, ldb, K, r + i, c);
    }
  }
  for (; r < M; r++) for (let c = 0; c < N; c += 4) gemm_tile_1x4(g, N, a, lda, b, ldb, K, r, c);
}

// @ts-ignore: decorator
@inline function gemm_tile_1x4(g: usize, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32, r: i32, c: i32): void {
  let acc = f32x4.splat(0);
  for (let s = 0; s < K; s++) {
    const av = v128.load32_splat(a + ((<usize>s * <usize>lda + <usize>r) << 2));
    acc = f32x4.add(acc, f32x4.mul(av, v128.load(b + ((<usize>s * <usize>ldb + <usize>c) << 2))));
  }
  const gp = g + ((<usize>r * <usize>N + <usize>c) << 2);
  v128.store(gp, f32x4.add(v128.load(gp), acc));
}

export function f32_gemm_tn_acc_ref(g: usize, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  for (let r = 0; r < M; r++) {
    for (let c = 0; c < N; c++) {
      let acc: f32 = 0;
      for (let s = 0; s < K; s++) {
        acc = acc + load<f32>(a + ((<usize>s * <usize>lda + <usize>r) << 2)) * load<f32>(b + ((<usize>s * <usize>ldb + <usize>c) << 2));
      }
      const gp = g + ((<usize>r * <usize>N + <usize>c) << 2);
      store<f32>(gp, load<f32>(gp) + acc);
    }
  }
}
