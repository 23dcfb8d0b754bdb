// S4NN's weight update for one time-to-first-spike layer (algorithms.md 1.2), fused with the
// pieces that read the freshly updated weights, in the reference order:
//   1. w_ij -= (eta * delta_j) * [t_i < t_j]        (delta already normalised by the host)
//   2. w_ij -= (eta * lambda) * w_ij                 (L2 decay every sample; skipped when lambda = 0)
//   3. returns S = sum_ij delta_j [t_i < t_j] sign(w_ij)  with the updated w (BS4NN's scale gradient
//      is -S / (nIn * nOut), "mean" in the reference) when `wantSum` is non-zero, else 0: S4NN has
//      no scale, and the sign and mask products were half the work of its hidden-layer update
//   4. optionally rewrites the i16 sign rows that the binary forward kernel reads.
// Layout as the forward kernel: input-major, stride = nOut rounded up to 8, pad lanes hold
// delta = 0 and t = tmax. A row whose input spiked no earlier than the latest output time with
// a non-zero delta has an all-false mask: steps 1, 3 and 4 skip it (most background pixels).

/** Latest output time with a non-zero delta: rows with t_i >= this have no update. */
export function latest_active_time(tOut: usize, delta: usize, nOut: i32): i32 {
  let cut = -1;
  for (let j = 0; j < nOut; j++) {
    if (load<f32>(delta + (<usize>j << 2)) != 0) {
      const t = load<i32>(tOut + (<usize>j << 2));
      if (t > cut) cut = t;
    }
  }
  return cut;
}

export function ttfs_update_f32_simd(
  w: usize, nIn: i32, nOut: i32, stride: i32, tIn: usize, tOut: usize, delta: usize,
  eta: f32, lambda: f32, sgn: usize, wantSum: i32,
): f64 {
  const cut = latest_active_time(tOut, delta, nOut);
  const decay = eta * lambda;
  // S4NN's hidden layers (no scale sum, no sign rows, long rows): the rows two at a time, in a function of its own
  // (inside this one, the extra path changed V8's code for the others: 0.72-0.95x on S4NN's output layer and BS4NN)
  if (wantSum == 0 && sgn == 0 && stride >= 64) { update_pairs(w, nIn, stride, tIn, tOut, delta, eta, decay, cut); return 0; }
  if (wantSum == 0 && sgn == 0 && stride == 16) { update16(w, nIn, tIn, tOut, delta, eta, decay, cut); return 0; }
  const decayV = f32x4.splat(decay);
  const etaV = f32x4.splat(eta);
  let total: f64 = 0;
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    const row = w + ((<usize>i * <usize>stride) << 2);
    if (ti >= cut) {
      if (decay != 0) decay_row(row, stride, decayV);
      continue;
    }
    const tiV = i32x4.splat(ti);
    if (wantSum == 0) {
      for (let j = 0; j < stride; j += 8) {
        const o = <usize>j << 2;
        const x0 = masked_step(row + o, i32x4.lt_s(tiV, v128.load(tOut + o)), v128.load(delta + o), etaV, decayV, decay != 0);
        const x1 = masked_step(row + o + 16, i32x4.lt_s(tiV, v128.load(tOut + o, 16)), v128.load(delta + o, 16), etaV, decayV, decay != 0);
        if (sgn != 0) store_signs8(x0, x1, sgn + ((<usize>i * <usize>stride + <usize>j) << 1));
      }
      continue;
    }
    let acc = f32x4.splat(0);
    const srow = sgn + ((<usize>i * <usize>stride) << 1);
    for (let j = 0; j < stride; j += 8) {
      const o = <usize>j << 2;
      // the signs of the updated weights from registers (the sign rows were a reload of the stored weights), as
      // integers -1 / 0 / +1, converted once for S's products
      const m0 = i32x4.lt_s(tiV, v128.load(tOut + o)), m1 = i32x4.lt_s(tiV, v128.load(tOut + o, 16));
      const d0 = v128.load(delta + o), d1 = v128.load(delta + o, 16);
      const g0 = sign_i32x4(masked_step(row + o, m0, d0, etaV, decayV, decay != 0));
      const g1 = sign_i32x4(masked_step(row + o + 16, m1, d1, etaV, decayV, decay != 0));
      if (sgn != 0) v128.store(srow + (<usize>j << 1), i16x8.narrow_i32x4_s(g0, g1)); // the sign row, as store_signs8 writes it
      const s0 = v128.and(f32x4.mul(d0, f32x4.convert_i32x4_s(g0)), m0);
      const s1 = v128.and(f32x4.mul(d1, f32x4.convert_i32x4_s(g1)), m1);
      acc = f32x4.add(acc, f32x4.add(s0, s1));
    }
    total += <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  }
  return total;
}

