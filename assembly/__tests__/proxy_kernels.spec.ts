// Proxy-learning kernels: every _simd against its _ref twin bit for bit on awkward sizes (rows and
// columns not multiples of 4 or 8, 7x7 planes, K = 1), plus two cross-checks of meaning: the
// GEMMs against a double-precision sum, and the spike-driven conv (if_conv_gather) against im2col +
// dense GEMM (the same sums in the same order, so the same bits).
import {
  f32_gemm_nn_acc_simd, f32_gemm_nn_acc_ref, f32_gemm_tn_any_simd, f32_gemm_tn_any_ref, f32_gemm_nt_acc_simd, f32_gemm_nt_acc_ref,
  f32_gemm_tn_set_simd, f32_gemm_tn_set_ref, f32_gemm_nn_set_simd, f32_gemm_nn_set_ref,
  f32_im2col, f32_col2im_simd, f32_col2im_ref, f32_affine_planes_simd, f32_affine_planes_ref, f32_bn_bwd_planes_simd, f32_bn_bwd_planes_ref,
  f32_plane_stats_fast, f32_plane_stats_ref, f32_plane_sums_fast, f32_plane_sums_ref,
  f32_relu_simd, f32_relu_ref, f32_relu_bwd_simd, f32_relu_bwd_ref, if_step_simd, if_step_ref, f32_maxpool2_simd, f32_maxpool2_ref,
  if_conv_gather_simd, if_conv_gather_ref, if_fc_gather_simd, if_fc_gather_inputmajor_simd, if_fc_gather_ref, f32_transpose_simd, f32_transpose_ref,
} from "../index";
import { seed, rndF32, rndInt, chance, alloc, dup, freeAll, diff32 } from "./util";

function randomF32(n: i32, lo: f32, hi: f32): usize {
  const p = alloc(n * 4);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), rndF32(lo, hi));
  return p;
}
function spikes(n: i32, pct: i32): usize {
  const p = alloc(n * 4);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), chance(pct) ? 1 : 0);
  return p;
}
function at(p: usize, i: i32): f64 { return <f64>load<f32>(p + (<usize>i << 2)); }

/** Runs if_conv_gather's _simd and _ref on spike map x (k x k, stride 1) with random weights W[Cout][Cin k k];
 *  expects identical bits; returns [W, y of _simd] for further checks. */
function convGatherBoth(x: usize, Cin: i32, H: i32, W: i32, k: i32, pad: i32, Cout: i32, label: string): usize[] {
  const P = (H + 2 * pad - k + 1) * (W + 2 * pad - k + 1), K = Cin * k * k;
  const w = randomF32(Cout * K, -1, 1);
  const wt = alloc(K * Cout * 4);
  f32_transpose_simd(w, Cout, K, wt);
  const list = alloc(((H * W + k * k + 1) * Cin + 4) * 4), cntBuf = alloc(H * W * 4);
  const y1 = alloc(P * Cout * 4, 0xff), y2 = alloc(P * Cout * 4, 0xff);
  if_conv_gather_simd(x, Cin, H, W, k, 1, pad, wt, Cout, y1, list, cntBuf);
  if_conv_gather_ref(x, Cin, H, W, k, 1, pad, wt, Cout, y2, list, cntBuf);
  expect<i32>(diff32(y1, y2, P * Cout)).toBe(-1, label);
  return [w, y1];
}

