// Binary GEMV kernels (popcount against bit-by-bit twins), the packers that feed them and the BNN's
// straight-through backward, on
// lengths that are not multiples of 64. Each result is also checked against the plain integer dot
// product of the unpacked values.
import {
  bin_pack_signs, bin_pack_u8_planes,
  bin_xnor_gemv_popc, bin_xnor_gemv_ref, bin_andpopc_planes_gemv_popc, bin_andpopc_planes_gemv_ref,
  bin_ste_backprop_simd, bin_ste_backprop_ref,
} from "../index";
import { seed, rnd, rndF32, chance, alloc, freeAll, diff32, checkHandForwardF32 } from "./util";

/** rows x cols f32, row-major, values in [-1, 1) with ~10% exact +0 / -0. */
function randomMatrix(rows: i32, cols: i32): usize {
  const p = alloc(rows * cols * 4);
  for (let k = 0; k < rows * cols; k++) {
    let x = rndF32(-1, 1);
    if (chance(10)) x = (rnd() & 1) != 0 ? <f32>0.0 : <f32>-0.0;
    store<f32>(p + (<usize>k << 2), x);
  }
  return p;
}

/** Sign as packed with neg = 0 (BNN convention): +1 when x >= 0 (including -0), else -1. */
function bnnSign(x: f32): i32 {
  return x >= 0 ? 1 : -1;
}

