// Convolution as GEMM: im2col unrolls one image x[C][H][W] into col[C k k][Ho Wo] (row (c k + ky) k + kx,
// PyTorch's weight order [Cout][Cin][kh][kw]), so that y[Cout][Ho Wo] = W[Cout][C k k] col;
// col2im adds a column matrix back onto an image (the input gradient: dx += fold(W^T dy)).
// Ho = (H + 2 pad - k) / stride + 1 (floor), likewise Wo; taps outside the image read 0.
// im2col only moves data (no arithmetic, nothing to round): one version, stride 1 copies whole spans.
// col2im adds: its SIMD version and scalar twin add onto each pixel its taps in the same order (column rows
// ascending), so they agree bit for bit, whichever way the SIMD version walks the pixels.

// @ts-ignore: decorator
@inline function outSize(n: i32, k: i32, stride: i32, pad: i32): i32 { return (n + 2 * pad - k) / stride + 1; }

export function f32_im2col(x: usize, C: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, col: usize): void {
  const Ho = outSize(H, k, stride, pad), Wo = outSize(W, k, stride, pad), P = Ho * Wo;
  for (let c = 0; c < C; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
    const row = col + ((<usize>(((c * k + ky) * k + kx) * P)) << 2);
    // stride 1: the valid ox (0 <= ox - pad + kx < W) are one span [lo, hi)
    let lo = pad - kx; if (lo < 0) lo = 0;
    let hi = W + pad - kx; if (hi > Wo) hi = Wo;
    if (hi < lo) hi = lo;
    if (stride == 1 && Wo == W && Ho == H && sameConvRow(x, C * H * W, c, H, W, ky, kx, pad, row, lo, hi)) continue;
    for (let oy = 0; oy < Ho; oy++) {
      const iy = oy * stride - pad + ky;
      const dst = row + ((<usize>(oy * Wo)) << 2);
      if (iy < 0 || iy >= H) { zeroSpan(dst, 0, Wo); continue; }
      const src = x + ((<usize>((c * H + iy) * W)) << 2);
      if (stride == 1) {
        // rows are short (a 28-wide image: 112 bytes), so the copy is inline vector moves: memory.copy and
        // memory.fill are calls into the runtime, and ~8,000 of them per 32-channel image cost more than the moves
        zeroSpan(dst, 0, lo);
        const s = src + (<usize>(kx - pad) << 2); // source of ox, for ox in [lo, hi) (wraps harmlessly below)
        let ox = lo;
        for (; ox + 4 <= hi; ox += 4) v128.store(dst + (<usize>ox << 2), v128.load(s + (<usize>ox << 2)));
        for (; ox < hi; ox++) store<f32>(dst + (<usize>ox << 2), load<f32>(s + (<usize>ox << 2)));
        zeroSpan(dst, hi, Wo);
      } else {
        for (let ox = 0; ox < Wo; ox++) {
          const ix = ox * stride - pad + kx;
          store<f32>(dst + (<usize>ox << 2), ix >= 0 && ix < W ? load<f32>(src + (<usize>ix << 2)) : 0);
        }
      }
    }
  }
}

/**
 * One column row of a "same" convolution (stride 1, output as large as the input: the proxy nets' 3x3, pad 1):
 * there col[q] = plane[q + off] with one offset off = (ky - pad) W + (kx - pad) for every valid tap, since output and
 * input rows have the same width. So the row is one straight vector copy of the plane's floats from the first to
 * the last valid output row (the copies of a 28-wide image's rows one by one paid their loop and address work
 * every 7 vectors), then the taps outside the image set to 0: whole output rows above and below, and the columns
 * left or right of the image, whose copy read the neighbouring row's floats. Returns false, having written
 * nothing, where the straight copy would read outside x (the first and last channel's outer taps): the caller
 * takes the row-by-row path.
 */
// @ts-ignore: decorator
@inline function sameConvRow(x: usize, xLen: i32, c: i32, H: i32, W: i32, ky: i32, kx: i32, pad: i32, row: usize, lo: i32, hi: i32): bool {
  let oyLo = pad - ky; if (oyLo < 0) oyLo = 0;
  let oyHi = H + pad - ky; if (oyHi > H) oyHi = H;
  if (oyHi <= oyLo) return false;
  const qa = oyLo * W, qb = oyHi * W, n = qb - qa;
  const first = c * H * W + qa + (ky - pad) * W + kx - pad; // index in x of plane[qa + off]
  if (first < 0 || first + n > xLen) return false;
  const from = x + (<usize>first << 2);
  zeroSpan(row, 0, qa);
  const d = row + (<usize>qa << 2);
  let q = 0;
  for (; q + 16 <= n; q += 16) {
    const o = <usize>q << 2;
    v128.store(d + o, v128.load(from + o)); v128.store(d + o, v128.load(from + o, 16), 16);
    v128.store(d + o, v128.load(from + o, 32), 32); v128.store(d + o, v128.load(from + o, 48), 48);
  }
  for (; q + 4 <= n; q += 4) v128.store(d + (<usize>q << 2), v128.load(from + (<usize>q << 2)));
  for (; q < n; q++) store<f32>(d + (<usize>q << 2), load<f32>(from + (<usize>q << 2)));
  zeroSpan(row, qb, H * W);
  for (let oy = oyLo; oy < oyHi; oy++) {
    const r = row + ((<usize>(oy * W)) << 2);
    for (let i = 0; i < lo; i++) store<f32>(r + (<usize>i << 2), 0);
    for (let i = hi; i < W; i++) store<f32>(r + (<usize>i << 2), 0);
  }
  return true;
}

