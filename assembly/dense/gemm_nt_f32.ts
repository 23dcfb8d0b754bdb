// C[M][N] += A B^T for A = [M][K] and B = [N][K] (row strides lda, ldb; C row stride ldc): every
// element is a dot product of two contiguous rows. Used for a conv's weight gradient
// (dW[Cout][Cin k k] += dY[Cout][HW] col[Cin k k][HW]^T) and a fully connected forward pass over a
// batch (Y[B][out] = X[B][in] W[out][in]^T).
// Defined order (so the scalar twin matches the SIMD kernel bit for bit): with K4 = K & ~3, four lane
// sums s_l = sum over j of a[4j+l] b[4j+l] (j ascending), total = (s_0 + s_1) + (s_2 + s_3), then
// total += a[k] b[k] for k = K4 .. K-1, then C + total.
// SIMD tile: 4 rows of A x 2 rows of B = 8 f32x4 accumulators + 6 loads (toolchain.md: <= ~13 live v128).

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function tail(acc: f32, ar: usize, br: usize, k4: i32, K: i32): f32 {
  for (let k = k4; k < K; k++) acc = acc + load<f32>(ar + (<usize>k << 2)) * load<f32>(br + (<usize>k << 2));
  return acc;
}

// @ts-ignore: decorator
@inline function dot1(ar: usize, br: usize, K: i32): f32 {
  const k4 = K & ~3;
  let acc = f32x4.splat(0);
  for (let k = 0; k < k4; k += 4) {
    const o = <usize>k << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(ar + o), v128.load(br + o)));
  }
  return tail(hsum(acc), ar, br, k4, K);
}

// Blocking. Groups of 4 rows of A, and for each group, pairs of B rows, as long as B stays in the
// last-level cache (<= NT_CACHED_B_BYTES: a conv's im2col matrix, 0.9-3.6 MB): B is streamed again for
// every 4 rows, from cache, while those 4 rows sit in L1. A larger B (a fully connected layer's
// weights over a chunk of samples: 64 MiB for fmnist-paper's 6272 -> 2560) would come from memory
// that many times, so then rows of A are taken in blocks of at most NT_BLOCK_BYTES (kept in L2; 512 KiB
// holds a chunk of 16 samples of 6272 inputs), with the pairs of B rows outside and the groups of 4
// rows inside: B is read once per block. Measured against each other (docs/kernel-changes.md): blocks
// for a 64 MiB B 1.9x, 4-row groups for a conv weight gradient 1.08-1.12x over blocks. Which tile or
// tail computes an element does not change its sum (same lane order, same hsum, same tail).
const NT_BLOCK_BYTES: i32 = 524288;
const NT_CACHED_B_BYTES: f64 = 16777216;

// @ts-ignore: decorator
@inline function tile_4x2(c: usize, lc: usize, a0: usize, la: usize, b0: usize, lb: usize, k4: i32, K: i32): void {
  const a1 = a0 + la, a2 = a1 + la, a3 = a2 + la, b1 = b0 + lb;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  for (let k = 0; k < k4; k += 4) {
    const o = <usize>k << 2;
    const x0 = v128.load(b0 + o), x1 = v128.load(b1 + o);
    const y0 = v128.load(a0 + o), y1 = v128.load(a1 + o), y2 = v128.load(a2 + o), y3 = v128.load(a3 + o);
    s00 = f32x4.add(s00, f32x4.mul(y0, x0)); s01 = f32x4.add(s01, f32x4.mul(y0, x1));
    s10 = f32x4.add(s10, f32x4.mul(y1, x0)); s11 = f32x4.add(s11, f32x4.mul(y1, x1));
    s20 = f32x4.add(s20, f32x4.mul(y2, x0)); s21 = f32x4.add(s21, f32x4.mul(y2, x1));
    s30 = f32x4.add(s30, f32x4.mul(y3, x0)); s31 = f32x4.add(s31, f32x4.mul(y3, x1));
  }
  store<f32>(c, load<f32>(c) + tail(hsum(s00), a0, b0, k4, K));
  store<f32>(c + 4, load<f32>(c + 4) + tail(hsum(s01), a0, b1, k4, K));
  store<f32>(c + lc, load<f32>(c + lc) + tail(hsum(s10), a1, b0, k4, K));
  store<f32>(c + lc + 4, load<f32>(c + lc + 4) + tail(hsum(s11), a1, b1, k4, K));
  store<f32>(c + 2 * lc, load<f32>(c + 2 * lc) + tail(hsum(s20), a2, b0, k4, K));
  store<f32>(c + 2 * lc + 4, load<f32>(c + 2 * lc + 4) + tail(hsum(s21), a2, b1, k4, K));
  store<f32>(c + 3 * lc, load<f32>(c + 3 * lc) + tail(hsum(s30), a3, b0, k4, K));
  store<f32>(c + 3 * lc + 4, load<f32>(c + 3 * lc + 4) + tail(hsum(s31), a3, b1, k4, K));
}

export function f32_gemm_nt_acc_simd(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  const k4 = K & ~3;
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  // B > NT_CACHED_B_BYTES implies K > 0
  const mb = <f64>N * <f64>K * 4 > NT_CACHED_B_BYTES ? max(4, (NT_BLOCK_BYTES / (K << 2)) & ~3) : 4;
  for (let r0 = 0; r0 < M; r0 += mb) {
    const r1 = min(M, r0 + mb), r4 = r0 + ((r1 - r0) & ~3);
    for (let col = 0; col < N; col += 2) {
      const nc = min(2, N - col);
      // full 4 x 2 tiles; the elements they leave (rows past the block's last group of 4, an odd last column) by dot1
      let rDot = r0;
      if (nc == 2) {
        for (let r = r0; r < r4; r += 4) tile_4x2(c + <usize>r * lc + (<usize>col << 2), lc, a + <usize>r * la, la, b + <usize>col * lb, lb, k4, K);
        rDot = r4;
      }
      for (let r = rDot; r < r1; r++) {
        for (let j = col; j < col + nc; j++) {
          const cp = c + <usize>r * lc + (<usize>j << 2);
          store<f32>(cp, load<f32>(cp) + dot1(a + <usize>r * la, b + <usize>j * lb, K));
        }
      }
    }
  }
}

export function f32_gemm_nt_acc_ref(c: usize, ldc: i32, M: i32, N: i32, a: usize, lda: i32, b: usize, ldb: i32, K: i32): void {
  const k4 = K & ~3;
  for (let r = 0; r < M; r++) {
    for (let col = 0; col < N; col++) {
      const ar = a + ((<usize>r * <usize>lda) << 2), br = b + ((<usize>col * <usize>ldb) << 2);
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (let k = 0; k < k4; k += 4) {
        const o = <usize>k << 2;
        s0 = s0 + load<f32>(ar + o) * load<f32>(br + o);
        s1 = s1 + load<f32>(ar + o + 4) * load<f32>(br + o + 4);
        s2 = s2 + load<f32>(ar + o + 8) * load<f32>(br + o + 8);
        s3 = s3 + load<f32>(ar + o + 12) * load<f32>(br + o + 12);
      }
      const cp = c + ((<usize>r * <usize>ldc + <usize>col) << 2);
      store<f32>(cp, load<f32>(cp) + tail((s0 + s1) + (s2 + s3), ar, br, k4, K));
    }
  }
}
