// Event-driven forward pass of a non-leaky integrate-and-fire layer with time-to-first-spike
// coding and real (f32) weights: S4NN's neuron (algorithms.md 1.1).
//
//   V_j[k] = sum_i w_ij [t_i <= k];  t_j = 1 + first k with V_j[k] > theta;  t_j = tmax if none.
//
// Inputs arrive as an event list sorted by time (ttfs_sort_events with tLast = tmax - 2: a spike at
// tmax-1 or later can only cause a crossing that reads as "no spike"). Between two event times the
// potential is constant, so the threshold only needs checking once per distinct event time.
// Cost: O(events * nOut + distinct times * nOut) instead of the dense O(nIn * nOut * tmax).
//
// Layout: weights input-major, wt[i * stride + j], stride = nOut rounded up to 8 (pad weights 0),
// so one input event adds one contiguous row. `v` (f32) is scratch of `stride` floats.
// `vRec` (f32, optional: 0 = none) receives V at step kRec (the reference's fallback decision
// reads V[tmax-3] of the output layer when no output neuron fires).
// Padding lanes must never fire: the host guarantees theta >= 0 and zero pad weights.

import { event_group_end, event_join_group, event_time } from "./events";

/**
 * SIMD kernel. Returns the number of real neurons (j < nOut) that fired.
 *
 * Neuron-block-major over up to four consecutive distinct event times per pass: a block of 4 vectors
 * (16 neurons) loads its potentials and spike-time state once, adds the rows of the first time's events,
 * tests the threshold, adds the second time's rows, tests, and so on, and stores once. Most distinct
 * times of an MNIST image hold one event (30 of the 42 that S4NN's 784 -> 400 layer processes), so the
 * per-time work (load, test, store of 400 neurons) cost as much as the rows it added.
 *
 * The test keeps its state in registers as r = tmax - t (0 until the neuron fires): a neuron above
 * theta at time k gets max(r, tmax - 1 - k), and since the times of a pass increase, the first crossing
 * keeps the largest value, so no "fired yet" compare is needed (compare, and, max: 3 operations per
 * vector and time instead of 8 with the load and store of the times). tOut holds r during the pass and
 * the times at the end. Pad lanes start at r = 1 ("fired"), so that "every lane fired" (all r non-zero,
 * the early exit) needs no mask; they are written back as tmax. r is stored after every time's test, not
 * only at the end of the pass: the tests are pure, and without a store after each one V8's optimizing
 * compiler moved all four below the last event loop, which kept four copies of the potentials live and
 * spilled them (1.04x the kernel before instead of 1.26x; six times per pass measured no better than four).
 *
 * Each lane still adds its events in list order from the same starting value and is tested after each
 * whole time, so its float potential, and its spike time, equal the scalar twin's bit for bit. A pass
 * stops before a time past kRec while V at kRec is still to be recorded. The threshold test is
 * branch-free: where neurons cross is data-dependent, and tests that branched (per vector, or per 16
 * neurons on an any-crossed test) measured slower (scripts/ab-ttfs-forward.mjs).
 */
