// STiDi-BP kernels (assembly/stidi): each SIMD kernel against its scalar twin, bit for bit, on random
// conv and fully connected layers of awkward sizes (cs = output channels rounded up to 4), plus a
// hand-computed crossing and earliest-spike pooling against its definition.
import {
  stidi_forward_f32_simd, stidi_forward_f32_ref, stidi_forward_stepped_f32, stidi_pool_min_simd, stidi_pool_min_ref,
  stidi_grad_f32_simd, stidi_grad_f32_ref, stidi_backprop_f32_simd, stidi_backprop_f32_ref,
} from "../index";
import { seed, rndInt, rndF32, alloc, freeAll, diff32, TMAX, fillTimes, sortEvents, chance } from "./util";

function ceil4(n: i32): i32 { return (n + 3) & ~3; }

/** First lane j < n where a and b differ (bits) among the neurons that never fired (t[j] == TMAX); -1 if none. */
function diffSilent(a: usize, b: usize, t: usize, n: i32): i32 {
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    if (load<i32>(t + o) == TMAX && load<u32>(a + o) != load<u32>(b + o)) return j;
  }
  return -1;
}

/** A random layer: cin x hin x win input times by `mode`, cout channels, kernel k (FC: k = hin = win). */
function layerCase(cin: i32, hin: i32, win: i32, k: i32, cout: i32, tau: i32, thr: f32, mode: i32, dyadic: bool): void {
  const hout = hin - k + 1, wout = win - k + 1, cs = ceil4(cout);
  const nIn = cin * hin * win, n = hout * wout * cs;
  const w = alloc(k * k * cin * cs * 4);
  for (let r = 0; r < k * k * cin; r++) {
    for (let j = 0; j < cout; j++) {
      const v: f32 = dyadic ? <f32>rndInt(-8, 24) / 16 : rndF32(-0.5, 1.5);
      store<f32>(w + (<usize>(r * cs + j) << 2), v);
    }
  }
  const tIn = alloc(nIn * 4);
  fillTimes(tIn, nIn, mode);
  const nEv = new StaticArray<i32>(1);
  const order = sortEvents(tIn, nIn, nEv);
  const u1 = alloc(n * 4), s1 = alloc(n * 4), t1 = alloc(n * 4, 0x77);
  const u2 = alloc(n * 4), s2 = alloc(n * 4), t2 = alloc(n * 4, 0x77);
  const u3 = alloc(n * 4), s3 = alloc(n * 4), t3 = alloc(n * 4, 0x77);
  const l1 = alloc(hout * wout * 4, 0x33), l2 = alloc(hout * wout * 4, 0x44);
  const name = "cin=" + cin.toString() + " h=" + hin.toString() + " k=" + k.toString() + " cout=" + cout.toString() +
    " tau=" + tau.toString() + " mode=" + mode.toString() + ": ";
  const f1 = stidi_forward_f32_simd(w, cin, hin, win, k, hout, wout, cs, tIn, order, nEv[0], thr, tau, TMAX, u1, s1, t1, l1);
  const f2 = stidi_forward_f32_ref(w, cin, hin, win, k, hout, wout, cs, tIn, order, nEv[0], thr, tau, TMAX, u2, s2, t2, l2);
  expect<i32>(f1).toBe(f2, name + "fired count");
  expect<i32>(diff32(t1, t2, n)).toBe(-1, name + "first differing spike time");
  // a fired neuron's potential and slope are scratch after its spike (assembly/stidi/forward.ts): compared where it never fired
  expect<i32>(diffSilent(u1, u2, t2, n)).toBe(-1, name + "first differing potential of a neuron that never fired");
  expect<i32>(diffSilent(s1, s2, t2, n)).toBe(-1, name + "first differing slope of a neuron that never fired");
  expect<i32>(diff32(l1, l2, hout * wout)).toBe(-1, name + "first differing position time");
  if (dyadic) {
    // every partial sum is exact: the time-stepped loop must give the same times
    stidi_forward_stepped_f32(w, cin, hin, win, k, hout, wout, cs, tIn, order, nEv[0], thr, tau, TMAX, u3, s3, t3, 0);
    expect<i32>(diff32(t1, t3, n)).toBe(-1, name + "event-driven vs time-stepped: first differing time");
  }
  // learning kernels on these times, with a sparse delta (whole zero rows included)
  const delta = alloc(n * 4);
  for (let p = 0; p < hout * wout; p++) {
    if (chance(30)) continue;
    // mode 3: mostly zero, as after earliest-spike pooling, so whole 4-lane groups are zero (the SIMD kernels skip them)
    for (let j = 0; j < cout; j++) store<f32>(delta + (<usize>(p * cs + j) << 2), chance(mode == 3 ? 90 : 20) ? 0 : rndF32(-1, 1));
  }
  const g1 = alloc(k * k * cin * cs * 4), g2 = alloc(k * k * cin * cs * 4);
  for (let r = 0; r < k * k * cin * cs; r++) { const v = rndF32(-1, 1); store<f32>(g1 + (<usize>r << 2), v); store<f32>(g2 + (<usize>r << 2), v); }
  stidi_grad_f32_simd(g1, tIn, cin, hin, win, k, hout, wout, cs, t1, delta, tau, TMAX);
  stidi_grad_f32_ref(g2, tIn, cin, hin, win, k, hout, wout, cs, t1, delta, tau, TMAX);
  expect<i32>(diff32(g1, g2, k * k * cin * cs)).toBe(-1, name + "grad: first differing weight");
  const e1 = alloc(nIn * 4, 0x55), e2 = alloc(nIn * 4, 0x66);
  for (let silent = 0; silent < 2; silent++) {
    stidi_backprop_f32_simd(w, tIn, cin, hin, win, k, hout, wout, cs, t1, delta, tau, TMAX, e1, silent);
    stidi_backprop_f32_ref(w, tIn, cin, hin, win, k, hout, wout, cs, t1, delta, tau, TMAX, e2, silent);
    expect<i32>(diff32(e1, e2, nIn)).toBe(-1, name + "backprop (silent " + silent.toString() + "): first differing input error");
  }
}

