// G[M][N] += A^T B for A = [K][M] (row s: one sample's output gradient) and B = [K][N] (row s: that
// sample's input): the weight gradient of a fully connected layer over K samples at once. Reading and
// writing G once per K samples instead of once per sample (a rank-1 update streams the whole gradient
// through memory each time) turns a memory-bound loop into a compute-bound one.
// Register tile: 4 rows of G x 8 columns = 8 f32x4 accumulators, summed over s in order, then added
// to G (the tile of f32_gemm_tn_any, which this kernel calls with G's row stride = N). N must be a
// multiple of 4, as the callers' padded rows are.
// Every element is acc = sum_s a[s][r] * b[s][c] (in s order, starting from 0), then g + acc: the
// scalar twin does exactly that, so the two agree bit for bit.

import { f32_gemm_tn_any_simd } from "./gemm_nn_f32";

export function f32_gemm_tn_acc_simd(g: usize, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  // The same 4 x 8 register tile as f32_gemm_tn_any (gemm_nn_f32.ts), whose loop steps pointers along
  // the summed index and sweeps each 8-column panel of B with every row group while it is in L1; this
  // kernel's own loop recomputed both addresses from index products every step: 1.25x slower on the
  // BNN's 600 x 784, K = 16 gradient (docs/kernel-changes.md). Same sums in the same order.
  f32_gemm_tn_any_simd(g, N, M, N, a, lda, b, ldb, K);
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
