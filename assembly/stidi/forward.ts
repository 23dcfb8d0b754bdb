// Event-driven forward pass of a STiDi-BP layer (docs/stidi-bp.md): non-leaky integrate-and-fire
// neurons, one spike each, with the ramp-and-saturate PSP kernel
//
//   U_j(k) = sum_i w_ij clamp(k - t_i, 0, tau)      (the potential V = U / tau, in steps of time)
//   t_j    = first integer k in [1, tmax-1] with U_j(k) > thr  (thr = tau * theta); tmax if none.
//
// One kernel serves valid, stride-1 convolutions and fully connected layers (a "convolution" whose
// kernel covers the whole input, hout = wout = 1). Layouts:
//   tIn  i32 [hin][win][cin]       input spike times (input index i = (y * win + x) * cin + c)
//   w    f32 [k][k][cin][cs]       cs = output channels rounded up to 4 (pad weights 0)
//   u, s f32 [hout][wout][cs]      potential and slope scratch
//   tOut i32 [hout][wout][cs]      output spike times
// Events arrive sorted by time (ttfs_sort_events with tLast = tmax - 2: a spike at tmax - 1 adds
// nothing before tmax). Input i changes the slope of the neurons it reaches by +w at t_i and by -w
// at t_i + tau, so each neuron's U is linear between the events that reach it. Neurons are advanced
// lazily, one output position (cs channels) at a time: only when an event reaches the position
// (and once at the end, to tmax - 1) does its potential move by slope * gap, with the crossing
// inside the gap solved in closed form (crossStep). `lt` (i32 [hout][wout]) holds each position's
// last update time. Cost: O(events * k^2 * cs + hout * wout * cs): no loop over time steps, and no
// work for positions that no event reaches.
// Padding lanes never fire: zero pad weights keep their U at 0 and thr > 0.
// Outputs: tOut, lt, and u and s of every neuron that did not fire, equal in both variants bit for bit. A neuron's
// u and s after its spike are scratch (nothing reads them: the host reads potentials only of neurons that never
// fired): the twin keeps integrating them; the SIMD kernel freezes them where the neuron fired (convolutions, and
// fully connected layers of at most 16 neurons, whose state it keeps in registers: fcRegisters).

/** First j in [1, d] with u0 + s * j > thr, given u0 <= thr < u0 + s * d (so s > 0). The closed
 *  form gives the candidate; the two loops make it exact under float rounding (the expression is
 *  monotone in j, and at j = d it is the very value the caller compared). */
// @ts-ignore: decorator
@inline function crossStep(u0: f32, s: f32, thr: f32, d: i32): i32 {
  const q = (thr - u0) / s;
  let j = q >= <f32>d ? d : <i32>Mathf.floor(q) + 1;
  if (j < 1) j = 1;
  while (j > 1 && u0 + s * <f32>(j - 1) > thr) j--;
  while (j < d && !(u0 + s * <f32>j > thr)) j++; // j < d: at d it holds (the caller compared it); the bound only stops a broken caller
  return j;
}

/** The next event time: the earlier of the next onset (event p) and the next ramp end (event q's time + tau);
 *  last + 1 when both lists are done. */
// @ts-ignore: decorator
@inline function nextTime(tIn: usize, order: usize, nEv: i32, p: i32, q: i32, tau: i32, last: i32): i32 {
  let b = last + 1;
  if (p < nEv) b = load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
  if (q < nEv) b = min(b, load<i32>(tIn + (<usize>load<i32>(order + (<usize>q << 2)) << 2)) + tau);
  return b;
}

/** Adds sign * (the weight rows of input i) to the slopes of every output neuron that i reaches. */
// @ts-ignore: decorator
@inline function scatterSimd(w: usize, i: i32, cin: i32, k: i32, hout: i32, wout: i32, cs: i32, s: usize, neg: bool, win: i32): void {
  const c = i % cin, yx = i / cin, y = yx / win, x = yx % win;
  const ky0 = max(0, y - hout + 1), ky1 = min(k - 1, y);
  const kx0 = max(0, x - wout + 1), kx1 = min(k - 1, x);
  for (let ky = ky0; ky <= ky1; ky++) {
    for (let kx = kx0; kx <= kx1; kx++) {
      const row = w + ((<usize>(((ky * k + kx) * cin + c) * cs)) << 2);
      slopeAdd(s + ((<usize>(((y - ky) * wout + (x - kx)) * cs)) << 2), row, cs, neg);
    }
  }
}

