// The minibatch gradient's row flags (src/algorithms/ttfs/network.ts, Workspace.touched): a row of a layer's
// summed gradient is written by a sample's ttfs_grad_accum_f32 only if its input spiked before the latest output
// with a non-zero delta (latest_active_time, the update kernels' own skip rule); the host zeroes, reduces and
// applies only flagged rows. The host set the flags in JavaScript: ~2.4 us per S4NN sample (784 inputs), 8% of a
// minibatch step.

import { latest_active_time } from "./update_f32";
import { f32_add_simd, f32_add_ref } from "../dense/vec_f32";

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

/** For every flagged row r < nIn (touched[r] != 0): g's row r (stride f32) set to +0 and the flag cleared (the
 *  next step's gradient starts from zeros there; unflagged rows are zero already). SIMD: 16 flags tested at once
 *  (most rows are unflagged), a flagged row zeroed by memory.fill. */
export function ttfs_clear_rows_simd(g: usize, stride: i32, touched: usize, nIn: i32): void {
  const rowBytes = <usize>stride << 2;
  let r0 = 0;
  for (; r0 + 16 <= nIn; r0 += 16) {
    const f = touched + <usize>r0;
    if (!v128.any_true(v128.load(f))) continue;
    for (let r = r0; r < r0 + 16; r++) {
      if (load<u8>(touched + <usize>r) != 0) memory.fill(g + <usize>r * rowBytes, 0, rowBytes);
    }
    v128.store(f, i8x16.splat(0));
  }
  for (let r = r0; r < nIn; r++) {
    if (load<u8>(touched + <usize>r) != 0) { memory.fill(g + <usize>r * rowBytes, 0, rowBytes); store<u8>(touched + <usize>r, 0); }
  }
}
export function ttfs_clear_rows_ref(g: usize, stride: i32, touched: usize, nIn: i32): void {
  for (let r = 0; r < nIn; r++) {
    if (load<u8>(touched + <usize>r) == 0) continue;
    for (let j = 0; j < stride; j++) store<f32>(g + ((<usize>r * <usize>stride + <usize>j) << 2), 0);
    store<u8>(touched + <usize>r, 0);
  }
}

/** One edge of the fixed reduction tree over the rows flagged in srcTouched: dst row r += src row r (f32, lane by
 *  lane: f32_add's bits), and the row flagged in dstTouched. Rows src never flagged hold +0 and would leave dst's
 *  bits unchanged. stride a multiple of 4 for the SIMD variant. */
export function ttfs_add_rows_simd(dst: usize, src: usize, stride: i32, srcTouched: usize, dstTouched: usize, nIn: i32): void {
  const rowBytes = <usize>stride << 2;
  let r0 = 0;
  for (; r0 + 16 <= nIn; r0 += 16) {
    const f = srcTouched + <usize>r0;
    const sf = v128.load(f);
    if (!v128.any_true(sf)) continue;
    for (let r = r0; r < r0 + 16; r++) {
      if (load<u8>(srcTouched + <usize>r) != 0) f32_add_simd(dst + <usize>r * rowBytes, src + <usize>r * rowBytes, stride);
    }
    const df = dstTouched + <usize>r0;
    v128.store(df, v128.or(v128.load(df), sf));
  }
  for (let r = r0; r < nIn; r++) {
    if (load<u8>(srcTouched + <usize>r) == 0) continue;
    f32_add_simd(dst + <usize>r * rowBytes, src + <usize>r * rowBytes, stride);
    store<u8>(dstTouched + <usize>r, 1);
  }
}
export function ttfs_add_rows_ref(dst: usize, src: usize, stride: i32, srcTouched: usize, dstTouched: usize, nIn: i32): void {
  const rowBytes = <usize>stride << 2;
  for (let r = 0; r < nIn; r++) {
    if (load<u8>(srcTouched + <usize>r) == 0) continue;
    f32_add_ref(dst + <usize>r * rowBytes, src + <usize>r * rowBytes, stride);
    store<u8>(dstTouched + <usize>r, 1);
  }
}
