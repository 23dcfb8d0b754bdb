// 2x2 max pooling, stride 2, over `planes` planes of H x W (floor: an odd last row/column is dropped,
// as PyTorch's MaxPool2d(2)). arg (u8 per output, optional: 0 = do not record) holds which of the four
// window positions won (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right); ties go to the first
// in that order (PyTorch's rule). On 0/1 spike maps the maximum is the logical OR of the window.
// y must not overlap x (a ragged row's last vector recomputes windows already written).
// Backward: dx = 0 except dx[winner] = dy (windows do not overlap); it moves data only: one version.

/**
 * SIMD version. Each window's maximum is m = v0, then m = v1 where v1 > m, then v2, then v3: that is
 * pmax(pmax(pmax(v0, v1), v2), v3) with wasm's pmax(a, b) = a < b ? b : a, so ties, -0 against +0 and NaN
 * go exactly as in the scalar twin. Four windows at a time: two vectors of a row hold their left and right
 * columns, split by one shuffle each. The proxy SNN calls this on its 0/1 spike maps at every time step, where
 * the twin's data-dependent branches mispredicted on most windows. With `arg` (the ANN's forward) the winner
 * is recorded too: the same chain written as the twin's branches, m = v_i and k = i where v_i > m (f32x4.gt:
 * false on NaN, as the scalar `>`), by bitselect; the four i32 winners are narrowed to four bytes.
 */
export function f32_maxpool2_simd(x: usize, planes: i32, H: i32, W: i32, y: usize, arg: usize): void {
  // The winners' path is a function of its own: written in this loop, its per-row test changed V8's code for the
  // spike-map path (0.89x, scripts/ab-proxy-kernels.mjs).
  if (arg != 0) { maxpool2_arg_simd(x, planes, H, W, y, arg); return; }
  const Ho = H >> 1, Wo = W >> 1;
  const rowBytes = <usize>W << 2;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>(p * H * W)) << 2), yp = y + ((<usize>(p * Ho * Wo)) << 2);
    for (let oy = 0; oy < Ho; oy++) {
      const r0 = xp + (<usize>(2 * oy) * rowBytes), r1 = r0 + rowBytes, out = yp + ((<usize>(oy * Wo)) << 2);
      let ox = 0;
      for (; ox + 4 <= Wo; ox += 4) pool4(r0, r1, out, ox);
      // A ragged end (28 wide: 14 windows, 3 vectors and 2 left) is one more vector over the last four windows,
      // overlapping the previous one: it writes the same values again (y is not x), where the scalar loop's
      // branches mispredicted on spike maps.
      if (ox < Wo && Wo >= 4) { pool4(r0, r1, out, Wo - 4); ox = Wo; }
      for (; ox < Wo; ox++) {
        const t = r0 + (<usize>ox << 3);
        let m = load<f32>(t);
        const v1 = load<f32>(t + 4); if (v1 > m) m = v1;
        const v2 = load<f32>(t + rowBytes); if (v2 > m) m = v2;
        const v3 = load<f32>(t + rowBytes + 4); if (v3 > m) m = v3;
        store<f32>(out + (<usize>ox << 2), m);
      }
    }
  }
}

/** The SIMD path that records the winners (the ANN's forward): the same windows, ragged end and scalar tail. */
function maxpool2_arg_simd(x: usize, planes: i32, H: i32, W: i32, y: usize, arg: usize): void {
  const Ho = H >> 1, Wo = W >> 1;
  const rowBytes = <usize>W << 2;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>(p * H * W)) << 2), yp = y + ((<usize>(p * Ho * Wo)) << 2);
    for (let oy = 0; oy < Ho; oy++) {
      const r0 = xp + (<usize>(2 * oy) * rowBytes), r1 = r0 + rowBytes, out = yp + ((<usize>(oy * Wo)) << 2);
      const ap = arg + <usize>(p * Ho * Wo + oy * Wo);
      let ox = 0;
      for (; ox + 4 <= Wo; ox += 4) pool4arg(r0, r1, out, ap, ox);
      if (ox < Wo && Wo >= 4) { pool4arg(r0, r1, out, ap, Wo - 4); ox = Wo; }
      for (; ox < Wo; ox++) {
        const t = r0 + (<usize>ox << 3);
        let m = load<f32>(t), k: u8 = 0;
        const v1 = load<f32>(t + 4); if (v1 > m) { m = v1; k = 1; }
        const v2 = load<f32>(t + rowBytes); if (v2 > m) { m = v2; k = 2; }
        const v3 = load<f32>(t + rowBytes + 4); if (v3 > m) { m = v3; k = 3; }
        store<f32>(out + (<usize>ox << 2), m);
        store<u8>(ap + <usize>ox, k);
      }
    }
  }
}

