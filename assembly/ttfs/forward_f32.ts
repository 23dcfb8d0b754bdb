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

import { event_group_end } from "./events";

/**
 * SIMD kernel. Returns the number of real neurons (j < nOut) that fired.
 *
 * Neuron-block-major over each distinct event time: a block of 4 vectors (16 neurons) keeps its
 * potentials in registers while every event of that time adds its row segment, and is tested
 * against the threshold in the same pass. An event costs one load and one add per vector instead
 * of load, add and store of the potential. Each lane still adds its events in list order from the
 * same starting value, so its float potential equals the scalar twin's bit for bit.
 * The threshold test is branch-free (compare, and with "not fired yet", select the time): where
 * neurons cross is data-dependent, and a test that branched per vector, even with fired neurons
 * parked below threshold so that it needed no look at the times, measured slower on S4NN's hidden
 * layer (scripts/ab-ttfs-forward.mjs).
 */
export function ttfs_forward_f32_simd(
  wt: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  theta: f32, tmax: i32, kRec: i32, v: usize, tOut: usize, vRec: usize,
): i32 {
  if (stride == 16) return forwardOneBlock(wt, nOut, tIn, order, nEv, theta, tmax, kRec, v, tOut, vRec);
  const bytes = <usize>stride << 2;
  memory.fill(v, 0, bytes);
  const tmaxV = i32x4.splat(tmax);
  for (let j = 0; j < stride; j += 4) v128.store(tOut + (<usize>j << 2), tmaxV);
  const thV = f32x4.splat(theta);
  const blocked = bytes & ~(<usize>63); // whole 4-vector blocks
  let unfired = nOut;
  let recorded = vRec == 0;
  let p = 0;
  while (p < nEv) {
    const k = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
    if (!recorded && k > kRec) { memory.copy(vRec, v, bytes); recorded = true; }
    const q = event_group_end(tIn, order, nEv, p, k);
    const ordP = order + (<usize>p << 2), ordQ = order + (<usize>q << 2);
    const dV = i32x4.splat(k + 1 - tmax);
    let nV = i32x4.splat(0);
    let o: usize = 0;
    for (; o < blocked; o += 64) {
      let v0 = v128.load(v + o), v1 = v128.load(v + o, 16), v2 = v128.load(v + o, 32), v3 = v128.load(v + o, 48);
      for (let e = ordP; e < ordQ; e += 4) {
        const row = wt + <usize>load<i32>(e) * bytes + o;
        v0 = f32x4.add(v0, v128.load(row));
        v1 = f32x4.add(v1, v128.load(row, 16));
        v2 = f32x4.add(v2, v128.load(row, 32));
        v3 = f32x4.add(v3, v128.load(row, 48));
      }
      v128.store(v + o, v0); v128.store(v + o, v1, 16); v128.store(v + o, v2, 32); v128.store(v + o, v3, 48);
      nV = fire_f32(nV, v0, thV, tOut + o, tmaxV, dV);
      nV = fire_f32(nV, v1, thV, tOut + o + 16, tmaxV, dV);
      nV = fire_f32(nV, v2, thV, tOut + o + 32, tmaxV, dV);
      nV = fire_f32(nV, v3, thV, tOut + o + 48, tmaxV, dV);
    }
    for (; o < bytes; o += 16) {
      let v0 = v128.load(v + o);
      for (let e = ordP; e < ordQ; e += 4) v0 = f32x4.add(v0, v128.load(wt + <usize>load<i32>(e) * bytes + o));
      v128.store(v + o, v0);
      nV = fire_f32(nV, v0, thV, tOut + o, tmaxV, dV);
    }
    p = q;
    unfired -= i32x4.extract_lane(nV, 0) + i32x4.extract_lane(nV, 1) + i32x4.extract_lane(nV, 2) + i32x4.extract_lane(nV, 3);
    if (unfired == 0 && recorded) break;
  }
  if (!recorded) memory.copy(vRec, v, bytes);
  return nOut - unfired;
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
    // fire_f32's test on registers: lanes above theta and not yet fired get time k + 1
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

/** Four vectors (16 lanes) stored at dst. */
// @ts-ignore: decorator
@inline function store4(dst: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  v128.store(dst, x0); v128.store(dst, x1, 16); v128.store(dst, x2, 32); v128.store(dst, x3, 48);
}

/** The threshold test of 4 potentials: those above theta and not yet fired (time still tmax) get
 *  spike time tmax + dV = k + 1 (an and and an add, not a three-instruction select); each lane of the
 *  returned counter nV grows by one per neuron that fired (now is -1 there), summed once per event time
 *  instead of a mask, a popcount and an add per vector (1.04x on S4NN's hidden layer, docs/kernel-changes.md).
 *  Branch-free: where neurons fire is data-dependent; a branch per vector, and one per 16 neurons on an
 *  any-crossed test (as the binary kernel has), measured slower (0.60x) (scripts/ab-ttfs-forward.mjs). */
// @ts-ignore: decorator
@inline function fire_f32(nV: v128, vv: v128, thV: v128, t: usize, tmaxV: v128, dV: v128): v128 {
  const tv = v128.load(t);
  const now = v128.and(f32x4.gt(vv, thV), i32x4.eq(tv, tmaxV));
  v128.store(t, i32x4.add(tv, v128.and(now, dV)));
  return i32x4.sub(nV, now);
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
