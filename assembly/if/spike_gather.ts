// Spike-driven accumulation for the SNN's conv and fully connected layers: with 0/1 inputs, an output
// is the sum of the weights of its active inputs, so instead of multiplying every input (dense GEMM)
// we list the active inputs and add their weight rows (weights transposed: wt[input][output], so a row
// is contiguous over outputs and SIMD adds 4 outputs at a time).
//   if_conv_gather: x[Cin][H][W] (0/1) -> y[Cout][Ho Wo] (accumulated over 16 channels of one
//                   pixel in registers, stored lane by lane into the channel planes)
//                   y[co][p] = sum over the active taps of output pixel p of wt[(ci k + ky) k + kx][co],
//                   in the order ky, kx, then active channel ci ascending (first one pass lists each
//                   input pixel's active channels; then, per output pixel, one flat list of its weight
//                   rows). Scratch: list i32 of (H W + k k + 1) Cin + 4 entries, cnt i32 of H W.
//   if_fc_gather:   x[B][nin] (0/1) -> y[B][nout] = sum over active i (ascending) of wt[i][:]
//                   (large matrices: input-major over the B samples, if_fc_gather_inputmajor_simd)
// Each output is 0 + (w_a + w_b + ...) in the stated order; the SIMD kernels and their scalar twins
// add in that same order (bit-identical). For fc layers it is the ascending input order; for convs it
// differs from the dense GEMM's (ci, ky, kx) order, so the two paths agree to rounding, not in bits.
// if_fc_gather's `list` is i32 scratch of nin entries. Inputs count as active when != 0.

// @ts-ignore: decorator
@inline function accumulate(list: usize, nAct: i32, wt: usize, ld: i32, nout: i32, y: usize): void {
  const lw = <usize>ld << 2;
  let c = 0;
  // 16 outputs per pass over the list, four accumulators: see rows4 on why not 32
  for (; c + 16 <= nout; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    const co = <usize>c << 2;
    for (let j = 0; j < nAct; j++) {
      const r = wt + <usize>load<i32>(list + (<usize>j << 2)) * lw + co;
      a0 = f32x4.add(a0, v128.load(r)); a1 = f32x4.add(a1, v128.load(r, 16));
      a2 = f32x4.add(a2, v128.load(r, 32)); a3 = f32x4.add(a3, v128.load(r, 48));
    }
    const z = f32x4.splat(0);
    v128.store(y + co, f32x4.add(z, a0)); v128.store(y + co, f32x4.add(z, a1), 16);
    v128.store(y + co, f32x4.add(z, a2), 32); v128.store(y + co, f32x4.add(z, a3), 48);
  }
  for (; c + 4 <= nout; c += 4) {
    let a0 = f32x4.splat(0);
    const co = <usize>c << 2;
    for (let j = 0; j < nAct; j++) a0 = f32x4.add(a0, v128.load(wt + <usize>load<i32>(list + (<usize>j << 2)) * lw + co));
    v128.store(y + co, f32x4.add(f32x4.splat(0), a0));
  }
  for (; c < nout; c++) accumulate1(list, nAct, wt, ld, c, y);
}

// @ts-ignore: decorator
@inline function accumulate1(list: usize, nAct: i32, wt: usize, ld: i32, c: i32, y: usize): void {
  let a: f32 = 0;
  for (let j = 0; j < nAct; j++) a = a + load<f32>(wt + ((<usize>load<i32>(list + (<usize>j << 2)) * <usize>ld + <usize>c) << 2));
  store<f32>(y + (<usize>c << 2), <f32>0 + a);
}

/** Appends channel entry v to input pixel p's list (list [H W][Cin], counts cnt [H W]). */
// @ts-ignore: decorator
@inline function appendChannel(list: usize, cnt: usize, Cin: i32, p: i32, v: i32): void {
  const cp = cnt + (<usize>p << 2), n = load<i32>(cp);
  store<i32>(list + ((<usize>(p * Cin + n)) << 2), v);
  store<i32>(cp, n + 1);
}