/** s[0 .. n) +=/-= row (SIMD; `neg` is a constant wherever this is inlined, so each sign is its own loop). */
// @ts-ignore: decorator
@inline function slopeAdd(s: usize, row: usize, n: i32, neg: bool): void {
  for (let j = 0; j < n; j += 4) {
    const o = <usize>j << 2;
    const a = v128.load(s + o), b = v128.load(row + o);
    v128.store(s + o, neg ? f32x4.sub(a, b) : f32x4.add(a, b));
  }
}


// @ts-ignore: decorator
@inline function advanceRef(u: usize, s: usize, tOut: usize, n: i32, a: i32, d: i32, thr: f32, tmax: i32): i32 {
  const dF = <f32>d;
  let fired = 0;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    const u0 = load<f32>(u + o), sl = load<f32>(s + o);
    const u1 = u0 + sl * dF;
    if (u1 > thr && load<i32>(tOut + o) == tmax) {
      store<i32>(tOut + o, a + crossStep(u0, sl, thr, d));
      fired++;
    }
    store<f32>(u + o, u1);
  }
  return fired;
}

/** Advances every output position that input i reaches to time b, then adds sign * w rows to
 *  their slopes (SIMD). Where the position must be advanced,
 *  one pass over its channels does both (the potential with the old slope, then the slope): each slope
 *  vector is loaded once, not once to advance and again to add the row; per lane the operations and
 *  their order are the twin's. (Inlined with a constant `neg`, so the sign is chosen outside the lane loops.) */
// @ts-ignore: decorator
@inline function eventSimd(w: usize, i: i32, cin: i32, k: i32, hout: i32, wout: i32, cs: i32, u: usize, s: usize, tOut: usize,
  lt: usize, b: i32, neg: bool, win: i32, thr: f32, tmax: i32): void {
  if (win == 1 && wout == 1 && hout == 1) {
    // a fully connected layer (one position, input i is channel i): no index arithmetic, whose four integer
    // divisions cost more than the few vectors of a 10-output row
    const row = w + ((<usize>(i * cs)) << 2), a = load<i32>(lt);
    if (b > a) {
      store<i32>(lt, b);
      advanceSolve(u, s, tOut, row, cs, a, b - a, thr, tmax, true, neg);
    } else slopeAdd(s, row, cs, neg);
    return;
  }
  const c = i % cin, yx = i / cin, y = yx / win, x = yx % win;
  const ky0 = max(0, y - hout + 1), ky1 = min(k - 1, y);
  const kx0 = max(0, x - wout + 1), kx1 = min(k - 1, x);
  // pointers stepped through the taps (a position one left per kx, one row up per ky; the weight row one tap on):
  // the index arithmetic per tap was a third of a tap's instructions
  const posBytes = <usize>cs << 2, tapBytes = <usize>(cin * cs) << 2;
  let pos0 = (y - ky0) * wout + (x - kx0);
  let row0 = w + ((<usize>(((ky0 * k + kx0) * cin + c) * cs)) << 2);
  for (let ky = ky0; ky <= ky1; ky++) {
    let la = lt + (<usize>pos0 << 2), off = <usize>pos0 * posBytes, row = row0;
    for (let kx = kx0; kx <= kx1; kx++) {
      const a = load<i32>(la);
      if (b > a) {
        advanceFreeze(u + off, s + off, tOut + off, row, cs, a, b - a, thr, tmax, true, neg);
        store<i32>(la, b);
      } else slopeAddLive(s + off, row, tOut + off, cs, tmax, neg);
      la -= 4; off -= posBytes; row += tapBytes;
    }
    pos0 -= wout;
    row0 += <usize>k * tapBytes;
  }
}

/** Advances n neurons from step a by d steps, recording crossings, and with `addRow` then adds (or with `neg`
 *  subtracts) the weight row to their slopes in the same pass. `addRow` and `neg` are
 *  constants at every call site, so each use compiles to its own loop. */
