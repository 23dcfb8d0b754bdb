// Back-propagation through one binary BNN layer to the layer below, with BinaryNet's straight-through
// estimator (hardtanh): for every input i of the layer,
//   dzb_i = sum_j dz_j sign(w_ji)   if |zb_i| <= 1,   else 0
// with sign(w) = +1 for w >= 0 (-0 included) and -1 otherwise (NaN too), the sum taken in f64 over j
// ascending from +0 and rounded to f32 once: the arithmetic of the host loop it replaces, so the BNN's
// weights keep their bits. Terms with dz_j = 0 add +-0, which leaves the sum unchanged (it can never be -0:
// it starts at +0), so both versions add every term, branch-free.
//   w   f32 [nOut][cols] (row j: the latent weights of output j; the first nIn columns are real)
//   dz  f32 [nOut], zb f32 [nIn] (the layer below's pre-activations), dzb f32 [nIn] (out)

/** SIMD: two inputs per f64x2 accumulator, eight inputs per pass over dz, then four, then one at a time.
 *  A term is dz_j with its sign bit flipped where w_ji < 0 (or NaN): one f32 compare per four weights, its
 *  lanes widened to the two f64x2 halves, and an xor, the same bits as negating (negation flips the sign bit
 *  and nothing else). Four accumulators per pass of eight: a pass is one add per accumulator and j, so the four
 *  chains keep the adder busy where one pair waited on its latency (1.3x on the BNN's 600 x 10 layer against two
 *  accumulators with a promote, compare and bitselect per pair of weights; docs/kernel-changes.md). */
export function bin_ste_backprop_simd(w: usize, nOut: i32, nIn: i32, cols: i32, dz: usize, zb: usize, dzb: usize): void {
  const rowBytes = <usize>cols << 2;
  let i = 0;
  for (; i + 8 <= nIn; i += 8) {
    const io = <usize>i << 2;
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let wr = w + io;
    for (let j = 0; j < nOut; j++, wr += rowBytes) {
      const d = f64x2.splat(<f64>load<f32>(dz + (<usize>j << 2)));
      const k0 = keepsSign(v128.load(wr)), k1 = keepsSign(v128.load(wr, 16));
      a0 = f64x2.add(a0, signedTerm(d, i64x2.extend_low_i32x4_s(k0)));
      a1 = f64x2.add(a1, signedTerm(d, i64x2.extend_high_i32x4_s(k0)));
      a2 = f64x2.add(a2, signedTerm(d, i64x2.extend_low_i32x4_s(k1)));
      a3 = f64x2.add(a3, signedTerm(d, i64x2.extend_high_i32x4_s(k1)));
    }
    storeWindowed(dzb + io, zb + io, a0, a1);
    storeWindowed(dzb + io + 16, zb + io + 16, a2, a3);
  }
  for (; i + 4 <= nIn; i += 4) {
    const io = <usize>i << 2;
    let a0 = f64x2.splat(0), a1 = a0;
    let wr = w + io;
    for (let j = 0; j < nOut; j++, wr += rowBytes) {
      const d = f64x2.splat(<f64>load<f32>(dz + (<usize>j << 2)));
      const k0 = keepsSign(v128.load(wr));
      a0 = f64x2.add(a0, signedTerm(d, i64x2.extend_low_i32x4_s(k0)));
      a1 = f64x2.add(a1, signedTerm(d, i64x2.extend_high_i32x4_s(k0)));
    }
    storeWindowed(dzb + io, zb + io, a0, a1);
  }
  for (; i < nIn; i++) ste_one(w, nOut, cols, dz, zb, dzb, i);
}

/** All-ones lanes where w >= 0 (the term keeps dz's sign: -0 included), zero where w < 0 or NaN. */
// @ts-ignore: decorator
@inline function keepsSign(wv: v128): v128 { return f32x4.ge(wv, f32x4.splat(0)); }

/** d with its sign bit flipped in the f64 lanes whose (widened) mask k is zero: -d there, bit for bit. */
// @ts-ignore: decorator
@inline function signedTerm(d: v128, k: v128): v128 { return v128.xor(d, v128.andnot(i64x2.splat(0x8000000000000000), k)); }

/** Four inputs' sums (two f64x2) rounded to f32 and stored where hardtanh's window |zb| <= 1 holds, else +0 (NaN
 *  compares false: +0). */
// @ts-ignore: decorator
@inline function storeWindowed(dst: usize, zb: usize, a0: v128, a1: v128): void {
  const r = v128.shuffle<f32>(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5);
  v128.store(dst, v128.and(r, f32x4.le(f32x4.abs(v128.load(zb)), f32x4.splat(1))));
}

// @ts-ignore: decorator
@inline function ste_one(w: usize, nOut: i32, cols: i32, dz: usize, zb: usize, dzb: usize, i: i32): void {
  let acc: f64 = 0;
  for (let j = 0; j < nOut; j++) {
    const d = <f64>load<f32>(dz + (<usize>j << 2));
    acc += load<f32>(w + ((<usize>j * <usize>cols + <usize>i) << 2)) >= 0 ? d : -d;
  }
  store<f32>(dzb + (<usize>i << 2), Mathf.abs(load<f32>(zb + (<usize>i << 2))) <= 1 ? <f32>acc : 0);
}

/** Scalar twin. */
export function bin_ste_backprop_ref(w: usize, nOut: i32, nIn: i32, cols: i32, dz: usize, zb: usize, dzb: usize): void {
  for (let i = 0; i < nIn; i++) ste_one(w, nOut, cols, dz, zb, dzb, i);
}
