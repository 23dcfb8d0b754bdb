// TTFS learning kernels (fused S4NN update, backprop, minibatch gradient): _simd against _ref, bit
// for bit, on random layers. Layout as the forward pass: input-major w[i * stride + j],
// stride = nOut rounded up to 8, pad lanes w = 0, delta = 0, tOut = tmax.
import {
  ttfs_update_f32_simd, ttfs_update_f32_ref,
  ttfs_backprop_f32_simd, ttfs_backprop_f32_ref,
  ttfs_grad_accum_f32_simd, ttfs_grad_accum_f32_ref,
  ttfs_sign_counts_i16_simd, ttfs_sign_counts_i16_ref,
  ttfs_mark_rows_simd, ttfs_mark_rows_ref, ttfs_clear_rows_simd, ttfs_clear_rows_ref, ttfs_add_rows_simd, ttfs_add_rows_ref,
} from "../index";
import {
  seed, rnd, rndInt, rndF32, chance, alloc, dup, freeAll, diff32, diff16, bits64, TMAX, ceil8, fillTimes,
  checkHandForwardF32,
} from "./util";

/** Random layer state; deltaMode 0: ~25% zero deltas, 1: all zero (nothing to update), 2: one active. */
class Layer {
  stride: i32;
  w: usize;
  tIn: usize;
  tOut: usize;
  delta: usize;
  constructor(public nIn: i32, public nOut: i32, timeMode: i32, deltaMode: i32, wScale: f32) {
    const stride = ceil8(nOut);
    this.stride = stride;
    this.w = alloc(nIn * stride * 4);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        // small weights (so updates flip signs), with exact +0 and -0
        let x = rndF32(-wScale, wScale);
        if (chance(8)) x = (rnd() & 1) != 0 ? <f32>0.0 : <f32>-0.0;
        store<f32>(this.w + ((<usize>(i * stride + j)) << 2), x);
      }
    }
    this.tIn = alloc(nIn * 4);
    fillTimes(this.tIn, nIn, timeMode);
    this.tOut = alloc(stride * 4);
    this.delta = alloc(stride * 4);
    const active = rndInt(0, nOut - 1);
    for (let j = 0; j < stride; j++) {
      let t = TMAX;
      let d: f32 = 0;
      if (j < nOut) {
        t = chance(20) ? TMAX : rndInt(1, TMAX);
        if (deltaMode == 0) d = chance(25) ? <f32>0 : rndF32(-1, 1);
        else if (deltaMode == 2 && j == active) d = rndF32(-1, 1);
      }
      store<i32>(this.tOut + (<usize>j << 2), t);
      store<f32>(this.delta + (<usize>j << 2), d);
    }
  }
}

function caseName(L: Layer, extra: string): string {
  return "nIn=" + L.nIn.toString() + " nOut=" + L.nOut.toString() + " " + extra + ": ";
}

// ------------------------------------------------------------------------- update

function updateCase(L: Layer, eta: f32, lambda: f32, withSgn: bool): void {
  const n = L.nIn * L.stride;
  const w1 = dup(L.w, n * 4), w2 = dup(L.w, n * 4);
  // sign rows start from the same poison: rows the kernels skip must stay untouched in both
  const s1 = alloc(n * 2, 0x77), s2 = alloc(n * 2, 0x77);
  const a = ttfs_update_f32_simd(w1, L.nIn, L.nOut, L.stride, L.tIn, L.tOut, L.delta, eta, lambda, withSgn ? s1 : 0, 1);
  const b = ttfs_update_f32_ref(w2, L.nIn, L.nOut, L.stride, L.tIn, L.tOut, L.delta, eta, lambda, withSgn ? s2 : 0, 1);
  const name = caseName(L, "eta=" + eta.toString() + " lambda=" + lambda.toString() + " sgn=" + (withSgn ? "1" : "0"));
  expect<u64>(bits64(a)).toBe(bits64(b), name + "returned S (f64 bits)");
  expect<i32>(diff32(w1, w2, n)).toBe(-1, name + "first differing updated weight");
  expect<i32>(diff16(s1, s2, n)).toBe(-1, name + "first differing i16 sign");
  if (!withSgn) expect<u32>(load<u32>(s1)).toBe(0x77777777, name + "sgn = 0 must not be written");
  // without the sum (S4NN): the same weights and sign rows as with it, and 0 returned
  const w3 = dup(L.w, n * 4), w4 = dup(L.w, n * 4);
  const s3 = alloc(n * 2, 0x77), s4 = alloc(n * 2, 0x77);
  const c = ttfs_update_f32_simd(w3, L.nIn, L.nOut, L.stride, L.tIn, L.tOut, L.delta, eta, lambda, withSgn ? s3 : 0, 0);
  const d = ttfs_update_f32_ref(w4, L.nIn, L.nOut, L.stride, L.tIn, L.tOut, L.delta, eta, lambda, withSgn ? s4 : 0, 0);
  expect<f64>(c).toBe(0, name + "simd without the sum returns 0");
  expect<f64>(d).toBe(0, name + "ref without the sum returns 0");
  expect<i32>(diff32(w3, w1, n)).toBe(-1, name + "simd without the sum: first weight differing from the run with it");
  expect<i32>(diff32(w4, w1, n)).toBe(-1, name + "ref without the sum: first weight differing from the run with it");
  expect<i32>(diff16(s3, s1, n)).toBe(-1, name + "simd without the sum: first differing i16 sign");
  expect<i32>(diff16(s4, s1, n)).toBe(-1, name + "ref without the sum: first differing i16 sign");
}