// @ts-ignore: decorator
@inline function advanceSolve(u: usize, s: usize, tOut: usize, row: usize, n: i32, a: i32, d: i32, thr: f32, tmax: i32, addRow: bool, neg: bool): void {
  const dV = f32x4.splat(<f32>d), thV = f32x4.splat(thr), tmaxV = i32x4.splat(tmax);
  const oneV = f32x4.splat(1), oneI = i32x4.splat(1), aV = i32x4.splat(a);
  for (let j = 0; j < n; j += 4) {
    const o = <usize>j << 2;
    const u0 = v128.load(u + o), sl = v128.load(s + o);
    const u1 = f32x4.add(u0, f32x4.mul(sl, dV));
    const t0 = v128.load(tOut + o);
    const fire = v128.and(f32x4.gt(u1, thV), i32x4.eq(t0, tmaxV));
    const m = i32x4.bitmask(fire);
    if (m != 0) {
      // the crossing steps of the fired lanes in one go (crossStep's closed form, then its two conditions
      // checked per lane); a lane that fails them (float rounding at the candidate) takes crossStep's loops
      const jq = f32x4.max(f32x4.min(f32x4.add(f32x4.floor(f32x4.div(f32x4.sub(thV, u0), sl)), oneV), dV), oneV);
      const jc = i32x4.trunc_sat_f32x4_s(jq);
      const up = f32x4.gt(f32x4.add(u0, f32x4.mul(sl, jq)), thV);
      const down = v128.or(i32x4.eq(jc, oneI), v128.not(f32x4.gt(f32x4.add(u0, f32x4.mul(sl, f32x4.sub(jq, oneV))), thV)));
      if ((i32x4.bitmask(v128.and(up, down)) & m) == m) {
        v128.store(tOut + o, v128.bitselect(i32x4.add(aV, jc), t0, fire));
      } else {
        for (let l = 0; l < 4; l++) {
          if ((m >> l) & 1) {
            const ol = o + (<usize>l << 2);
            store<i32>(tOut + ol, a + crossStep(load<f32>(u + ol), load<f32>(s + ol), thr, d));
          }
        }
      }
    }
    v128.store(u + o, u1);
    if (addRow) {
      const r = v128.load(row + o);
      v128.store(s + o, neg ? f32x4.sub(sl, r) : f32x4.add(sl, r));
    }
  }
}

/** advanceSolve for convolutions, branch-free: a lane that crosses the threshold in the gap is frozen (its potential
 *  and slope keep their values from before the gap, and its spike time becomes the code -1 - a); its crossing step
 *  is solved once, at the end of the layer (fixCrossings). Why: with the crossing solved inline (a branch and
 *  ~50 instructions per vector that fires), V8 kept the conv loop's pointers on the stack, and the no-fire path paid
 *  for it: 1.19-1.21x on the conv layers in scripts/ab-stidi-forward.mjs. A fully connected layer of more than 16
 *  neurons keeps advanceSolve (freezing in memory cost every row add a look at the spike times: 0.84-0.98x on
 *  10-output layers before they got fcRegisters); one of at most 16 freezes in registers (fcRegisters). */
// @ts-ignore: decorator
@inline function advanceFreeze(u: usize, s: usize, tOut: usize, row: usize, n: i32, a: i32, d: i32, thr: f32, tmax: i32, addRow: bool, neg: bool): void {
  // selects by masking the addend (an and, not bitselect's three instructions: 1.06-1.18x on the conv layers): a
  // frozen lane adds +0, which keeps its value bit for bit because u and s are never -0 (both start at +0, and a
  // sum or difference is -0 only if the left term is)
  const dV = f32x4.splat(<f32>d), thV = f32x4.splat(thr), tmaxV = i32x4.splat(tmax), codeV = i32x4.splat(-1 - a - tmax);
  let j = 0;
  // 16 lanes per iteration, the four vectors at constant offsets from one pointer per array (V8 computes each
  // vector's addresses otherwise)
  for (; j + 16 <= n; j += 16) {
    const o = <usize>j << 2;
    freezeVector(u + o, s + o, tOut + o, row + o, dV, thV, tmaxV, codeV, addRow, neg);
    freezeVector(u + o + 16, s + o + 16, tOut + o + 16, row + o + 16, dV, thV, tmaxV, codeV, addRow, neg);
    freezeVector(u + o + 32, s + o + 32, tOut + o + 32, row + o + 32, dV, thV, tmaxV, codeV, addRow, neg);
    freezeVector(u + o + 48, s + o + 48, tOut + o + 48, row + o + 48, dV, thV, tmaxV, codeV, addRow, neg);
  }
  for (; j < n; j += 4) {
    const o = <usize>j << 2;
    freezeVector(u + o, s + o, tOut + o, row + o, dV, thV, tmaxV, codeV, addRow, neg);
  }
}