/** dst[from .. to) = 0 (f32), inline. */
// @ts-ignore: decorator
@inline function zeroSpan(dst: usize, from: i32, to: i32): void {
  const z = f32x4.splat(0);
  let i = from;
  for (; i + 4 <= to; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < to; i++) store<f32>(dst + (<usize>i << 2), 0);
}

export function f32_col2im_simd(col: usize, C: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, dx: usize): void {
  if (stride != 1) { f32_col2im_ref(col, C, H, W, k, stride, pad, dx); return; }
  const Ho = outSize(H, k, stride, pad), Wo = outSize(W, k, stride, pad), P = Ho * Wo;
  const same = Wo == W && Ho == H && (W & 3) == 0 && pad <= 1;
  if (same && k == 3 && pad == 1) { col2imSame3(col, C, H, W, dx); return; }
  for (let c = 0; c < C; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
    const row = col + ((<usize>(((c * k + ky) * k + kx) * P)) << 2);
    let lo = pad - kx; if (lo < 0) lo = 0;
    let hi = W + pad - kx; if (hi > Wo) hi = Wo;
    if (same && sameConvAdd(row, C * H * W, c, H, W, ky, kx, pad, dx)) continue;
    for (let oy = 0; oy < Ho; oy++) {
      const iy = oy - pad + ky;
      if (iy < 0 || iy >= H) continue;
      const s = row + ((<usize>(oy * Wo)) << 2);
      const d = dx + ((<usize>((c * H + iy) * W + kx - pad)) << 2);
      let ox = lo;
      for (; ox + 4 <= hi; ox += 4) {
        const o = <usize>ox << 2;
        v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
      }
      for (; ox < hi; ox++) {
        const o = <usize>ox << 2;
        store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
      }
    }
  }
}

/**
 * col2im of a 3 x 3 "same" convolution (stride 1, pad 1: every proxy conv) with rows a whole number of vectors
 * wide: pixel by pixel instead of column row by column row. Each vector of four pixels of dx is loaded once, gets
 * its (up to) nine taps added in registers in the twin's order (ky, then kx, ascending; a tap outside the image
 * skipped), and is stored once, where the row-by-row form loaded and stored it again for each of the nine rows.
 * Pixel (iy, ix) takes column row (c, ky, kx) at q = (iy - ky + 1) W + ix - kx + 1: for kx = 1 the four pixels'
 * taps are four consecutive floats; for kx = 0 and 2 they are shifted by one float, and at the row's last
 * (kx = 0) or first (kx = 2) vector one lane falls outside the image: that vector is loaded unshifted (inside the
 * column row), its lanes moved by a shuffle, and the outside lane keeps the pixel's value (a select, not an add
 * of 0, which would turn -0 into +0). Rows of taps outside the image (ky = 0 at the last image row, ky = 2 at the
 * first) are skipped whole. Nothing outside the column rows is read, so no channel needs the row-by-row path.
 */
function col2imSame3(col: usize, C: i32, H: i32, W: i32, dx: usize): void {
  const P = H * W, rowB = <usize>P << 2, vecs = W >> 2;
  const mFirst = i32x4(0, -1, -1, -1), mLast = i32x4(-1, -1, -1, 0);
  for (let c = 0; c < C; c++) {
    const cb = col + <usize>(c * 9) * rowB, db = dx + ((<usize>(c * P)) << 2);
    for (let iy = 0; iy < H; iy++) {
      const up = iy <= H - 2, down = iy >= 1; // taps ky = 0 / ky = 2 inside the image
      const p0 = iy * W;
      pixels4(cb, rowB, db, p0, W, up, down, true, vecs == 1, mFirst, mLast);
      let j = 1;
      for (; j < vecs - 1; j++) pixels4(cb, rowB, db, p0 + 4 * j, W, up, down, false, false, mFirst, mLast);
      if (vecs > 1) pixels4(cb, rowB, db, p0 + 4 * j, W, up, down, false, true, mFirst, mLast);
    }
  }
}

/** Four pixels p .. p+3 of one channel's dx (db): the taps of the three column rows ky = 0, 1, 2 (those inside). */
// @ts-ignore: decorator
@inline function pixels4(cb: usize, rowB: usize, db: usize, p: i32, W: i32, up: bool, down: bool, first: bool, last: bool, mFirst: v128, mLast: v128): void {
  const d = db + (<usize>p << 2);
  let acc = v128.load(d);
  if (up) acc = tapRow3(acc, cb, rowB, <usize>(p + W) << 2, first, last, mFirst, mLast);
  acc = tapRow3(acc, cb + 3 * rowB, rowB, <usize>p << 2, first, last, mFirst, mLast);
  if (down) acc = tapRow3(acc, cb + 6 * rowB, rowB, <usize>(p - W) << 2, first, last, mFirst, mLast);
  v128.store(d, acc);
}

