// Per-neuron masked sign counts of one binary time-to-first-spike layer (BS4NN's per-neuron scale,
// src/algorithms/ttfs/neuron-scale.ts):
//   C_j = sum_i [t_i < t_j] sign(w_ij)
// from the i16 sign rows the forward kernel reads (input-major, stride = nOut rounded up to 8; pad
// lanes hold sign 0). Integer adds, so the SIMD kernel and its twin agree exactly; |C_j| <= nIn, so
// i16 lanes hold it (the host allows per-neuron scales up to 16383 inputs). The host needs C_j only
// where delta_j != 0 (the scale's gradient is delta_j C_j), so rows whose input spiked no earlier than
// the latest such neuron (t_i >= cut, the update kernel's rule) are skipped: C_j is exact for every
// neuron with delta_j != 0, and for the others counts the rows before the cut only. On BS4NN's hidden
// layer that skips the background pixels (t = 255), which no firing neuron's mask admits.
// `out` holds 2 stride i16 lanes: the counts, then (SIMD kernel) scratch for the narrowed output times.
import { latest_active_time } from "./update_f32";

export function ttfs_sign_counts_i16_simd(sgn: usize, nIn: i32, nOut: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, out: usize): void {
  const bytes = <usize>stride << 1;
  memory.fill(out, 0, bytes);
  const cut = latest_active_time(tOut, delta, nOut);
  // The output times narrowed to i16 once, into the second half of `out` (scratch: the host passes the forward
  // kernel's 2 stride lanes): each active row then compares 8 lanes with one load and one compare, where the
  // i32 times took two loads, two compares and a narrowing per 8 lanes of every row. Times are at most
  // tmax <= 4096, so the narrowing is exact.
  const t16 = out + bytes;
  for (let o: usize = 0; o < bytes; o += 16) {
    const t = tOut + (o << 1);
    v128.store(t16 + o, i16x8.narrow_i32x4_s(v128.load(t), v128.load(t, 16)));
  }
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    if (ti >= cut) continue;
    const tiV = i16x8.splat(<i16>ti);
    const row = sgn + <usize>i * bytes;
    for (let o: usize = 0; o < bytes; o += 16) {
      const m = i16x8.gt_s(v128.load(t16 + o), tiV);
      v128.store(out + o, i16x8.add(v128.load(out + o), v128.and(v128.load(row + o), m)));
    }
  }
}

/** Scalar twin. */
export function ttfs_sign_counts_i16_ref(sgn: usize, nIn: i32, nOut: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, out: usize): void {
  const cut = latest_active_time(tOut, delta, nOut);
  for (let j = 0; j < stride; j++) {
    let c: i32 = 0;
    const tj = load<i32>(tOut + (<usize>j << 2));
    for (let i = 0; i < nIn; i++) {
      const ti = load<i32>(tIn + (<usize>i << 2));
      if (ti < tj && ti < cut) c += <i32>load<i16>(sgn + ((<usize>i * <usize>stride + <usize>j) << 1));
    }
    store<i16>(out + (<usize>j << 1), <i16>c);
  }
}