/** One vector of advanceFreeze. */
// @ts-ignore: decorator
@inline function freezeVector(u: usize, s: usize, tOut: usize, row: usize, dV: v128, thV: v128, tmaxV: v128, codeV: v128, addRow: bool, neg: bool): void {
  const sl = v128.load(s), t0 = v128.load(tOut);
  const stay = advanceLanes(u, tOut, t0, sl, i32x4.eq(t0, tmaxV), dV, thV, codeV);
  if (addRow) {
    const r = v128.and(v128.load(row), stay);
    v128.store(s, neg ? f32x4.sub(sl, r) : f32x4.add(sl, r));
  }
}

/** s[0 .. n) +=/-= row where the neuron has not fired (tOut still tmax); fired lanes keep the slope they fired with. */
// @ts-ignore: decorator
@inline function slopeAddLive(s: usize, row: usize, tOut: usize, n: i32, tmax: i32, neg: bool): void {
  const tmaxV = i32x4.splat(tmax);
  let j = 0;
  for (; j + 16 <= n; j += 16) { // as advanceFreeze
    const o = <usize>j << 2;
    liveAddVector(s + o, row + o, tOut + o, tmaxV, neg);
    liveAddVector(s + o + 16, row + o + 16, tOut + o + 16, tmaxV, neg);
    liveAddVector(s + o + 32, row + o + 32, tOut + o + 32, tmaxV, neg);
    liveAddVector(s + o + 48, row + o + 48, tOut + o + 48, tmaxV, neg);
  }
  for (; j < n; j += 4) {
    const o = <usize>j << 2;
    liveAddVector(s + o, row + o, tOut + o, tmaxV, neg);
  }
}

/** One vector of slopeAddLive. */
// @ts-ignore: decorator
@inline function liveAddVector(s: usize, row: usize, tOut: usize, tmaxV: v128, neg: bool): void {
  const a = v128.load(s), b = v128.and(v128.load(row), i32x4.eq(v128.load(tOut), tmaxV)); // +0 where fired
  v128.store(s, neg ? f32x4.sub(a, b) : f32x4.add(a, b));
}

/** Replaces every coded spike time (-1 - a: crossed in the gap that started at step a, potential and slope frozen
 *  there) by a + the crossing step; returns how many neurons fired. The gap's length is not kept: crossStep is given
 *  tmax - a, which is at or past it, and the first step that crosses is the same for any such bound (u0 + s * j is
 *  monotone in j). */
function fixCrossings(u: usize, s: usize, tOut: usize, n: i32, thr: f32, tmax: i32): i32 {
  let fired = 0;
  const zero = i32x4.splat(0), tmaxV = i32x4.splat(tmax);
  for (let j = 0; j < n; j += 4) {
    const o = <usize>j << 2;
    const t = v128.load(tOut + o);
    fired += <i32>popcnt<i32>(i32x4.bitmask(v128.not(i32x4.eq(t, tmaxV))));
    let m = i32x4.bitmask(i32x4.lt_s(t, zero));
    while (m != 0) {
      const ol = o + (<usize>ctz<i32>(m) << 2);
      const a = -1 - load<i32>(tOut + ol);
      store<i32>(tOut + ol, a + crossStep(load<f32>(u + ol), load<f32>(s + ol), thr, tmax - a));
      m &= m - 1;
    }
  }
  return fired;
}

