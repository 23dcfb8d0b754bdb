// Bit-packing of signs and of 8-bit inputs, after Larq Compute Engine's conventions written down:
// bit 1 = +1 (a weight >= 0 packs as +1 for the BNN, whose weights are never 0 in the forward pass;
// the two-plane form keeps exact zeros for BS4NN's sign(0) = 0). Ragged lengths: bits past `cols`
// are 0 in every row, and the GEMV kernels correct for them with the true length.

/**
 * Packs element (r, c) = src[(r * rs + c * cs)] for r < rows, c < cols into `words` u64 per row:
 * pos gets bit c when the value > 0, neg when < 0 (neg = 0 pointer: skip it, and pos takes >= 0).
 */
export function bin_pack_signs(src: usize, rows: i32, cols: i32, rs: i32, cs: i32, words: i32, pos: usize, neg: usize): void {
  if (cs == 1 && neg == 0) { pack_rows_ge0(src, rows, cols, rs, words, pos); return; }
  for (let r = 0; r < rows; r++) {
    const pr = pos + ((<usize>r * <usize>words) << 3);
    const nr = neg + ((<usize>r * <usize>words) << 3);
    for (let w = 0; w < words; w++) {
      let pb: u64 = 0, nb: u64 = 0;
      const c0 = w << 6;
      const c1 = min(cols, c0 + 64);
      for (let c = c0; c < c1; c++) {
        const x = load<f32>(src + ((<usize>r * <usize>rs + <usize>c * <usize>cs) << 2));
        const bit = <u64>1 << <u64>(c - c0);
        if (neg == 0) { if (x >= 0) pb |= bit; }
        else { if (x > 0) pb |= bit; else if (x < 0) nb |= bit; }
      }
      store<u64>(pr + (<usize>w << 3), pb);
      if (neg != 0) store<u64>(nr + (<usize>w << 3), nb);
    }
  }
}

/**
 * Packs n bytes into 8 bit planes, word-interleaved: u64 number k * 8 + b holds bits 64k .. 64k + 63 of
 * plane b, and plane b has bit i set when bit b of src[i] is set. Interleaved so that the gemv reads
 * the 8 planes' words of one weight word at fixed offsets from one address (see gemv.ts).
 */
export function bin_pack_u8_planes(src: usize, n: i32, words: i32, planes: usize): void {
  memory.fill(planes, 0, <usize>(words * 8) << 3);
  for (let i = 0; i < n; i++) {
    const x = <u32>load<u8>(src + <usize>i);
    if (x == 0) continue;
    const wo = <usize>(i >> 6) << 6;
    const bit = <u64>1 << <u64>(i & 63);
    for (let b = 0; b < 8; b++) {
      if ((x >> b) & 1) {
        const a = planes + wo + (<usize>b << 3);
        store<u64>(a, load<u64>(a) | bit);
      }
    }
  }
}

/** Contiguous rows, one plane (bit = x >= 0): four signs per SIMD compare + bitmask. Same bits as the
 *  scalar loop (NaN packs as 0 in both; -0 as 1). */
function pack_rows_ge0(src: usize, rows: i32, cols: i32, rs: i32, words: i32, pos: usize): void {
  const z = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = src + ((<usize>r * <usize>rs) << 2);
    const pr = pos + ((<usize>r * <usize>words) << 3);
    for (let w = 0; w < words; w++) {
      const c0 = w << 6;
      const c1 = min(cols, c0 + 64);
      let bits: u64 = 0;
      let c = c0;
      for (; c + 4 <= c1; c += 4) {
        const m = <u64>i32x4.bitmask(f32x4.ge(v128.load(row + (<usize>c << 2)), z));
        bits |= m << <u64>(c - c0);
      }
      for (; c < c1; c++) if (load<f32>(row + (<usize>c << 2)) >= 0) bits |= <u64>1 << <u64>(c - c0);
      store<u64>(pr + (<usize>w << 3), bits);
    }
  }
}
