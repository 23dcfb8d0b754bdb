// Minibatch form of the S4NN update: accumulate the per-sample gradient instead of applying it,
// so a batch's gradient can be summed over shards in a fixed order and applied once.
//   g_ij += delta_j [t_i < t_j]
// and, when `wantSum` is non-zero, return S = sum_ij delta_j [t_i < t_j] sign(w_ij) (BS4NN's scale gradient, current
// weights; else 0: S4NN has no scale, and the signs, products and sum were most of the work per weight).
// Rows whose input spiked no earlier than the latest output with a non-zero delta add nothing and
// are skipped, as in the online update (most background pixels).
import { latest_active_time } from "./update_f32";

export function ttfs_grad_accum_f32_simd(
  g: usize, w: usize, nIn: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, wantSum: i32,
): f64 {
  const one = f32x4.splat(1);
  const z = f32x4.splat(0);
  const cut = latest_active_time(tOut, delta, stride);
  if (wantSum == 0) { accumulate_pairs(g, nIn, stride, tIn, tOut, delta, cut); return 0; }
  let total: f64 = 0;
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    if (ti >= cut) continue;
    const tiV = i32x4.splat(ti);
    const off = (<usize>i * <usize>stride) << 2;
    let acc = f32x4.splat(0);
    for (let j = 0; j < stride; j += 4) {
      const o = <usize>j << 2;
      const m = i32x4.lt_s(tiV, v128.load(tOut + o));
      const d = v128.and(v128.load(delta + o), m);
      v128.store(g + off + o, f32x4.add(v128.load(g + off + o), d));
      const x = v128.load(w + off + o);
      const s = f32x4.sub(v128.and(f32x4.gt(x, z), one), v128.and(f32x4.lt(x, z), one));
      acc = f32x4.add(acc, f32x4.mul(d, s));
    }
    total += <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  }
  return total;
}

// S4NN's accumulation (no sum): the rows that take it two at a time, sharing each vector's loads of the output
// times and deltas (update_pairs' pattern in update_f32.ts); the same one add per weight, so the same bits.
function accumulate_pairs(g: usize, nIn: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, cut: i32): void {
  let pending = -1;
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    if (ti >= cut) continue;
    if (pending < 0) { pending = i; continue; }
    const r1 = g + ((<usize>pending * <usize>stride) << 2), r2 = g + ((<usize>i * <usize>stride) << 2);
    const t1V = i32x4.splat(load<i32>(tIn + (<usize>pending << 2))), t2V = i32x4.splat(ti);
    let j = 0;
    // 16 lanes per iteration at constant offsets from one pointer per array (as update_pairs)
    for (; j + 16 <= stride; j += 16) {
      const o = <usize>j << 2;
      accumulatePair(r1 + o, r2 + o, tOut + o, delta + o, t1V, t2V);
      accumulatePair(r1 + o + 16, r2 + o + 16, tOut + o + 16, delta + o + 16, t1V, t2V);
      accumulatePair(r1 + o + 32, r2 + o + 32, tOut + o + 32, delta + o + 32, t1V, t2V);
      accumulatePair(r1 + o + 48, r2 + o + 48, tOut + o + 48, delta + o + 48, t1V, t2V);
    }
    for (; j < stride; j += 4) {
      const o = <usize>j << 2;
      accumulatePair(r1 + o, r2 + o, tOut + o, delta + o, t1V, t2V);
    }
    pending = -1;
  }
  if (pending >= 0) {
    const r1 = g + ((<usize>pending * <usize>stride) << 2), t1V = i32x4.splat(load<i32>(tIn + (<usize>pending << 2)));
    for (let j = 0; j < stride; j += 4) {
      const o = <usize>j << 2;
      accumulateRow(r1 + o, v128.load(delta + o), i32x4.lt_s(t1V, v128.load(tOut + o)));
    }
  }
}

// One vector of accumulate_pairs: g += masked delta in both rows (at a, b).
// @ts-ignore: decorator
@inline function accumulatePair(a: usize, b: usize, tp: usize, dp: usize, t1V: v128, t2V: v128): void {
  const tv = v128.load(tp), d = v128.load(dp);
  accumulateRow(a, d, i32x4.lt_s(t1V, tv));
  accumulateRow(b, d, i32x4.lt_s(t2V, tv));
}

// g += delta where the mask m is set, one vector at a.
// @ts-ignore: decorator
@inline function accumulateRow(a: usize, d: v128, m: v128): void {
  v128.store(a, f32x4.add(v128.load(a), v128.and(d, m)));
}

export function ttfs_grad_accum_f32_ref(
  g: usize, w: usize, nIn: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, wantSum: i32,
): f64 {
  const cut = latest_active_time(tOut, delta, stride);
  let total: f64 = 0;
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    if (ti >= cut) continue;
    let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
    for (let j = 0; j < stride; j++) {
      const a = (<usize>i * <usize>stride + <usize>j) << 2;
      const d: f32 = ti < load<i32>(tOut + (<usize>j << 2)) ? load<f32>(delta + (<usize>j << 2)) : 0;
      store<f32>(g + a, load<f32>(g + a) + d);
      const x = load<f32>(w + a);
      const sx: f32 = x > 0 ? 1 : (x < 0 ? -1 : 0);
      const c = d * sx;
      const lane = j & 3;
      if (lane == 0) l0 = l0 + c; else if (lane == 1) l1 = l1 + c; else if (lane == 2) l2 = l2 + c; else l3 = l3 + c;
    }
    total += <f64>(l0 + l1 + l2 + l3);
  }
  return wantSum != 0 ? total : 0;
}
