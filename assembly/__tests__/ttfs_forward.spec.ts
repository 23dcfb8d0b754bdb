// Event sorting and the event-driven TTFS forward kernels: each fast variant against its scalar
// twin, bit for bit, on random layers of awkward sizes (stride = nOut rounded up to 8).
import {
  ttfs_sort_events_simd, ttfs_sort_events_ref, ttfs_encode_events_simd, ttfs_encode_events_ref,
  ttfs_count_fired_simd, ttfs_count_fired_ref,
  ttfs_forward_f32_simd, ttfs_forward_f32_ref,
  ttfs_forward_bin_i16_simd, ttfs_forward_bin_i16_ref, ttfs_forward_bin_popc,
} from "../index";
import { ENCODE_DUMP_ENTRIES } from "../ttfs/encode";
import {
  seed, rnd, rndInt, rndF32, chance, alloc, freeAll, diff32, TMAX, ceil8, fillTimes, sortEvents,
  checkHandForwardF32,
} from "./util";

// ------------------------------------------------------------------------- ttfs_sort_events

// out: the share of times drawn outside lo..hi as the input layer's black pixels (tLast + 2), in runs
function sortCase(n: i32, tLast: i32, lo: i32, hi: i32, out: f64 = 0): void {
  const times = alloc(max(n, 1) << 2);
  let black = false;
  for (let i = 0; i < n; i++) {
    if (rndF32(0, 1) < 0.2) black = <f64>rndF32(0, 1) < out;
    store<i32>(times + (<usize>i << 2), black ? tLast + 2 : rndInt(lo, hi));
  }
  sortCheck(times, n, tLast, true);
  sortCheck(times, n, tLast, false);
}

function sortCheck(times: usize, n: i32, tLast: i32, simd: bool): void {
  const counts = alloc((tLast + 2) << 2, 0x5a);
  const order = alloc(max(n, 1) << 2, 0xee);
  const got = simd ? ttfs_sort_events_simd(times, n, tLast, counts, order) : ttfs_sort_events_ref(times, n, tLast, counts, order);
  // direct definition: indices with 0 <= t <= tLast, by time, ties by index
  const want = alloc(max(n, 1) << 2);
  let cnt = 0;
  for (let t = 0; t <= tLast; t++) {
    for (let i = 0; i < n; i++) {
      if (load<i32>(times + (<usize>i << 2)) == t) store<i32>(want + (<usize>(cnt++) << 2), i);
    }
  }
  const name = (simd ? "simd" : "ref") + " n=" + n.toString() + " tLast=" + tLast.toString() + ": ";
  expect<i32>(got).toBe(cnt, name + "event count");
  expect<i32>(diff32(order, want, cnt)).toBe(-1, name + "first wrong slot of order");
  let written = 0;
  for (let i = cnt; i < n; i++) if (load<u32>(order + (<usize>i << 2)) != 0xeeeeeeee) written++;
  expect<i32>(written).toBe(0, name + "slots past the count written");
}

describe("ttfs_sort_events", () => {
  it("both variants match the direct definition (sorted by time, ties by index, only 0 <= t <= tLast)", () => {
    seed(11);
    sortCase(0, 254, 0, 256);
    sortCase(1, 254, 0, 256);
    sortCase(37, 254, -3, 258);
    sortCase(100, 254, 250, 256); // heavy ties at the cut
    sortCase(300, 5, -2, 8);
    sortCase(64, 0, -1, 1);
    // the SIMD passes: sizes off the vector width, runs of out-of-range times, negative times
    sortCase(3, 254, 0, 256);
    sortCase(7, 254, -2, 256, 0.5);
    sortCase(784, 254, 0, 254, 0.8);
    sortCase(401, 254, 0, 256, 0.1);
    sortCase(130, 10, -5, 12, 0.6);
    // every vector in range with ties inside it (count4's multiplicities), and all times equal
    sortCase(400, 254, 0, 3);
    sortCase(403, 254, 40, 47);
    sortCase(64, 254, 7, 7);
    freeAll();
  });
});

// ------------------------------------------------------------------------- ttfs_encode_events

