// Spike-driven accumulation for the SNN's conv and fully connected layers: with 0/1 inputs, an output
// is the sum of the weights of its active inputs, so instead of multiplying every input (dense GEMM)
// we list the active inputs and add their weight rows (weights transposed: wt[input][output], so a row
// is contiguous over outputs and SIMD adds 4 outputs at a time).
//   if_conv_gather: x[Cin][H][W] (0/1) -> y[Ho Wo][Cout] (pixel-major; the host transposes it back)
//                   y[p][co] = sum over active taps j of pixel p, in tap order (ci, ky, kx), of wt[j][co]
//   if_fc_gather:   x[B][nin] (0/1) -> y[B][nout] = sum over active i (ascending) of wt[i][:]
// Each output is 0 + (w_a + w_b + ...) in ascending input order, which is also what the dense GEMM
// f32_gemm_nn_acc computes for a conv (inactive taps add 0 * w = +-0, which changes no nonzero sum),
// so the conv path agrees with the dense one bit for bit. `list` is i32 scratch of K (or nin) entries.
// Inputs count as active when != 0.

// @ts-ignore: decorator
@inline function accumulate(list: usize, nAct: i32, wt: usize, ld: i32, nout: i32, y: usize): void {
  const lw = <usize>ld << 2;
  let c = 0;
  for (; c + 16 <= nout; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    const co = <usize>c << 2;
    for (let j = 0; j < nAct; j++) {
      const r = wt + <usize>load<i32>(list + (<usize>j << 2)) * lw + co;
      a0 = f32x4.add(a0, v128.load(r)); a1 = f32x4.add(a1, v128.load(r, 16));
      a2 = f32x4.add(a2, v128.load(r, 32)); a3 = f32x4.add(a3, v128.load(r, 48));
    }
    const z = f32x4.splat(0);
    v128.store(y + co, f32x4.add(z, a0)); v128.store(y + co, f32x4.add(z, a1), 16);
    v128.store(y + co, f32x4.add(z, a2), 32); v128.store(y + co, f32x4.add(z, a3), 48);
  }
  for (; c + 4 <= nout; c += 4) {
    let a0 = f32x4.splat(0);
    const co = <usize>c << 2;
    for (let j = 0; j < nAct; j++) a0 = f32x4.add(a0, v128.load(wt + <usize>load<i32>(list + (<usize>j << 2)) * lw + co));
    v128.store(y + co, f32x4.add(f32x4.splat(0), a0));
  }
  for (; c < nout; c++) accumulate1(list, nAct, wt, ld, c, y);
}

// @ts-ignore: decorator
@inline function accumulate1(list: usize, nAct: i32, wt: usize, ld: i32, c: i32, y: usize): void {
  let a: f32 = 0;
  for (let j = 0; j < nAct; j++) a = a + load<f32>(wt + ((<usize>load<i32>(list + (<usize>j << 2)) * <usize>ld + <usize>c) << 2));
  store<f32>(y + (<usize>c << 2), <f32>0 + a);
}

// @ts-ignore: decorator
@inline function tapList(x: usize, Cin: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, oy: i32, ox: i32, list: usize): i32 {
  let n = 0;
  for (let ci = 0; ci < Cin; ci++) for (let ky = 0; ky < k; ky++) {
    const iy = oy * stride - pad + ky;
    if (iy < 0 || iy >= H) continue;
    const row = x + ((<usize>((ci * H + iy) * W)) << 2);
    for (let kx = 0; kx < k; kx++) {
      const ix = ox * stride - pad + kx;
      if (ix < 0 || ix >= W) continue;
      if (load<f32>(row + (<usize>ix << 2)) != 0) { store<i32>(list + (<usize>n << 2), (ci * k + ky) * k + kx); n++; }
    }
  }
  return n;
}

export function if_conv_gather_simd(x: usize, Cin: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, wt: usize, Cout: i32, y: usize, list: usize): void {
  const Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
  for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    const n = tapList(x, Cin, H, W, k, stride, pad, oy, ox, list);
    accumulate(list, n, wt, Cout, Cout, y + ((<usize>((oy * Wo + ox) * Cout)) << 2));
  }
}
export function if_conv_gather_ref(x: usize, Cin: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, wt: usize, Cout: i32, y: usize, list: usize): void {
  const Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
  for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    const n = tapList(x, Cin, H, W, k, stride, pad, oy, ox, list);
    const yp = y + ((<usize>((oy * Wo + ox) * Cout)) << 2);
    for (let c = 0; c < Cout; c++) accumulate1(list, n, wt, Cout, c, yp);
  }
}

// @ts-ignore: decorator
@inline function activeList(x: usize, n: i32, list: usize): i32 {
  let m = 0;
  for (let i = 0; i < n; i++) if (load<f32>(x + (<usize>i << 2)) != 0) { store<i32>(list + (<usize>m << 2), i); m++; }
  return m;
}

export function if_fc_gather_simd(x: usize, B: i32, nin: i32, wt: usize, nout: i32, y: usize, list: usize): void {
  for (let b = 0; b < B; b++) {
    const m = activeList(x + ((<usize>(b * nin)) << 2), nin, list);
    accumulate(list, m, wt, nout, nout, y + ((<usize>(b * nout)) << 2));
  }
}
export function if_fc_gather_ref(x: usize, B: i32, nin: i32, wt: usize, nout: i32, y: usize, list: usize): void {
  for (let b = 0; b < B; b++) {
    const m = activeList(x + ((<usize>(b * nin)) << 2), nin, list);
    for (let c = 0; c < nout; c++) accumulate1(list, m, wt, nout, c, y + ((<usize>(b * nout)) << 2));
  }
}

/** dst[C][R] = src[R][C]^T (data movement only). */
export function f32_transpose(src: usize, R: i32, C: i32, dst: usize): void {
  for (let r = 0; r < R; r++) {
    const s = src + ((<usize>(r * C)) << 2);
    for (let c = 0; c < C; c++) store<f32>(dst + ((<usize>(c * R + r)) << 2), load<f32>(s + (<usize>c << 2)));
  }
}