export function ttfs_forward_f32_simd(
  wt: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  theta: f32, tmax: i32, kRec: i32, v: usize, tOut: usize, vRec: usize,
): i32 {
  if (stride == 16) return forwardOneBlock(wt, nOut, tIn, order, nEv, theta, tmax, kRec, v, tOut, vRec);
  const bytes = <usize>stride << 2;
  memory.fill(v, 0, bytes);
  memory.fill(tOut, 0, bytes);
  for (let j = nOut; j < stride; j++) store<i32>(tOut + (<usize>j << 2), 1);
  const thV = f32x4.splat(theta);
  const blocked = bytes & ~(<usize>63); // whole 4-vector blocks
  let recorded = vRec == 0;
  let p = 0;
  while (p < nEv) {
    const k1 = event_time(tIn, order, p);
    if (!recorded && k1 > kRec) { memory.copy(vRec, v, bytes); recorded = true; }
    // up to three more distinct times join the pass, none past kRec while V is to be recorded there;
    // a time not taken repeats the last one taken with no events, a test that changes nothing
    const q1 = event_group_end(tIn, order, nEv, p, k1);
    const q2 = event_join_group(tIn, order, nEv, q1, recorded, kRec);
    const q3 = event_join_group(tIn, order, nEv, q2, recorded, kRec);
    const q4 = event_join_group(tIn, order, nEv, q3, recorded, kRec);
    const k2 = q2 > q1 ? event_time(tIn, order, q1) : k1;
    const k3 = q3 > q2 ? event_time(tIn, order, q2) : k2;
    const k4 = q4 > q3 ? event_time(tIn, order, q3) : k3;
    const e0 = order + (<usize>p << 2), e1 = order + (<usize>q1 << 2), e2 = order + (<usize>q2 << 2);
    const e3 = order + (<usize>q3 << 2), e4 = order + (<usize>q4 << 2);
    const rk1 = i32x4.splat(tmax - 1 - k1), rk2 = i32x4.splat(tmax - 1 - k2);
    const rk3 = i32x4.splat(tmax - 1 - k3), rk4 = i32x4.splat(tmax - 1 - k4);
    let m = i32x4.splat(-1); // lanes of the r minimum: 0 while some neuron has not fired
    let o: usize = 0;
    for (; o < blocked; o += 64) {
      let v0 = v128.load(v + o), v1 = v128.load(v + o, 16), v2 = v128.load(v + o, 32), v3 = v128.load(v + o, 48);
      const t = tOut + o;
      let r0 = v128.load(t), r1 = v128.load(t, 16), r2 = v128.load(t, 32), r3 = v128.load(t, 48);
      for (let e = e0; e < e1; e += 4) {
        const row = wt + <usize>load<i32>(e) * bytes + o;
        v0 = f32x4.add(v0, v128.load(row)); v1 = f32x4.add(v1, v128.load(row, 16));
        v2 = f32x4.add(v2, v128.load(row, 32)); v3 = f32x4.add(v3, v128.load(row, 48));
      }
      r0 = cross(r0, v0, thV, rk1); r1 = cross(r1, v1, thV, rk1); r2 = cross(r2, v2, thV, rk1); r3 = cross(r3, v3, thV, rk1);
      store4(t, r0, r1, r2, r3);
      for (let e = e1; e < e2; e += 4) {
        const row = wt + <usize>load<i32>(e) * bytes + o;
        v0 = f32x4.add(v0, v128.load(row)); v1 = f32x4.add(v1, v128.load(row, 16));
        v2 = f32x4.add(v2, v128.load(row, 32)); v3 = f32x4.add(v3, v128.load(row, 48));
      }
      r0 = cross(r0, v0, thV, rk2); r1 = cross(r1, v1, thV, rk2); r2 = cross(r2, v2, thV, rk2); r3 = cross(r3, v3, thV, rk2);
      store4(t, r0, r1, r2, r3);
      for (let e = e2; e < e3; e += 4) {
        const row = wt + <usize>load<i32>(e) * bytes + o;
        v0 = f32x4.add(v0, v128.load(row)); v1 = f32x4.add(v1, v128.load(row, 16));
        v2 = f32x4.add(v2, v128.load(row, 32)); v3 = f32x4.add(v3, v128.load(row, 48));
      }
      r0 = cross(r0, v0, thV, rk3); r1 = cross(r1, v1, thV, rk3); r2 = cross(r2, v2, thV, rk3); r3 = cross(r3, v3, thV, rk3);
      store4(t, r0, r1, r2, r3);
      for (let e = e3; e < e4; e += 4) {
        const row = wt + <usize>load<i32>(e) * bytes + o;
        v0 = f32x4.add(v0, v128.load(row)); v1 = f32x4.add(v1, v128.load(row, 16));
        v2 = f32x4.add(v2, v128.load(row, 32)); v3 = f32x4.add(v3, v128.load(row, 48));
      }
      r0 = cross(r0, v0, thV, rk4); r1 = cross(r1, v1, thV, rk4); r2 = cross(r2, v2, thV, rk4); r3 = cross(r3, v3, thV, rk4);
      store4(t, r0, r1, r2, r3);
      store4(v + o, v0, v1, v2, v3);
      m = i32x4.min_u(m, i32x4.min_u(i32x4.min_u(r0, r1), i32x4.min_u(r2, r3)));
    }
    for (; o < bytes; o += 16) { // the last vectors of a stride that is not a multiple of 16
      let v0 = v128.load(v + o), r0 = v128.load(tOut + o);
      for (let e = e0; e < e1; e += 4) v0 = f32x4.add(v0, v128.load(wt + <usize>load<i32>(e) * bytes + o));
      r0 = cross(r0, v0, thV, rk1);
      for (let e = e1; e < e2; e += 4) v0 = f32x4.add(v0, v128.load(wt + <usize>load<i32>(e) * bytes + o));
      r0 = cross(r0, v0, thV, rk2);
      for (let e = e2; e < e3; e += 4) v0 = f32x4.add(v0, v128.load(wt + <usize>load<i32>(e) * bytes + o));
      r0 = cross(r0, v0, thV, rk3);
      for (let e = e3; e < e4; e += 4) v0 = f32x4.add(v0, v128.load(wt + <usize>load<i32>(e) * bytes + o));
      r0 = cross(r0, v0, thV, rk4);
      v128.store(v + o, v0); v128.store(tOut + o, r0);
      m = i32x4.min_u(m, r0);
    }
    p = q4;
    if (recorded && i32x4.all_true(m)) break; // every neuron fired
  }
  if (!recorded) memory.copy(vRec, v, bytes);
  // r back to times (t = tmax - r), fired real neurons counted (pad lanes hold r = 1 and become tmax)
  const tmaxV = i32x4.splat(tmax);
  let nV = i32x4.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) {
    const r = v128.load(tOut + o);
    nV = i32x4.sub(nV, v128.not(i32x4.eq(r, i32x4.splat(0))));
    v128.store(tOut + o, i32x4.sub(tmaxV, r));
  }
  for (let j = nOut; j < stride; j++) store<i32>(tOut + (<usize>j << 2), tmax);
  const fired = i32x4.extract_lane(nV, 0) + i32x4.extract_lane(nV, 1) + i32x4.extract_lane(nV, 2) + i32x4.extract_lane(nV, 3);
  return fired - (stride - nOut);
}