// S4NN's update without the scale sum: rows that take it go two at a time, sharing each vector's loads of the
// output times and deltas and its eta * delta (the same operations per weight as masked_step, so the same bits);
// the other rows get only the decay, if any. Measured 1.53x on a 784 x 400 layer (scripts/ab-update-kernels.mjs). Its step
// (pairStep) repeats masked_step's operations on purpose, loading both rows before storing either: written through the
// shared one-row helper the S4NN case measured 0.78-0.83x against this form, paired (and 0.77-0.85x again on
// 2026-12-05, when step_ed was tried there).
function update_pairs(w: usize, nIn: i32, stride: i32, tIn: usize, tOut: usize, delta: usize, eta: f32, decay: f32, cut: i32): void {
  const etaV = f32x4.splat(eta), decayV = f32x4.splat(decay), doDecay = decay != 0;
  let pending = -1;
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    const row = w + ((<usize>i * <usize>stride) << 2);
    if (ti >= cut) {
      if (doDecay) decay_row(row, stride, decayV);
      continue;
    }
    if (pending < 0) { pending = i; continue; }
    const r1 = w + ((<usize>pending * <usize>stride) << 2);
    const t1V = i32x4.splat(load<i32>(tIn + (<usize>pending << 2))), t2V = i32x4.splat(ti);
    let j = 0;
    // 16 lanes per iteration at constant offsets from one pointer per array (V8 computes each vector's addresses otherwise)
    for (; j + 16 <= stride; j += 16) {
      const o = <usize>j << 2;
      pairStep(r1 + o, row + o, tOut + o, delta + o, t1V, t2V, etaV, decayV, doDecay);
      pairStep(r1 + o + 16, row + o + 16, tOut + o + 16, delta + o + 16, t1V, t2V, etaV, decayV, doDecay);
      pairStep(r1 + o + 32, row + o + 32, tOut + o + 32, delta + o + 32, t1V, t2V, etaV, decayV, doDecay);
      pairStep(r1 + o + 48, row + o + 48, tOut + o + 48, delta + o + 48, t1V, t2V, etaV, decayV, doDecay);
    }
    for (; j < stride; j += 4) {
      const o = <usize>j << 2;
      pairStep(r1 + o, row + o, tOut + o, delta + o, t1V, t2V, etaV, decayV, doDecay);
    }
    pending = -1;
  }
  if (pending >= 0) {
    const row = w + ((<usize>pending * <usize>stride) << 2), tiV = i32x4.splat(load<i32>(tIn + (<usize>pending << 2)));
    for (let j = 0; j < stride; j += 4) {
      const o = <usize>j << 2;
      update4_nosum(row + o, tOut + o, delta + o, tiV, etaV, decayV, doDecay);
    }
  }
}

// S4NN's output layer (at most 16 outputs, no scale sum, no sign rows): the output times and eta * delta in registers
// for the whole layer (the row loop reloaded and recomputed them per row), each active row's 4 vectors by step_ed
// (masked_step's operations per weight, so the same bits).
function update16(w: usize, nIn: i32, tIn: usize, tOut: usize, delta: usize, eta: f32, decay: f32, cut: i32): void {
  const etaV = f32x4.splat(eta), decayV = f32x4.splat(decay), doDecay = decay != 0;
  const t0 = v128.load(tOut), t1 = v128.load(tOut, 16), t2 = v128.load(tOut, 32), t3 = v128.load(tOut, 48);
  const e0 = f32x4.mul(etaV, v128.load(delta)), e1 = f32x4.mul(etaV, v128.load(delta, 16));
  const e2 = f32x4.mul(etaV, v128.load(delta, 32)), e3 = f32x4.mul(etaV, v128.load(delta, 48));
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    const row = w + (<usize>i << 6);
    if (ti >= cut) {
      if (doDecay) decay_row(row, 16, decayV);
      continue;
    }
    const tiV = i32x4.splat(ti);
    step_ed(row, e0, i32x4.lt_s(tiV, t0), decayV, doDecay);
    step_ed(row + 16, e1, i32x4.lt_s(tiV, t1), decayV, doDecay);
    step_ed(row + 32, e2, i32x4.lt_s(tiV, t2), decayV, doDecay);
    step_ed(row + 48, e3, i32x4.lt_s(tiV, t3), decayV, doDecay);
  }
}

// One vector of update_pairs: both rows' 4 weights at a, b (one load of the output times and of eta * delta). Both
// rows are loaded before either is stored, which step_ed twice would not do: written that way (a store to one row,
// then the load of the other, which V8 keeps in that order) the S4NN hidden update measured 0.77-0.85x.
// @ts-ignore: decorator
@inline function pairStep(a: usize, b: usize, tp: usize, dp: usize, t1V: v128, t2V: v128, etaV: v128, decayV: v128, doDecay: bool): void {
  const tv = v128.load(tp), ed = f32x4.mul(etaV, v128.load(dp));
  let x1 = f32x4.sub(v128.load(a), v128.and(ed, i32x4.lt_s(t1V, tv)));
  let x2 = f32x4.sub(v128.load(b), v128.and(ed, i32x4.lt_s(t2V, tv)));
  if (doDecay) { x1 = f32x4.sub(x1, f32x4.mul(decayV, x1)); x2 = f32x4.sub(x2, f32x4.mul(decayV, x2)); }
  v128.store(a, x1);
  v128.store(b, x2);
}

