// The kernel registry (after tfjs): one table naming every kernel the host may call, with its fast
// (SIMD / popcount) export and, where one exists, its plain reference twin. The host, the tests and
// the benchmarks all select kernels from here; assembly/__tests__ compares every pair bit for bit.
// Pointers are byte offsets into the shared wasm memory (see arena.ts).

import { byteLength, type Tensor } from './arena.js';

type P = number; // byte offset
export interface KernelSet {
  ttfs_sort_events(times: P, n: number, tLast: number, counts: P, order: P): number;
  /** tIn[i] = table[px[i]] (px u8, table i32 x 256), then ttfs_sort_events of tIn: the input layer's events;
   *  counts: encodeCountsLength(tLast) i32 */
  ttfs_encode_events(px: P, n: number, table: P, tLast: number, tIn: P, counts: P, order: P): number;
  /** counts[j] += 1 (f64) where tOut[j] < tmax; returns how many fired */
  ttfs_count_fired(tOut: P, n: number, tmax: number, counts: P): number;
  /** touched[i] = 1 (u8) where tIn[i] < the latest tOut[j] with delta[j] != 0: the rows ttfs_grad_accum_f32 writes */
  ttfs_mark_rows(tIn: P, nIn: number, tOut: P, delta: P, nOut: number, touched: P): void;
  /** every flagged row of g (stride f32) set to +0, its flag cleared */
  ttfs_clear_rows(g: P, stride: number, touched: P, nIn: number): void;
  /** dst row += src row (f32_add's bits) for every row flagged in srcTouched, which is then flagged in dstTouched */
  ttfs_add_rows(dst: P, src: P, stride: number, srcTouched: P, dstTouched: P, nIn: number): void;
  ttfs_forward_f32(wt: P, nOut: number, stride: number, tIn: P, order: P, nEv: number,
    theta: number, tmax: number, kRec: number, v: P, tOut: P, vRec: P): number;
  /** c: i16 scratch of 2 * stride lanes (counts, then the SIMD kernel's spike-time state); c0: i16 starting counts (0: zeros) */
  ttfs_forward_bin_i16(sgn: P, nOut: number, stride: number, tIn: P, order: P, nEv: number,
    thr: number, tmax: number, kRec: number, c: P, tOut: P, cRec: P, c0: P): number;
  ttfs_forward_bin_popc(pos: P, neg: P, words: number, nOut: number, tIn: P, order: P, nEv: number,
    thr: number, tmax: number, kRec: number, ev: P, c: P, tOut: P, cRec: P): number;
  ttfs_update_f32(w: P, nIn: number, nOut: number, stride: number, tIn: P, tOut: P, delta: P,
    eta: number, lambda: number, sgn: P, wantSum: number): number;
  ttfs_backprop_f32(w: P, nIn: number, stride: number, tIn: P, tOut: P, delta: P, deltaIn: P): void;
  ttfs_grad_accum_f32(g: P, w: P, nIn: number, stride: number, tIn: P, tOut: P, delta: P, wantSum: number): number;
  /** out (i16, 2 stride lanes): C_j = sum_i [t_i < t_j] sgn_ij in the first stride lanes, exact where delta_j != 0; the rest is scratch */
  ttfs_sign_counts_i16(sgn: P, nIn: number, nOut: number, stride: number, tIn: P, tOut: P, delta: P, out: P): void;
  f32_add(dst: P, src: P, n: number): void;
  /** x[i] /= d in f32 (bit for bit the f64 quotient rounded to f32) */
  f32_div_scalar(x: P, n: number, d: number): void;
  f32_sgd_step(w: P, g: P, n: number, lr: number, decay: number): void;
  f32_sign_i16(src: P, dst: P, n: number): void;
  f32_nonfinite_any(src: P, n: number): number;
  /** bytes bytes at dst set to 0 (memory.fill: the host's fill on a shared-memory view stores element by element) */
  mem_zero(dst: P, bytes: number): void;
  /** max |x| (NaN if any NaN) */
  f32_max_abs(src: P, n: number): number;
  /** x /= ||x|| (f64 sum of squares in index order, f64 quotients rounded to f32; x unchanged when the norm is 0); returns the norm */
  f32_l2_normalise(x: P, n: number): number;
  f32_gemm_tn_acc(g: P, M: number, N: number, a: P, lda: number, b: P, ldb: number, K: number): void;
  f32_adam_step(w: P, g: P, m: P, v: P, n: number, lr: number, b1: number, b2: number, eps: number,
    bc1: number, bc2: number, wd: number, clip: number): void;
  f32_softmax_xent_grad(z: P, n: number, label: number, dz: P): number;
  bin_pack_signs(src: P, rows: number, cols: number, rs: number, cs: number, words: number, pos: P, neg: P): void;
  bin_pack_u8_planes(src: P, n: number, words: number, planes: P): void;
  bin_xnor_gemv(w: P, x: P, rows: number, words: number, nValid: number, out: P): void;
  /** dzb_i = sum_j dz_j sign(w_ji) (f64 over j ascending, then f32) where |zb_i| <= 1, else 0 (BNN's straight-through backward) */
  bin_ste_backprop(w: P, nOut: number, nIn: number, cols: number, dz: P, zb: P, dzb: P): void;
  bin_andpopc_planes_gemv(w: P, planes: P, rows: number, words: number, out: P): void;
  // proxy learning (conv nets): C row stride ldc, any M/N/K
  f32_gemm_tn_any(c: P, ldc: number, M: number, N: number, a: P, lda: number, b: P, ldb: number, K: number): void;
  /** C = A B (stored, C's old contents unread; the accumulating form f32_gemm_nn_acc_simd is the spec's witness that
   *  these are the bits adding into zeros gives) */
  f32_gemm_nn_set(c: P, ldc: number, M: number, N: number, a: P, lda: number, b: P, ldb: number, K: number): void;
  /** C = A^T B (stored, C's old contents unread): the same bits as f32_gemm_tn_any into zeros */
  f32_gemm_tn_set(c: P, ldc: number, M: number, N: number, a: P, lda: number, b: P, ldb: number, K: number): void;
  f32_gemm_nt_acc(c: P, ldc: number, M: number, N: number, a: P, lda: number, b: P, ldb: number, K: number): void;
  f32_im2col(x: P, C: number, H: number, W: number, k: number, stride: number, pad: number, col: P): void;
  f32_col2im(col: P, C: number, H: number, W: number, k: number, stride: number, pad: number, dx: P): void;
  f32_plane_stats(x: P, B: number, C: number, n: number, mean: P, m2: P): void;
  f32_plane_sums(dy: P, x: P, B: number, C: number, n: number, sdy: P, sdyx: P): void;
  f32_affine_planes(x: P, y: P, B: number, C: number, n: number, a: P, s: P): void;
  f32_bn_bwd_planes(dy: P, x: P, dx: P, B: number, C: number, n: number, p: P, q: P, r: P): void;
  f32_relu(x: P, y: P, n: number): void;
  f32_relu_bwd(y: P, dy: P, dx: P, n: number): void;
  f32_maxpool2(x: P, planes: number, H: number, W: number, y: P, arg: P): void;
  f32_maxpool2_bwd(dy: P, arg: P, planes: number, H: number, W: number, dx: P): void;
  if_step(v: P, x: P, s: P, counts: P, n: number, theta: number): void;
  if_conv_gather(x: P, Cin: number, H: number, W: number, k: number, stride: number, pad: number, wt: P, Cout: number, y: P, list: P, cnt: P): void;
  if_fc_gather(x: P, B: number, nin: number, wt: P, nout: number, y: P, list: P): void;
  f32_transpose(src: P, R: number, C: number, dst: P): void;
  // STiDi-BP (assembly/stidi): conv / FC layers with the ramp PSP, earliest-spike pooling
  stidi_forward_f32(w: P, cin: number, hin: number, win: number, k: number, hout: number, wout: number, cs: number,
    tIn: P, order: P, nEv: number, thr: number, tau: number, tmax: number, u: P, s: P, tOut: P, lt: P): number;
  stidi_forward_stepped_f32(w: P, cin: number, hin: number, win: number, k: number, hout: number, wout: number, cs: number,
    tIn: P, order: P, nEv: number, thr: number, tau: number, tmax: number, u: P, s: P, tOut: P, lt: P): number;
  stidi_pool_min(tIn: P, h: number, w: number, c: number, cs: number, p: number, tOut: P, arg: P): void;
  stidi_grad_f32(g: P, tIn: P, cin: number, hin: number, win: number, k: number, hout: number, wout: number, cs: number,
    tOut: P, delta: P, tau: number, tmax: number): void;
  stidi_backprop_f32(w: P, tIn: P, cin: number, hin: number, win: number, k: number, hout: number, wout: number, cs: number,
    tOut: P, delta: P, tau: number, tmax: number, eIn: P, silent: number): void;
}