describe("binary kernels", () => {
  it("hand-computed ttfs_forward_f32 case", () => {
    checkHandForwardF32();
  });

  it("bin_pack_signs matches the direct bit definition (one and two planes, strided source)", () => {
    seed(6);
    const rows = 5, cols = 100, words = 2;
    const src = randomMatrix(rows, cols);
    // tr = 0: row-major, element (r, c) = src[r * cols + c]; tr = 1: the same buffer read
    // input-major as the TTFS layout is (rs = 1, cs = rows): element (r, c) = src[r + c * rows]
    const nr = rows, nc = cols;
    for (let tr = 0; tr < 2; tr++) {
      const rs = tr == 0 ? cols : 1, cs = tr == 0 ? 1 : rows;
      const pos = alloc(nr * words * 8, 0xff), neg = alloc(nr * words * 8, 0xff), one = alloc(nr * words * 8, 0xff);
      bin_pack_signs(src, nr, nc, rs, cs, words, pos, neg);
      bin_pack_signs(src, nr, nc, rs, cs, words, one, 0);
      // first (r * words * 64 + c) whose bits differ from the definition, -1 if none
      let badPos = -1, badNeg = -1, badOne = -1;
      for (let r = 0; r < nr; r++) {
        for (let c = 0; c < words * 64; c++) {
          const wo = (<usize>(r * words + (c >> 6))) << 3;
          const sh = <u64>(c & 63);
          let wp = 0, wn = 0, w1 = 0;
          if (c < nc) {
            const x = load<f32>(src + ((<usize>(r * rs + c * cs)) << 2));
            wp = x > 0 ? 1 : 0;
            wn = x < 0 ? 1 : 0;
            w1 = x >= 0 ? 1 : 0;
          }
          const at = r * words * 64 + c;
          if (badPos < 0 && <i32>((load<u64>(pos + wo) >> sh) & 1) != wp) badPos = at;
          if (badNeg < 0 && <i32>((load<u64>(neg + wo) >> sh) & 1) != wn) badNeg = at;
          if (badOne < 0 && <i32>((load<u64>(one + wo) >> sh) & 1) != w1) badOne = at;
        }
      }
      const name = "tr=" + tr.toString() + ": first wrong bit (r * 128 + c) of ";
      expect<i32>(badPos).toBe(-1, name + "pos plane");
      expect<i32>(badNeg).toBe(-1, name + "neg plane");
      expect<i32>(badOne).toBe(-1, name + "single plane");
    }
    freeAll();
  });

  it("bin_xnor_gemv: popc == ref == integer dot (nValid not a multiple of 64)", () => {
    seed(7);
    const ns: i32[] = [1, 63, 64, 100, 784];
    const rowsL: i32[] = [1, 4, 10, 13];
    for (let a = 0; a < ns.length; a++) {
      for (let b = 0; b < rowsL.length; b++) {
        const nValid = ns[a], rows = rowsL[b];
        const words = (nValid + 63) >> 6;
        const wf = randomMatrix(rows, nValid);
        const xf = randomMatrix(1, nValid);
        const w = alloc(rows * words * 8), x = alloc(words * 8);
        bin_pack_signs(wf, rows, nValid, nValid, 1, words, w, 0);
        bin_pack_signs(xf, 1, nValid, nValid, 1, words, x, 0);
        const o1 = alloc(rows * 4, 0xa5), o2 = alloc(rows * 4, 0xa5);
        bin_xnor_gemv_popc(w, x, rows, words, nValid, o1);
        bin_xnor_gemv_ref(w, x, rows, words, nValid, o2);
        const name = "nValid=" + nValid.toString() + " rows=" + rows.toString() + ": ";
        expect<i32>(diff32(o1, o2, rows)).toBe(-1, name + "first differing row (popc vs ref)");
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < nValid; c++) {
            s += bnnSign(load<f32>(wf + ((<usize>(r * nValid + c)) << 2))) * bnnSign(load<f32>(xf + (<usize>c << 2)));
          }
          expect<i32>(load<i32>(o2 + (<usize>r << 2))).toBe(s, name + "ref vs integer dot, row " + r.toString());
        }
        freeAll();
      }
    }
  });

  it("bin_ste_backprop: _simd == _ref == the definition (f64 sum over j, sign(-0) = +1, NaN weights -1, |zb| <= 1 window)", () => {
    seed(41);
    const outs: i32[] = [1, 3, 10, 37], ins: i32[] = [1, 3, 4, 7, 13, 64, 601]; // every path: 8, 4, then 1 input at a time
    for (let a = 0; a < outs.length; a++) for (let b = 0; b < ins.length; b++) {
      const nOut = outs[a], nIn = ins[b], cols = ((nIn + 3) & ~3) + (b & 1) * 4;
      const w = randomMatrix(nOut, cols);
      for (let k = 0; k < nOut * cols; k++) if (chance(2)) store<f32>(w + (<usize>k << 2), NaN); else if (chance(3)) store<f32>(w + (<usize>k << 2), -0.0);
      const dz = alloc(nOut * 4), zb = alloc(nIn * 4);
      for (let j = 0; j < nOut; j++) store<f32>(dz + (<usize>j << 2), chance(20) ? (chance(50) ? <f32>0.0 : <f32>-0.0) : rndF32(-1, 1) * <f32>(1 << (j % 20)));
      for (let i = 0; i < nIn; i++) {
        let z = rndF32(-2, 2);
        if (chance(10)) z = chance(50) ? <f32>1 : <f32>-1; // the window's edges are inside
        if (chance(3)) z = NaN;
        store<f32>(zb + (<usize>i << 2), z);
      }
      const d1 = alloc(nIn * 4, 0x5a), d2 = alloc(nIn * 4, 0xa5);
      bin_ste_backprop_simd(w, nOut, nIn, cols, dz, zb, d1);
      bin_ste_backprop_ref(w, nOut, nIn, cols, dz, zb, d2);
      expect<i32>(diff32(d1, d2, nIn)).toBe(-1, "nOut=" + nOut.toString() + " nIn=" + nIn.toString());
      let bad = 0;
      for (let i = 0; i < nIn; i++) {
        let acc: f64 = 0;
        for (let j = 0; j < nOut; j++) {
          const d = <f64>load<f32>(dz + (<usize>j << 2));
          if (d == 0) continue; // the host loop's skip: the same sum
          const wv = load<f32>(w + (<usize>(j * cols + i) << 2));
          acc += wv >= 0 ? d : -d;
        }
        const z = load<f32>(zb + (<usize>i << 2));
        const want: f32 = Mathf.abs(z) <= 1 ? <f32>acc : 0;
        if (reinterpret<u32>(load<f32>(d1 + (<usize>i << 2))) != reinterpret<u32>(want)) bad++;
      }
      expect<i32>(bad).toBe(0);
      freeAll();
    }
  });

  it("bin_andpopc_planes_gemv: popc == ref == integer dot (cols not a multiple of 64)", () => {
    seed(8);
    const ns: i32[] = [7, 64, 100, 784];
    const rowsL: i32[] = [1, 4, 10, 13];
    for (let a = 0; a < ns.length; a++) {
      for (let b = 0; b < rowsL.length; b++) {
        const cols = ns[a], rows = rowsL[b];
        const words = (cols + 63) >> 6;
        const wf = randomMatrix(rows, cols);
        const px = alloc(cols);
        for (let c = 0; c < cols; c++) {
          // mostly background zeros and saturated pixels, like MNIST
          const k = rnd() % 4;
          store<u8>(px + <usize>c, k == 0 ? 0 : k == 1 ? 255 : <u8>(rnd() & 255));
        }
        const w = alloc(rows * words * 8);
        bin_pack_signs(wf, rows, cols, cols, 1, words, w, 0);
        const planes = alloc(8 * words * 8, 0xff); // the packer must clear its planes itself
        bin_pack_u8_planes(px, cols, words, planes);
        const o1 = alloc(rows * 4, 0xa5), o2 = alloc(rows * 4, 0xa5);
        bin_andpopc_planes_gemv_popc(w, planes, rows, words, o1);
        bin_andpopc_planes_gemv_ref(w, planes, rows, words, o2);
        const name = "cols=" + cols.toString() + " rows=" + rows.toString() + ": ";
        expect<i32>(diff32(o1, o2, rows)).toBe(-1, name + "first differing row (popc vs ref)");
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < cols; c++) {
            s += bnnSign(load<f32>(wf + ((<usize>(r * cols + c)) << 2))) * <i32>load<u8>(px + <usize>c);
          }
          expect<i32>(load<i32>(o2 + (<usize>r << 2))).toBe(s, name + "ref vs integer dot, row " + r.toString());
        }
        freeAll();
      }
    }
  });
});