// @ts-ignore: decorator
@inline function eventRef(w: usize, i: i32, cin: i32, k: i32, hout: i32, wout: i32, cs: i32, u: usize, s: usize, tOut: usize,
  lt: usize, b: i32, neg: bool, win: i32, thr: f32, tmax: i32): i32 {
  const c = i % cin, yx = i / cin, y = yx / win, x = yx % win;
  const ky0 = max(0, y - hout + 1), ky1 = min(k - 1, y);
  const kx0 = max(0, x - wout + 1), kx1 = min(k - 1, x);
  let fired = 0;
  for (let ky = ky0; ky <= ky1; ky++) {
    for (let kx = kx0; kx <= kx1; kx++) {
      const pos = (y - ky) * wout + (x - kx);
      const la = lt + (<usize>pos << 2), a = load<i32>(la);
      const off = (<usize>(pos * cs)) << 2;
      if (b > a) { fired += advanceRef(u + off, s + off, tOut + off, cs, a, b - a, thr, tmax); store<i32>(la, b); }
      const row = w + ((<usize>(((ky * k + kx) * cin + c) * cs)) << 2);
      const dst = s + off;
      for (let j = 0; j < cs; j++) {
        const o = <usize>j << 2;
        const p = load<f32>(dst + o), q = load<f32>(row + o);
        store<f32>(dst + o, neg ? p - q : p + q);
      }
    }
  }
  return fired;
}

/** SIMD kernel (cs a multiple of 4). Returns the number of neurons (padding lanes included, which
 *  never fire) that fired. Within one time, spike onsets are applied before ramp ends. */
export function stidi_forward_f32_simd(
  w: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tIn: usize, order: usize, nEv: i32, thr: f32, tau: i32, tmax: i32, u: usize, s: usize, tOut: usize, lt: usize,
): i32 {
  const np = hout * wout, n = np * cs;
  memory.fill(u, 0, <usize>n << 2);
  memory.fill(s, 0, <usize>n << 2);
  memory.fill(lt, 0, <usize>np << 2);
  const tmaxV = i32x4.splat(tmax);
  for (let j = 0; j < n; j += 4) v128.store(tOut + (<usize>j << 2), tmaxV);
  const fc = win == 1 && wout == 1 && hout == 1;
  if (fc && cs <= 16) {
    fcRegisters(w, cs, tIn, order, nEv, thr, tau, tmax, u, s, tOut, lt);
    return fixCrossings(u, s, tOut, n, thr, tmax);
  }
  const last = tmax - 1;
  let p = 0, q = 0;
  while (true) {
    const b = nextTime(tIn, order, nEv, p, q, tau, last);
    if (b > last) break;
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != b) break;
      eventSimd(w, i, cin, k, hout, wout, cs, u, s, tOut, lt, b, false, win, thr, tmax);
      p++;
    }
    while (q < nEv) {
      const i = load<i32>(order + (<usize>q << 2));
      if (load<i32>(tIn + (<usize>i << 2)) + tau != b) break;
      eventSimd(w, i, cin, k, hout, wout, cs, u, s, tOut, lt, b, true, win, thr, tmax);
      q++;
    }
  }
  // the final advance, to tmax - 1: a wide fully connected layer solves crossings inline; a convolution's frozen
  // lanes (and those frozen here) then get their crossing steps
  for (let pos = 0; pos < np; pos++) {
    const a = load<i32>(lt + (<usize>pos << 2));
    const off = (<usize>(pos * cs)) << 2;
    if (last > a) {
      if (fc) advanceSolve(u + off, s + off, tOut + off, 0, cs, a, last - a, thr, tmax, false, false);
      else advanceFreeze(u + off, s + off, tOut + off, 0, cs, a, last - a, thr, tmax, false, false);
    }
  }
  return fixCrossings(u, s, tOut, n, thr, tmax);
}

/**
 * A fully connected layer of at most 16 neurons (cs <= 16: an output layer), its slopes and not-fired masks in
 * registers through the whole event list: an event costs its row's loads and a masked add per vector, the
 * potentials and spike times are touched only when the position advances (once per distinct event time), with
 * advanceFreeze's semantics (a lane that crosses is frozen, its time coded; fixCrossings solves it). The caller has
 * zeroed u, s and lt and set tOut to tmax.
 */