describe("stidi_forward_f32 / stidi_grad_f32 / stidi_backprop_f32", () => {
  it("SIMD equals the scalar twin bit for bit (conv and FC, awkward sizes, every time mode)", () => {
    seed(404);
    for (let mode = 0; mode < 4; mode++) {
      layerCase(1, 12, 11, 5, 8, 16, 2.0, mode, false);
      layerCase(3, 9, 9, 3, 5, 1, 0.7, mode, false);
      layerCase(7, 4, 4, 4, 10, 64, 9.0, mode, false);   // fully connected 112 -> 10
      layerCase(2, 6, 7, 2, 13, 300, 40.0, mode, false);  // tau past tmax: pure ramps
      layerCase(4, 8, 8, 5, 4, 8, 3.0, mode, true);
      layerCase(1, 10, 10, 10, 9, 32, 20.0, mode, true);
      layerCase(30, 1, 1, 1, 300, 64, 6.0, mode, false);  // fully connected 30 -> 300: cs above 256 (no group mask)
      layerCase(112, 1, 1, 1, 10, 64, 9.0, mode, false);  // fully connected 112 -> 10 in the network's form (k = h = w = 1)
      layerCase(6, 9, 8, 3, 70, 32, 4.0, mode, false);    // 70 maps: 18 lane groups in the learning kernels' live masks
    }
    freeAll();
  });
});

describe("stidi_forward_f32 hand case", () => {
  it("solves the crossing in closed form", () => {
    // FC, 2 inputs, 1 neuron, tau 4, thr 3 (in U units): input 0 at t=2 with w=1, input 1 at t=4 with w=2.
    // U(k) = clamp(k-2,0,4) + 2 clamp(k-4,0,4): U(4)=2, U(5)=3+2=5 > 3 -> first k with U > 3 is 5
    // (U(4) = 2 + 0). Neuron 1: w = [0.5, 0] never exceeds 2 (U saturates at 0.5 * 4 = 2): silent.
    const w = alloc(2 * 4 * 4);
    store<f32>(w, 1); store<f32>(w + 16, 2);
    store<f32>(w + 4, 0.5);
    const tIn = alloc(8); store<i32>(tIn, 2); store<i32>(tIn + 4, 4);
    const nEv = new StaticArray<i32>(1);
    const order = sortEvents(tIn, 2, nEv);
    const u = alloc(16), s = alloc(16), t = alloc(16), lt = alloc(4);
    for (let v = 0; v < 2; v++) {
      if (v == 0) stidi_forward_f32_simd(w, 2, 1, 1, 1, 1, 1, 4, tIn, order, nEv[0], 3, 4, TMAX, u, s, t, lt);
      else stidi_forward_f32_ref(w, 2, 1, 1, 1, 1, 1, 4, tIn, order, nEv[0], 3, 4, TMAX, u, s, t, lt);
      expect<i32>(load<i32>(t)).toBe(5, "neuron 0 (variant " + v.toString() + ")");
      expect<i32>(load<i32>(t + 4)).toBe(TMAX, "neuron 1 (variant " + v.toString() + ")");
    }
    freeAll();
  });
});