// Per input pixel, its active channels (ascending) as ci * unit: the channel index itself (unit 1, the scalar
// twin) or the byte offset of the channel's first weight row (the SIMD kernel). One pass over the input.
// list is [H W][Cin] i32, cnt [H W] i32. Returns the number of active inputs (the sum of cnt).
// @ts-ignore: decorator
@inline function pixelLists(x: usize, Cin: i32, HW: i32, unit: i32, list: usize, cnt: usize): i32 {
  memory.fill(cnt, 0, <usize>HW << 2);
  let active = 0;
  for (let ci = 0; ci < Cin; ci++) {
    const row = x + ((<usize>(ci * HW)) << 2);
    const v = ci * unit;
    for (let p = 0; p < HW; p++) {
      if (load<f32>(row + (<usize>p << 2)) != 0) { appendChannel(list, cnt, Cin, p, v); active++; }
    }
  }
  return active;
}

/** pixelLists four inputs at a time (the SIMD kernel's): a vector of four pixels is skipped when none is
 *  active (at the 10-25% spike rates of a trained network most are), the active lanes are appended in
 *  ascending pixel order, so every list holds the same entries in the same order as pixelLists builds. */
// @ts-ignore: decorator
@inline function pixelListsSimd(x: usize, Cin: i32, HW: i32, unit: i32, list: usize, cnt: usize): i32 {
  memory.fill(cnt, 0, <usize>HW << 2);
  let active = 0;
  const zero = f32x4.splat(0), tail = HW & ~3;
  for (let ci = 0; ci < Cin; ci++) {
    const row = x + ((<usize>(ci * HW)) << 2);
    const v = ci * unit;
    for (let p0 = 0; p0 < tail; p0 += 4) {
      let m = i32x4.bitmask(f32x4.ne(v128.load(row + (<usize>p0 << 2)), zero));
      while (m != 0) {
        appendChannel(list, cnt, Cin, p0 + ctz(m), v);
        m &= m - 1;
        active++;
      }
    }
    for (let p = tail; p < HW; p++) {
      if (load<f32>(row + (<usize>p << 2)) != 0) { appendChannel(list, cnt, Cin, p, v); active++; }
    }
  }
  return active;
}

/** y[c + i][p] = lane i (y already offset by the pixel p; P = plane size). */
// @ts-ignore: decorator
@inline function storeLanes(y: usize, P: i32, c: i32, v: v128): void {
  const ps = <usize>P << 2, yc = y + <usize>c * ps;
  store<f32>(yc, f32x4.extract_lane(v, 0)); store<f32>(yc + ps, f32x4.extract_lane(v, 1));
  store<f32>(yc + 2 * ps, f32x4.extract_lane(v, 2)); store<f32>(yc + 3 * ps, f32x4.extract_lane(v, 3));
}

// Output pixel (oy, ox), channel c (the scalar twin): acc over taps in the order (ky, kx, active ci ascending).
// @ts-ignore: decorator
@inline function convTaps1(list: usize, cnt: usize, Cin: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, oy: i32, ox: i32, wt: usize, Cout: i32, c: i32, y: usize, P: i32): void {
  let a: f32 = 0;
  for (let ky = 0; ky < k; ky++) {
    const iy = oy * stride - pad + ky;
    if (iy < 0 || iy >= H) continue;
    for (let kx = 0; kx < k; kx++) {
      const ix = ox * stride - pad + kx;
      if (ix < 0 || ix >= W) continue;
      const p = iy * W + ix, n = load<i32>(cnt + (<usize>p << 2)), lp = list + ((<usize>(p * Cin)) << 2);
      for (let j = 0; j < n; j++) {
        const ci = load<i32>(lp + (<usize>j << 2));
        a = a + load<f32>(wt + ((<usize>((ci * k + ky) * k + kx) * <usize>Cout + <usize>c) << 2));
      }
    }
  }
  store<f32>(y + ((<usize>c * <usize>P) << 2), <f32>0 + a);
}

