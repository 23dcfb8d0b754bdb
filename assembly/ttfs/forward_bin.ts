// Event-driven forward pass of a time-to-first-spike IF layer with binary weights sign(w) in
// {-1, 0, +1} (BS4NN, algorithms.md 2.1). The potential is an integer count
//   c_j[k] = sum_i sign(w_ij) [t_i <= k],
// and the neuron fires at 1 + the first k with alpha * c_j[k] > theta. Since c is an integer,
// c > theta/alpha  <=>  c >= floor(theta/alpha) + 1 =: thr, so the kernel takes the integer `thr`.
//
// Two variants, measured against each other in bench/ (see docs/benchmarks.md):
//  * _i16: integer accumulation. Signs stored input-major as i16 (sgn[i * stride + j]); an event
//    adds one row with i16x8 lanes (8 neurons per op, twice f32's 4). Needs |c| <= nIn < 32767.
//  * _popc: time-stepped AND-popcount. Signs as two bit planes (w > 0, w < 0), neuron-major,
//    `words` u64 per neuron; per distinct event time, c_j += popc(P_j & E) - popc(N_j & E)
//    with E the bit set of inputs spiking at that time.
// Inputs come from ttfs_sort_events with tLast = tmax - 2. `cRec` (i32, optional) receives c at kRec.
// `c0` (i16, stride lanes, optional; 0 = zeros) is the count every neuron starts from: a per-neuron
// threshold thr_j runs as thr = 0 with c0_j = -thr_j (BS4NN's per-neuron scale, docs/ttfs.md). Pad
// lanes of c0 must stay below thr (their sign rows are 0, so they never reach it).

import { event_group_end } from "./events";

/**
 * Integer-accumulation SIMD kernel. `c` is i16 scratch of 2 * `stride` lanes: the counts, then an
 * "not fired yet" mask per neuron (the scalar twin uses the first `stride` only). Returns #fired real
 * neurons.
 *
 * Neuron-block-major over each distinct event time: a block of 4 vectors (32 neurons) keeps its
 * counts in registers while every event of that time adds its row segment, then is tested against
 * the threshold. An event costs one load and one add per vector (not load, add and store of the
 * counts). The threshold test first asks whether any of the block's 32 neurons crossed for the first
 * time (compare, and with the not-fired mask, one any_true); only then are the spike times written and
 * the mask cleared (a neuron fires once, so this is rare: the test used to read and select all 32
 * times at every distinct time). Integer adds: every time and recorded count equals the scalar twin's.
 */
