// Error propagation through one time-to-first-spike layer (algorithms.md 1.2, step 4):
//   deltaIn_i = sum_j delta_j [t_i < t_j] w_ij
// with the layer's (already updated, real-valued) weights, input-major with stride >= nOut.
// Each row's sum is taken as four lane partial sums added lane 0+1+2+3: a fixed order, so the
// SIMD kernel and its scalar twin agree bit for bit.
// The SIMD kernel skips the rows whose input spiked no earlier than the latest output with a
// non-zero delta (the update's cut): every term of such a row is masked off or has delta 0, the lane
// sums start at +0 and +0 + (+-0) = +0, so the row's sum is +0, which it stores without reading the
// row. The twin computes every row, so the spec checks that the skip is exact.
import { latest_active_time } from "./update_f32";

export function ttfs_backprop_f32_simd(
  w: usize, nIn: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, deltaIn: usize,
): void {
  const cut = latest_active_time(tOut, delta, stride);
  if (stride == 16) { backprop16(w, nIn, tIn, tOut, delta, deltaIn, cut); return; }
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    if (ti >= cut) { store<f32>(deltaIn + (<usize>i << 2), 0); continue; }
    const tiV = i32x4.splat(ti);
    const row = w + ((<usize>i * <usize>stride) << 2);
    let acc = f32x4.splat(0);
    for (let j = 0; j < stride; j += 4) {
      const o = <usize>j << 2;
      const m = i32x4.lt_s(tiV, v128.load(tOut + o));
      acc = f32x4.add(acc, v128.and(f32x4.mul(v128.load(delta + o), v128.load(row + o)), m));
    }
    store<f32>(deltaIn + (<usize>i << 2),
      f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  }
}

/** A layer of at most 16 outputs (stride 16: S4NN's and BS4NN's output layers): the output times and deltas held in
 *  registers for the whole layer (they were reloaded for every row), each row's four products added in the general
 *  loop's order. */
function backprop16(w: usize, nIn: i32, tIn: usize, tOut: usize, delta: usize, deltaIn: usize, cut: i32): void {
  const t0 = v128.load(tOut), t1 = v128.load(tOut, 16), t2 = v128.load(tOut, 32), t3 = v128.load(tOut, 48);
  const d0 = v128.load(delta), d1 = v128.load(delta, 16), d2 = v128.load(delta, 32), d3 = v128.load(delta, 48);
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    if (ti >= cut) { store<f32>(deltaIn + (<usize>i << 2), 0); continue; }
    const tiV = i32x4.splat(ti), row = w + (<usize>i << 6);
    let acc = f32x4.add(f32x4.splat(0), v128.and(f32x4.mul(d0, v128.load(row)), i32x4.lt_s(tiV, t0)));
    acc = f32x4.add(acc, v128.and(f32x4.mul(d1, v128.load(row, 16)), i32x4.lt_s(tiV, t1)));
    acc = f32x4.add(acc, v128.and(f32x4.mul(d2, v128.load(row, 32)), i32x4.lt_s(tiV, t2)));
    acc = f32x4.add(acc, v128.and(f32x4.mul(d3, v128.load(row, 48)), i32x4.lt_s(tiV, t3)));
    store<f32>(deltaIn + (<usize>i << 2),
      f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  }
}

export function ttfs_backprop_f32_ref(
  w: usize, nIn: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, deltaIn: usize,
): void {
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
    for (let j = 0; j < stride; j += 4) {
      const b = (<usize>i * <usize>stride + <usize>j) << 2;
      const c0: f32 = ti < load<i32>(tOut + (<usize>j << 2)) ? load<f32>(delta + (<usize>j << 2)) * load<f32>(w + b) : 0;
      const c1: f32 = ti < load<i32>(tOut + (<usize>(j + 1) << 2)) ? load<f32>(delta + (<usize>(j + 1) << 2)) * load<f32>(w + b + 4) : 0;
      const c2: f32 = ti < load<i32>(tOut + (<usize>(j + 2) << 2)) ? load<f32>(delta + (<usize>(j + 2) << 2)) * load<f32>(w + b + 8) : 0;
      const c3: f32 = ti < load<i32>(tOut + (<usize>(j + 3) << 2)) ? load<f32>(delta + (<usize>(j + 3) << 2)) * load<f32>(w + b + 12) : 0;
      l0 = l0 + c0; l1 = l1 + c1; l2 = l2 + c2; l3 = l3 + c3;
    }
    store<f32>(deltaIn + (<usize>i << 2), l0 + l1 + l2 + l3);
  }
}