/** One threshold test of 4 neurons in the r = tmax - t form: those above theta take rk = tmax - 1 - k
 *  unless they already hold a larger value (an earlier time's). */
// @ts-ignore: decorator
@inline function cross(r: v128, vv: v128, thV: v128, rk: v128): v128 {
  return i32x4.max_s(r, v128.and(f32x4.gt(vv, thV), rk));
}

/**
 * ttfs_forward_f32_simd for a layer of at most 16 neurons (stride 16: an output layer of 10 classes): the one
 * block's potentials and spike times stay in registers through the whole event list, so nothing is loaded or
 * stored per event time but the rows, and the event loop ends once all 16 lanes have fired (and V was recorded).
 * The same sums in the same order per lane as the twin. Why a path of its own: on S4NN's 400 -> 10 layer it
 * measured 1.7x the per-time blocks (scripts/ab-ttfs-forward.mjs); run block by block on the 784 -> 400 layer
 * the same loop was slower (0.93x), the event times being reread for every block.
 */
function forwardOneBlock(
  wt: usize, nOut: i32, tIn: usize, order: usize, nEv: i32,
  theta: f32, tmax: i32, kRec: i32, v: usize, tOut: usize, vRec: usize,
): i32 {
  const tmaxV = i32x4.splat(tmax), thV = f32x4.splat(theta);
  const ordEnd = order + (<usize>nEv << 2);
  let v0 = f32x4.splat(0), v1 = v0, v2 = v0, v3 = v0;
  let t0 = tmaxV, t1 = tmaxV, t2 = tmaxV, t3 = tmaxV;
  let recorded = vRec == 0;
  let e = order;
  while (e < ordEnd) {
    let i = load<i32>(e);
    const k = load<i32>(tIn + (<usize>i << 2));
    if (!recorded && k > kRec) { store4(vRec, v0, v1, v2, v3); recorded = true; }
    while (true) { // the events of time k
      const row = wt + (<usize>i << 6);
      v0 = f32x4.add(v0, v128.load(row));
      v1 = f32x4.add(v1, v128.load(row, 16));
      v2 = f32x4.add(v2, v128.load(row, 32));
      v3 = f32x4.add(v3, v128.load(row, 48));
      e += 4;
      if (e >= ordEnd) break;
      i = load<i32>(e);
      if (load<i32>(tIn + (<usize>i << 2)) != k) break;
    }
    // the threshold test on registers: lanes above theta and not yet fired get time k + 1
    const dV = i32x4.splat(k + 1 - tmax);
    t0 = i32x4.add(t0, v128.and(v128.and(f32x4.gt(v0, thV), i32x4.eq(t0, tmaxV)), dV));
    t1 = i32x4.add(t1, v128.and(v128.and(f32x4.gt(v1, thV), i32x4.eq(t1, tmaxV)), dV));
    t2 = i32x4.add(t2, v128.and(v128.and(f32x4.gt(v2, thV), i32x4.eq(t2, tmaxV)), dV));
    t3 = i32x4.add(t3, v128.and(v128.and(f32x4.gt(v3, thV), i32x4.eq(t3, tmaxV)), dV));
    if (recorded && !v128.any_true(v128.or(v128.or(i32x4.eq(t0, tmaxV), i32x4.eq(t1, tmaxV)), v128.or(i32x4.eq(t2, tmaxV), i32x4.eq(t3, tmaxV))))) break;
  }
  if (!recorded) store4(vRec, v0, v1, v2, v3);
  store4(v, v0, v1, v2, v3);
  store4(tOut, t0, t1, t2, t3);
  let fired = 0; // real neurons only (padding lanes never fire)
  for (let j = 0; j < nOut; j++) if (load<i32>(tOut + (<usize>j << 2)) != tmax) fired++;
  return fired;
}

