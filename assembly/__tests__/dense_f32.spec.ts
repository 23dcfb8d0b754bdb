// Elementwise / rank-1 / Adam f32 kernels: _simd against _ref, bit for bit (f32 compared by bit
// pattern, so -0 vs +0 shows). The SIMD variants need n (or cols) a multiple of 4, f32_sign_i16 of 8.
import {
  f32_add_simd, f32_add_ref, f32_div_scalar_simd, f32_div_scalar_ref, f32_sgd_step_simd, f32_sgd_step_ref, f32_sign_i16_simd, f32_sign_i16_ref,
  f32_adam_step_simd, f32_adam_step_ref, f32_max_abs_simd, f32_max_abs_ref, f32_l2_normalise_simd, f32_l2_normalise_ref,
} from "../index";
import { seed, rnd, rndF32, chance, alloc, dup, freeAll, diff32, diff16, checkHandForwardF32 } from "./util";

/** n random floats in [lo, hi), ~6% replaced by +0 / -0 (and, when `special`, also by subnormals,
 * +-Inf, NaN, +-FLT_MAX). */
function randomF32(n: i32, lo: f32, hi: f32, special: bool): usize {
  const p = alloc(n * 4);
  for (let i = 0; i < n; i++) {
    let x = rndF32(lo, hi);
    if (chance(6)) x = (rnd() & 1) != 0 ? <f32>0.0 : <f32>-0.0;
    else if (special && chance(10)) {
      const k = rnd() % 7;
      x = k == 0 ? f32.MIN_NORMAL_VALUE / 8 : k == 1 ? -f32.MIN_NORMAL_VALUE / 8 : k == 2 ? Infinity
        : k == 3 ? -Infinity : k == 4 ? NaN : k == 5 ? f32.MAX_VALUE : -f32.MAX_VALUE;
    }
    store<f32>(p + (<usize>i << 2), x);
  }
  return p;
}