describe("proxy GEMMs", () => {
  it("nn, tn_any, nt: _simd == _ref and == the double-precision sum", () => {
    seed(21);
    const Ms: i32[] = [1, 5, 9];
    const Ns: i32[] = [1, 3, 12, 49];
    const Ks: i32[] = [1, 7, 18];
    for (let x = 0; x < Ms.length; x++) for (let y = 0; y < Ns.length; y++) for (let z = 0; z < Ks.length; z++) {
      const M = Ms[x], N = Ns[y], K = Ks[z], ldc = N + 2;
      for (let kind = 0; kind < 3; kind++) {
        // A: nn [M][K] (lda K+1), tn [K][M] (lda M+3), nt [M][K] (lda K+1); B: nn/tn [K][N] (ldb N+1), nt [N][K] (ldb K+2)
        const lda = kind == 1 ? M + 3 : K + 1, ldb = kind == 2 ? K + 2 : N + 1;
        const a = randomF32((kind == 1 ? K : M) * lda, -2, 2), b = randomF32((kind == 2 ? N : K) * ldb, -1, 1);
        const c = randomF32(M * ldc, -3, 3);
        const c1 = dup(c, M * ldc * 4), c2 = dup(c, M * ldc * 4);
        if (kind == 0) { f32_gemm_nn_acc_simd(c1, ldc, M, N, a, lda, b, ldb, K); f32_gemm_nn_acc_ref(c2, ldc, M, N, a, lda, b, ldb, K); }
        else if (kind == 1) { f32_gemm_tn_any_simd(c1, ldc, M, N, a, lda, b, ldb, K); f32_gemm_tn_any_ref(c2, ldc, M, N, a, lda, b, ldb, K); }
        else { f32_gemm_nt_acc_simd(c1, ldc, M, N, a, lda, b, ldb, K); f32_gemm_nt_acc_ref(c2, ldc, M, N, a, lda, b, ldb, K); }
        expect<i32>(diff32(c1, c2, M * ldc)).toBe(-1, "kind " + kind.toString() + " M=" + M.toString() + " N=" + N.toString() + " K=" + K.toString());
        let close = true;
        for (let r = 0; r < M; r++) for (let col = 0; col < N; col++) {
          let want = at(c, r * ldc + col);
          for (let s = 0; s < K; s++) {
            const av = kind == 1 ? at(a, s * lda + r) : at(a, r * lda + s);
            const bv = kind == 2 ? at(b, col * ldb + s) : at(b, s * ldb + col);
            want += av * bv;
          }
          if (!(Math.abs(at(c1, r * ldc + col) - want) <= 1e-4 * (1 + Math.abs(want)))) close = false;
        }
        expect<bool>(close).toBe(true, "value, kind " + kind.toString());
        freeAll();
      }
    }
  });
});

describe("the stored GEMMs (the BNN's first flush; conv outputs, column and input gradients)", () => {
  it("nn_set / tn_set: _simd == _ref == the _acc / _any form into zeros, bit for bit, whatever C held; the stride gaps untouched", () => {
    seed(24);
    const Ms: i32[] = [1, 5, 9, 10];
    const Ns: i32[] = [1, 3, 12, 49, 784];
    const Ks: i32[] = [1, 7, 16];
    for (let kind = 0; kind < 2; kind++) // 0: nn (A = [M][K]), 1: tn (A = [K][M])
    for (let x = 0; x < Ms.length; x++) for (let y = 0; y < Ns.length; y++) for (let z = 0; z < Ks.length; z++) {
      const M = Ms[x], N = Ns[y], K = Ks[z], ldc = N + 2, ldb = N + 1;
      const lda = kind == 0 ? K + 3 : M + 3, aRows = kind == 0 ? M : K;
      const a = randomF32(aRows * lda, -2, 2), b = randomF32(K * ldb, -1, 1);
      // products of exact zeros too: one row of C whose A entries are all -0 and +0 (sums that are zero)
      for (let s = 0; s < K; s++) {
        const at0 = kind == 0 ? s : s * lda;
        store<f32>(a + (<usize>at0 << 2), (s & 1) != 0 ? <f32>-0.0 : <f32>0.0);
      }
      const junk = randomF32(M * ldc, -3, 3);
      const c1 = dup(junk, M * ldc * 4), c2 = dup(junk, M * ldc * 4), c3 = alloc(M * ldc * 4);
      if (kind == 0) {
        f32_gemm_nn_set_simd(c1, ldc, M, N, a, lda, b, ldb, K);
        f32_gemm_nn_set_ref(c2, ldc, M, N, a, lda, b, ldb, K);
        f32_gemm_nn_acc_simd(c3, ldc, M, N, a, lda, b, ldb, K);
      } else {
        f32_gemm_tn_set_simd(c1, ldc, M, N, a, lda, b, ldb, K);
        f32_gemm_tn_set_ref(c2, ldc, M, N, a, lda, b, ldb, K);
        f32_gemm_tn_any_simd(c3, ldc, M, N, a, lda, b, ldb, K);
      }
      let bad12 = 0, bad13 = 0, gap = 0, zeroRowNonZero = 0;
      for (let r = 0; r < M; r++) for (let col = 0; col < ldc; col++) {
        const i = r * ldc + col;
        const v1 = load<u32>(c1 + (<usize>i << 2)), v2 = load<u32>(c2 + (<usize>i << 2)), v3 = load<u32>(c3 + (<usize>i << 2));
        if (col < N) { if (v1 != v2) bad12++; if (v1 != v3) bad13++; if (r == 0 && v1 != 0) zeroRowNonZero++; }
        else if (v1 != load<u32>(junk + (<usize>i << 2))) gap++;
      }
      const label = (kind == 0 ? "nn" : "tn") + " M=" + M.toString() + " N=" + N.toString() + " K=" + K.toString();
      expect<i32>(bad12).toBe(0, label + " simd vs ref");
      expect<i32>(bad13).toBe(0, label + " set vs add into zeros");
      expect<i32>(gap).toBe(0, label + " stride gap written");
      // the all-zero row's sums are +0 (bits 0), not -0 and not the junk C held
      expect<i32>(zeroRowNonZero).toBe(0, label + " zero row");
      freeAll();
    }
  });
});