export function ttfs_forward_bin_i16_simd(
  sgn: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  thr: i32, tmax: i32, kRec: i32, c: usize, tOut: usize, cRec: usize, c0: usize,
): i32 {
  if (stride == 16) return binOneBlock(sgn, nOut, tIn, order, nEv, thr, tmax, kRec, c, tOut, cRec, c0);
  const bytes = <usize>stride << 1;
  if (c0 != 0) memory.copy(c, c0, bytes); else memory.fill(c, 0, bytes);
  const alive = c + bytes;
  memory.fill(alive, 0xff, bytes);
  const tmaxV = i32x4.splat(tmax);
  for (let j = 0; j < stride; j += 4) v128.store(tOut + (<usize>j << 2), tmaxV);
  // c >= thr  <=>  c > thr - 1; thr is clamped to the i16 range by the host
  const thV = i16x8.splat(<i16>(thr - 1));
  const blocked = bytes & ~(<usize>63); // whole 4-vector blocks
  let unfired = nOut;
  let recorded = cRec == 0;
  let p = 0;
  while (p < nEv) {
    const k = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
    if (!recorded && k > kRec) { widen_i16_to_i32(c, cRec, stride); recorded = true; }
    const q = event_group_end(tIn, order, nEv, p, k);
    const ordP = order + (<usize>p << 2), ordQ = order + (<usize>q << 2);
    const kV = i32x4.splat(k + 1);
    let newly = 0;
    let o: usize = 0;
    for (; o < blocked; o += 64) {
      let c0 = v128.load(c + o), c1 = v128.load(c + o, 16), c2 = v128.load(c + o, 32), c3 = v128.load(c + o, 48);
      for (let e = ordP; e < ordQ; e += 4) {
        const row = sgn + <usize>load<i32>(e) * bytes + o;
        c0 = i16x8.add(c0, v128.load(row));
        c1 = i16x8.add(c1, v128.load(row, 16));
        c2 = i16x8.add(c2, v128.load(row, 32));
        c3 = i16x8.add(c3, v128.load(row, 48));
      }
      v128.store(c + o, c0); v128.store(c + o, c1, 16); v128.store(c + o, c2, 32); v128.store(c + o, c3, 48);
      const a = alive + o;
      const n0 = v128.and(i16x8.gt_s(c0, thV), v128.load(a)), n1 = v128.and(i16x8.gt_s(c1, thV), v128.load(a, 16));
      const n2 = v128.and(i16x8.gt_s(c2, thV), v128.load(a, 32)), n3 = v128.and(i16x8.gt_s(c3, thV), v128.load(a, 48));
      if (v128.any_true(v128.or(v128.or(n0, n1), v128.or(n2, n3)))) {
        const t = tOut + (o << 1);
        newly += fire_new_i16(n0, a, t, kV);
        newly += fire_new_i16(n1, a + 16, t + 32, kV);
        newly += fire_new_i16(n2, a + 32, t + 64, kV);
        newly += fire_new_i16(n3, a + 48, t + 96, kV);
      }
    }
    for (; o < bytes; o += 16) {
      let c0 = v128.load(c + o);
      for (let e = ordP; e < ordQ; e += 4) c0 = i16x8.add(c0, v128.load(sgn + <usize>load<i32>(e) * bytes + o));
      v128.store(c + o, c0);
      const n0 = v128.and(i16x8.gt_s(c0, thV), v128.load(alive + o));
      if (v128.any_true(n0)) newly += fire_new_i16(n0, alive + o, tOut + (o << 1), kV);
    }
    p = q;
    unfired -= newly;
    if (unfired == 0 && recorded) break;
  }
  if (!recorded) widen_i16_to_i32(c, cRec, stride);
  return nOut - unfired;
}

/**
 * ttfs_forward_bin_i16_simd for a layer of at most 16 neurons (stride 16: a 10-class output layer), as
 * ttfs_forward_f32's forwardOneBlock: the two count vectors, the not-fired masks and the spike times (i16, as
 * k + 1 <= tmax fits) stay in registers through the whole event list; the loop ends once all 16 lanes have fired
 * and the counts were recorded. Integer adds: the twin's times and counts exactly.
 */
function binOneBlock(
  sgn: usize, nOut: i32, tIn: usize, order: usize, nEv: i32,
  thr: i32, tmax: i32, kRec: i32, c: usize, tOut: usize, cRec: usize, c0: usize,
): i32 {
  const thV = i16x8.splat(<i16>(thr - 1)); // c >= thr  <=>  c > thr - 1
  const ordEnd = order + (<usize>nEv << 2);
  let a0 = i16x8.splat(0), a1 = a0;
  if (c0 != 0) { a0 = v128.load(c0); a1 = v128.load(c0, 16); }
  let live0 = i16x8.splat(-1), live1 = live0;
  let t0 = i16x8.splat(<i16>tmax), t1 = t0;
  let recorded = cRec == 0;
  let e = order;
  while (e < ordEnd) {
    let i = load<i32>(e);
    const k = load<i32>(tIn + (<usize>i << 2));
    if (!recorded && k > kRec) { storeWidened(cRec, a0, a1); recorded = true; }
    while (true) { // the events of time k
      const row = sgn + (<usize>i << 5);
      a0 = i16x8.add(a0, v128.load(row));
      a1 = i16x8.add(a1, v128.load(row, 16));
      e += 4;
      if (e >= ordEnd) break;
      i = load<i32>(e);
      if (load<i32>(tIn + (<usize>i << 2)) != k) break;
    }
    const dV = i16x8.splat(<i16>(k + 1 - tmax)); // tmax + (k + 1 - tmax) where a lane fires now
    const n0 = v128.and(i16x8.gt_s(a0, thV), live0), n1 = v128.and(i16x8.gt_s(a1, thV), live1);
    t0 = i16x8.add(t0, v128.and(n0, dV)); t1 = i16x8.add(t1, v128.and(n1, dV));
    live0 = v128.andnot(live0, n0); live1 = v128.andnot(live1, n1);
    if (recorded && !v128.any_true(v128.or(live0, live1))) break;
  }
  if (!recorded) storeWidened(cRec, a0, a1);
  v128.store(c, a0); v128.store(c, a1, 16);
  v128.store(c, live0, 32); v128.store(c, live1, 48);
  storeWidened(tOut, t0, t1);
  let fired = 0; // real neurons only (padding lanes never reach the threshold)
  for (let j = 0; j < nOut; j++) if (load<i32>(tOut + (<usize>j << 2)) != tmax) fired++;
  return fired;
}