// An image of n pixels, `blackPct` of them 0 in runs; the table maps pixel p to a time, black to tBlack.
function encodeCase(n: i32, blackPct: i32, tLast: i32, tBlack: i32, lo: i32, hi: i32): void {
  const px = alloc(max(n, 1));
  let black = false;
  for (let i = 0; i < n; i++) {
    if (chance(15)) black = chance(blackPct);
    store<u8>(px + <usize>i, black ? 0 : <u8>rndInt(1, 255));
  }
  const table = alloc(256 << 2);
  store<i32>(table, tBlack);
  for (let p = 1; p < 256; p++) store<i32>(table + (<usize>p << 2), rndInt(lo, hi)); // any table, not only monotone ones
  const name = "n=" + n.toString() + " black=" + blackPct.toString() + "% tLast=" + tLast.toString() + " tBlack=" + tBlack.toString() + ": ";
  // the twin's times, then the sort already checked above (ttfs_sort_events) on them
  const tWant = alloc(max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<i32>(tWant + (<usize>i << 2), load<i32>(table + (<usize>load<u8>(px + <usize>i) << 2)));
  const cw = alloc(max(tLast + 2, 1) << 2, 0x5a), ow = alloc(max(n, 1) << 2, 0xee);
  const want = ttfs_sort_events_ref(tWant, n, tLast, cw, ow);
  for (let v = 0; v < 2; v++) {
    const tIn = alloc(max(n, 1) << 2, 0x77), counts = alloc((max(tLast + 2, 0) + ENCODE_DUMP_ENTRIES) << 2, 0x5a), order = alloc(max(n, 1) << 2, 0xee);
    const got = v == 0 ? ttfs_encode_events_simd(px, n, table, tLast, tIn, counts, order) : ttfs_encode_events_ref(px, n, table, tLast, tIn, counts, order);
    const vn = (v == 0 ? "simd " : "ref ") + name;
    expect<i32>(diff32(tIn, tWant, n)).toBe(-1, vn + "first wrong time");
    expect<i32>(got).toBe(want, vn + "event count");
    expect<i32>(diff32(order, ow, n)).toBe(-1, vn + "first wrong slot of order (past the count: unwritten)");
  }
}

describe("ttfs_encode_events", () => {
  it("both variants: times by table lookup, events as ttfs_sort_events_ref orders them", () => {
    seed(12);
    encodeCase(0, 80, 254, 256, 0, 256);
    encodeCase(784, 80, 254, 256, 0, 256);   // S4NN's code: black is no event
    encodeCase(784, 80, 254, 255, 0, 255);   // BS4NN's: black at tmax - 1, still no event
    encodeCase(784, 0, 254, 256, -3, 258);   // no black chunk; times outside 0..tLast either side
    encodeCase(799, 90, 254, 256, 0, 256);   // a tail past the last 16-pixel chunk
    encodeCase(13, 50, 254, 256, 0, 256);    // tail only
    encodeCase(784, 70, 254, 3, 0, 256);     // black pixels are events (counted 16 at a time)
    encodeCase(3072, 60, 10, 5, -2, 12);     // a short tLast: most times past it, black ones events
    encodeCase(300, 60, -1, 5, -2, 3);       // tLast < 0: no events, the times still written
    freeAll();
  });
});

// ------------------------------------------------------------------------- ttfs_count_fired

describe("ttfs_count_fired", () => {
  it("both variants: +1 to the count of each neuron with t < tmax, the number fired returned", () => {
    seed(13);
    const ns: i32[] = [0, 1, 4, 7, 400, 1001];
    for (let k = 0; k < ns.length; k++) {
      const n = ns[k], tmax = 256;
      const t = alloc(max(n, 1) << 2);
      const c0 = alloc(max(n, 1) << 3);
      let want = 0;
      for (let j = 0; j < n; j++) {
        const tj = chance(30) ? tmax : chance(5) ? tmax + 3 : rndInt(-1, tmax - 1);
        store<i32>(t + (<usize>j << 2), tj);
        if (tj < tmax) want++;
        store<f64>(c0 + (<usize>j << 3), chance(20) ? 0 : <f64>rndInt(0, 60000));
      }
      // counts start one f64 off a 16-byte boundary, as a second layer's do in the concatenated array
      const a = alloc((max(n, 1) << 3) + 8) + 8, b = alloc((max(n, 1) << 3) + 8) + 8;
      memory.copy(a, c0, <usize>n << 3); memory.copy(b, c0, <usize>n << 3);
      const name = "n=" + n.toString() + ": ";
      expect<i32>(ttfs_count_fired_simd(t, n, tmax, a)).toBe(want, name + "simd fired");
      expect<i32>(ttfs_count_fired_ref(t, n, tmax, b)).toBe(want, name + "ref fired");
      let bad = -1;
      for (let j = 0; j < n && bad < 0; j++) {
        const w = load<f64>(c0 + (<usize>j << 3)) + (load<i32>(t + (<usize>j << 2)) < tmax ? 1 : 0);
        if (reinterpret<u64>(load<f64>(a + (<usize>j << 3))) != reinterpret<u64>(w)
          || reinterpret<u64>(load<f64>(b + (<usize>j << 3))) != reinterpret<u64>(w)) bad = j;
      }
      expect<i32>(bad).toBe(-1, name + "first wrong count");
      freeAll();
    }
  });
});

// ------------------------------------------------------------------------- f32 forward

let firedTotal = 0;
let silentTotal = 0;

function forwardF32Case(nIn: i32, nOut: i32, theta: f32, mode: i32, kRec: i32, withRec: bool, inhib: bool = true): void {
  const stride = ceil8(nOut);
  const wt = alloc(nIn * stride * 4);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nOut; j++) {
      // every third neuron leans inhibitory so that some never fire (all excitatory with !inhib,
      // so that every neuron fires early and the kernels stop before the end of the event list)
      const w = inhib && j % 3 == 2 ? rndF32(-2, 1) : rndF32(-2, 5);
      store<f32>(wt + ((<usize>(i * stride + j)) << 2), w);
    }
  }
  const tIn = alloc(nIn * 4);
  fillTimes(tIn, nIn, mode);
  const nEvA = new StaticArray<i32>(1);
  const order = sortEvents(tIn, nIn, nEvA);
  const nEv = nEvA[0];

  const v1 = alloc(stride * 4), v2 = alloc(stride * 4);
  const t1 = alloc(stride * 4, 0xa5), t2 = alloc(stride * 4, 0xa5);
  const r1 = alloc(stride * 4, 0xa5), r2 = alloc(stride * 4, 0xa5);
  const a = ttfs_forward_f32_simd(wt, nOut, stride, tIn, order, nEv, theta, TMAX, kRec, v1, t1, withRec ? r1 : 0);
  const b = ttfs_forward_f32_ref(wt, nOut, stride, tIn, order, nEv, theta, TMAX, kRec, v2, t2, withRec ? r2 : 0);

  const name = "nIn=" + nIn.toString() + " nOut=" + nOut.toString() + " theta=" + theta.toString()
    + " mode=" + mode.toString() + " kRec=" + kRec.toString() + ": ";
  expect<i32>(a).toBe(b, name + "fired count");
  expect<i32>(diff32(t1, t2, stride)).toBe(-1, name + "first differing tOut");
  if (withRec) expect<i32>(diff32(r1, r2, stride)).toBe(-1, name + "first differing vRec");
  else expect<u32>(load<u32>(r1)).toBe(0xa5a5a5a5, name + "vRec = 0 must not be written");
  // the return value counts real neurons whose time is below tmax; pad lanes never fire
  let fired = 0, badRange = 0, padFired = 0;
  for (let j = 0; j < stride; j++) {
    const t = load<i32>(t1 + (<usize>j << 2));
    if (t < 1 || t > TMAX) badRange++;
    if (j < nOut && t < TMAX) fired++;
    if (j >= nOut && t != TMAX) padFired++;
  }
  expect<i32>(badRange).toBe(0, name + "tOut outside 1..tmax");
  expect<i32>(padFired).toBe(0, name + "pad lanes fired");
  expect<i32>(a).toBe(fired, name + "return value vs tOut");
  firedTotal += fired;
  silentTotal += nOut - fired;
}