export function if_conv_gather_simd(x: usize, Cin: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, wt: usize, Cout: i32, y: usize, list: usize, cnt: usize): void {
  const Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1, P = Ho * Wo;
  const lw = <usize>Cout << 2;
  // per input pixel, its active channels as byte offsets of their tap-(0, 0) weight rows
  const active = pixelListsSimd(x, Cin, H * W, <i32>(<usize>(k * k) * lw), list, cnt);
  // entries copied per tap unconditionally: the mean active channels per pixel plus 8, in
  // whole vectors, at most the slot (Cin rounded up to 4, what the list has room for). Copying the
  // whole slot made the list building cost as much as the accumulation at 10% spike rates;
  // copying only n (a data-dependent trip count) mispredicts on most pixels.
  const slot = (Cin + 3) & ~3;
  let copy = (active / (H * W) + 8 + 3) & ~3;
  if (copy > slot) copy = slot;
  const taps = list + ((<usize>(H * W * Cin)) << 2);
  // 3x3 "same" convolutions (every proxy conv): output pixels off the border read all nine taps, so their
  // tap lists are built without the bounds tests, from the input pixel above-left by fixed offsets
  const same3 = k == 3 && stride == 1 && pad == 1;
  for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    // one flat list of this output pixel's weight rows, in the order (ky, kx, active ci ascending):
    // the accumulation below then runs one loop per channel block, not one per tap
    let m = 0;
    if (same3 && oy >= 1 && oy <= H - 2 && ox >= 1 && ox <= W - 2) {
      const p0 = (oy - 1) * W + ox - 1;
      m = appendTap(taps, m, list, cnt, Cin, p0, 0, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + 1, lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + 2, 2 * lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + W, 3 * lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + W + 1, 4 * lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + W + 2, 5 * lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + 2 * W, 6 * lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + 2 * W + 1, 7 * lw, copy);
      m = appendTap(taps, m, list, cnt, Cin, p0 + 2 * W + 2, 8 * lw, copy);
    } else {
      for (let ky = 0; ky < k; ky++) {
        const iy = oy * stride - pad + ky;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = ox * stride - pad + kx;
          if (ix < 0 || ix >= W) continue;
          m = appendTap(taps, m, list, cnt, Cin, iy * W + ix, <usize>(ky * k + kx) * lw, copy);
        }
      }
    }
    const yp = y + ((<usize>(oy * Wo + ox)) << 2);
    let c = 0;
    for (; c + 16 <= Cout; c += 16) rows4(taps, m, wt + (<usize>c << 2), yp, P, c);
    for (; c + 4 <= Cout; c += 4) {
      let a0 = f32x4.splat(0);
      const w = wt + (<usize>c << 2);
      for (let j = 0; j < m; j++) a0 = f32x4.add(a0, v128.load(w + <usize>load<i32>(taps + (<usize>j << 2))));
      storeLanes(yp, P, c, f32x4.add(f32x4.splat(0), a0));
    }
    for (; c < Cout; c++) {
      let a: f32 = 0;
      const w = wt + (<usize>c << 2);
      for (let j = 0; j < m; j++) a = a + load<f32>(w + <usize>load<i32>(taps + (<usize>j << 2)));
      store<f32>(yp + ((<usize>c * <usize>P) << 2), <f32>0 + a);
    }
  }
}

/** Appends input pixel p's active channels to the tap list at entry m, as weight-row byte offsets of tap
 *  `tapOff` (bytes); returns the new length. A fixed number of entries (`copy`) is copied whatever the pixel's
 *  count n is (a trip count the branch predictor learns; entries past n are overwritten by the next tap or
 *  unused), then the rest of n in the rare pixels that have more active channels than that. */
// @ts-ignore: decorator
@inline function appendTap(taps: usize, m: i32, list: usize, cnt: usize, Cin: i32, p: i32, tapOff: usize, copy: i32): i32 {
  const n = load<i32>(cnt + (<usize>p << 2)), lp = list + ((<usize>(p * Cin)) << 2);
  const off = i32x4.splat(<i32>tapOff);
  const dst = taps + (<usize>m << 2);
  for (let j = 0; j < copy; j += 4) v128.store(dst + (<usize>j << 2), i32x4.add(v128.load(lp + (<usize>j << 2)), off));
  for (let j = copy; j < n; j += 4) v128.store(dst + (<usize>j << 2), i32x4.add(v128.load(lp + (<usize>j << 2)), off));
  return m + n;
}