/** 16 i16 lanes (two vectors) sign-extended into 16 i32 at dst. */
// @ts-ignore: decorator
@inline function storeWidened(dst: usize, x0: v128, x1: v128): void {
  v128.store(dst, i32x4.extend_low_i16x8_s(x0)); v128.store(dst, i32x4.extend_high_i16x8_s(x0), 16);
  v128.store(dst, i32x4.extend_low_i16x8_s(x1), 32); v128.store(dst, i32x4.extend_high_i16x8_s(x1), 48);
}

/** 8 neurons of which those in `now` (i16 lanes all ones) crossed for the first time: their i32 spike
 *  times at t become kV and their not-fired flags at a are cleared; returns how many they are. */
// @ts-ignore: decorator
@inline function fire_new_i16(now: v128, a: usize, t: usize, kV: v128): i32 {
  v128.store(a, v128.andnot(v128.load(a), now));
  v128.store(t, v128.bitselect(kV, v128.load(t), i32x4.extend_low_i16x8_s(now)));
  v128.store(t, v128.bitselect(kV, v128.load(t, 16), i32x4.extend_high_i16x8_s(now)), 16);
  return popcnt<i32>(i16x8.bitmask(now));
}

function widen_i16_to_i32(src: usize, dst: usize, n: i32): void {
  for (let j = 0; j < n; j++) store<i32>(dst + (<usize>j << 2), <i32>load<i16>(src + (<usize>j << 1)));
}

/** Scalar twin of the integer kernel. */
export function ttfs_forward_bin_i16_ref(
  sgn: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  thr: i32, tmax: i32, kRec: i32, c: usize, tOut: usize, cRec: usize, c0: usize,
): i32 {
  for (let j = 0; j < stride; j++) {
    store<i16>(c + (<usize>j << 1), c0 != 0 ? load<i16>(c0 + (<usize>j << 1)) : 0);
    store<i32>(tOut + (<usize>j << 2), tmax);
  }
  let recorded = cRec == 0;
  let fired = 0;
  let p = 0;
  while (p < nEv) {
    const k = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
    if (!recorded && k > kRec) { widen_i16_to_i32(c, cRec, stride); recorded = true; }
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != k) break;
      for (let j = 0; j < stride; j++) {
        const a = c + (<usize>j << 1);
        store<i16>(a, load<i16>(a) + load<i16>(sgn + ((<usize>i * <usize>stride + <usize>j) << 1)));
      }
      p++;
    }
    for (let j = 0; j < stride; j++) {
      const a = tOut + (<usize>j << 2);
      if (load<i32>(a) == tmax && <i32>load<i16>(c + (<usize>j << 1)) >= thr) {
        store<i32>(a, k + 1);
        if (j < nOut) fired++;
      }
    }
  }
  if (!recorded) widen_i16_to_i32(c, cRec, stride);
  return fired;
}