describe("stidi_pool_min", () => {
  it("takes the earliest spike of each window, the first on ties, in both variants", () => {
    seed(7);
    // [h, w, c, cs, p]: all-scalar channels (c < 4), whole vectors, vectors plus a scalar tail, 3x3 windows
    // with dropped edges; times in [3, 9) so that ties are frequent
    const shapes: i32[][] = [[7, 6, 3, 4, 2], [8, 8, 8, 8, 2], [9, 7, 6, 8, 2], [10, 11, 5, 8, 3], [24, 24, 16, 16, 2]];
    for (let sh = 0; sh < shapes.length; sh++) {
      const h = shapes[sh][0], w = shapes[sh][1], c = shapes[sh][2], cs = shapes[sh][3], p = shapes[sh][4];
      const tIn = alloc(h * w * cs * 4);
      for (let i = 0; i < h * w * cs; i++) store<i32>(tIn + (<usize>i << 2), rndInt(3, 9));
      const ho = h / p, wo = w / p;
      const tOut = alloc(ho * wo * c * 4), arg = alloc(ho * wo * c * 4);
      for (let v = 0; v < 2; v++) {
        memory.fill(tOut, 0xee, ho * wo * c * 4);
        memory.fill(arg, 0xee, ho * wo * c * 4);
        if (v == 0) stidi_pool_min_simd(tIn, h, w, c, cs, p, tOut, arg);
        else stidi_pool_min_ref(tIn, h, w, c, cs, p, tOut, arg);
        let bad = 0;
        for (let oy = 0; oy < ho; oy++) for (let ox = 0; ox < wo; ox++) for (let ch = 0; ch < c; ch++) {
          let best = 1 << 30, at = -1;
          for (let dy = 0; dy < p; dy++) for (let dx = 0; dx < p; dx++) {
            const i = ((oy * p + dy) * w + ox * p + dx) * cs + ch;
            const tv = load<i32>(tIn + (<usize>i << 2));
            if (tv < best || (tv == best && i < at)) { best = tv; at = i; }
          }
          const o = <usize>((oy * wo + ox) * c + ch) << 2;
          if (load<i32>(tOut + o) != best || load<i32>(arg + o) != at) bad++;
        }
        expect<i32>(bad).toBe(0, "windows that disagree with the definition (shape " + sh.toString() + ", variant " + v.toString() + ")");
      }
    }
    freeAll();
  });
  it("gives a silent window the silent time and its first tap", () => {
    const h = 4, w = 4, c = 4, cs = 4, p = 2, TSIL = 256;
    const tIn = alloc(h * w * cs * 4);
    for (let i = 0; i < h * w * cs; i++) store<i32>(tIn + (<usize>i << 2), TSIL);
    const tOut = alloc(4 * c * 4), arg = alloc(4 * c * 4);
    for (let v = 0; v < 2; v++) {
      if (v == 0) stidi_pool_min_simd(tIn, h, w, c, cs, p, tOut, arg);
      else stidi_pool_min_ref(tIn, h, w, c, cs, p, tOut, arg);
      // window (1, 1), channel 2: first tap (2, 2)
      const o = <usize>((1 * 2 + 1) * c + 2) << 2;
      expect<i32>(load<i32>(tOut + o)).toBe(TSIL, "time (variant " + v.toString() + ")");
      expect<i32>(load<i32>(arg + o)).toBe((2 * w + 2) * cs + 2, "winner (variant " + v.toString() + ")");
    }
    freeAll();
  });
});