describe("ttfs_forward_f32", () => {
  it("hand-computed case (3 inputs, 2 neurons)", () => {
    checkHandForwardF32();
  });

  it("_simd == _ref on random layers (tOut, vRec, return value)", () => {
    seed(12345);
    firedTotal = 0;
    silentTotal = 0;
    const nIns: i32[] = [37, 100];
    const nOuts: i32[] = [10, 13, 27];
    const thetas: f32[] = [3.0, 25.0, 80.0];
    let c = 0;
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < nOuts.length; b++) {
        for (let t = 0; t < thetas.length; t++) {
          forwardF32Case(nIns[a], nOuts[b], thetas[t], c & 3, TMAX - 3, true);
          c++;
        }
        freeAll();
      }
    }
    // record mid-run, no record, no events at all, theta 0
    forwardF32Case(100, 27, 10.0, 0, 40, true);
    forwardF32Case(100, 13, 10.0, 2, 5, true);
    forwardF32Case(37, 10, 4.0, 0, TMAX - 3, false);
    forwardF32Case(37, 13, 4.0, 3, TMAX - 3, true);
    forwardF32Case(37, 27, 0.0, 1, TMAX - 3, true);
    // everyone fires long before kRec: the early exit must still record V at kRec
    forwardF32Case(100, 27, 3.0, 0, TMAX - 3, true, false);
    // widths whose vectors are not whole 4-vector blocks (the SIMD kernel's remainder loop)
    forwardF32Case(100, 5, 6.0, 0, TMAX - 3, true);
    forwardF32Case(100, 21, 6.0, 2, 40, true);
    forwardF32Case(130, 70, 8.0, 1, TMAX - 3, true);
    forwardF32Case(130, 70, 3.0, 0, TMAX - 3, true, false);
    forwardF32Case(100, 13, 3.0, 0, 120, true, false);
    forwardF32Case(37, 10, 2.0, 2, 15, true, false);
    forwardF32Case(37, 10, 2.0, 2, 2, true, false);
    freeAll();
    // the cases must exercise both firing and silent neurons
    expect<i32>(firedTotal).toBeGreaterThan(20, "some neurons fire");
    expect<i32>(silentTotal).toBeGreaterThan(20, "some neurons stay silent");
  });
});

