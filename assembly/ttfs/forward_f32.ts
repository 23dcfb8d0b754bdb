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

/** SIMD kernel. Returns the number of real neurons (j < nOut) that fired. */
export function ttfs_forward_f32_simd(
  wt: usize, nOut: i32, stride: i32, tIn: usize, order: usize, nEv: i32,
  theta: f32, tmax: i32, kRec: i32, v: usize, tOut: usize, vRec: usize,
): i32 {
  const bytes = <usize>stride << 2;
  memory.fill(v, 0, bytes);
  const tmaxV = i32x4.splat(tmax);
  for (let j = 0; j < stride; j += 4) v128.store(tOut + (<usize>j << 2), tmaxV);
  const thV = f32x4.splat(theta);
  let unfired = nOut;
  let recorded = vRec == 0;
  let p = 0;
  while (p < nEv) {
    const k = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
    if (!recorded && k > kRec) { memory.copy(vRec, v, bytes); recorded = true; }
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != k) break;
      const row = wt + ((<usize>i * <usize>stride) << 2);
      for (let j = 0; j < stride; j += 8) {
        const o = <usize>j << 2;
        v128.store(v + o, f32x4.add(v128.load(v + o), v128.load(row + o)));
        v128.store(v + o, f32x4.add(v128.load(v + o, 16), v128.load(row + o, 16)), 16);
      }
      p++;
    }
    const kV = i32x4.splat(k + 1);
    let newly = 0;
    for (let j = 0; j < stride; j += 4) {
      const o = <usize>j << 2;
      const t = v128.load(tOut + o);
      const fire = v128.and(f32x4.gt(v128.load(v + o), thV), i32x4.eq(t, tmaxV));
      v128.store(tOut + o, v128.bitselect(kV, t, fire));
      newly += popcnt<i32>(i32x4.bitmask(fire));
    }
    unfired -= newly;
    if (unfired == 0 && recorded) break;
  }
  if (!recorded) memory.copy(vRec, v, bytes);
  return nOut - unfired;
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