/** acc + the taps kx = 0, 1, 2 of column rows src, src + rowB, src + 2 rowB; qb = the kx = 1 tap's byte offset. */
// @ts-ignore: decorator
@inline function tapRow3(acc: v128, src: usize, rowB: usize, qb: usize, first: bool, last: bool, mFirst: v128, mLast: v128): v128 {
  // kx = 0: floats q + 1 .. q + 4 (at the row's last vector q + 4 is outside: lanes of q .. q + 3 moved down one)
  if (last) {
    const v = v128.load(src + qb);
    acc = v128.bitselect(f32x4.add(acc, v128.shuffle<f32>(v, v, 1, 2, 3, 3)), acc, mLast);
  } else acc = f32x4.add(acc, v128.load(src + qb + 4));
  acc = f32x4.add(acc, v128.load(src + rowB + qb));
  // kx = 2: floats q - 1 .. q + 2 (at the row's first vector q - 1 is outside: lanes of q .. q + 3 moved up one)
  const s2 = src + 2 * rowB + qb;
  if (first) {
    const v = v128.load(s2);
    acc = v128.bitselect(f32x4.add(acc, v128.shuffle<f32>(v, v, 0, 0, 1, 2)), acc, mFirst);
  } else acc = f32x4.add(acc, v128.load(s2 - 4));
  return acc;
}

/**
 * col2im's row for a "same" convolution with rows a whole number of vectors wide (28) and pad <= 1: output row oy
 * adds onto input row oy + ky - pad shifted by kx - pad floats, so it is W/4 vector adds whose only tap outside the
 * image is lane 0 of the first vector (kx < pad) or lane 3 of the last (kx > pad): those lanes keep the pixel's old
 * value (a select, not an add of 0, which would turn -0 into +0), and the pixel they hold is the neighbouring row's,
 * written back unchanged. Each pixel still receives its adds in the twin's order. Returns false, having written
 * nothing, for the outer taps of the first and last channel, whose shifted vectors would touch floats outside dx.
 */
// @ts-ignore: decorator
@inline function sameConvAdd(row: usize, xLen: i32, c: i32, H: i32, W: i32, ky: i32, kx: i32, pad: i32, dx: usize): bool {
  let oyLo = pad - ky; if (oyLo < 0) oyLo = 0;
  let oyHi = H + pad - ky; if (oyHi > H) oyHi = H;
  if (oyHi <= oyLo) return true; // no valid output row: nothing to add (as the row-by-row path)
  const shift = kx - pad;
  const first = c * H * W + (oyLo + ky - pad) * W + shift;
  if (first < 0 || first + (oyHi - oyLo) * W > xLen) return false;
  // lanes that hold a tap inside the image: all, or all but lane 0 of the first / lane 3 of the last vector
  const all = i32x4.splat(-1);
  const mFirst = shift < 0 ? i32x4(0, -1, -1, -1) : all;
  const mLast = shift > 0 ? i32x4(-1, -1, -1, 0) : all;
  const vecs = W >> 2;
  for (let oy = oyLo; oy < oyHi; oy++) {
    const s = row + ((<usize>(oy * W)) << 2);
    const d = dx + ((<usize>(c * H * W + (oy + ky - pad) * W + shift)) << 2);
    let o: usize = 0;
    let dv = v128.load(d);
    v128.store(d, v128.bitselect(f32x4.add(dv, v128.load(s)), dv, vecs == 1 ? v128.and(mFirst, mLast) : mFirst));
    for (let j = 1; j < vecs - 1; j++) {
      o = <usize>j << 4;
      v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
    }
    if (vecs > 1) {
      o = <usize>(vecs - 1) << 4;
      dv = v128.load(d + o);
      v128.store(d + o, v128.bitselect(f32x4.add(dv, v128.load(s + o)), dv, mLast));
    }
  }
  return true;
}

export function f32_col2im_ref(col: usize, C: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, dx: usize): void {
  const Ho = outSize(H, k, stride, pad), Wo = outSize(W, k, stride, pad), P = Ho * Wo;
  for (let c = 0; c < C; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
    const row = col + ((<usize>(((c * k + ky) * k + kx) * P)) << 2);
    for (let oy = 0; oy < Ho; oy++) {
      const iy = oy * stride - pad + ky;
      if (iy < 0 || iy >= H) continue;
      for (let ox = 0; ox < Wo; ox++) {
        const ix = ox * stride - pad + kx;
        if (ix < 0 || ix >= W) continue;
        const d = dx + ((<usize>((c * H + iy) * W + ix)) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(row + ((<usize>(oy * Wo + ox)) << 2)));
      }
    }
  }
}