/**
 * AND-popcount time-stepped kernel. pos/neg: bit planes, neuron-major, `words` u64 per neuron,
 * bit (i & 63) of word (i >> 6) set when sign(w_ij) is +1 (pos) or -1 (neg). `ev` is u64 scratch of
 * `words`; `c` is i32 scratch of nOut. Same outputs as the _i16 kernel (tOut over nOut neurons).
 */
export function ttfs_forward_bin_popc(
  pos: usize, neg: usize, words: i32, nOut: i32, tIn: usize, order: usize, nEv: i32,
  thr: i32, tmax: i32, kRec: i32, ev: usize, c: usize, tOut: usize, cRec: usize,
): i32 {
  const wbytes = <usize>words << 3;
  memory.fill(c, 0, <usize>nOut << 2);
  for (let j = 0; j < nOut; j++) store<i32>(tOut + (<usize>j << 2), tmax);
  let recorded = cRec == 0;
  let unfired = nOut;
  let p = 0;
  while (p < nEv) {
    const k = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
    if (!recorded && k > kRec) { memory.copy(cRec, c, <usize>nOut << 2); recorded = true; }
    memory.fill(ev, 0, wbytes);
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != k) break;
      const a = ev + (<usize>(i >> 6) << 3);
      store<u64>(a, load<u64>(a) | (<u64>1 << <u64>(i & 63)));
      p++;
    }
    // two neurons per sweep, positive and negative counts in separate accumulators: four
    // independent popcount chains sharing each event word's load
    let j = 0;
    for (; j + 2 <= nOut; j += 2) {
      const p0 = pos + <usize>j * wbytes, p1 = p0 + wbytes;
      const n0 = neg + <usize>j * wbytes, n1 = n0 + wbytes;
      let sp0: i64 = 0, sn0: i64 = 0, sp1: i64 = 0, sn1: i64 = 0;
      for (let o: usize = 0; o < wbytes; o += 8) {
        const e = load<u64>(ev + o);
        sp0 += popcnt<i64>(load<u64>(p0 + o) & e);
        sn0 += popcnt<i64>(load<u64>(n0 + o) & e);
        sp1 += popcnt<i64>(load<u64>(p1 + o) & e);
        sn1 += popcnt<i64>(load<u64>(n1 + o) & e);
      }
      unfired -= popc_fire(c, tOut, j, <i32>(sp0 - sn0), thr, tmax, k);
      unfired -= popc_fire(c, tOut, j + 1, <i32>(sp1 - sn1), thr, tmax, k);
    }
    if (j < nOut) {
      const p0 = pos + <usize>j * wbytes, n0 = neg + <usize>j * wbytes;
      let sp0: i64 = 0, sn0: i64 = 0;
      for (let o: usize = 0; o < wbytes; o += 8) {
        const e = load<u64>(ev + o);
        sp0 += popcnt<i64>(load<u64>(p0 + o) & e);
        sn0 += popcnt<i64>(load<u64>(n0 + o) & e);
      }
      unfired -= popc_fire(c, tOut, j, <i32>(sp0 - sn0), thr, tmax, k);
    }
    if (unfired == 0 && recorded) break;
  }
  if (!recorded) memory.copy(cRec, c, <usize>nOut << 2);
  return nOut - unfired;
}

/** Adds the sweep's count to neuron j's and fires it at k + 1 if it reached thr for the first time;
 *  returns 1 when it fired now. */
// @ts-ignore: decorator
@inline function popc_fire(c: usize, tOut: usize, j: i32, s: i32, thr: i32, tmax: i32, k: i32): i32 {
  const cj = load<i32>(c + (<usize>j << 2)) + s;
  store<i32>(c + (<usize>j << 2), cj);
  const a = tOut + (<usize>j << 2);
  if (load<i32>(a) == tmax && cj >= thr) { store<i32>(a, k + 1); return 1; }
  return 0;
}
