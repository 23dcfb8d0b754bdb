// Earliest-spike pooling (the time-to-first-spike analogue of max pooling): each p x p window of a
// channel (stride p, windows that do not fit are dropped) emits the earliest spike time in it.
//   tIn  i32 [h][w][cs] (a layer's tOut; only the first c of cs lanes are read)
//   tOut i32 [h/p][w/p][c] (unpadded: the next layer's input layout)
//   arg  i32 [h/p][w/p][c]: index into tIn of the winner, the first in raster order on ties (also
//        for a silent window, whose time is then the silent time and which receives no error)

/**
 * SIMD kernel: four channels of a window at once (a strict less-than per lane picks time and index
 * together, so ties keep the earlier tap, as the twin's `<` does); channels past the last multiple of
 * four take the twin's scalar loop. Why SIMD: the twin's `t < best` is a data-dependent branch per
 * tap, and the STiDi trainer's CPU profile had this kernel at 6.6% of an epoch (docs/kernel-changes.md).
 */
export function stidi_pool_min_simd(tIn: usize, h: i32, w: i32, c: i32, cs: i32, p: i32, tOut: usize, arg: usize): void {
  if (p == 2) { pool2(tIn, h, w, c, cs, tOut, arg); return; }
  const ho = h / p, wo = w / p, c4 = c & ~3;
  const lane = i32x4(0, 1, 2, 3), none = i32x4.splat(0x7fffffff), unset = i32x4.splat(-1);
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      const base = (oy * p * w + ox * p) * cs;
      const o = <usize>((oy * wo + ox) * c) << 2;
      let ch = 0;
      for (; ch < c4; ch += 4) {
        let best = none, at = unset;
        for (let dy = 0; dy < p; dy++) {
          for (let dx = 0; dx < p; dx++) {
            const i = base + (dy * w + dx) * cs + ch;
            const t = v128.load(tIn + (<usize>i << 2));
            const lt = i32x4.lt_s(t, best);
            best = v128.bitselect(t, best, lt);
            at = v128.bitselect(i32x4.add(i32x4.splat(i), lane), at, lt);
          }
        }
        v128.store(tOut + o + (<usize>ch << 2), best);
        v128.store(arg + o + (<usize>ch << 2), at);
      }
      for (; ch < c; ch++) poolOne(tIn, w, cs, p, base + ch, tOut + o + (<usize>ch << 2), arg + o + (<usize>ch << 2));
    }
  }
}

/**
 * stidi_pool_min_simd for 2 x 2 windows (every pooling layer of the STiDi configurations): the four taps at fixed
 * offsets from the window's first (one position on, one row down, both), the winners' indices as a vector stepped
 * four channels at a time. The general loop computed each tap's index from dy and dx with multiplies inside two
 * loops of two trips: about 55 cycles per vector of four channels. Same comparisons in the same tap order (a strict
 * less-than, so ties keep the earlier tap): the twin's times and indices.
 */
function pool2(tIn: usize, h: i32, w: i32, c: i32, cs: i32, tOut: usize, arg: usize): void {
  const ho = h >> 1, wo = w >> 1, c4 = c & ~3;
  const right = <usize>cs << 2, down = <usize>(w * cs) << 2; // tap offsets in bytes
  const offR = i32x4.splat(cs), offD = i32x4.splat(w * cs), offRD = i32x4.splat(w * cs + cs), four = i32x4.splat(4);
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      const base = ((oy << 1) * w + (ox << 1)) * cs;
      const first = tIn + (<usize>base << 2);
      const o = <usize>((oy * wo + ox) * c) << 2;
      let iv = i32x4.add(i32x4.splat(base), i32x4(0, 1, 2, 3)); // the first tap's indices of four channels
      let ch = 0;
      for (; ch < c4; ch += 4) {
        const q = first + (<usize>ch << 2);
        let best = v128.load(q), at = iv;
        const t1 = v128.load(q + right), t2 = v128.load(q + down), t3 = v128.load(q + down + right);
        let lt = i32x4.lt_s(t1, best);
        best = v128.bitselect(t1, best, lt); at = v128.bitselect(i32x4.add(iv, offR), at, lt);
        lt = i32x4.lt_s(t2, best);
        best = v128.bitselect(t2, best, lt); at = v128.bitselect(i32x4.add(iv, offD), at, lt);
        lt = i32x4.lt_s(t3, best);
        best = v128.bitselect(t3, best, lt); at = v128.bitselect(i32x4.add(iv, offRD), at, lt);
        v128.store(tOut + o + (<usize>ch << 2), best);
        v128.store(arg + o + (<usize>ch << 2), at);
        iv = i32x4.add(iv, four);
      }
      for (; ch < c; ch++) poolOne(tIn, w, cs, 2, base + ch, tOut + o + (<usize>ch << 2), arg + o + (<usize>ch << 2));
    }
  }
}

/** Scalar twin: one channel of one window at a time. */
export function stidi_pool_min_ref(tIn: usize, h: i32, w: i32, c: i32, cs: i32, p: i32, tOut: usize, arg: usize): void {
  const ho = h / p, wo = w / p;
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      for (let ch = 0; ch < c; ch++) {
        const o = <usize>((oy * wo + ox) * c + ch) << 2;
        poolOne(tIn, w, cs, p, (oy * p * w + ox * p) * cs + ch, tOut + o, arg + o);
      }
    }
  }
}

/** The earliest time of one channel's window whose first tap is tIn index `first`, and that tap's index. */
// @ts-ignore: decorator
@inline function poolOne(tIn: usize, w: i32, cs: i32, p: i32, first: i32, tOut: usize, arg: usize): void {
  let best = 0x7fffffff, at = -1;
  for (let dy = 0; dy < p; dy++) {
    for (let dx = 0; dx < p; dx++) {
      const i = first + (dy * w + dx) * cs;
      const t = load<i32>(tIn + (<usize>i << 2));
      if (t < best) { best = t; at = i; }
    }
  }
  store<i32>(tOut, best);
  store<i32>(arg, at);
}