// The same update of 4 weights without the S contribution.
// @ts-ignore: decorator
@inline function update4_nosum(a: usize, tp: usize, dp: usize, tiV: v128, etaV: v128, decayV: v128, doDecay: bool): void {
  masked_step(a, i32x4.lt_s(tiV, v128.load(tp)), v128.load(dp), etaV, decayV, doDecay);
}

// w -= (eta * delta) where the mask m is set, then the optional decay; stores and returns the new w.
// @ts-ignore: decorator
@inline function masked_step(a: usize, m: v128, d: v128, etaV: v128, decayV: v128, doDecay: bool): v128 {
  return step_ed(a, f32x4.mul(etaV, d), m, decayV, doDecay);
}

// masked_step with eta * delta already formed (ed): the one update of a weight vector every path of this file takes.
// @ts-ignore: decorator
@inline function step_ed(a: usize, ed: v128, m: v128, decayV: v128, doDecay: bool): v128 {
  let x = f32x4.sub(v128.load(a), v128.and(ed, m));
  if (doDecay) x = f32x4.sub(x, f32x4.mul(decayV, x));
  v128.store(a, x);
  return x;
}

// w -= decay * w over a row of n floats (a multiple of 4): a row no update reaches, with L2 decay on.
// @ts-ignore: decorator
@inline function decay_row(row: usize, n: i32, decayV: v128): void {
  for (let j = 0; j < n; j += 4) {
    const o = <usize>j << 2;
    const x = v128.load(row + o);
    v128.store(row + o, f32x4.sub(x, f32x4.mul(decayV, x)));
  }
}

// The i16 signs of 8 consecutive updated weights x0, x1 (the rows the binary forward kernel reads), from registers.
// @ts-ignore: decorator
@inline function store_signs8(x0: v128, x1: v128, out: usize): void {
  v128.store(out, i16x8.narrow_i32x4_s(sign_i32x4(x0), sign_i32x4(x1)));
}

// @ts-ignore: decorator
@inline function sign_i32x4(x: v128): v128 {
  const z = f32x4.splat(0);
  // gt gives -1 (all ones) where x > 0; (x < 0) - (x > 0) as integers = sign(x)
  return i32x4.sub(f32x4.lt(x, z), f32x4.gt(x, z));
}

/** Scalar twin. */
export function ttfs_update_f32_ref(
  w: usize, nIn: i32, nOut: i32, stride: i32, tIn: usize, tOut: usize, delta: usize,
  eta: f32, lambda: f32, sgn: usize, wantSum: i32,
): f64 {
  const cut = latest_active_time(tOut, delta, nOut);
  const decay = eta * lambda;
  let total: f64 = 0;
  for (let i = 0; i < nIn; i++) {
    const ti = load<i32>(tIn + (<usize>i << 2));
    const row = w + ((<usize>i * <usize>stride) << 2);
    if (ti >= cut) {
      if (decay != 0) {
        for (let j = 0; j < stride; j++) {
          const x = load<f32>(row + (<usize>j << 2));
          store<f32>(row + (<usize>j << 2), x - decay * x);
        }
      }
      continue;
    }
    // four lane sums, added in the SIMD kernel's order
    let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
    for (let j = 0; j < stride; j += 8) {
      let r0: f32 = 0, r1: f32 = 0, r2: f32 = 0, r3: f32 = 0;
      for (let h = 0; h < 8; h++) {
        const jj = j + h;
        const a = row + (<usize>jj << 2);
        const m = ti < load<i32>(tOut + (<usize>jj << 2));
        const d = load<f32>(delta + (<usize>jj << 2));
        let x = load<f32>(a) - (m ? eta * d : <f32>0);
        if (decay != 0) x = x - decay * x;
        store<f32>(a, x);
        const sx: f32 = x > 0 ? 1 : (x < 0 ? -1 : 0);
        const contrib: f32 = m ? d * sx : <f32>0;
        if (sgn != 0) store<i16>(sgn + ((<usize>i * <usize>stride + <usize>jj) << 1), <i16>(<i32>sx));
        // lane h & 3, first half then second half (s0 + s1 per lane)
        if (h == 0) r0 = contrib; else if (h == 1) r1 = contrib; else if (h == 2) r2 = contrib; else if (h == 3) r3 = contrib;
        else if (h == 4) r0 = r0 + contrib; else if (h == 5) r1 = r1 + contrib; else if (h == 6) r2 = r2 + contrib; else r3 = r3 + contrib;
      }
      l0 = l0 + r0; l1 = l1 + r1; l2 = l2 + r2; l3 = l3 + r3;
    }
    total += <f64>(l0 + l1 + l2 + l3);
  }
  return wantSum != 0 ? total : 0;
}
