// Fully connected layer (no bias) over a chunk: Y[B][out] = X[B][in] W[out][in]^T (f32_gemm_nt_acc);
// backward gW += dY^T X (f32_gemm_tn_any, sums over the chunk's samples in order), dX = dY W (f32_gemm_nn_set:
// stored, no zeroing pass).
import type { FcLayer, Nn } from './types.js';

export function linearForward(nn: Nn, L: FcLayer, w: number, x: number, y: number, B: number): void {
  nn.zero(y, B * L.nout);
  nn.k.f32_gemm_nt_acc(y, L.nout, B, L.nout, x, L.nin, w, L.nin, L.nin);
}

/** dx = 0 skips the input gradient. */
export function linearBackward(nn: Nn, L: FcLayer, w: number, gw: number, x: number, dy: number, dx: number, B: number): void {
  nn.k.f32_gemm_tn_any(gw, L.nin, L.nout, L.nin, dy, L.nout, x, L.nin, B);
  if (dx) {
    nn.k.f32_gemm_nn_set(dx, L.nin, B, L.nin, dy, L.nout, w, L.nin, L.nout);
  }
}
