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

import { event_group_end, event_join_group, event_time } from "./events";
import { store4 } from "./forward_f32";

/**
 * Integer-accumulation SIMD kernel. `c` is i16 scratch of 2 * `stride` lanes: the counts, then the
 * spike-time state r below (the scalar twin uses the first `stride` only). Returns #fired real neurons.
 *
 * As ttfs_forward_f32_simd: neuron-block-major over up to four consecutive distinct event times per
 * pass; a block of 4 vectors (32 neurons) loads its counts and state once, adds the rows of each time's
 * events and tests the threshold after each time, and stores once. The state is r = tmax - t (0 until
 * the neuron fires, i16: tmax <= 32767): a neuron at or above the threshold at time k gets
 * max(r, tmax - 1 - k), which keeps the first crossing since a pass's times increase (compare, and,
 * max per vector and time; this replaced a not-fired mask with an any-crossed branch per block and
 * time). Pad lanes start at r = 1 so that "every lane fired" is all r non-zero; r is stored after every
 * time's test (see ttfs_forward_f32_simd: V8 otherwise moves the pure tests below the last event loop).
 * Integer adds: every time and recorded count equals the scalar twin's.
 */
export function ttfs_forward_bin_i16_simd(
  sgn: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  thr: i32, tmax: i32, kRec: i32, c: usize, tOut: usize, cRec: usize, c0: usize,
): i32 {
  if (stride == 16) return binOneBlock(sgn, nOut, tIn, order, nEv, thr, tmax, kRec, c, tOut, cRec, c0);
  const bytes = <usize>stride << 1;
  if (c0 != 0) memory.copy(c, c0, bytes); else memory.fill(c, 0, bytes);
  const rs = c + bytes; // r, i16 per neuron
  memory.fill(rs, 0, bytes);
  for (let j = nOut; j < stride; j++) store<i16>(rs + (<usize>j << 1), 1);
  // c >= thr  <=>  c > thr - 1; thr is clamped to the i16 range by the host
  const thV = i16x8.splat(<i16>(thr - 1));
  const blocked = bytes & ~(<usize>63); // whole 4-vector blocks
  let recorded = cRec == 0;
  let p = 0;
  while (p < nEv) {
    const k1 = event_time(tIn, order, p);
    if (!recorded && k1 > kRec) { widen_i16_to_i32(c, cRec, stride); recorded = true; }
    // up to three more distinct times join the pass (as in ttfs_forward_f32_simd)
    const q1 = event_group_end(tIn, order, nEv, p, k1);
    const q2 = event_join_group(tIn, order, nEv, q1, recorded, kRec);
    const q3 = event_join_group(tIn, order, nEv, q2, recorded, kRec);
    const q4 = event_join_group(tIn, order, nEv, q3, recorded, kRec);
    const k2 = q2 > q1 ? event_time(tIn, order, q1) : k1;
    const k3 = q3 > q2 ? event_time(tIn, order, q2) : k2;
    const k4 = q4 > q3 ? event_time(tIn, order, q3) : k3;
    const e0 = order + (<usize>p << 2), e1 = order + (<usize>q1 << 2), e2 = order + (<usize>q2 << 2);
    const e3 = order + (<usize>q3 << 2), e4 = order + (<usize>q4 << 2);
    const rk1 = i16x8.splat(<i16>(tmax - 1 - k1)), rk2 = i16x8.splat(<i16>(tmax - 1 - k2));
    const rk3 = i16x8.splat(<i16>(tmax - 1 - k3)), rk4 = i16x8.splat(<i16>(tmax - 1 - k4));
    let m = i16x8.splat(-1); // lanes of the r minimum: 0 while some neuron has not fired
    let o: usize = 0;
    for (; o < blocked; o += 64) {
      let c0 = v128.load(c + o), c1 = v128.load(c + o, 16), c2 = v128.load(c + o, 32), c3 = v128.load(c + o, 48);
      const r = rs + o;
      let r0 = v128.load(r), r1 = v128.load(r, 16), r2 = v128.load(r, 32), r3 = v128.load(r, 48);
      for (let e = e0; e < e1; e += 4) {
        const row = sgn + <usize>load<i32>(e) * bytes + o;
        c0 = i16x8.add(c0, v128.load(row)); c1 = i16x8.add(c1, v128.load(row, 16));
        c2 = i16x8.add(c2, v128.load(row, 32)); c3 = i16x8.add(c3, v128.load(row, 48));
      }
      r0 = cross_i16(r0, c0, thV, rk1); r1 = cross_i16(r1, c1, thV, rk1); r2 = cross_i16(r2, c2, thV, rk1); r3 = cross_i16(r3, c3, thV, rk1);
      store4(r, r0, r1, r2, r3);
      for (let e = e1; e < e2; e += 4) {
        const row = sgn + <usize>load<i32>(e) * bytes + o;
        c0 = i16x8.add(c0, v128.load(row)); c1 = i16x8.add(c1, v128.load(row, 16));
        c2 = i16x8.add(c2, v128.load(row, 32)); c3 = i16x8.add(c3, v128.load(row, 48));
      }
      r0 = cross_i16(r0, c0, thV, rk2); r1 = cross_i16(r1, c1, thV, rk2); r2 = cross_i16(r2, c2, thV, rk2); r3 = cross_i16(r3, c3, thV, rk2);
      store4(r, r0, r1, r2, r3);
      for (let e = e2; e < e3; e += 4) {
        const row = sgn + <usize>load<i32>(e) * bytes + o;
        c0 = i16x8.add(c0, v128.load(row)); c1 = i16x8.add(c1, v128.load(row, 16));
        c2 = i16x8.add(c2, v128.load(row, 32)); c3 = i16x8.add(c3, v128.load(row, 48));
      }
      r0 = cross_i16(r0, c0, thV, rk3); r1 = cross_i16(r1, c1, thV, rk3); r2 = cross_i16(r2, c2, thV, rk3); r3 = cross_i16(r3, c3, thV, rk3);
      store4(r, r0, r1, r2, r3);
      for (let e = e3; e < e4; e += 4) {
        const row = sgn + <usize>load<i32>(e) * bytes + o;
        c0 = i16x8.add(c0, v128.load(row)); c1 = i16x8.add(c1, v128.load(row, 16));
        c2 = i16x8.add(c2, v128.load(row, 32)); c3 = i16x8.add(c3, v128.load(row, 48));
      }
      r0 = cross_i16(r0, c0, thV, rk4); r1 = cross_i16(r1, c1, thV, rk4); r2 = cross_i16(r2, c2, thV, rk4); r3 = cross_i16(r3, c3, thV, rk4);
      store4(r, r0, r1, r2, r3);
      store4(c + o, c0, c1, c2, c3);
      m = i16x8.min_u(m, i16x8.min_u(i16x8.min_u(r0, r1), i16x8.min_u(r2, r3)));
    }
    for (; o < bytes; o += 16) { // the last vectors of a stride that is not a multiple of 32
      let c0 = v128.load(c + o), r0 = v128.load(rs + o);
      for (let e = e0; e < e1; e += 4) c0 = i16x8.add(c0, v128.load(sgn + <usize>load<i32>(e) * bytes + o));
      r0 = cross_i16(r0, c0, thV, rk1);
      for (let e = e1; e < e2; e += 4) c0 = i16x8.add(c0, v128.load(sgn + <usize>load<i32>(e) * bytes + o));
      r0 = cross_i16(r0, c0, thV, rk2);
      for (let e = e2; e < e3; e += 4) c0 = i16x8.add(c0, v128.load(sgn + <usize>load<i32>(e) * bytes + o));
      r0 = cross_i16(r0, c0, thV, rk3);
      for (let e = e3; e < e4; e += 4) c0 = i16x8.add(c0, v128.load(sgn + <usize>load<i32>(e) * bytes + o));
      r0 = cross_i16(r0, c0, thV, rk4);
      v128.store(c + o, c0); v128.store(rs + o, r0);
      m = i16x8.min_u(m, r0);
    }
    p = q4;
    if (recorded && i16x8.all_true(m)) break; // every neuron fired
  }
  if (!recorded) widen_i16_to_i32(c, cRec, stride);
  // r back to i32 times (t = tmax - r), fired real neurons counted (pad lanes hold r = 1 and become tmax)
  const tmaxV = i32x4.splat(tmax);
  let nV = i16x8.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) {
    const r = v128.load(rs + o);
    nV = i16x8.sub(nV, v128.not(i16x8.eq(r, i16x8.splat(0))));
    v128.store(tOut + (o << 1), i32x4.sub(tmaxV, i32x4.extend_low_i16x8_s(r)));
    v128.store(tOut + (o << 1), i32x4.sub(tmaxV, i32x4.extend_high_i16x8_s(r)), 16);
  }
  for (let j = nOut; j < stride; j++) store<i32>(tOut + (<usize>j << 2), tmax);
  const n32 = i32x4.extadd_pairwise_i16x8_s(nV);
  const fired = i32x4.extract_lane(n32, 0) + i32x4.extract_lane(n32, 1) + i32x4.extract_lane(n32, 2) + i32x4.extract_lane(n32, 3);
  return fired - (stride - nOut);
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

/** One threshold test of 8 neurons in the r = tmax - t form (as ttfs_forward_f32's cross): those with
 *  c > thr - 1 take rk = tmax - 1 - k unless they hold a larger value (an earlier time's). */
// @ts-ignore: decorator
@inline function cross_i16(r: v128, cc: v128, thV: v128, rk: v128): v128 {
  return i16x8.max_s(r, v128.and(i16x8.gt_s(cc, thV), rk));
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