/** S's row sums in row order, where order changes the f64 result: four active rows of a 64-output layer whose sums
 *  are 1, 3 2^-54, 2 and 3 2^-54 (neurons 0-3 with deltas 1, 1, 1, 3 2^-54 at times 10-40, every weight +0.5, the
 *  rows at times 25, 35, 15, 35 reach the neurons after them). In row order 1 + 3 2^-54 rounds to 1 + 2^-52, + 2 ties
 *  to 3, and the last sum is lost: S = 3. With the sums of each pair of rows swapped: 3 + 2^-51
 *  (found by a search over such layers). */
function checkRowOrderOfS(): void {
  const nIn = 4, nOut = 64, stride = 64, tmax = 256;
  const w1 = alloc(nIn * stride * 4), w2 = alloc(nIn * stride * 4), tIn = alloc(nIn * 4), tOut = alloc(stride * 4), delta = alloc(stride * 4);
  for (let x = 0; x < nIn * stride; x++) { store<f32>(w1 + (<usize>x << 2), 0.5); store<f32>(w2 + (<usize>x << 2), 0.5); }
  for (let j = 0; j < stride; j++) {
    store<i32>(tOut + (<usize>j << 2), j < 4 ? 10 * (j + 1) : tmax);
    store<f32>(delta + (<usize>j << 2), j < 3 ? <f32>1 : j == 3 ? <f32>(3 * Math.pow(2, -54)) : <f32>0);
  }
  store<i32>(tIn, 25); store<i32>(tIn + 4, 35); store<i32>(tIn + 8, 15); store<i32>(tIn + 12, 35);
  const s1 = alloc(nIn * stride * 2), s2 = alloc(nIn * stride * 2);
  const a = ttfs_update_f32_simd(w1, nIn, nOut, stride, tIn, tOut, delta, 1e-12, 0, s1, 1);
  const b = ttfs_update_f32_ref(w2, nIn, nOut, stride, tIn, tOut, delta, 1e-12, 0, s2, 1);
  expect<u64>(bits64(b)).toBe(bits64(3), "ref: S in row order");
  expect<u64>(bits64(a)).toBe(bits64(b), "simd: S in row order");
  freeAll();
}

describe("ttfs_update_f32", () => {
  it("S adds the rows' sums in row order (a layer where the order shows)", () => {
    checkRowOrderOfS();
  });

  it("hand-computed ttfs_forward_f32 case", () => {
    checkHandForwardF32();
  });

  it("_simd == _ref (weights, returned f64, sign rows) with lambda 0 / > 0 and sgn 0 / set", () => {
    seed(4242);
    const nIns: i32[] = [37, 100];
    // 64 and 71 (strides 64, 72): the SIMD kernel's paired-rows path for S4NN's long rows (sum 0, no sign rows);
    // 10, 13 and 16 (stride 16): its output-layer path (sum 0, no sign rows), 16 with every lane a real neuron
    const nOuts: i32[] = [10, 13, 16, 27, 64, 71];
    let c = 0;
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < nOuts.length; b++) {
        const L = new Layer(nIns[a], nOuts[b], c % 3, 0, 0.05);
        updateCase(L, 0.05, 0, false);
        updateCase(L, 0.05, 0, true);
        updateCase(L, 0.05, 0.01, false);
        updateCase(L, 0.05, 0.01, true);
        updateCase(L, 0.003, 0.5, true);
        c++;
        freeAll();
      }
    }
    // nothing to update (all deltas 0: only the decay applies), and a single active neuron
    for (let m = 1; m <= 2; m++) {
      for (let q = 0; q < 2; q++) {
        const L = new Layer(100, q == 0 ? 27 : 71, 0, m, 1.0);
        updateCase(L, 0.05, 0, true);
        updateCase(L, 0.05, 0.01, true);
        updateCase(L, 0.05, 0.01, false);
      }
    }
    freeAll();
  });
});

