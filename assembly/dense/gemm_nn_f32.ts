// The two GEMMs a convolution and a fully connected layer need besides f32_gemm_tn_acc:
//   f32_gemm_nn_acc: C[M][N] += A B     with A = [M][K] (row stride lda), B = [K][N] (ldb), C (ldc)
//   f32_gemm_tn_any: C[M][N] += A^T B   with A = [K][M] (lda): like f32_gemm_tn_acc, but any N and a
//                    row stride for C (a conv's 7x7 planes have N = 49).
// and their `_set` forms (C = the product, C's old contents never read), for outputs that would
// otherwise be zeroed first: a conv's output planes and column gradient, a linear layer's input gradient.
// Both share one inner loop: broadcast one A element, multiply a row of B, add to 4 x 8 (then 4 x 4,
// then scalar) accumulators. Every element of C is acc = sum_s a(r,s) * b(s,c) in s order, starting
// at 0, then c + acc, in the SIMD tiles, the tails and the scalar twins alike: bit-identical.
// `ra`/`ka` are A's strides (in elements) along rows of C and along the summed index.

// @ts-ignore: decorator
@inline function gemm_bcast(c: usize, ldc: i32, M: i32, N: i32, a: usize, ra: i32, ka: i32, b: usize, ldb: i32, K: i32, set: bool = false): void {
  // Column panels outside, row groups inside: one 8-column panel of B (K x 32 bytes) is swept by every
  // group of 4 rows while it is still in L1, instead of all of B (a conv's im2col matrix: up to ~1 MB,
  // past L2) being streamed again for each group of rows. Each element's sum is unchanged.
  const rs = <usize>ra << 2, ak = <usize>ka << 2, bk = <usize>ldb << 2;
  let col = 0;
  for (; col + 8 <= N; col += 8) {
    let r = 0;
    for (; r + 4 <= M; r += 4) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      // pointers stepped along the summed index (no index products in the loop)
      let ar = a + ((<usize>r * <usize>ra) << 2);
      let br = b + (<usize>col << 2);
      for (let s = 0; s < K; s++) {
        const b0 = v128.load(br), b1 = v128.load(br, 16);
        // load32_splat: one broadcast load (vbroadcastss) instead of a scalar load and a shuffle,
        // which competes with the multiplies and adds for the FP pipes; same value, same sums
        const a0 = v128.load32_splat(ar), a1 = v128.load32_splat(ar + rs);
        const a2 = v128.load32_splat(ar + 2 * rs), a3 = v128.load32_splat(ar + 3 * rs);
        c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
        c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
        c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
        c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
        ar += ak; br += bk;
      }
      const g0 = c + ((<usize>r * <usize>ldc + <usize>col) << 2);
      const cs = <usize>ldc << 2;
      if (set) {
        // C = the sums (C's old contents unread): 0 + acc would be acc, since acc starts at +0 and so is never -0
        v128.store(g0, c00); v128.store(g0, c01, 16); v128.store(g0 + cs, c10); v128.store(g0 + cs, c11, 16);
        v128.store(g0 + 2 * cs, c20); v128.store(g0 + 2 * cs, c21, 16); v128.store(g0 + 3 * cs, c30); v128.store(g0 + 3 * cs, c31, 16);
      } else {
        v128.store(g0, f32x4.add(v128.load(g0), c00)); v128.store(g0, f32x4.add(v128.load(g0, 16), c01), 16);
        v128.store(g0 + cs, f32x4.add(v128.load(g0 + cs), c10)); v128.store(g0 + cs, f32x4.add(v128.load(g0 + cs, 16), c11), 16);
        v128.store(g0 + 2 * cs, f32x4.add(v128.load(g0 + 2 * cs), c20)); v128.store(g0 + 2 * cs, f32x4.add(v128.load(g0 + 2 * cs, 16), c21), 16);
        v128.store(g0 + 3 * cs, f32x4.add(v128.load(g0 + 3 * cs), c30)); v128.store(g0 + 3 * cs, f32x4.add(v128.load(g0 + 3 * cs, 16), c31), 16);
      }
    }
    for (; r < M; r++) { tile_1x4(c, ldc, a, ra, ka, b, ldb, K, r, col, set); tile_1x4(c, ldc, a, ra, ka, b, ldb, K, r, col + 4, set); }
  }
  for (; col + 4 <= N; col += 4) for (let r = 0; r < M; r++) tile_1x4(c, ldc, a, ra, ka, b, ldb, K, r, col, set);
  for (; col < N; col++) for (let r = 0; r < M; r++) tile_1x1(c, ldc, a, ra, ka, b, ldb, K, r, col, set);
}