export type KernelName = keyof KernelSet;
export type KernelVariant = 'fast' | 'ref';

/** fast: the optimised export; ref: its scalar twin (absent for kernels that are already scalar). */
export const KERNELS: Record<KernelName, { fast: string; ref?: string }> = {
  ttfs_sort_events: { fast: 'ttfs_sort_events_simd', ref: 'ttfs_sort_events_ref' },
  ttfs_encode_events: { fast: 'ttfs_encode_events_simd', ref: 'ttfs_encode_events_ref' },
  ttfs_count_fired: { fast: 'ttfs_count_fired_simd', ref: 'ttfs_count_fired_ref' },
  ttfs_mark_rows: { fast: 'ttfs_mark_rows_simd', ref: 'ttfs_mark_rows_ref' },
  ttfs_clear_rows: { fast: 'ttfs_clear_rows_simd', ref: 'ttfs_clear_rows_ref' },
  ttfs_add_rows: { fast: 'ttfs_add_rows_simd', ref: 'ttfs_add_rows_ref' },
  ttfs_forward_f32: { fast: 'ttfs_forward_f32_simd', ref: 'ttfs_forward_f32_ref' },
  ttfs_forward_bin_i16: { fast: 'ttfs_forward_bin_i16_simd', ref: 'ttfs_forward_bin_i16_ref' },
  ttfs_forward_bin_popc: { fast: 'ttfs_forward_bin_popc' },
  ttfs_update_f32: { fast: 'ttfs_update_f32_simd', ref: 'ttfs_update_f32_ref' },
  ttfs_backprop_f32: { fast: 'ttfs_backprop_f32_simd', ref: 'ttfs_backprop_f32_ref' },
  ttfs_grad_accum_f32: { fast: 'ttfs_grad_accum_f32_simd', ref: 'ttfs_grad_accum_f32_ref' },
  ttfs_sign_counts_i16: { fast: 'ttfs_sign_counts_i16_simd', ref: 'ttfs_sign_counts_i16_ref' },
  f32_add: { fast: 'f32_add_simd', ref: 'f32_add_ref' },
  f32_div_scalar: { fast: 'f32_div_scalar_simd', ref: 'f32_div_scalar_ref' },
  f32_sgd_step: { fast: 'f32_sgd_step_simd', ref: 'f32_sgd_step_ref' },
  f32_sign_i16: { fast: 'f32_sign_i16_simd', ref: 'f32_sign_i16_ref' },
  f32_nonfinite_any: { fast: 'f32_nonfinite_any' },
  mem_zero: { fast: 'mem_zero' },
  f32_max_abs: { fast: 'f32_max_abs_simd', ref: 'f32_max_abs_ref' },
  f32_l2_normalise: { fast: 'f32_l2_normalise_simd', ref: 'f32_l2_normalise_ref' },
  f32_gemm_tn_acc: { fast: 'f32_gemm_tn_acc_simd', ref: 'f32_gemm_tn_acc_ref' },
  f32_adam_step: { fast: 'f32_adam_step_simd', ref: 'f32_adam_step_ref' },
  f32_softmax_xent_grad: { fast: 'f32_softmax_xent_grad' },
  bin_pack_signs: { fast: 'bin_pack_signs' },
  bin_pack_u8_planes: { fast: 'bin_pack_u8_planes' },
  bin_xnor_gemv: { fast: 'bin_xnor_gemv_popc', ref: 'bin_xnor_gemv_ref' },
  bin_ste_backprop: { fast: 'bin_ste_backprop_simd', ref: 'bin_ste_backprop_ref' },
  bin_andpopc_planes_gemv: { fast: 'bin_andpopc_planes_gemv_popc', ref: 'bin_andpopc_planes_gemv_ref' },
  f32_gemm_tn_any: { fast: 'f32_gemm_tn_any_simd', ref: 'f32_gemm_tn_any_ref' },
  f32_gemm_nn_set: { fast: 'f32_gemm_nn_set_simd', ref: 'f32_gemm_nn_set_ref' },
  f32_gemm_tn_set: { fast: 'f32_gemm_tn_set_simd', ref: 'f32_gemm_tn_set_ref' },
  f32_gemm_nt_acc: { fast: 'f32_gemm_nt_acc_simd', ref: 'f32_gemm_nt_acc_ref' },
  f32_im2col: { fast: 'f32_im2col' },
  f32_col2im: { fast: 'f32_col2im_simd', ref: 'f32_col2im_ref' },
  f32_plane_stats: { fast: 'f32_plane_stats_fast', ref: 'f32_plane_stats_ref' },
  f32_plane_sums: { fast: 'f32_plane_sums_fast', ref: 'f32_plane_sums_ref' },
  f32_affine_planes: { fast: 'f32_affine_planes_simd', ref: 'f32_affine_planes_ref' },
  f32_bn_bwd_planes: { fast: 'f32_bn_bwd_planes_simd', ref: 'f32_bn_bwd_planes_ref' },
  f32_relu: { fast: 'f32_relu_simd', ref: 'f32_relu_ref' },
  f32_relu_bwd: { fast: 'f32_relu_bwd_simd', ref: 'f32_relu_bwd_ref' },
  f32_maxpool2: { fast: 'f32_maxpool2_simd', ref: 'f32_maxpool2_ref' },
  f32_maxpool2_bwd: { fast: 'f32_maxpool2_bwd' },
  if_step: { fast: 'if_step_simd', ref: 'if_step_ref' },
  if_conv_gather: { fast: 'if_conv_gather_simd', ref: 'if_conv_gather_ref' },
  if_fc_gather: { fast: 'if_fc_gather_simd', ref: 'if_fc_gather_ref' },
  f32_transpose: { fast: 'f32_transpose_simd', ref: 'f32_transpose_ref' },
  stidi_forward_f32: { fast: 'stidi_forward_f32_simd', ref: 'stidi_forward_f32_ref' },
  stidi_forward_stepped_f32: { fast: 'stidi_forward_stepped_f32' },
  stidi_pool_min: { fast: 'stidi_pool_min_simd', ref: 'stidi_pool_min_ref' },
  stidi_grad_f32: { fast: 'stidi_grad_f32_simd', ref: 'stidi_grad_f32_ref' },
  stidi_backprop_f32: { fast: 'stidi_backprop_f32_simd', ref: 'stidi_backprop_f32_ref' },
};