// ------------------------------------------------------------------------- backprop

let skippedRows = 0;
function backpropCase(L: Layer): void {
  // rows the SIMD kernel skips (input no earlier than the latest output with delta != 0)
  let cut = -1;
  for (let j = 0; j < L.nOut; j++) {
    const t = load<i32>(L.tOut + (<usize>j << 2));
    if (load<f32>(L.delta + (<usize>j << 2)) != 0 && t > cut) cut = t;
  }
  for (let i = 0; i < L.nIn; i++) if (load<i32>(L.tIn + (<usize>i << 2)) >= cut) skippedRows++;
  const d1 = alloc(L.nIn * 4, 0xa5), d2 = alloc(L.nIn * 4, 0xa5);
  ttfs_backprop_f32_simd(L.w, L.nIn, L.stride, L.tIn, L.tOut, L.delta, d1);
  ttfs_backprop_f32_ref(L.w, L.nIn, L.stride, L.tIn, L.tOut, L.delta, d2);
  expect<i32>(diff32(d1, d2, L.nIn)).toBe(-1, caseName(L, "backprop") + "first differing deltaIn");
}

describe("ttfs_backprop_f32", () => {
  it("hand-computed ttfs_forward_f32 case", () => {
    checkHandForwardF32();
  });

  it("_simd == _ref (deltaIn)", () => {
    seed(99);
    const nIns: i32[] = [1, 37, 100];
    // 10, 13, 16: stride 16 (the kernel's register path for output layers), 16 with every lane a real neuron
    const nOuts: i32[] = [10, 13, 16, 27, 8];
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < nOuts.length; b++) {
        backpropCase(new Layer(nIns[a], nOuts[b], (a + b) % 4, 0, 3.0));
        backpropCase(new Layer(nIns[a], nOuts[b], 2, 2, 3.0));
        backpropCase(new Layer(nIns[a], nOuts[b], 1, 1, 3.0));
        freeAll();
      }
    }
    expect<i32>(skippedRows).toBeGreaterThan(100, "rows the SIMD kernel skipped (the skip must be exercised)");
  });

  it("each lane sum starts at +0 (a row of -0 products gives +0, as in the twin)", () => {
    seed(5);
    for (let q = 0; q < 2; q++) {
      const L = new Layer(1, q == 0 ? 16 : 27, 0, 0, 1.0);
      store<i32>(L.tIn, 0);
      for (let j = 0; j < L.stride; j++) {
        store<f32>(L.w + (<usize>j << 2), -0.0);
        store<i32>(L.tOut + (<usize>j << 2), 100);
        store<f32>(L.delta + (<usize>j << 2), 0.5);
      }
      backpropCase(L);
      freeAll();
    }
  });
});

// ------------------------------------------------------------------------- minibatch gradient

/** wantSum 1: BS4NN's form (S returned); 0: S4NN's (the SIMD kernel's paired-rows path, S = 0). */
function gradCase(L: Layer, steps: i32, wantSum: i32): void {
  const n = L.nIn * L.stride;
  const g0 = alloc(n * 4);
  for (let k = 0; k < n; k++) store<f32>(g0 + (<usize>k << 2), rndF32(-1, 1));
  const g1 = dup(g0, n * 4), g2 = dup(g0, n * 4);
  for (let s = 0; s < steps; s++) {
    const a = ttfs_grad_accum_f32_simd(g1, L.w, L.nIn, L.stride, L.tIn, L.tOut, L.delta, wantSum);
    const b = ttfs_grad_accum_f32_ref(g2, L.w, L.nIn, L.stride, L.tIn, L.tOut, L.delta, wantSum);
    const name = caseName(L, "grad step " + s.toString() + " wantSum " + wantSum.toString());
    if (wantSum == 0) expect<f64>(a).toBe(0, name + "S without wantSum");
    expect<u64>(bits64(a)).toBe(bits64(b), name + "returned S (f64 bits)");
    expect<i32>(diff32(g1, g2, n)).toBe(-1, name + "first differing g");
  }
}