// @ts-ignore: decorator
@inline function tile_1x4(c: usize, ldc: i32, a: usize, ra: i32, ka: i32, b: usize, ldb: i32, K: i32, r: i32, col: i32, set: bool = false): void {
  let acc = f32x4.splat(0);
  for (let s = 0; s < K; s++) {
    const av = v128.load32_splat(a + ((<usize>r * <usize>ra + <usize>s * <usize>ka) << 2));
    acc = f32x4.add(acc, f32x4.mul(av, v128.load(b + ((<usize>s * <usize>ldb + <usize>col) << 2))));
  }
  const gp = c + ((<usize>r * <usize>ldc + <usize>col) << 2);
  v128.store(gp, set ? acc : f32x4.add(v128.load(gp), acc));
}

// @ts-ignore: decorator
@inline function tile_1x1(c: usize, ldc: i32, a: usize, ra: i32, ka: i32, b: usize, ldb: i32, K: i32, r: i32, col: i32, set: bool = false): void {
  let acc: f32 = 0;
  for (let s = 0; s < K; s++) {
    acc = acc + load<f32>(a + ((<usize>r * <usize>ra + <usize>s * <usize>ka) << 2)) * load<f32>(b + ((<usize>s * <usize>ldb + <usize>col) << 2));
  }
  const gp = c + ((<usize>r * <usize>ldc + <usize>col) << 2);
  store<f32>(gp, set ? acc : load<f32>(gp) + acc);
}

// @ts-ignore: decorator
@inline function gemm_bcast_ref(c: usize, ldc: i32, M: i32, N: i32, a: usize, ra: i32, ka: i32, b: usize, ldb: i32, K: i32, set: bool = false): void {
  for (let r = 0; r < M; r++) for (let col = 0; col < N; col++) tile_1x1(c, ldc, a, ra, ka, b, ldb, K, r, col, set);
}

export function f32_gemm_nn_acc_simd(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast(c, ldc, M, N, a, lda, 1, b, ldb, K);
}
export function f32_gemm_nn_acc_ref(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast_ref(c, ldc, M, N, a, lda, 1, b, ldb, K);
}
export function f32_gemm_tn_any_simd(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast(c, ldc, M, N, a, 1, lda, b, ldb, K);
}
export function f32_gemm_tn_any_ref(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast_ref(c, ldc, M, N, a, 1, lda, b, ldb, K);
}

/** C[M][N] = A B (f32_gemm_nn_acc's sums stored instead of added): a conv's output planes (y = W col) and a
 *  linear layer's input gradient (dx = dy W) without a zeroing pass before and a read of C inside; the same
 *  bits as accumulating into zeros (each sum starts at +0 and so is never -0). */
export function f32_gemm_nn_set_simd(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast(c, ldc, M, N, a, lda, 1, b, ldb, K, true);
}
export function f32_gemm_nn_set_ref(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast_ref(c, ldc, M, N, a, lda, 1, b, ldb, K, true);
}

/** C[M][N] = A^T B (f32_gemm_tn_any's sums stored instead of added: C's old contents are never read). The BNN's
 *  first gradient flush after a step and a conv's column gradient (dcol = W^T dy) use it, so the gradient buffer needs no zeroing pass; equal bits to
 *  accumulating into zeros, since each sum starts at +0 and so is never -0. */
export function f32_gemm_tn_set_simd(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast(c, ldc, M, N, a, 1, lda, b, ldb, K, true);
}
export function f32_gemm_tn_set_ref(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  gemm_bcast_ref(c, ldc, M, N, a, 1, lda, b, ldb, K, true);
}
