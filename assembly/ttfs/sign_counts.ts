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
  // Active rows eight at a time: the counts are loaded and stored once per eight rows (one row per pass loaded,
  // added and stored all `stride` counts for every row: 1.27x over that on a trained BS4NN's real times,
  // scripts/ab-bs4nn-update.mjs; on a random layer 1.26-1.28x, and 1.06-1.08x over four rows per pass,
  // scripts/ab-update-kernels.mjs). A group short of eight repeats its first row in the places left, at the
  // time 32767, whose mask is empty (no narrowed time exceeds it): they add zeros. Integer sums: any order. The
  // search is written out as nested tests: the same search as a helper per place, or a select per row pointer,
  // measured 0.89-0.92x this form.
  let i = 0;
  while (true) {
    while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
    if (i >= nIn) break;
    const i0 = i++;
    let i1 = i0, i2 = i0, i3 = i0, i4 = i0, i5 = i0, i6 = i0, i7 = i0;
    let t1: i32 = 32767, t2: i32 = 32767, t3: i32 = 32767, t4: i32 = 32767, t5: i32 = 32767, t6: i32 = 32767, t7: i32 = 32767;
    while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
    if (i < nIn) {
      i1 = i; t1 = load<i32>(tIn + (<usize>i << 2)); i++;
      while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
      if (i < nIn) {
        i2 = i; t2 = load<i32>(tIn + (<usize>i << 2)); i++;
        while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
        if (i < nIn) {
          i3 = i; t3 = load<i32>(tIn + (<usize>i << 2)); i++;
          while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
          if (i < nIn) {
            i4 = i; t4 = load<i32>(tIn + (<usize>i << 2)); i++;
            while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
            if (i < nIn) {
              i5 = i; t5 = load<i32>(tIn + (<usize>i << 2)); i++;
              while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
              if (i < nIn) {
                i6 = i; t6 = load<i32>(tIn + (<usize>i << 2)); i++;
                while (i < nIn && load<i32>(tIn + (<usize>i << 2)) >= cut) i++;
                if (i < nIn) {
                  i7 = i; t7 = load<i32>(tIn + (<usize>i << 2)); i++;
                }
              }
            }
          }
        }
      }
    }
    const tv0 = i16x8.splat(<i16>load<i32>(tIn + (<usize>i0 << 2)));
    const tv1 = i16x8.splat(<i16>t1);
    const tv2 = i16x8.splat(<i16>t2);
    const tv3 = i16x8.splat(<i16>t3);
    const tv4 = i16x8.splat(<i16>t4);
    const tv5 = i16x8.splat(<i16>t5);
    const tv6 = i16x8.splat(<i16>t6);
    const tv7 = i16x8.splat(<i16>t7);
    const row0 = sgn + <usize>i0 * bytes;
    const row1 = sgn + <usize>i1 * bytes;
    const row2 = sgn + <usize>i2 * bytes;
    const row3 = sgn + <usize>i3 * bytes;
    const row4 = sgn + <usize>i4 * bytes;
    const row5 = sgn + <usize>i5 * bytes;
    const row6 = sgn + <usize>i6 * bytes;
    const row7 = sgn + <usize>i7 * bytes;
    for (let o: usize = 0; o < bytes; o += 16) {
      const t = v128.load(t16 + o);
      let acc = v128.load(out + o);
      acc = i16x8.add(acc, v128.and(v128.load(row0 + o), i16x8.gt_s(t, tv0)));
      acc = i16x8.add(acc, v128.and(v128.load(row1 + o), i16x8.gt_s(t, tv1)));
      acc = i16x8.add(acc, v128.and(v128.load(row2 + o), i16x8.gt_s(t, tv2)));
      acc = i16x8.add(acc, v128.and(v128.load(row3 + o), i16x8.gt_s(t, tv3)));
      acc = i16x8.add(acc, v128.and(v128.load(row4 + o), i16x8.gt_s(t, tv4)));
      acc = i16x8.add(acc, v128.and(v128.load(row5 + o), i16x8.gt_s(t, tv5)));
      acc = i16x8.add(acc, v128.and(v128.load(row6 + o), i16x8.gt_s(t, tv6)));
      acc = i16x8.add(acc, v128.and(v128.load(row7 + o), i16x8.gt_s(t, tv7)));
      v128.store(out + o, acc);
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