/** 16 output channels (from w = wt + c) of one output pixel: the sum of the m rows at byte offsets taps[].
 *  Four accumulators, not eight: V8 (11.3, x64) issues all of an iteration's loads before its adds, so eight
 *  accumulators and their eight loaded rows need 16 vector registers where 15 are free, and it kept one
 *  accumulator on the stack (a store and a reload in every iteration's dependency chain). Two passes of four
 *  re-read the tap list and measured 1.06-1.07x faster (docs/kernel-changes.md, 2026-12-04). */
// @ts-ignore: decorator
@inline function rows4(taps: usize, m: i32, w: usize, yp: usize, P: i32, c: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let j = 0; j < m; j++) {
    const r = w + <usize>load<i32>(taps + (<usize>j << 2));
    a0 = f32x4.add(a0, v128.load(r)); a1 = f32x4.add(a1, v128.load(r, 16));
    a2 = f32x4.add(a2, v128.load(r, 32)); a3 = f32x4.add(a3, v128.load(r, 48));
  }
  const z = f32x4.splat(0);
  storeLanes(yp, P, c, f32x4.add(z, a0)); storeLanes(yp, P, c + 4, f32x4.add(z, a1));
  storeLanes(yp, P, c + 8, f32x4.add(z, a2)); storeLanes(yp, P, c + 12, f32x4.add(z, a3));
}

export function if_conv_gather_ref(x: usize, Cin: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, wt: usize, Cout: i32, y: usize, list: usize, cnt: usize): void {
  const Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1, P = Ho * Wo;
  pixelLists(x, Cin, H * W, 1, list, cnt);
  for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    const yp = y + ((<usize>(oy * Wo + ox)) << 2);
    for (let c = 0; c < Cout; c++) convTaps1(list, cnt, Cin, H, W, k, stride, pad, oy, ox, wt, Cout, c, yp, P);
  }
}

// @ts-ignore: decorator
@inline function activeList(x: usize, n: i32, list: usize): i32 {
  let m = 0;
  for (let i = 0; i < n; i++) if (load<f32>(x + (<usize>i << 2)) != 0) { store<i32>(list + (<usize>m << 2), i); m++; }
  return m;
}

/** activeList four inputs at a time: the same indices in the same (ascending) order; a vector with no active
 *  input costs one compare and one branch. */
// @ts-ignore: decorator
@inline function activeListSimd(x: usize, n: i32, list: usize): i32 {
  let m = 0;
  const zero = f32x4.splat(0), tail = n & ~3;
  for (let i0 = 0; i0 < tail; i0 += 4) {
    let bits = i32x4.bitmask(f32x4.ne(v128.load(x + (<usize>i0 << 2)), zero));
    while (bits != 0) {
      store<i32>(list + (<usize>m << 2), i0 + ctz(bits));
      bits &= bits - 1;
      m++;
    }
  }
  for (let i = tail; i < n; i++) if (load<f32>(x + (<usize>i << 2)) != 0) { store<i32>(list + (<usize>m << 2), i); m++; }
  return m;
}

export function if_fc_gather_simd(x: usize, B: i32, nin: i32, wt: usize, nout: i32, y: usize, list: usize): void {
  if (B >= 2 && <i64>nin * <i64>nout >= FC_BATCHED_MIN) { if_fc_gather_inputmajor_simd(x, B, nin, wt, nout, y, list); return; }
  for (let b = 0; b < B; b++) {
    const m = activeListSimd(x + ((<usize>(b * nin)) << 2), nin, list);
    accumulate(list, m, wt, nout, nout, y + ((<usize>(b * nout)) << 2));
  }
}

/** Weight matrices of at least this many entries (8 MiB) take the input-major fc gather. Measured (quiet, one
 *  process, 30% inputs spiking, 16 samples; docs/kernel-changes.md): per-sample faster on 3136x256 (3 MiB,
 *  1.09x), input-major faster on 4704x512 (9 MiB, 1.31x), 2560x1152 (11 MiB, 1.05x) and 6272x2560 (64 MiB, 1.6-1.9x). */
const FC_BATCHED_MIN: i64 = 2097152;
/** Outputs per block of the batched fc gather: whole rows up to 4096 outputs (32 samples' accumulators: 512 KiB, in
 *  L2), so that each active row is read once, contiguously. Blocks of 256 (accumulators in L1) read every row in
 *  1-KiB pieces, one per block pass, from a matrix beyond the caches: 1.30-1.35x slower on 6272 -> 2560 at a trained
 *  network's 5.5% input rate, 1.10-1.32x at 30% (docs/kernel-changes.md). */