function fcRegisters(w: usize, cs: i32, tIn: usize, order: usize, nEv: i32, thr: f32, tau: i32, tmax: i32,
  u: usize, s: usize, tOut: usize, lt: usize): void {
  const thV = f32x4.splat(thr), tmaxV = i32x4.splat(tmax), zero = f32x4.splat(0);
  const nv = cs >> 2, rowBytes = <usize>cs << 2, last = tmax - 1;
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
  let l0 = i32x4.splat(-1), l1 = l0, l2 = l0, l3 = l0; // not fired yet
  let a = 0, p = 0, q = 0;
  while (true) {
    const b = nextTime(tIn, order, nEv, p, q, tau, last);
    if (b > last) break;
    // advance to b (every event at b reaches the one position; the first would advance it)
    const d = b - a;
    a = b;
    const dV = f32x4.splat(<f32>d), codeV = i32x4.splat(-1 - (b - d) - tmax);
    l0 = advanceLanes(u, tOut, v128.load(tOut), s0, l0, dV, thV, codeV);
    if (nv > 1) l1 = advanceLanes(u + 16, tOut + 16, v128.load(tOut + 16), s1, l1, dV, thV, codeV);
    if (nv > 2) l2 = advanceLanes(u + 32, tOut + 32, v128.load(tOut + 32), s2, l2, dV, thV, codeV);
    if (nv > 3) l3 = advanceLanes(u + 48, tOut + 48, v128.load(tOut + 48), s3, l3, dV, thV, codeV);
    while (p < nEv) { // onsets at b
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != b) break;
      const row = w + <usize>i * rowBytes;
      s0 = f32x4.add(s0, v128.and(v128.load(row), l0));
      if (nv > 1) s1 = f32x4.add(s1, v128.and(v128.load(row, 16), l1));
      if (nv > 2) s2 = f32x4.add(s2, v128.and(v128.load(row, 32), l2));
      if (nv > 3) s3 = f32x4.add(s3, v128.and(v128.load(row, 48), l3));
      p++;
    }
    while (q < nEv) { // ramp ends at b
      const i = load<i32>(order + (<usize>q << 2));
      if (load<i32>(tIn + (<usize>i << 2)) + tau != b) break;
      const row = w + <usize>i * rowBytes;
      s0 = f32x4.sub(s0, v128.and(v128.load(row), l0));
      if (nv > 1) s1 = f32x4.sub(s1, v128.and(v128.load(row, 16), l1));
      if (nv > 2) s2 = f32x4.sub(s2, v128.and(v128.load(row, 32), l2));
      if (nv > 3) s3 = f32x4.sub(s3, v128.and(v128.load(row, 48), l3));
      q++;
    }
  }
  store<i32>(lt, a);
  if (last > a) {
    const d = last - a;
    const dV = f32x4.splat(<f32>d), codeV = i32x4.splat(-1 - a - tmax);
    advanceLanes(u, tOut, v128.load(tOut), s0, l0, dV, thV, codeV);
    if (nv > 1) advanceLanes(u + 16, tOut + 16, v128.load(tOut + 16), s1, l1, dV, thV, codeV);
    if (nv > 2) advanceLanes(u + 32, tOut + 32, v128.load(tOut + 32), s2, l2, dV, thV, codeV);
    if (nv > 3) advanceLanes(u + 48, tOut + 48, v128.load(tOut + 48), s3, l3, dV, thV, codeV);
  }
  v128.store(s, s0);
  if (nv > 1) v128.store(s, s1, 16);
  if (nv > 2) v128.store(s, s2, 32);
  if (nv > 3) v128.store(s, s3, 48);
}

/** One vector of a frozen-lane advance (advanceFreeze, fcRegisters): from slope sl, spike times t0 (as stored at
 *  tOut) and the not-fired mask, moves u by sl * d where a lane stays below threshold, codes the time of a lane
 *  that crosses now (tmax + (-1 - a - tmax)); returns the new not-fired mask. */
// @ts-ignore: decorator
@inline function advanceLanes(u: usize, tOut: usize, t0: v128, sl: v128, live: v128, dV: v128, thV: v128, codeV: v128): v128 {
  const u0 = v128.load(u), step = f32x4.mul(sl, dV);
  const stay = v128.andnot(live, f32x4.gt(f32x4.add(u0, step), thV)); // not fired before, not crossing now
  v128.store(tOut, i32x4.add(t0, v128.and(v128.xor(live, stay), codeV)));
  v128.store(u, f32x4.add(u0, v128.and(step, stay)));
  return stay;
}

