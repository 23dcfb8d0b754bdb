// Binary matrix-vector products by popcount (BNN forward). Scalar i64.popcnt, not i8x16.popcnt:
// toolchain.md measured V8's emulated i8x16.popcnt no faster than the scalar instruction, so the
// "SIMD" here is 64 lanes per popcount; the _ref twins count bit by bit.

/**
 * out_j = sum_c a_jc x_c for +-1 vectors packed with bit 1 = +1: nValid - 2 popc(w_j XOR x).
 *
 * Four rows at a time: each x word is loaded once for four rows, and the four mismatch counts are
 * independent dependency chains (one serial chain per row left the popcount unit waiting on the
 * add's latency: 42-61% of the popcount probe, which runs four chains). Integer sums: exact.
 */
export function bin_xnor_gemv_popc(w: usize, x: usize, rows: i32, words: i32, nValid: i32, out: usize): void {
  const rowBytes = <usize>words << 3;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w0 = w + <usize>r * rowBytes, w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
    let m0: i64 = 0, m1: i64 = 0, m2: i64 = 0, m3: i64 = 0;
    let o: usize = 0;
    // two words of the four rows per iteration (1.05-1.09x against one: docs/kernel-changes.md), then an odd last word
    for (; o + 16 <= rowBytes; o += 16) {
      const xv = load<u64>(x + o), xw = load<u64>(x + o, 8);
      m0 += popcnt<i64>(load<u64>(w0 + o) ^ xv) + popcnt<i64>(load<u64>(w0 + o, 8) ^ xw);
      m1 += popcnt<i64>(load<u64>(w1 + o) ^ xv) + popcnt<i64>(load<u64>(w1 + o, 8) ^ xw);
      m2 += popcnt<i64>(load<u64>(w2 + o) ^ xv) + popcnt<i64>(load<u64>(w2 + o, 8) ^ xw);
      m3 += popcnt<i64>(load<u64>(w3 + o) ^ xv) + popcnt<i64>(load<u64>(w3 + o, 8) ^ xw);
    }
    if (o < rowBytes) {
      const xv = load<u64>(x + o);
      m0 += popcnt<i64>(load<u64>(w0 + o) ^ xv);
      m1 += popcnt<i64>(load<u64>(w1 + o) ^ xv);
      m2 += popcnt<i64>(load<u64>(w2 + o) ^ xv);
      m3 += popcnt<i64>(load<u64>(w3 + o) ^ xv);
    }
    // padding bits are 0 in both, so they count as matches: subtract them via nValid
    const q = out + (<usize>r << 2);
    store<i32>(q, nValid - 2 * <i32>m0);
    store<i32>(q, nValid - 2 * <i32>m1, 4);
    store<i32>(q, nValid - 2 * <i32>m2, 8);
    store<i32>(q, nValid - 2 * <i32>m3, 12);
  }
  for (; r < rows; r++) {
    const wr = w + <usize>r * rowBytes;
    // two chains over alternate words for the last rows
    let m0: i64 = 0, m1: i64 = 0;
    let o: usize = 0;
    for (; o + 16 <= rowBytes; o += 16) {
      m0 += popcnt<i64>(load<u64>(wr + o) ^ load<u64>(x + o));
      m1 += popcnt<i64>(load<u64>(wr + o, 8) ^ load<u64>(x + o, 8));
    }
    if (o < rowBytes) m0 += popcnt<i64>(load<u64>(wr + o) ^ load<u64>(x + o));
    store<i32>(out + (<usize>r << 2), nValid - 2 * <i32>(m0 + m1));
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
 * planes: from bin_pack_u8_planes, word-interleaved (u64 k * 8 + b = word k of plane b).
 *
 * Word-outer: each weight word is loaded once and ANDed with the 8 planes' words into 8 independent
 * per-plane counts (plane-outer loops made one serial add chain per plane and read each weight word
 * 8 times). The interleaved layout puts those 8 words at fixed offsets from one address, so a
 * weight word costs two address computations, not nine. The planes of a 784-input image (13 x 64
 * bytes) stay in L1 across rows.
 */
export function bin_andpopc_planes_gemv_popc(w: usize, planes: usize, rows: i32, words: i32, out: usize): void {
  const rowBytes = <usize>words << 3;
  let c0: i64 = 0, c1: i64 = 0, c2: i64 = 0, c3: i64 = 0, c4: i64 = 0, c5: i64 = 0, c6: i64 = 0, c7: i64 = 0;
  for (let o: usize = 0; o < rowBytes; o += 8) {
    const q = planes + (o << 3);
    c0 += popcnt<i64>(load<u64>(q)); c1 += popcnt<i64>(load<u64>(q, 8));
    c2 += popcnt<i64>(load<u64>(q, 16)); c3 += popcnt<i64>(load<u64>(q, 24));
    c4 += popcnt<i64>(load<u64>(q, 32)); c5 += popcnt<i64>(load<u64>(q, 40));
    c6 += popcnt<i64>(load<u64>(q, 48)); c7 += popcnt<i64>(load<u64>(q, 56));
  }
  const pcAll = weigh_planes(c0, c1, c2, c3, c4, c5, c6, c7);
  for (let r = 0; r < rows; r++) {
    const wr = w + <usize>r * rowBytes;
    let s0: i64 = 0, s1: i64 = 0, s2: i64 = 0, s3: i64 = 0, s4: i64 = 0, s5: i64 = 0, s6: i64 = 0, s7: i64 = 0;
    for (let o: usize = 0; o < rowBytes; o += 8) {
      const wv = load<u64>(wr + o);
      const q = planes + (o << 3);
      s0 += popcnt<i64>(wv & load<u64>(q));
      s1 += popcnt<i64>(wv & load<u64>(q, 8));
      s2 += popcnt<i64>(wv & load<u64>(q, 16));
      s3 += popcnt<i64>(wv & load<u64>(q, 24));
      s4 += popcnt<i64>(wv & load<u64>(q, 32));
      s5 += popcnt<i64>(wv & load<u64>(q, 40));
      s6 += popcnt<i64>(wv & load<u64>(q, 48));
      s7 += popcnt<i64>(wv & load<u64>(q, 56));
    }
    store<i32>(out + (<usize>r << 2), 2 * weigh_planes(s0, s1, s2, s3, s4, s5, s6, s7) - pcAll);
  }
}

/** sum_b 2^b count_b */
// @ts-ignore: decorator
@inline function weigh_planes(s0: i64, s1: i64, s2: i64, s3: i64, s4: i64, s5: i64, s6: i64, s7: i64): i32 {
  return <i32>s0 + (<i32>s1 << 1) + (<i32>s2 << 2) + (<i32>s3 << 3)
    + (<i32>s4 << 4) + (<i32>s5 << 5) + (<i32>s6 << 6) + (<i32>s7 << 7);
}
export function bin_andpopc_planes_gemv_ref(w: usize, planes: usize, rows: i32, words: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < words * 64; c++) {
      let p = 0;
      for (let b = 0; b < 8; b++) p |= <i32>((load<u64>(planes + ((<usize>(c >> 6) * 8 + <usize>b) << 3)) >> <u64>(c & 63)) & 1) << b;
      const wb = <i32>((load<u64>(w + ((<usize>r * <usize>words + <usize>(c >> 6)) << 3)) >> <u64>(c & 63)) & 1);
      s += (2 * wb - 1) * p;
    }
    store<i32>(out + (<usize>r << 2), s);
  }
}