// ------------------------------------------------------------------------- binary forward

function forwardBinCase(nIn: i32, nOut: i32, thr: i32, mode: i32, kRec: i32, withRec: bool, inhib: bool = true): void {
  const stride = ceil8(nOut);
  const words = (nIn + 63) >> 6;
  const sgn = alloc(nIn * stride * 2);
  const pos = alloc(nOut * words * 8);
  const neg = alloc(nOut * words * 8);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nOut; j++) {
      // neuron-dependent mix of +1 / -1 / 0 so that some neurons cross thr and some never do
      // (all +-heavy with !inhib: everyone fires early, as in the f32 cases)
      const pPos = !inhib || j % 3 == 0 ? 60 : j % 3 == 1 ? 40 : 20;
      const r = <i32>(rnd() % 100);
      const s: i32 = r < pPos ? 1 : r < pPos + 25 ? -1 : 0;
      store<i16>(sgn + ((<usize>(i * stride + j)) << 1), <i16>s);
      const wo = ((<usize>j * <usize>words + <usize>(i >> 6)) << 3);
      const bit = <u64>1 << <u64>(i & 63);
      if (s > 0) store<u64>(pos + wo, load<u64>(pos + wo) | bit);
      if (s < 0) store<u64>(neg + wo, load<u64>(neg + wo) | bit);
    }
  }
  const tIn = alloc(nIn * 4);
  fillTimes(tIn, nIn, mode);
  const nEvA = new StaticArray<i32>(1);
  const order = sortEvents(tIn, nIn, nEvA);
  const nEv = nEvA[0];

  const c1 = alloc(stride * 4), c2 = alloc(stride * 2); // the SIMD kernel's scratch: counts, then its spike-time state
  const t1 = alloc(stride * 4, 0xa5), t2 = alloc(stride * 4, 0xa5), t3 = alloc(stride * 4, 0xa5);
  const r1 = alloc(stride * 4, 0xa5), r2 = alloc(stride * 4, 0xa5), r3 = alloc(stride * 4, 0xa5);
  const ev = alloc(words * 8), c3 = alloc(nOut * 4);
  const a = ttfs_forward_bin_i16_simd(sgn, nOut, stride, tIn, order, nEv, thr, TMAX, kRec, c1, t1, withRec ? r1 : 0, 0);
  const b = ttfs_forward_bin_i16_ref(sgn, nOut, stride, tIn, order, nEv, thr, TMAX, kRec, c2, t2, withRec ? r2 : 0, 0);
  const p = ttfs_forward_bin_popc(pos, neg, words, nOut, tIn, order, nEv, thr, TMAX, kRec, ev, c3, t3, withRec ? r3 : 0);

  const name = "nIn=" + nIn.toString() + " nOut=" + nOut.toString() + " thr=" + thr.toString()
    + " mode=" + mode.toString() + " kRec=" + kRec.toString() + ": ";
  expect<i32>(a).toBe(b, name + "i16 simd vs ref fired count");
  expect<i32>(p).toBe(b, name + "popc vs i16 ref fired count");
  expect<i32>(diff32(t1, t2, stride)).toBe(-1, name + "i16 simd vs ref: first differing tOut");
  expect<i32>(diff32(t3, t2, nOut)).toBe(-1, name + "popc vs i16 ref: first differing tOut");
  if (withRec) {
    expect<i32>(diff32(r1, r2, stride)).toBe(-1, name + "i16 simd vs ref: first differing cRec");
    expect<i32>(diff32(r3, r2, nOut)).toBe(-1, name + "popc vs i16 ref: first differing cRec");
  }
  let fired = 0;
  for (let j = 0; j < nOut; j++) if (load<i32>(t2 + (<usize>j << 2)) < TMAX) fired++;
  let padFired = 0;
  for (let j = nOut; j < stride; j++) if (load<i32>(t1 + (<usize>j << 2)) != TMAX) padFired++;
  expect<i32>(padFired).toBe(0, name + "pad lanes fired");
  expect<i32>(b).toBe(fired, name + "return value vs tOut");
  firedTotal += fired;
  silentTotal += nOut - fired;
}