/** Zeroes a tensor in wasm memory (mem_zero: a host fill on a view of the shared memory is 4-10x slower). */
export function zeroTensor(k: KernelSet, t: Tensor): void {
  k.mem_zero(t.offset, byteLength(t));
}

/** ttfs_encode_events' `counts` scratch, in i32 entries: the tLast + 2 counters, then ENCODE_DUMP_ENTRIES (16) per-lane
 *  dump entries (assembly/ttfs/encode.ts). */
export function encodeCountsLength(tLast: number): number {
  return Math.max(tLast + 2, 0) + 16;
}

/** if_conv_gather's `list` scratch, in i32 entries: the per-input-pixel lists (H W Cin), then one output
 *  pixel's flat row list (k k Cin, copied in whole 4-entry chunks: Cin + 4 of slack) (assembly/if/spike_gather.ts). */
export function convGatherListLength(cin: number, h: number, w: number, k: number): number {
  return cin * (h * w + k * k + 1) + 4;
}

/** Binds the registry's kernels of one variant (ref falls back to fast where no twin exists). */
export function selectKernels(exports: WebAssembly.Exports, variant: KernelVariant = 'fast'): KernelSet {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(KERNELS)) {
    const exportName = variant === 'ref' ? entry.ref ?? entry.fast : entry.fast;
    const fn = exports[exportName];
    if (typeof fn !== 'function') throw new Error(`wasm module lacks export ${exportName} (rebuild with npm run build)`);
    out[name] = fn;
  }
  return out as unknown as KernelSet;
}