/** Scalar twin: the same event order and float operations, one lane at a time. */
export function stidi_forward_f32_ref(
  w: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tIn: usize, order: usize, nEv: i32, thr: f32, tau: i32, tmax: i32, u: usize, s: usize, tOut: usize, lt: usize,
): i32 {
  const np = hout * wout, n = np * cs;
  for (let j = 0; j < n; j++) {
    store<f32>(u + (<usize>j << 2), 0);
    store<f32>(s + (<usize>j << 2), 0);
    store<i32>(tOut + (<usize>j << 2), tmax);
  }
  for (let pos = 0; pos < np; pos++) store<i32>(lt + (<usize>pos << 2), 0);
  const last = tmax - 1;
  let p = 0, q = 0, fired = 0;
  while (true) {
    const b = nextTime(tIn, order, nEv, p, q, tau, last);
    if (b > last) break;
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != b) break;
      fired += eventRef(w, i, cin, k, hout, wout, cs, u, s, tOut, lt, b, false, win, thr, tmax);
      p++;
    }
    while (q < nEv) {
      const i = load<i32>(order + (<usize>q << 2));
      if (load<i32>(tIn + (<usize>i << 2)) + tau != b) break;
      fired += eventRef(w, i, cin, k, hout, wout, cs, u, s, tOut, lt, b, true, win, thr, tmax);
      q++;
    }
  }
  for (let pos = 0; pos < np; pos++) {
    const a = load<i32>(lt + (<usize>pos << 2));
    const off = (<usize>(pos * cs)) << 2;
    if (last > a) fired += advanceRef(u + off, s + off, tOut + off, cs, a, last - a, thr, tmax);
  }
  return fired;
}

/**
 * The same layer with a fixed time-step loop (the benchmark's baseline and a test's second opinion):
 * for k = 1 .. tmax-1, apply the slope changes of step k-1, U += S, fire where U > thr. Same
 * layouts and arguments (`lt` unused); O(tmax * hout * wout * cs + events * k^2 * cs). With exactly representable
 * sums (dyadic weights) it gives the event-driven kernel's times bit for bit; with arbitrary floats
 * U is rounded at other points, so a crossing within rounding of thr may move by a step.
 */
export function stidi_forward_stepped_f32(
  w: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tIn: usize, order: usize, nEv: i32, thr: f32, tau: i32, tmax: i32, u: usize, s: usize, tOut: usize, lt: usize,
): i32 {
  const n = hout * wout * cs;
  memory.fill(u, 0, <usize>n << 2);
  memory.fill(s, 0, <usize>n << 2);
  const tmaxV = i32x4.splat(tmax), thV = f32x4.splat(thr);
  for (let j = 0; j < n; j += 4) v128.store(tOut + (<usize>j << 2), tmaxV);
  let p = 0, q = 0, fired = 0;
  for (let step = 1; step < tmax && fired < n; step++) {
    const b = step - 1;
    while (p < nEv) {
      const i = load<i32>(order + (<usize>p << 2));
      if (load<i32>(tIn + (<usize>i << 2)) != b) break;
      scatterSimd(w, i, cin, k, hout, wout, cs, s, false, win);
      p++;
    }
    while (q < nEv) {
      const i = load<i32>(order + (<usize>q << 2));
      if (load<i32>(tIn + (<usize>i << 2)) + tau != b) break;
      scatterSimd(w, i, cin, k, hout, wout, cs, s, true, win);
      q++;
    }
    const kV = i32x4.splat(step);
    for (let j = 0; j < n; j += 4) {
      const o = <usize>j << 2;
      const u1 = f32x4.add(v128.load(u + o), v128.load(s + o));
      const t = v128.load(tOut + o);
      const fire = v128.and(f32x4.gt(u1, thV), i32x4.eq(t, tmaxV));
      v128.store(tOut + o, v128.bitselect(kV, t, fire));
      fired += popcnt<i32>(i32x4.bitmask(fire));
      v128.store(u + o, u1);
    }
  }
  return fired;
}
