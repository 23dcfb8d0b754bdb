// The minibatch gradient's row flags (src/algorithms/ttfs/network.ts, Workspace.touched): a row of a layer's
// summed gradient is written by a sample's ttfs_grad_accum_f32 only if its input spiked before the latest output
// with a non-zero delta (latest_active_time, the update kernels' own skip rule); the host zeroes, reduces and
// applies only flagged rows. The host set the flags in JavaScript: ~2.4 us per S4NN sample (784 inputs), 8% of a
// minibatch step.

import { latest_active_time } from "./update_f32";

/** touched[i] = 1 (u8) for every i < nIn with tIn[i] < cut, cut = the latest tOut[j] with delta[j] != 0 (-1: none);
 *  other flags keep their value. SIMD: 16 inputs per step, the four compare masks narrowed to bytes and or-ed in. */
export function ttfs_mark_rows_simd(tIn: usize, nIn: i32, tOut: usize, delta: usize, nOut: i32, touched: usize): void {
  const cut = latest_active_time(tOut, delta, nOut);
  const cutV = i32x4.splat(cut), one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= nIn; i += 16) {
    const t = tIn + (<usize>i << 2);
    const lo = i16x8.narrow_i32x4_s(i32x4.lt_s(v128.load(t), cutV), i32x4.lt_s(v128.load(t, 16), cutV));
    const hi = i16x8.narrow_i32x4_s(i32x4.lt_s(v128.load(t, 32), cutV), i32x4.lt_s(v128.load(t, 48), cutV));
    const f = touched + <usize>i;
    v128.store(f, v128.or(v128.load(f), v128.and(i8x16.narrow_i16x8_s(lo, hi), one)));
  }
  for (; i < nIn; i++) if (load<i32>(tIn + (<usize>i << 2)) < cut) store<u8>(touched + <usize>i, 1);
}
export function ttfs_mark_rows_ref(tIn: usize, nIn: i32, tOut: usize, delta: usize, nOut: i32, touched: usize): void {
  const cut = latest_active_time(tOut, delta, nOut);
  for (let i = 0; i < nIn; i++) if (load<i32>(tIn + (<usize>i << 2)) < cut) store<u8>(touched + <usize>i, 1);
}