// Starting counts c0 (per-neuron thresholds): thr = 0 with c0_j = -thr_j must fire each neuron as the
// plain kernel does at its own threshold thr_j (checked neuron by neuron against the scalar twin run
// at that threshold), and the SIMD kernel must equal its twin with the same c0.
function forwardBinOffsetCase(nIn: i32, nOut: i32, mode: i32, kRec: i32): void {
  const stride = ceil8(nOut);
  const sgn = alloc(nIn * stride * 2);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nOut; j++) {
      const r = <i32>(rnd() % 100);
      store<i16>(sgn + ((<usize>(i * stride + j)) << 1), <i16>(r < 50 ? 1 : r < 80 ? -1 : 0));
    }
  }
  const tIn = alloc(nIn * 4);
  fillTimes(tIn, nIn, mode);
  const nEvA = new StaticArray<i32>(1);
  const order = sortEvents(tIn, nIn, nEvA);
  const nEv = nEvA[0];
  const c0 = alloc(stride * 2);
  const thrs = new StaticArray<i32>(nOut);
  for (let j = 0; j < stride; j++) {
    const th = j < nOut ? <i32>(rnd() % 31) - 10 : 0; // -10 .. 20; pad lanes start far below 0
    if (j < nOut) thrs[j] = th;
    store<i16>(c0 + (<usize>j << 1), j < nOut ? <i16>(-th) : <i16>-30000);
  }
  const c1 = alloc(stride * 4), c2 = alloc(stride * 2), c3 = alloc(stride * 2);
  const t1 = alloc(stride * 4, 0xa5), t2 = alloc(stride * 4, 0xa5), t3 = alloc(stride * 4, 0xa5);
  const r1 = alloc(stride * 4, 0xa5), r2 = alloc(stride * 4, 0xa5), r3 = alloc(stride * 4, 0xa5);
  const a = ttfs_forward_bin_i16_simd(sgn, nOut, stride, tIn, order, nEv, 0, TMAX, kRec, c1, t1, r1, c0);
  const b = ttfs_forward_bin_i16_ref(sgn, nOut, stride, tIn, order, nEv, 0, TMAX, kRec, c2, t2, r2, c0);
  const name = "offsets nIn=" + nIn.toString() + " nOut=" + nOut.toString() + " mode=" + mode.toString() + ": ";
  expect<i32>(a).toBe(b, name + "simd vs ref fired count");
  expect<i32>(diff32(t1, t2, stride)).toBe(-1, name + "simd vs ref: first differing tOut");
  expect<i32>(diff32(r1, r2, stride)).toBe(-1, name + "simd vs ref: first differing cRec");
  for (let j = 0; j < nOut; j++) {
    ttfs_forward_bin_i16_ref(sgn, nOut, stride, tIn, order, nEv, thrs[j], TMAX, kRec, c3, t3, r3, 0);
    expect<i32>(load<i32>(t2 + (<usize>j << 2))).toBe(load<i32>(t3 + (<usize>j << 2)), name + "neuron " + j.toString() + " vs its own threshold");
    expect<i32>(load<i32>(r2 + (<usize>j << 2))).toBe(load<i32>(r3 + (<usize>j << 2)) - thrs[j], name + "neuron " + j.toString() + " recorded count");
    if (load<i32>(t2 + (<usize>j << 2)) < TMAX) firedTotal++; else silentTotal++;
  }
  for (let j = nOut; j < stride; j++) expect<i32>(load<i32>(t1 + (<usize>j << 2))).toBe(TMAX, name + "pad lane fired");
}

