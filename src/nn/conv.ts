// 2-D convolution (no bias) over a chunk of B samples by im2col + GEMM, one sample at a time
// (the column buffer holds one image: C k k x Ho Wo floats).
//   forward:  y_b = W col(x_b)                        (f32_gemm_nn_set)
//   backward: gW += dy_b col(x_b)^T, in sample order   (f32_gemm_nt_acc)
//             dx_b = col2im(W^T dy_b)                  (f32_gemm_tn_set, f32_col2im)
// The _set GEMMs store their sums (the same bits as adding into zeros), so y_b and the column gradient
// need no zeroing pass: on fmnist-small the zeroing was ~7% of a proxy step's profile.
// W is [Cout][Cin k k] (PyTorch's layout). The column matrix is recomputed in the backward pass
// rather than kept: it is k^2 times the input and cheap to rebuild.
import type { ConvLayer, Nn } from './types.js';

const F = 4;

export function convForward(nn: Nn, L: ConvLayer, w: number, x: number, y: number, B: number, col: number): void {
  const P = L.Ho * L.Wo, K = L.cin * L.k * L.k, inN = L.cin * L.H * L.W;
  for (let b = 0; b < B; b++) {
    const yb = y + b * L.cout * P * F;
    nn.k.f32_im2col(x + b * inN * F, L.cin, L.H, L.W, L.k, L.stride, L.pad, col);
    nn.k.f32_gemm_nn_set(yb, P, L.cout, P, w, K, col, P, K);
  }
}

/** dx = 0 skips the input gradient (first layer). */
export function convBackward(nn: Nn, L: ConvLayer, w: number, gw: number, x: number, dy: number, dx: number, B: number, col: number, dcol: number): void {
  const P = L.Ho * L.Wo, K = L.cin * L.k * L.k, inN = L.cin * L.H * L.W;
  for (let b = 0; b < B; b++) {
    const dyb = dy + b * L.cout * P * F;
    nn.k.f32_im2col(x + b * inN * F, L.cin, L.H, L.W, L.k, L.stride, L.pad, col);
    nn.k.f32_gemm_nt_acc(gw, K, L.cout, K, dyb, P, col, P, P);
    if (dx) {
      nn.k.f32_gemm_tn_set(dcol, P, K, P, w, K, dyb, P, L.cout);
      const dxb = dx + b * inN * F;
      nn.zero(dxb, inN);
      nn.k.f32_col2im(dcol, L.cin, L.H, L.W, L.k, L.stride, L.pad, dxb);
    }
  }
}