/** Four windows (outputs ox .. ox+3) of one output row: rows r0, r1 of the input. */
// @ts-ignore: decorator
@inline function pool4(r0: usize, r1: usize, out: usize, ox: i32): void {
  const o = <usize>ox << 3; // 2 ox floats in
  const a = v128.load(r0 + o), b = v128.load(r0 + o, 16), c = v128.load(r1 + o), d = v128.load(r1 + o, 16);
  const v0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), v1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
  const v2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6), v3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
  v128.store(out + (<usize>ox << 2), f32x4.pmax(f32x4.pmax(f32x4.pmax(v0, v1), v2), v3));
}

/** pool4 recording the winners (bytes ap[ox .. ox+3]). */
// @ts-ignore: decorator
@inline function pool4arg(r0: usize, r1: usize, out: usize, ap: usize, ox: i32): void {
  const o = <usize>ox << 3;
  const a = v128.load(r0 + o), b = v128.load(r0 + o, 16), c = v128.load(r1 + o), d = v128.load(r1 + o, 16);
  let m = v128.shuffle<f32>(a, b, 0, 2, 4, 6), k = i32x4.splat(0);
  const v1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7), v2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6), v3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
  let g = f32x4.gt(v1, m); m = v128.bitselect(v1, m, g); k = v128.bitselect(i32x4.splat(1), k, g);
  g = f32x4.gt(v2, m); m = v128.bitselect(v2, m, g); k = v128.bitselect(i32x4.splat(2), k, g);
  g = f32x4.gt(v3, m); m = v128.bitselect(v3, m, g); k = v128.bitselect(i32x4.splat(3), k, g);
  v128.store(out + (<usize>ox << 2), m);
  // lanes' low bytes (0, 4, 8, 12) to bytes 0..3
  store<u32>(ap + <usize>ox, i32x4.extract_lane(v128.swizzle(k, i8x16(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), 0));
}

/** Scalar twin. */
export function f32_maxpool2_ref(x: usize, planes: i32, H: i32, W: i32, y: usize, arg: usize): void {
  const Ho = H >> 1, Wo = W >> 1;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>(p * H * W)) << 2), yp = y + ((<usize>(p * Ho * Wo)) << 2);
    for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      const t = xp + ((<usize>((2 * oy) * W + 2 * ox)) << 2);
      let m = load<f32>(t), k: u8 = 0;
      const v1 = load<f32>(t + 4); if (v1 > m) { m = v1; k = 1; }
      const v2 = load<f32>(t + (<usize>W << 2)); if (v2 > m) { m = v2; k = 2; }
      const v3 = load<f32>(t + (<usize>W << 2) + 4); if (v3 > m) { m = v3; k = 3; }
      const o = oy * Wo + ox;
      store<f32>(yp + (<usize>o << 2), m);
      if (arg != 0) store<u8>(arg + <usize>(p * Ho * Wo + o), k);
    }
  }
}

export function f32_maxpool2_bwd(dy: usize, arg: usize, planes: i32, H: i32, W: i32, dx: usize): void {
  const Ho = H >> 1, Wo = W >> 1;
  memory.fill(dx, 0, (<usize>(planes * H * W)) << 2);
  for (let p = 0; p < planes; p++) {
    const dp = dx + ((<usize>(p * H * W)) << 2);
    for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      const o = p * Ho * Wo + oy * Wo + ox;
      const k = <i32>load<u8>(arg + <usize>o);
      const pos = (2 * oy + (k >> 1)) * W + 2 * ox + (k & 1);
      store<f32>(dp + (<usize>pos << 2), load<f32>(dy + (<usize>o << 2)));
    }
  }
}