/** Four vectors (64 bytes) stored at dst (also the binary kernel's). */
// @ts-ignore: decorator
@inline export function store4(dst: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  v128.store(dst, x0); v128.store(dst, x1, 16); v128.store(dst, x2, 32); v128.store(dst, x3, 48);
}

/** Scalar twin: the same event order and the same float operations, one lane at a time. */
export function ttfs_forward_f32_ref(
  wt: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  theta: f32, tmax: i32, kRec: i32, v: usize, tOut: usize, vRec: usize,
): i32 {
  for (let j = 0; j < stride; j++) {
    store<f32>(v + (<usize>j << 2), 0);
    store<i32>(tOut + (<usize>j << 2), tmax);
  }
  let recorded = vRec == 0;
  let fired = 0;
  let p = 0;
  while (p < nEv) {
    const k = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
    if (!recorded && k > kRec) {
      for (let j = 0; j < stride; j++) store<f32>(vRec + (<usize>j << 2), load<f32>(v + (<usize>j << 2)));
      recorded = true;
    }
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != k) break;
      for (let j = 0; j < stride; j++) {
        const a = v + (<usize>j << 2);
        store<f32>(a, load<f32>(a) + load<f32>(wt + ((<usize>i * <usize>stride + <usize>j) << 2)));
      }
      p++;
    }
    for (let j = 0; j < stride; j++) {
      const a = tOut + (<usize>j << 2);
      if (load<i32>(a) == tmax && load<f32>(v + (<usize>j << 2)) > theta) {
        store<i32>(a, k + 1);
        if (j < nOut) fired++;
      }
    }
  }
  if (!recorded) {
    for (let j = 0; j < stride; j++) store<f32>(vRec + (<usize>j << 2), load<f32>(v + (<usize>j << 2)));
  }
  return fired;
}