describe("ttfs_grad_accum_f32", () => {
  it("hand-computed ttfs_forward_f32 case", () => {
    checkHandForwardF32();
  });

  it("_simd == _ref (accumulated g, returned f64), with and without the sum S", () => {
    seed(2024);
    const nIns: i32[] = [37, 100];
    const nOuts: i32[] = [10, 13, 27, 64, 71];
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < nOuts.length; b++) {
        for (let ws = 0; ws < 2; ws++) {
          gradCase(new Layer(nIns[a], nOuts[b], (a + b) % 3, 0, 1.0), 2, ws);
          gradCase(new Layer(nIns[a], nOuts[b], 0, 2, 1.0), 1, ws);
        }
        freeAll();
      }
    }
  });
});

// ------------------------------------------------------------------------- per-neuron sign counts

function signCountsCase(L: Layer): void {
  const n = L.nIn * L.stride;
  const sg = alloc(n * 2);
  for (let x = 0; x < n; x++) {
    const w = load<f32>(L.w + (<usize>x << 2));
    store<i16>(sg + (<usize>x << 1), <i16>(w > 0 ? 1 : w < 0 ? -1 : 0));
  }
  // two stride lanes each: the counts, then the SIMD kernel's scratch (the narrowed output times)
  const o1 = alloc(L.stride * 4, 0x5a), o2 = alloc(L.stride * 4, 0x5a);
  ttfs_sign_counts_i16_simd(sg, L.nIn, L.nOut, L.stride, L.tIn, L.tOut, L.delta, o1);
  ttfs_sign_counts_i16_ref(sg, L.nIn, L.nOut, L.stride, L.tIn, L.tOut, L.delta, o2);
  const name = caseName(L, "sign counts");
  expect<i32>(diff16(o1, o2, L.stride)).toBe(-1, name + "first differing count");
  // the definition, written out again, for every neuron with a non-zero delta (the ones the host reads)
  for (let j = 0; j < L.stride; j++) {
    if (load<f32>(L.delta + (<usize>j << 2)) == 0) continue;
    let c = 0;
    for (let i = 0; i < L.nIn; i++) {
      if (load<i32>(L.tIn + (<usize>i << 2)) < load<i32>(L.tOut + (<usize>j << 2))) c += <i32>load<i16>(sg + ((<usize>(i * L.stride + j)) << 1));
    }
    expect<i32>(<i32>load<i16>(o1 + (<usize>j << 1))).toBe(c, name + "count of neuron " + j.toString());
  }
}

describe("ttfs_sign_counts_i16", () => {
  it("_simd == _ref == the definition (C_j = sum_i [t_i < t_j] sign(w_ij))", () => {
    seed(99);
    const nIns: i32[] = [37, 100, 784];
    const nOuts: i32[] = [10, 13, 27, 600];
    let c = 0;
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < nOuts.length; b++) {
        signCountsCase(new Layer(nIns[a], nOuts[b], c & 3, c % 3 == 2 ? 2 : 0, 1));
        c++;
        freeAll();
      }
    }
  });
  it("every count of active rows modulo the kernel's groups of eight (1 to 40 inputs)", () => {
    seed(7);
    for (let n = 1; n <= 40; n++) {
      signCountsCase(new Layer(n, 13, n & 3, n % 3 == 2 ? 2 : 0, 1));
      freeAll();
    }
  });
});

// ------------------------------------------------------------------------- row flags

describe("ttfs_mark_rows", () => {
  it("both variants: flags the inputs before the latest output with a non-zero delta, keeps earlier flags", () => {
    seed(77);
    const nIns: i32[] = [0, 7, 16, 37, 784];
    for (let a = 0; a < nIns.length; a++) {
      for (let dm = 0; dm < 3; dm++) {
        // deltaMode 0: dense deltas; 1: all zero (cut -1: no row); 2: one active neuron
        const L = new Layer(max(nIns[a], 1), 27, a % 3, dm, 1.0);
        const nIn = nIns[a];
        let cut = -1;
        for (let j = 0; j < L.nOut; j++) {
          if (load<f32>(L.delta + (<usize>j << 2)) != 0) cut = max(cut, load<i32>(L.tOut + (<usize>j << 2)));
        }
        const f0 = alloc(max(nIn, 1));
        for (let i = 0; i < nIn; i++) store<u8>(f0 + <usize>i, chance(10) ? 1 : 0); // flags from earlier samples
        const f1 = alloc(max(nIn, 1)), f2 = alloc(max(nIn, 1));
        memory.copy(f1, f0, <usize>nIn); memory.copy(f2, f0, <usize>nIn);
        ttfs_mark_rows_simd(L.tIn, nIn, L.tOut, L.delta, L.nOut, f1);
        ttfs_mark_rows_ref(L.tIn, nIn, L.tOut, L.delta, L.nOut, f2);
        let bad = -1;
        for (let i = 0; i < nIn && bad < 0; i++) {
          const want: u8 = load<u8>(f0 + <usize>i) != 0 || load<i32>(L.tIn + (<usize>i << 2)) < cut ? 1 : 0;
          if (load<u8>(f1 + <usize>i) != want || load<u8>(f2 + <usize>i) != want) bad = i;
        }
        expect<i32>(bad).toBe(-1, "nIn=" + nIn.toString() + " deltaMode=" + dm.toString() + ": first wrong flag");
        freeAll();
      }
    }
  });
});