const FC_BLOCK = 4096;

// The fc gather for large weight matrices (exported on its own for its spec and the A/B script):
// input-major over the samples of the call. Per sample, the rows of its active inputs are a third of a
// matrix beyond L2 (9 MiB for fmnist-medium's fc 4704->512, 64 MiB for fmnist-paper's 6272->2560), and
// reading them once per sample made the layer bound by that traffic. Here each row segment (FC_BLOCK outputs: a whole
// row up to 4096) is read once per group of up to 32 samples and added into the accumulators of the samples where that
// input is active.
// The sum of each output is still 0 + w_a + w_b + ... over its sample's active inputs in ascending
// order, so the result is the per-sample kernel's and the twin's, bit for bit.
// list[i] holds the group's bit mask of samples where input i is active.
export function if_fc_gather_inputmajor_simd(x: usize, B: i32, nin: i32, wt: usize, nout: i32, y: usize, list: usize): void {
  for (let g = 0; g < B; g += 32) {
    const G = min(32, B - g);
    memory.fill(list, 0, <usize>nin << 2);
    for (let b = 0; b < G; b++) {
      const xb = x + ((<usize>((g + b) * nin)) << 2), bit = <u32>1 << <u32>b, tail = nin & ~3;
      // four inputs per compare; the active ones get the sample's bit (the masks do not depend on the visiting order)
      for (let i0 = 0; i0 < tail; i0 += 4) {
        let bits = i32x4.bitmask(f32x4.ne(v128.load(xb + (<usize>i0 << 2)), f32x4.splat(0)));
        while (bits != 0) {
          const li = list + (<usize>(i0 + ctz(bits)) << 2);
          store<u32>(li, load<u32>(li) | bit);
          bits &= bits - 1;
        }
      }
      for (let i = tail; i < nin; i++) {
        if (load<f32>(xb + (<usize>i << 2)) != 0) { const li = list + (<usize>i << 2); store<u32>(li, load<u32>(li) | bit); }
      }
    }
    const yg = y + ((<usize>(g * nout)) << 2);
    memory.fill(yg, 0, (<usize>(G * nout)) << 2);
    let sink = i32x4.splat(0);
    for (let ob = 0; ob < nout; ob += FC_BLOCK) {
      const w = min(FC_BLOCK, nout - ob), w4 = w & ~3, segBytes = <usize>w << 2;
      for (let i = 0; i < nin; i++) {
        // Every 16 rows, one load per cache line of the segments of the 16 rows after them (those with an active
        // sample). Why: the rows lie on pages of their own in a matrix far beyond the caches (fmnist-paper's
        // 6272 x 2560 is 64 MiB, its rows 10 KiB long), the prefetchers do not cross pages, and the samples' adds
        // of one row kept the next row's first miss (and page walk) out of the out-of-order window, one miss after
        // another. Touched together, 16 rows' misses overlap (with the eight-vector loop below, on 1-KiB segments:
        // 1.98x on 6272 -> 2560, 1.20-1.33x on 4704 -> 512 and 2560 -> 1152). The loads change no result; `sink`
        // keeps them from being dropped.
        if ((i & 15) == 0) {
          for (let i2 = i + 16; i2 < min(i + 32, nin); i2++) {
            if (load<u32>(list + (<usize>i2 << 2)) == 0) continue;
            const r2 = wt + ((<usize>i2 * <usize>nout + <usize>ob) << 2);
            for (let o: usize = 0; o + 16 <= segBytes; o += 64) sink = v128.or(sink, v128.load(r2 + o));
          }
        }
        let mask = load<u32>(list + (<usize>i << 2));
        const row = wt + ((<usize>i * <usize>nout + <usize>ob) << 2);
        while (mask != 0) {
          const b = <i32>ctz(mask);
          mask &= mask - 1;
          const acc = yg + ((<usize>(b * nout + ob)) << 2);
          let c = 0;
          // eight vectors per iteration at constant offsets (one at a time: V8 recomputed both addresses per vector)
          for (; c + 32 <= w4; c += 32) {
            const pa = acc + (<usize>c << 2), pr = row + (<usize>c << 2);
            v128.store(pa, f32x4.add(v128.load(pa), v128.load(pr))); v128.store(pa, f32x4.add(v128.load(pa, 16), v128.load(pr, 16)), 16);
            v128.store(pa, f32x4.add(v128.load(pa, 32), v128.load(pr, 32)), 32); v128.store(pa, f32x4.add(v128.load(pa, 48), v128.load(pr, 48)), 48);
            v128.store(pa, f32x4.add(v128.load(pa, 64), v128.load(pr, 64)), 64); v128.store(pa, f32x4.add(v128.load(pa, 80), v128.load(pr, 80)), 80);
            v128.store(pa, f32x4.add(v128.load(pa, 96), v128.load(pr, 96)), 96); v128.store(pa, f32x4.add(v128.load(pa, 112), v128.load(pr, 112)), 112);
          }
          for (; c < w4; c += 4) { const o = <usize>c << 2; v128.store(acc + o, f32x4.add(v128.load(acc + o), v128.load(row + o))); }
          for (; c < w; c++) { const o = <usize>c << 2; store<f32>(acc + o, load<f32>(acc + o) + load<f32>(row + o)); }
        }
      }
    }
    store<i32>(list, i32x4.extract_lane(sink, 0)); // keeps the touches (list is scratch, done with for this group)
  }
}
export function if_fc_gather_ref(x: usize, B: i32, nin: i32, wt: usize, nout: i32, y: usize, list: usize): void {
  for (let b = 0; b < B; b++) {
    const m = activeList(x + ((<usize>(b * nin)) << 2), nin, list);
    for (let c = 0; c < nout; c++) accumulate1(list, m, wt, nout, c, y + ((<usize>(b * nout)) << 2));
  }
}