describe("proxy GEMMs, long rows", () => {
  it("nt: _simd == _ref in both blockings (B in cache: 4-row groups; B > 16 MiB: row blocks of 8 + 5)", () => {
    seed(22);
    // 257 x 16381 floats = 16.8 MB > 16 MiB; 512 KiB / (16381 x 4 bytes) = 8 rows per block
    const Ks: i32[] = [6001, 16381], Ns: i32[] = [5, 257];
    for (let z = 0; z < Ks.length; z++) {
      const M = 13, N = Ns[z], K = Ks[z], ldc = N + 1, lda = K + 1, ldb = K + 3;
      const a = randomF32(M * lda, -2, 2), b = randomF32(N * ldb, -1, 1), c = randomF32(M * ldc, -3, 3);
      const c1 = dup(c, M * ldc * 4), c2 = dup(c, M * ldc * 4);
      f32_gemm_nt_acc_simd(c1, ldc, M, N, a, lda, b, ldb, K); f32_gemm_nt_acc_ref(c2, ldc, M, N, a, lda, b, ldb, K);
      expect<i32>(diff32(c1, c2, M * ldc)).toBe(-1, "K=" + K.toString());
      freeAll();
    }
  });
});

describe("conv pieces", () => {
  it("col2im: _simd == _ref; im2col against its definition (stride 1 and 2, pad 0 and 1, k 1 and 3)", () => {
    seed(22);
    // (H, W): odd widths, and widths of whole vectors (4, 8, 12, 28: col2im's "same"-convolution path, with one,
    // two, three and seven vectors per row)
    const Hs: i32[] = [1, 5, 7, 14, 28, 28, 5, 6, 3];
    const Ws: i32[] = [2, 6, 8, 15, 29, 28, 4, 12, 8];
    for (let h = 0; h < Hs.length; h++) for (let k = 1; k <= 3; k += 2) for (let pad = 0; pad <= 1; pad++) for (let stride = 1; stride <= 2; stride++) {
      const C = 3, H = Hs[h], W = Ws[h];
      const Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
      if (Ho < 1 || Wo < 1) continue;
      const col = randomF32(C * k * k * Ho * Wo, -1, 1);
      const dx = randomF32(C * H * W, -1, 1);
      // some pixels -0 (the twin's bits include the sign of zero sums)
      for (let i = 0; i < C * H * W; i += 7) store<f32>(dx + (<usize>i << 2), -0.0);
      const d1 = dup(dx, C * H * W * 4), d2 = dup(dx, C * H * W * 4);
      f32_col2im_simd(col, C, H, W, k, stride, pad, d1);
      f32_col2im_ref(col, C, H, W, k, stride, pad, d2);
      expect<i32>(diff32(d1, d2, C * H * W)).toBe(-1);
      // im2col then col2im of an all-ones image counts the taps that read each pixel
      const ones = alloc(C * H * W * 4);
      for (let i = 0; i < C * H * W; i++) store<f32>(ones + (<usize>i << 2), 1);
      const c2 = alloc(C * k * k * Ho * Wo * 4);
      f32_im2col(ones, C, H, W, k, stride, pad, c2);
      const z = alloc(C * H * W * 4);
      f32_col2im_simd(c2, C, H, W, k, stride, pad, z);
      let taps: f64 = 0;
      for (let i = 0; i < C * H * W; i++) taps += at(z, i);
      let ones2: f64 = 0;
      for (let i = 0; i < C * k * k * Ho * Wo; i++) ones2 += at(c2, i);
      expect<f64>(taps).toBe(ones2);
      // im2col against its definition on a random image: col[(c k + ky) k + kx][oy Wo + ox] is the pixel
      // (oy stride - pad + ky, ox stride - pad + kx) of channel c, or +0 outside the image (the SIMD copy,
      // the zero spans and the scalar tails each cover part of every row at these widths)
      const img = randomF32(C * H * W, -1, 1);
      const c3 = randomF32(C * k * k * Ho * Wo, -1, 1); // garbage first: every element must be written
      f32_im2col(img, C, H, W, k, stride, pad, c3);
      let bad = 0;
      for (let c = 0; c < C; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
        const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
        const want: f32 = iy >= 0 && iy < H && ix >= 0 && ix < W ? load<f32>(img + (<usize>((c * H + iy) * W + ix) << 2)) : 0;
        const got = load<f32>(c3 + (<usize>((((c * k + ky) * k + kx) * Ho + oy) * Wo + ox) << 2));
        if (reinterpret<u32>(got) != reinterpret<u32>(want)) bad++;
      }
      expect<i32>(bad).toBe(0);
      freeAll();
    }
  });
  it("2x2 max pooling: _simd == _ref bit for bit (spike maps; reals with ties, -0 / +0 and NaN; odd sizes), and the definition", () => {
    seed(31);
    const sizes: i32[] = [2, 3, 7, 9, 14, 28, 29];
    for (let q = 0; q < sizes.length; q++) for (let kind = 0; kind < 2; kind++) {
      const H = sizes[q], W = sizes[(q + 2) % sizes.length], P = 3, n = P * H * W, m = P * (H >> 1) * (W >> 1);
      const x = alloc(n * 4);
      for (let i = 0; i < n; i++) {
        let v: f32 = kind == 0 ? (chance(15) ? <f32>1 : <f32>0) : <f32>rndInt(-3, 3) * <f32>0.5; // reals: many ties
        if (kind == 1 && chance(10)) v = chance(50) ? <f32>-0.0 : <f32>0.0;
        if (kind == 1 && chance(3)) v = NaN;
        store<f32>(x + (<usize>i << 2), v);
      }
      const y1 = alloc(m * 4, 0x5a), y2 = alloc(m * 4, 0xa5);
      f32_maxpool2_simd(x, P, H, W, y1, 0);
      f32_maxpool2_ref(x, P, H, W, y2, 0);
      expect<i32>(diff32(y1, y2, m)).toBe(-1, "H=" + H.toString() + " W=" + W.toString() + " kind " + kind.toString());
      // with winners recorded (the ANN path) both give the same maxima and the same winner bytes
      const a1 = alloc(m), a2 = alloc(m);
      f32_maxpool2_simd(x, P, H, W, y1, a1);
      f32_maxpool2_ref(x, P, H, W, y2, a2);
      expect<i32>(diff32(y1, y2, m)).toBe(-1);
      let badArg = 0;
      for (let i = 0; i < m; i++) if (load<u8>(a1 + <usize>i) != load<u8>(a2 + <usize>i)) badArg++;
      expect<i32>(badArg).toBe(0);
      // the definition on the spike maps: the window's OR
      if (kind == 0) {
        let bad = 0;
        const Ho = H >> 1, Wo = W >> 1;
        for (let p = 0; p < P; p++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
          let any = false;
          for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) any = any || load<f32>(x + (<usize>((p * H + 2 * oy + dy) * W + 2 * ox + dx) << 2)) != 0;
          if (load<f32>(y1 + (<usize>((p * Ho + oy) * Wo + ox) << 2)) != (any ? <f32>1 : <f32>0)) bad++;
        }
        expect<i32>(bad).toBe(0);
      }
      freeAll();
    }
  });

  it("batch-norm affine and backward, ReLU, IF step: _simd == _ref", () => {
    seed(23);
    const ns: i32[] = [1, 3, 4, 49, 196];
    for (let q = 0; q < ns.length; q++) {
      const B = 3, C = 5, n = ns[q], len = B * C * n;
      const x = randomF32(len, -3, 3), dy = randomF32(len, -1, 1);
      const a = randomF32(C, -2, 2), s = randomF32(C, -1, 1), r = randomF32(C, -1, 1);
      const y1 = alloc(len * 4), y2 = alloc(len * 4);
      f32_affine_planes_simd(x, y1, B, C, n, a, s); f32_affine_planes_ref(x, y2, B, C, n, a, s);
      expect<i32>(diff32(y1, y2, len)).toBe(-1);
      f32_bn_bwd_planes_simd(dy, x, y1, B, C, n, a, s, r); f32_bn_bwd_planes_ref(dy, x, y2, B, C, n, a, s, r);
      expect<i32>(diff32(y1, y2, len)).toBe(-1);
      f32_relu_simd(x, y1, len); f32_relu_ref(x, y2, len);
      expect<i32>(diff32(y1, y2, len)).toBe(-1);
      f32_relu_bwd_simd(x, dy, y1, len); f32_relu_bwd_ref(x, dy, y2, len);
      expect<i32>(diff32(y1, y2, len)).toBe(-1);
      const v = randomF32(len, -1, 2), cnt = randomF32(len, 0, 3);
      const v1 = dup(v, len * 4), v2 = dup(v, len * 4), n1 = dup(cnt, len * 4), n2 = dup(cnt, len * 4);
      for (let t = 0; t < 4; t++) { if_step_simd(v1, x, y1, n1, len, 2.0); if_step_ref(v2, x, y2, n2, len, 2.0); }
      expect<i32>(diff32(v1, v2, len)).toBe(-1);
      expect<i32>(diff32(y1, y2, len)).toBe(-1);
      expect<i32>(diff32(n1, n2, len)).toBe(-1);
      freeAll();
    }
  });
});