describe("ttfs_clear_rows / ttfs_add_rows", () => {
  it("both variants: flagged rows zeroed and unflagged, flagged rows added (f32 bits) and flagged in the destination", () => {
    seed(78);
    const nIns: i32[] = [1, 15, 16, 33, 784];
    const strides: i32[] = [8, 16, 400];
    for (let a = 0; a < nIns.length; a++) {
      for (let b = 0; b < strides.length; b++) {
        const nIn = nIns[a], stride = strides[b], n = nIn * stride;
        const g = alloc(n * 4), h = alloc(n * 4), fs = alloc(nIn), fd = alloc(nIn);
        for (let i = 0; i < n; i++) {
          store<f32>(g + (<usize>i << 2), chance(5) ? <f32>-0.0 : rndF32(-3, 3));
          store<f32>(h + (<usize>i << 2), chance(5) ? <f32>-0.0 : rndF32(-3, 3));
        }
        for (let r = 0; r < nIn; r++) { store<u8>(fs + <usize>r, chance(20) ? 1 : 0); store<u8>(fd + <usize>r, chance(20) ? 1 : 0); }
        const name = "nIn=" + nIn.toString() + " stride=" + stride.toString() + ": ";
        // add: dst g, src h
        const g1 = dup(g, n * 4), g2 = dup(g, n * 4), d1 = dup(fd, nIn), d2 = dup(fd, nIn);
        ttfs_add_rows_simd(g1, h, stride, fs, d1, nIn);
        ttfs_add_rows_ref(g2, h, stride, fs, d2, nIn);
        let badW = -1, badF = -1;
        for (let r = 0; r < nIn; r++) {
          const on = load<u8>(fs + <usize>r) != 0;
          const wantF: u8 = on || load<u8>(fd + <usize>r) != 0 ? 1 : 0;
          if (badF < 0 && (load<u8>(d1 + <usize>r) != wantF || load<u8>(d2 + <usize>r) != wantF)) badF = r;
          for (let j = 0; j < stride && badW < 0; j++) {
            const o = (<usize>(r * stride + j)) << 2;
            const want = on ? load<f32>(g + o) + load<f32>(h + o) : load<f32>(g + o);
            if (reinterpret<u32>(load<f32>(g1 + o)) != reinterpret<u32>(want) || reinterpret<u32>(load<f32>(g2 + o)) != reinterpret<u32>(want)) badW = r * stride + j;
          }
        }
        expect<i32>(badW).toBe(-1, name + "add: first wrong float");
        expect<i32>(badF).toBe(-1, name + "add: first wrong destination flag");
        // clear: the flagged rows of g1 (dst flags d1)
        const g3 = dup(g1, n * 4), c1 = dup(d1, nIn), c2 = dup(d1, nIn);
        ttfs_clear_rows_simd(g1, stride, c1, nIn);
        ttfs_clear_rows_ref(g3, stride, c2, nIn);
        let badC = -1;
        for (let r = 0; r < nIn && badC < 0; r++) {
          const on = load<u8>(d1 + <usize>r) != 0;
          if (load<u8>(c1 + <usize>r) != 0 || load<u8>(c2 + <usize>r) != 0) badC = r;
          for (let j = 0; j < stride && badC < 0; j++) {
            const o = (<usize>(r * stride + j)) << 2;
            const want = on ? 0 : reinterpret<u32>(load<f32>(g2 + o));
            if (reinterpret<u32>(load<f32>(g1 + o)) != want || reinterpret<u32>(load<f32>(g3 + o)) != want) badC = r;
          }
        }
        expect<i32>(badC).toBe(-1, name + "clear: first wrong row or flag");
        freeAll();
      }
    }
  });
});