describe("ttfs_forward_bin", () => {
  it("hand-computed f32 forward case", () => {
    checkHandForwardF32();
  });

  it("i16 _simd == _ref == popc on random layers (tOut, cRec, return value)", () => {
    seed(777);
    firedTotal = 0;
    silentTotal = 0;
    const nIns: i32[] = [37, 100, 130];
    const nOuts: i32[] = [10, 13, 27];
    const thrs: i32[] = [1, 5, 15];
    let c = 0;
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < nOuts.length; b++) {
        for (let t = 0; t < thrs.length; t++) {
          forwardBinCase(nIns[a], nOuts[b], thrs[t], c & 3, TMAX - 3, true);
          c++;
        }
        freeAll();
      }
    }
    forwardBinCase(100, 27, 6, 0, 40, true);
    forwardBinCase(100, 13, 3, 2, 5, true);
    forwardBinCase(64, 10, 2, 0, TMAX - 3, false);
    forwardBinCase(37, 13, 1, 3, TMAX - 3, true);
    forwardBinCase(100, 27, 3, 0, TMAX - 3, true, false);
    forwardBinCase(100, 13, 3, 0, 120, true, false);
    forwardBinCase(37, 10, 2, 2, 15, true, false);
    // widths whose vectors are not whole 4-vector blocks (the SIMD kernel's remainder loop)
    forwardBinCase(100, 21, 5, 0, TMAX - 3, true);
    forwardBinCase(130, 70, 6, 1, 40, true);
    forwardBinCase(130, 70, 3, 0, TMAX - 3, true, false);
    forwardBinCase(130, 600, 4, 2, TMAX - 3, true);
    freeAll();
    expect<i32>(firedTotal).toBeGreaterThan(20, "some neurons fire");
    expect<i32>(silentTotal).toBeGreaterThan(20, "some neurons stay silent");
  });

  it("i16 with starting counts: per-neuron thresholds, _simd == _ref", () => {
    seed(4242);
    firedTotal = 0;
    silentTotal = 0;
    forwardBinOffsetCase(100, 27, 0, TMAX - 3);
    forwardBinOffsetCase(130, 70, 1, 40);
    forwardBinOffsetCase(37, 13, 2, TMAX - 3);
    forwardBinOffsetCase(64, 600, 3, 120);
    freeAll();
    expect<i32>(firedTotal).toBeGreaterThan(20, "some neurons fire");
    expect<i32>(silentTotal).toBeGreaterThan(20, "some neurons stay silent");
  });
});