describe("batch-norm statistics", () => {
  it("f32_plane_stats / f32_plane_sums: _fast (channels interleaved) == _ref bit for bit", () => {
    seed(31);
    // channel counts through every path (statistics: 8 channels, a pair, one; sums: 4, a pair, one); planes of 1, 3
    // and 49 values (the 4-position vectors and their tails); 1 and 3 samples
    const Cs: i32[] = [1, 3, 4, 5, 8, 9, 12, 13, 17];
    const ns: i32[] = [1, 3, 49];
    for (let qc = 0; qc < Cs.length; qc++) for (let qn = 0; qn < ns.length; qn++) for (let B = 1; B <= 3; B += 2) {
      const C = Cs[qc], n = ns[qn], len = B * C * n;
      // an offset keeps the mean away from 0, where the two passes' order matters most
      const x = randomF32(len, -3, 5), dy = randomF32(len, -1, 1);
      const m1 = alloc(C * 8, 0x11), q1 = alloc(C * 8, 0x11), m2 = alloc(C * 8, 0x22), q2 = alloc(C * 8, 0x22);
      f32_plane_stats_fast(x, B, C, n, m1, q1); f32_plane_stats_ref(x, B, C, n, m2, q2);
      expect<i32>(diff32(m1, m2, 2 * C)).toBe(-1);
      expect<i32>(diff32(q1, q2, 2 * C)).toBe(-1);
      f32_plane_sums_fast(dy, x, B, C, n, m1, q1); f32_plane_sums_ref(dy, x, B, C, n, m2, q2);
      expect<i32>(diff32(m1, m2, 2 * C)).toBe(-1);
      expect<i32>(diff32(q1, q2, 2 * C)).toBe(-1);
      freeAll();
    }
  });
});

