// Batch normalisation over [B][C][n] planes, folded into a per-channel affine map y = a x + s.
//   train mode (batch statistics of this chunk): a = gamma / sqrt(var + eps), s = beta - mean a,
//              var the biased variance (PyTorch normalises with it; the running update uses the
//              unbiased one, see network.ts);
//   eval mode (running statistics rm, rv):       a = gamma / sqrt(rv + eps), s = beta - rm a.
// Backward, with Sdy = sum dy, Sdyx^ = sum dy x^ over the chunk (f64):
//   train: dx = a (dy - Sdy/N - x^ Sdyx^/N) = a dy + q x + r, q = -a invstd Sdyx^/N, r = -a Sdy/N - q mean
//   eval:  dx = a dy
//   both:  dgamma += Sdyx^, dbeta += Sdy.
import type { Nn } from './types.js';

export interface BnCoeffs { a: Float32Array; s: Float32Array; mean: Float64Array; invstd: Float64Array }

export function bnTrainCoeffs(gamma: Float32Array, beta: Float32Array, mean: Float64Array, m2: Float64Array, N: number, eps: number, out: BnCoeffs): void {
  for (let c = 0; c < gamma.length; c++) {
    const inv = 1 / Math.sqrt(m2[c] / N + eps);
    out.mean[c] = mean[c]; out.invstd[c] = inv;
    out.a[c] = gamma[c] * inv;
    out.s[c] = beta[c] - mean[c] * gamma[c] * inv;
  }
}

export function bnEvalCoeffs(gamma: Float32Array, beta: Float32Array, rm: Float32Array, rv: Float32Array, eps: number, out: BnCoeffs): void {
  for (let c = 0; c < gamma.length; c++) {
    const inv = 1 / Math.sqrt(rv[c] + eps);
    out.mean[c] = rm[c]; out.invstd[c] = inv;
    out.a[c] = gamma[c] * inv;
    out.s[c] = beta[c] - rm[c] * gamma[c] * inv;
  }
}

/**
 * Backward of y = BN(x) for a chunk of B samples. dy is overwritten with dx (the kernel works in
 * place). `sdy`/`sdyx` are f64 scratch of C; p, q, r f32 scratch of C (offsets and views).
 */
export function bnBackward(nn: Nn, train: boolean, x: number, dy: number, B: number, C: number, n: number, co: BnCoeffs,
  gGamma: Float32Array, gBeta: Float32Array,
  scratch: { sdy: number; sdyx: number; p: number; q: number; r: number; sdyV: Float64Array; sdyxV: Float64Array; pV: Float32Array; qV: Float32Array; rV: Float32Array }): void {
  nn.k.f32_plane_sums(dy, x, B, C, n, scratch.sdy, scratch.sdyx);
  const N = B * n;
  for (let c = 0; c < C; c++) {
    const Sdy = scratch.sdyV[c], Sdyxh = (scratch.sdyxV[c] - co.mean[c] * Sdy) * co.invstd[c];
    gGamma[c] += Sdyxh; gBeta[c] += Sdy;
    const a = co.a[c];
    scratch.pV[c] = a;
    if (train) {
      const q = -a * co.invstd[c] * Sdyxh / N;
      scratch.qV[c] = q;
      scratch.rV[c] = -a * Sdy / N - q * co.mean[c];
    } else { scratch.qV[c] = 0; scratch.rV[c] = 0; }
  }
  nn.k.f32_bn_bwd_planes(dy, x, dy, B, C, n, scratch.p, scratch.q, scratch.r);
}