/**
 * dst[C][R] = src[R][C]^T (data movement only: the same bits whichever way). In tiles of 32 x 32, each as 4 x 4
 * blocks transposed in registers (eight shuffles): the plain loop (the twin) stored one float per destination row,
 * every store on another cache line and, for fmnist-paper's 2560 x 6272 fc weights (destination rows 10 KiB apart),
 * on another page, so the 64-MiB transpose after each update took ~85 ms (6.4x; 24x on 256 x 3136,
 * docs/kernel-changes.md); a tile touches 32 rows of each matrix and fills the destination's lines before they
 * leave L1. Edges (R or C not a multiple of 4) go float by float.
 */
export function f32_transpose_simd(src: usize, R: i32, C: i32, dst: usize): void {
  const R4 = R & ~3, C4 = C & ~3;
  const rs = <usize>C << 2, ds = <usize>R << 2; // row strides in bytes
  for (let r0 = 0; r0 < R4; r0 += 32) {
    const r1 = min(r0 + 32, R4);
    for (let c0 = 0; c0 < C4; c0 += 32) {
      const c1 = min(c0 + 32, C4);
      for (let r = r0; r < r1; r += 4) {
        const s = src + <usize>r * rs;
        for (let c = c0; c < c1; c += 4) {
          const sc = s + (<usize>c << 2);
          const a = v128.load(sc), b = v128.load(sc + rs), e = v128.load(sc + 2 * rs), f = v128.load(sc + 3 * rs);
          const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(e, f, 0, 4, 1, 5), t3 = v128.shuffle<f32>(e, f, 2, 6, 3, 7);
          const d = dst + <usize>c * ds + (<usize>r << 2);
          v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(d + ds, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(d + 2 * ds, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(d + 3 * ds, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  // the last C - C4 columns of every row, and the last R - R4 rows' first C4 columns
  for (let r = 0; r < R; r++) {
    const s = src + <usize>r * rs;
    for (let c = r < R4 ? C4 : 0; c < C; c++) store<f32>(dst + <usize>c * ds + (<usize>r << 2), load<f32>(s + (<usize>c << 2)));
  }
}
export function f32_transpose_ref(src: usize, R: i32, C: i32, dst: usize): void {
  for (let r = 0; r < R; r++) {
    const s = src + ((<usize>(r * C)) << 2);
    for (let c = 0; c < C; c++) store<f32>(dst + ((<usize>(c * R + r)) << 2), load<f32>(s + (<usize>c << 2)));
  }
}