describe("dense f32 kernels", () => {
  it("hand-computed ttfs_forward_f32 case", () => {
    checkHandForwardF32();
  });

  it("f32_max_abs: _simd == _ref == max |x| by a direct loop (NaN when any element is NaN)", () => {
    seed(21);
    const ns: i32[] = [0, 3, 16, 17, 100, 4099];
    for (let k = 0; k < ns.length; k++) {
      for (let special = 0; special < 3; special++) {
        const n = ns[k];
        const x = randomF32(n, -1e3, 1e3, special == 1);
        // special == 2: exactly one NaN or one Inf, anywhere (the last element too)
        if (special == 2 && n > 0) store<f32>(x + (<usize>(rnd() % <u32>n) << 2), chance(50) ? NaN : -Infinity);
        let want: f32 = 0, nan = false;
        for (let i = 0; i < n; i++) {
          const a = abs<f32>(load<f32>(x + (<usize>i << 2)));
          if (a != a) nan = true; else if (a > want) want = a;
        }
        const name = "n=" + n.toString() + " special=" + special.toString();
        const got = f32_max_abs_simd(x, n), ref = f32_max_abs_ref(x, n);
        expect<bool>(isNaN(got)).toBe(nan, name + " simd NaN");
        expect<bool>(isNaN(ref)).toBe(nan, name + " ref NaN");
        if (!nan) {
          expect<u32>(reinterpret<u32>(got)).toBe(reinterpret<u32>(want), name + " simd bits");
          expect<u32>(reinterpret<u32>(ref)).toBe(reinterpret<u32>(want), name + " ref bits");
        }
        freeAll();
      }
    }
  });

  it("f32_l2_normalise: _simd == _ref (norm and every float), dense and sparse, with signed zeros, NaN and Inf", () => {
    seed(22);
    const ns: i32[] = [0, 3, 4, 17, 400, 9216];
    for (let k = 0; k < ns.length; k++) {
      for (let mode = 0; mode < 4; mode++) {
        const n = ns[k];
        // mode 0: dense; 1: 95% zeros in runs (STiDi's conv error); 2: all zeros; 3: one NaN or Inf among sparse values
        const x = randomF32(n, -2, 2, false);
        let zero = false;
        for (let i = 0; i < n; i++) {
          if (mode == 1 || mode == 3) { if (chance(20)) zero = chance(95); if (zero) store<f32>(x + (<usize>i << 2), chance(10) ? <f32>-0.0 : <f32>0.0); }
          if (mode == 2) store<f32>(x + (<usize>i << 2), chance(50) ? <f32>-0.0 : <f32>0.0);
        }
        if (mode == 3 && n > 0) store<f32>(x + (<usize>(rnd() % <u32>n) << 2), chance(50) ? NaN : Infinity);
        const a = dup(x, max(n, 1) * 4), b = dup(x, max(n, 1) * 4);
        const na = f32_l2_normalise_simd(a, n), nb = f32_l2_normalise_ref(b, n);
        const name = "n=" + n.toString() + " mode=" + mode.toString();
        expect<bool>(isNaN(na)).toBe(isNaN(nb), name + ": norm NaN");
        if (!isNaN(nb)) expect<u64>(reinterpret<u64>(na)).toBe(reinterpret<u64>(nb), name + ": norm bits");
        let bad = -1;
        for (let i = 0; i < n && bad < 0; i++) {
          const p = load<f32>(a + (<usize>i << 2)), q = load<f32>(b + (<usize>i << 2));
          if (isNaN(p) != isNaN(q) || (!isNaN(q) && reinterpret<u32>(p) != reinterpret<u32>(q))) bad = i;
        }
        expect<i32>(bad).toBe(-1, name + ": first differing float");
        freeAll();
      }
    }
  });

  it("f32_add: _simd == _ref", () => {
    seed(1);
    const ns: i32[] = [4, 12, 100, 1028];
    for (let k = 0; k < ns.length; k++) {
      const n = ns[k];
      const dst = randomF32(n, -1e3, 1e3, false);
      const src = randomF32(n, -1e3, 1e3, false);
      const d1 = dup(dst, n * 4), d2 = dup(dst, n * 4);
      f32_add_simd(d1, src, n);
      f32_add_ref(d2, src, n);
      expect<i32>(diff32(d1, d2, n)).toBe(-1, "n=" + n.toString() + ": first differing element");
      freeAll();
    }
  });

  it("f32_div_scalar: _simd == _ref == the f64 quotient rounded to f32 (the BNN host loop it replaced)", () => {
    seed(7);
    const ds: f32[] = [1, 3, 7, 12, 100, 256, 12345];
    const n = 4099;
    for (let q = 0; q < ds.length; q++) {
      const x = alloc(n * 4);
      for (let i = 0; i < n; i++) {
        // normal values over a wide range, subnormals, and signed zeros
        let v = reinterpret<f32>(<u32>rnd());
        if (!isFinite<f32>(v)) v = <f32>1.5;
        if (chance(5)) v = reinterpret<f32>(<u32>(rnd() & 0x807fffff));
        if (chance(2)) v = chance(50) ? <f32>0.0 : <f32>-0.0;
        store<f32>(x + (<usize>i << 2), v);
      }
      const a = dup(x, n * 4), b = dup(x, n * 4);
      f32_div_scalar_simd(a, n, ds[q]);
      f32_div_scalar_ref(b, n, ds[q]);
      expect<i32>(diff32(a, b, n)).toBe(-1, "d=" + ds[q].toString());
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const want = <f32>(<f64>load<f32>(x + (<usize>i << 2)) / <f64>ds[q]);
        if (reinterpret<u32>(load<f32>(a + (<usize>i << 2))) != reinterpret<u32>(want)) bad++;
      }
      expect<i32>(bad).toBe(0, "d=" + ds[q].toString() + ": quotients differing from the f64 one rounded");
      freeAll();
    }
  });

  it("f32_sgd_step: _simd == _ref", () => {
    seed(2);
    const ns: i32[] = [4, 36, 52, 100, 1028]; // 52: the 8-vector, 4-vector and 1-vector loops
    const decays: f32[] = [0, 1e-4, 0.5];
    for (let k = 0; k < ns.length; k++) {
      for (let d = 0; d < decays.length; d++) {
        const n = ns[k];
        const w = randomF32(n, -2, 2, false);
        const g = randomF32(n, -10, 10, false);
        const w1 = dup(w, n * 4), w2 = dup(w, n * 4);
        for (let s = 0; s < 3; s++) {
          f32_sgd_step_simd(w1, g, n, 0.01, decays[d]);
          f32_sgd_step_ref(w2, g, n, 0.01, decays[d]);
        }
        expect<i32>(diff32(w1, w2, n)).toBe(-1, "n=" + n.toString() + " decay=" + decays[d].toString() + ": first differing weight");
        freeAll();
      }
    }
  });

  it("f32_sign_i16: _simd == _ref (with +-0, subnormals, +-Inf, NaN)", () => {
    seed(3);
    const ns: i32[] = [8, 40, 56, 104, 1000]; // 56: the 32-, 16- and 8-float loops
    for (let k = 0; k < ns.length; k++) {
      const n = ns[k];
      const src = randomF32(n, -1, 1, true);
      const d1 = alloc(n * 2, 0x77), d2 = alloc(n * 2, 0x77);
      f32_sign_i16_simd(src, d1, n);
      f32_sign_i16_ref(src, d2, n);
      expect<i32>(diff16(d1, d2, n)).toBe(-1, "n=" + n.toString() + ": first differing sign");
      freeAll();
    }
  });

  it("f32_adam_step: _simd == _ref (clip 0 / 1, wd 0 / > 0, several steps)", () => {
    seed(5);
    const ns: i32[] = [4, 28, 100, 1028]; // 28: the 4-vector, 2-vector and 1-vector loops
    const clips: f32[] = [0, 1];
    const wds: f32[] = [0, 1e-4];
    const b1: f32 = 0.9, b2: f32 = 0.999;
    for (let k = 0; k < ns.length; k++) {
      for (let c = 0; c < clips.length; c++) {
        for (let d = 0; d < wds.length; d++) {
          const n = ns[k];
          const name = "n=" + n.toString() + " clip=" + clips[c].toString() + " wd=" + wds[d].toString();
          // latent weights straddle the clip range so that clipping happens
          const w = randomF32(n, -1.2, 1.2, false);
          const m = randomF32(n, -0.1, 0.1, false);
          const v = randomF32(n, 0, 0.01, false);
          const w1 = dup(w, n * 4), w2 = dup(w, n * 4);
          const m1 = dup(m, n * 4), m2 = dup(m, n * 4);
          const v1 = dup(v, n * 4), v2 = dup(v, n * 4);
          let p1: f32 = 1, p2: f32 = 1;
          for (let s = 1; s <= 3; s++) {
            const g = randomF32(n, -5, 5, false);
            p1 *= b1; p2 *= b2;
            const bc1: f32 = 1 - p1, bc2: f32 = 1 - p2;
            f32_adam_step_simd(w1, g, m1, v1, n, 0.05, b1, b2, 1e-8, bc1, bc2, wds[d], clips[c]);
            f32_adam_step_ref(w2, g, m2, v2, n, 0.05, b1, b2, 1e-8, bc1, bc2, wds[d], clips[c]);
            const at = name + " step " + s.toString() + ": ";
            expect<i32>(diff32(w1, w2, n)).toBe(-1, at + "first differing w");
            expect<i32>(diff32(m1, m2, n)).toBe(-1, at + "first differing m");
            expect<i32>(diff32(v1, v2, n)).toBe(-1, at + "first differing v");
          }
          if (clips[c] > 0) {
            let outside = 0, atBound = 0;
            for (let i = 0; i < n; i++) {
              const y = load<f32>(w1 + (<usize>i << 2));
              if (!(y >= -1 && y <= 1)) outside++;
              if (y == 1 || y == -1) atBound++;
            }
            expect<i32>(outside).toBe(0, name + ": weights outside [-1, 1] after clipping");
            if (n >= 100) expect<i32>(atBound).toBeGreaterThan(0, name + ": the clip was never active");
          }
          freeAll();
        }
      }
    }
  });

  it("f32_adam_step: moments below the normal range are stored as +0, NaN is kept (_simd == _ref == definition)", () => {
    seed(6);
    const n = 1028;
    const b1: f32 = 0.9, b2: f32 = 0.999, tiny = f32.MIN_NORMAL_VALUE;
    // moments around the bottom of the normal range, half the gradients 0, a few NaN moments
    const w = randomF32(n, -1, 1, false), g = alloc(n * 4), m = alloc(n * 4), v = alloc(n * 4);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(g + o, chance(50) ? <f32>0 : rndF32(-1e-20, 1e-20));
      store<f32>(m + o, chance(50) ? rndF32(-2, 2) * tiny : rndF32(-1e-3, 1e-3));
      store<f32>(v + o, rndF32(0, 2) * tiny);
    }
    store<f32>(m + 40, NaN);
    const w1 = dup(w, n * 4), w2 = dup(w, n * 4), m1 = dup(m, n * 4), m2 = dup(m, n * 4), v1 = dup(v, n * 4), v2 = dup(v, n * 4);
    f32_adam_step_simd(w1, g, m1, v1, n, 1e-3, b1, b2, 1e-8, 0.5, 0.5, 0, 0);
    f32_adam_step_ref(w2, g, m2, v2, n, 1e-3, b1, b2, 1e-8, 0.5, 0.5, 0, 0);
    expect<i32>(diff32(w1, w2, n)).toBe(-1, "first differing w");
    expect<i32>(diff32(m1, m2, n)).toBe(-1, "first differing m");
    expect<i32>(diff32(v1, v2, n)).toBe(-1, "first differing v");
    let flushedM = 0, flushedV = 0, wrong = 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const gg = load<f32>(g + o);
      const em = b1 * load<f32>(m + o) + (1 - b1) * gg, ev = b2 * load<f32>(v + o) + (1 - b2) * (gg * gg);
      const wantM: f32 = Mathf.abs(em) < tiny ? 0 : em, wantV: f32 = Mathf.abs(ev) < tiny ? 0 : ev;
      const gotM = load<f32>(m1 + o), gotV = load<f32>(v1 + o);
      if (i == 10) { if (!isNaN(gotM)) wrong++; continue; }
      if (reinterpret<u32>(gotM) != reinterpret<u32>(wantM) || reinterpret<u32>(gotV) != reinterpret<u32>(wantV)) wrong++;
      if (em != 0 && wantM == 0) flushedM++;
      if (ev != 0 && wantV == 0) flushedV++;
    }
    expect<i32>(wrong).toBe(0, "moments differing from the flushed definition (or NaN lost)");
    expect<i32>(flushedM).toBeGreaterThan(20, "first moments that were flushed");
    expect<i32>(flushedV).toBeGreaterThan(20, "second moments that were flushed");
    freeAll();
  });
});