describe("spike-driven accumulation", () => {
  it("if_conv_gather: _simd == _ref, and == im2col + dense GEMM up to rounding", () => {
    seed(24);
    const Couts: i32[] = [3, 4, 20, 36];
    const Hs: i32[] = [3, 5, 14]; // 3: one interior pixel in a same conv (the 3x3 same path of the SIMD kernel)
    const pcts: i32[] = [0, 7, 100];
    for (let c = 0; c < Couts.length; c++) for (let h = 0; h < Hs.length; h++) for (let p = 0; p < pcts.length; p++) for (let pad = 0; pad <= 1; pad++) {
      const Cin = 3, H = Hs[h], W = Hs[h], k = 3, Cout = Couts[c];
      const Ho = H + 2 * pad - k + 1, Wo = W + 2 * pad - k + 1, P = Ho * Wo, K = Cin * k * k;
      const x = spikes(Cin * H * W, pcts[p]);
      const wy = convGatherBoth(x, Cin, H, W, k, pad, Cout, "Cout=" + Cout.toString() + " H=" + H.toString());
      const w = wy[0], y1 = wy[1];
      const col = alloc(K * P * 4), dense = alloc(Cout * P * 4), yt = alloc(Cout * P * 4);
      f32_im2col(x, Cin, H, W, k, 1, pad, col);
      f32_gemm_nn_acc_simd(dense, P, Cout, P, w, K, col, P, K);
      memory.copy(yt, y1, <usize>(Cout * P * 4));
      let close = true;
      for (let i = 0; i < Cout * P; i++) if (!(Math.abs(at(yt, i) - at(dense, i)) <= 1e-5 * (1 + Math.abs(at(dense, i))))) close = false;
      expect<bool>(close).toBe(true, "Cout=" + Cout.toString() + " H=" + H.toString());
      freeAll();
    }
  });
  it("if_conv_gather, wide inputs with hot pixels: _simd == _ref (the tap lists' fixed copy and its remainder)", () => {
    // The SIMD kernel copies (mean active channels per pixel + 8, in whole vectors, at most the Cin slot)
    // list entries per tap unconditionally and the rest of a pixel's list only where it has more: a
    // sparse map (3%) with hot pixels (every channel active) runs both parts; 100% runs the capped copy.
    seed(25);
    const Cins: i32[] = [13, 40];
    const pcts: i32[] = [3, 30, 100];
    for (let ci = 0; ci < Cins.length; ci++) for (let p = 0; p < pcts.length; p++) for (let pad = 0; pad <= 1; pad++) {
      const Cin = Cins[ci], H = 9, W = 11, k = 3, Cout = 20;
      const x = spikes(Cin * H * W, pcts[p]);
      // hot pixels: (2, 3), (2, 4) and (8, 10), every channel active
      for (let c = 0; c < Cin; c++) {
        store<f32>(x + (<usize>(c * H * W + 2 * W + 3) << 2), 1);
        store<f32>(x + (<usize>(c * H * W + 2 * W + 4) << 2), 1);
        store<f32>(x + (<usize>(c * H * W + 8 * W + 10) << 2), 1);
      }
      convGatherBoth(x, Cin, H, W, k, pad, Cout, "Cin=" + Cin.toString() + " pct=" + pcts[p].toString() + " pad=" + pad.toString());
      freeAll();
    }
  });
  it("if_fc_gather_inputmajor (the large-matrix path): == _ref bit for bit", () => {
    // sample groups of 32 (B 1, 5, 33, 70), output blocks of 4096 with vector and scalar tails (nout 3, 37,
    // 256, 301, 530, and 4099: two blocks, the second of 3), all-silent and all-active inputs; y starts as garbage
    // (the kernel must clear it)
    seed(26);
    const Bs: i32[] = [1, 5, 33, 70];
    const nouts: i32[] = [3, 37, 256, 301, 530, 4099];
    const pcts: i32[] = [0, 20, 100];
    for (let bi = 0; bi < Bs.length; bi++) for (let o = 0; o < nouts.length; o++) for (let p = 0; p < pcts.length; p++) {
      const B = Bs[bi], nin = 29, nout = nouts[o];
      const x = spikes(B * nin, pcts[p]), wt = randomF32(nin * nout, -1, 1), list = alloc(nin * 4);
      const y1 = alloc(B * nout * 4, 0xff), y2 = alloc(B * nout * 4, 0xff);
      if_fc_gather_inputmajor_simd(x, B, nin, wt, nout, y1, list);
      if_fc_gather_ref(x, B, nin, wt, nout, y2, list);
      expect<i32>(diff32(y1, y2, B * nout)).toBe(-1, "B=" + B.toString() + " nout=" + nout.toString() + " pct=" + pcts[p].toString());
      freeAll();
    }
  });
  it("if_fc_gather: _simd == _ref, and the sum of the active rows", () => {
    seed(25);
    const nouts: i32[] = [1, 10, 16, 37, 80];
    for (let o = 0; o < nouts.length; o++) {
      const B = 3, nin = 53, nout = nouts[o];
      const x = spikes(B * nin, 20), wt = randomF32(nin * nout, -1, 1), list = alloc(nin * 4);
      const y1 = alloc(B * nout * 4, 0xff), y2 = alloc(B * nout * 4, 0xff);
      if_fc_gather_simd(x, B, nin, wt, nout, y1, list);
      if_fc_gather_ref(x, B, nin, wt, nout, y2, list);
      expect<i32>(diff32(y1, y2, B * nout)).toBe(-1);
      let close = true;
      for (let b = 0; b < B; b++) for (let j = 0; j < nout; j++) {
        let want: f64 = 0;
        for (let i = 0; i < nin; i++) if (at(x, b * nin + i) != 0) want += at(wt, i * nout + j);
        if (!(Math.abs(at(y1, b * nout + j) - want) <= 1e-4 * (1 + Math.abs(want)))) close = false;
      }
      expect<bool>(close).toBe(true);
      freeAll();
    }
  });
  it("f32_transpose: _simd == _ref == the definition (tiles of 32, 4 x 4 blocks, ragged edges)", () => {
    seed(27);
    // sizes around the 4-float blocks and the 32-float tiles, and a destination that starts as garbage
    const Rs: i32[] = [1, 3, 4, 5, 31, 32, 33, 64, 70, 7];
    const Cs: i32[] = [1, 4, 3, 36, 32, 33, 64, 5, 71, 128];
    for (let i = 0; i < Rs.length; i++) for (let j = 0; j < Cs.length; j++) {
      const R = Rs[i], C = Cs[j];
      const src = randomF32(R * C, -1, 1);
      const d1 = alloc(R * C * 4, 0xff), d2 = alloc(R * C * 4, 0xff);
      f32_transpose_simd(src, R, C, d1);
      f32_transpose_ref(src, R, C, d2);
      expect<i32>(diff32(d1, d2, R * C)).toBe(-1, "R=" + R.toString() + " C=" + C.toString());
      let bad = 0;
      for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) {
        if (reinterpret<u32>(load<f32>(d1 + (<usize>(c * R + r) << 2))) != reinterpret<u32>(load<f32>(src + (<usize>(r * C + c) << 2)))) bad++;
      }
      expect<i32>(bad).toBe(0);
      freeAll();
    }
  });
});
