// Binary matrix-vector products by popcount (BNN forward). Scalar i64.popcnt, not i8x16.popcnt:
// toolchain.md measured V8's emulated i8x16.popcnt no faster than the scalar instruction, so the
// "SIMD" here is 64 lanes per popcount; the _ref twins count bit by bit.

/** out_j = sum_c a_jc x_c for +-1 vectors packed with bit 1 = +1: nValid - 2 popc(w_j XOR x). */
export function bin_xnor_gemv_popc(w: usize, x: usize, rows: i32, words: i32, nValid: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const wr = w + ((<usize>r * <usize>words) << 3);
    let mism: i64 = 0;
    for (let k = 0; k < words; k++) mism += popcnt<i64>(load<u64>(wr + (<usize>k << 3)) ^ load<u64>(x + (<usize>k << 3)));
    // padding bits are 0 in both, so they count as matches: subtract them via nValid
    store<i32>(out + (<usize>r << 2), nValid - 2 * <i32>mism);
  }
}
export function bin_xnor_gemv_ref(w: usize, x: usize, rows: i32, words: i32, nValid: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < nValid; c++) {
      const wb = <i32>((load<u64>(w + ((<usize>r * <usize>words + <usize>(c >> 6)) << 3)) >> <u64>(c & 63)) & 1);
      const xb = <i32>((load<u64>(x + (<usize>(c >> 6) << 3)) >> <u64>(c & 63)) & 1);
      s += (2 * wb - 1) * (2 * xb - 1);
    }
    store<i32>(out + (<usize>r << 2), s);
  }
}

/**
 * First BNN layer on 8-bit inputs (Courbariaux et al.'s bit-plane trick): for +-1 weights packed with
 * bit 1 = +1, out_j = sum_c w_jc p_c = sum_b 2^b (2 popc(W_j AND X_b) - popc(X_b)), exact integers.
 * planes: 8 planes of `words` u64 from bin_pack_u8_planes.
 */
export function bin_andpopc_planes_gemv_popc(w: usize, planes: usize, rows: i32, words: i32, out: usize): void {
  let pc0 = 0, pcAll = 0;
  for (let b = 0; b < 8; b++) {
    let s = 0;
    for (let k = 0; k < words; k++) s += <i32>popcnt<i64>(load<u64>(planes + ((<usize>b * <usize>words + <usize>k) << 3)));
    pcAll += s << b;
  }
  pc0 = pcAll;
  for (let r = 0; r < rows; r++) {
    const wr = w + ((<usize>r * <usize>words) << 3);
    let acc = 0;
    for (let b = 0; b < 8; b++) {
      const pb = planes + ((<usize>b * <usize>words) << 3);
      let s: i64 = 0;
      for (let k = 0; k < words; k++) s += popcnt<i64>(load<u64>(wr + (<usize>k << 3)) & load<u64>(pb + (<usize>k << 3)));
      acc += (<i32>s) << b;
    }
    store<i32>(out + (<usize>r << 2), 2 * acc - pc0);
  }
}
export function bin_andpopc_planes_gemv_ref(w: usize, planes: usize, rows: i32, words: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < words * 64; c++) {
      let p = 0;
      for (let b = 0; b < 8; b++) p |= <i32>((load<u64>(planes + ((<usize>b * <usize>words + <usize>(c >> 6)) << 3)) >> <u64>(c & 63)) & 1) << b;
      const wb = <i32>((load<u64>(w + ((<usize>r * <usize>words + <usize>(c >> 6)) << 3)) >> <u64>(c & 63)) & 1);
      s += (2 * wb - 1) * p;
    }
    store<i32>(out + (<usize>r << 2), s);
  }
}
