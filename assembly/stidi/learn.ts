// The two learning kernels of a STiDi-BP layer (docs/stidi-bp.md), conv and fully connected alike
// (layouts as in forward.ts; FC = a convolution whose kernel covers the input).
//
// stidi_grad: the layer's own weight gradient, summed over output positions (weight sharing):
//   g[ky][kx][c][j] += sum_pos delta[pos][j] * clamp(tOut[pos][j] - tIn[pos + (ky,kx)][c], 0, tau)
//   (the PSP value K(t_j - t_i) times tau; the host folds 1/tau into the learning rate).
// stidi_backprop: the next-to-lower layer's temporal error (the displacement), one layer only:
//   eIn[i] = sum_{pos, j reached by i} delta[pos][j] * w[k][c][j] * [0 < tOut[pos][j] - t_i <= tau]
//   (the PSP slope K'(t_j - t_i) times tau; the lower layer normalises, so the scale cancels).
// Positions whose delta row is all zero, and silent inputs (t_i >= tmax, which add nothing to any
// potential), are skipped; the SIMD kernels also skip the 4-lane groups of a row whose delta is zero
// (liveGroups: exact, see there), so the scalar twins, which add those zeros, agree bit for bit.
// With `silent` != 0, stidi_backprop gives a silent input instead the unmasked sum
//   eIn[i] = sum_{pos, j reached by i} delta[pos][j] * w[k][c][j]
// (the direction in which a spike of i, at any time before the t_j it reaches, would move the layer
// above: docs/stidi-bp.md §4.8); the host keeps only its "fire earlier" part.

// @ts-ignore: decorator
@inline function rowIsZero(delta: usize, cs: i32): bool {
  for (let j = 0; j < cs; j++) if (load<f32>(delta + (<usize>j << 2)) != 0) return false;
  return true;
}

/** ((lane 0 + lane 1) + lane 2) + lane 3: the scalar twin's order for the four partial sums. */
// @ts-ignore: decorator
@inline function laneSum(acc: v128): f32 {
  return ((f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + f32x4.extract_lane(acc, 2)) + f32x4.extract_lane(acc, 3);
}

/** Bit v set for every 4-lane group v of the delta row (cs lanes, cs <= 256) with a non-zero lane. A zero
 *  group adds +0 or -0 to sums that start at +0 and so are never -0, which leaves them unchanged: skipping it is
 *  exact, and after earliest-spike pooling most groups of a conv layer's row are zero (only window winners
 *  receive a displacement). */
// @ts-ignore: decorator
@inline function liveGroups(delta: usize, cs: i32): u64 {
  let m: u64 = 0;
  const zero = f32x4.splat(0);
  for (let j = 0; j < cs; j += 4) {
    if (i32x4.bitmask(f32x4.ne(v128.load(delta + (<usize>j << 2)), zero)) != 0) m |= (<u64>1) << <u64>(j >> 2);
  }
  return m;
}

/** g[0..4) += delta * clamp(tOut - t_i, 0, tau), one 4-lane group. */
// @ts-ignore: decorator
@inline function gradGroup(g: usize, tOut: usize, delta: usize, tiV: v128, tauV: v128): void {
  const sV = i32x4.min_s(i32x4.max_s(i32x4.sub(v128.load(tOut), tiV), i32x4.splat(0)), tauV);
  v128.store(g, f32x4.add(v128.load(g), f32x4.mul(v128.load(delta), f32x4.convert_i32x4_s(sV))));
}

/** delta * w for one 4-lane group, masked to 0 < tOut - t_i <= tau unless the input is quiet (silent). */
// @ts-ignore: decorator
@inline function backpropGroup(w: usize, tOut: usize, delta: usize, tiV: v128, tauV: v128, quiet: bool): v128 {
  const prod = f32x4.mul(v128.load(delta), v128.load(w));
  if (quiet) return prod;
  const sV = i32x4.sub(v128.load(tOut), tiV);
  return v128.and(prod, v128.and(i32x4.gt_s(sV, i32x4.splat(0)), i32x4.le_s(sV, tauV)));
}

export function stidi_grad_f32_simd(
  g: usize, tIn: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tOut: usize, delta: usize, tau: i32, tmax: i32,
): void {
  const tauV = i32x4.splat(tau);
  if (hin == 1 && win == 1 && k == 1) {
    // fully connected: one position, input c's row is row c; no position or tap loops
    if (rowIsZero(delta, cs)) return;
    for (let c = 0; c < cin; c++) {
      const ti = load<i32>(tIn + (<usize>c << 2));
      if (ti >= tmax) continue;
      const tiV = i32x4.splat(ti), row = g + (<usize>(c * cs) << 2);
      for (let j = 0; j < cs; j += 4) gradGroup(row + (<usize>j << 2), tOut + (<usize>j << 2), delta + (<usize>j << 2), tiV, tauV);
    }
    return;
  }
  // group masks pay where a row has enough groups to skip (a 10-output row's 3 groups are cheaper dense) and fit in u64
  const sparse = cs >= 16 && cs <= 256;
  for (let oy = 0; oy < hout; oy++) {
    for (let ox = 0; ox < wout; ox++) {
      const pos = <usize>((oy * wout + ox) * cs) << 2;
      const live = sparse ? liveGroups(delta + pos, cs) : <u64>(rowIsZero(delta + pos, cs) ? 0 : 1);
      if (live == 0) continue;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let c = 0; c < cin; c++) {
            const ti = load<i32>(tIn + (<usize>(((oy + ky) * win + ox + kx) * cin + c) << 2));
            if (ti >= tmax) continue;
            const tiV = i32x4.splat(ti);
            const row = g + (<usize>(((ky * k + kx) * cin + c) * cs) << 2);
            if (sparse) {
              let mm = live;
              while (mm != 0) {
                const o = <usize>ctz(mm) << 4;
                mm &= mm - 1;
                gradGroup(row + o, tOut + pos + o, delta + pos + o, tiV, tauV);
              }
            } else {
              for (let j = 0; j < cs; j += 4) gradGroup(row + (<usize>j << 2), tOut + pos + (<usize>j << 2), delta + pos + (<usize>j << 2), tiV, tauV);
            }
          }
        }
      }
    }
  }
}

export function stidi_grad_f32_ref(
  g: usize, tIn: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tOut: usize, delta: usize, tau: i32, tmax: i32,
): void {
  for (let oy = 0; oy < hout; oy++) {
    for (let ox = 0; ox < wout; ox++) {
      const pos = <usize>((oy * wout + ox) * cs) << 2;
      if (rowIsZero(delta + pos, cs)) continue;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let c = 0; c < cin; c++) {
            const ti = load<i32>(tIn + (<usize>(((oy + ky) * win + ox + kx) * cin + c) << 2));
            if (ti >= tmax) continue;
            const row = g + (<usize>(((ky * k + kx) * cin + c) * cs) << 2);
            for (let j = 0; j < cs; j++) {
              const o = <usize>j << 2;
              const sv = min(max(load<i32>(tOut + pos + o) - ti, 0), tau);
              store<f32>(row + o, load<f32>(row + o) + load<f32>(delta + pos + o) * <f32>sv);
            }
          }
        }
      }
    }
  }
}

/** Zeroes eIn (hin * win * cin f32) and accumulates the displacement signal into it. Per input and
 *  output position the products are summed in 4 lanes over the channel groups, then lanes
 *  ((0 + 1) + 2) + 3: the scalar twin keeps the same order. */
export function stidi_backprop_f32_simd(
  w: usize, tIn: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tOut: usize, delta: usize, tau: i32, tmax: i32, eIn: usize, silent: i32,
): void {
  memory.fill(eIn, 0, <usize>(hin * win * cin) << 2);
  const tauV = i32x4.splat(tau);
  if (hin == 1 && win == 1 && k == 1) {
    // fully connected: one position, input c's row is row c (the same sums in the same order as below)
    if (rowIsZero(delta, cs)) return;
    for (let c = 0; c < cin; c++) {
      const ia = tIn + (<usize>c << 2), ti = load<i32>(ia);
      const row = w + (<usize>(c * cs) << 2);
      let acc = f32x4.splat(0);
      if (ti < tmax) {
        const tiV = i32x4.splat(ti);
        for (let j = 0; j < cs; j += 4) acc = f32x4.add(acc, backpropGroup(row + (<usize>j << 2), tOut + (<usize>j << 2), delta + (<usize>j << 2), tiV, tauV, false));
      } else if (silent != 0) {
        // a quiet input's group is unmasked: the time vector is not read
        for (let j = 0; j < cs; j += 4) acc = f32x4.add(acc, backpropGroup(row + (<usize>j << 2), tOut + (<usize>j << 2), delta + (<usize>j << 2), tauV, tauV, true));
      } else continue;
      const ea = eIn + (<usize>c << 2);
      store<f32>(ea, load<f32>(ea) + laneSum(acc));
    }
    return;
  }
  // group masks pay where a row has enough groups to skip (a 10-output row's 3 groups are cheaper dense) and fit in u64
  const sparse = cs >= 16 && cs <= 256;
  for (let oy = 0; oy < hout; oy++) {
    for (let ox = 0; ox < wout; ox++) {
      const pos = <usize>((oy * wout + ox) * cs) << 2;
      const live = sparse ? liveGroups(delta + pos, cs) : <u64>(rowIsZero(delta + pos, cs) ? 0 : 1);
      if (live == 0) continue;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let c = 0; c < cin; c++) {
            const ia = tIn + (<usize>(((oy + ky) * win + ox + kx) * cin + c) << 2);
            const ti = load<i32>(ia);
            const quiet = ti >= tmax;
            if (quiet && silent == 0) continue;
            const tiV = i32x4.splat(ti);
            const row = w + (<usize>(((ky * k + kx) * cin + c) * cs) << 2);
            let acc = f32x4.splat(0);
            if (sparse) {
              let mm = live;
              while (mm != 0) {
                const o = <usize>ctz(mm) << 4;
                mm &= mm - 1;
                acc = f32x4.add(acc, backpropGroup(row + o, tOut + pos + o, delta + pos + o, tiV, tauV, quiet));
              }
            } else if (quiet) {
              for (let j = 0; j < cs; j += 4) {
                const o = <usize>j << 2;
                acc = f32x4.add(acc, backpropGroup(row + o, tOut + pos + o, delta + pos + o, tiV, tauV, true));
              }
            } else {
              for (let j = 0; j < cs; j += 4) {
                const o = <usize>j << 2;
                acc = f32x4.add(acc, backpropGroup(row + o, tOut + pos + o, delta + pos + o, tiV, tauV, false));
              }
            }
            const ea = eIn + (ia - tIn);
            store<f32>(ea, load<f32>(ea) + laneSum(acc));
          }
        }
      }
    }
  }
}

export function stidi_backprop_f32_ref(
  w: usize, tIn: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tOut: usize, delta: usize, tau: i32, tmax: i32, eIn: usize, silent: i32,
): void {
  for (let i = 0; i < hin * win * cin; i++) store<f32>(eIn + (<usize>i << 2), 0);
  for (let oy = 0; oy < hout; oy++) {
    for (let ox = 0; ox < wout; ox++) {
      const pos = <usize>((oy * wout + ox) * cs) << 2;
      if (rowIsZero(delta + pos, cs)) continue;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let c = 0; c < cin; c++) {
            const ia = tIn + (<usize>(((oy + ky) * win + ox + kx) * cin + c) << 2);
            const ti = load<i32>(ia);
            const quiet = ti >= tmax;
            if (quiet && silent == 0) continue;
            const row = w + (<usize>(((ky * k + kx) * cin + c) * cs) << 2);
            let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
            for (let j = 0; j < cs; j += 4) {
              const o = <usize>j << 2;
              a0 = a0 + term(tOut + pos + o, delta + pos + o, row + o, ti, tau, quiet);
              a1 = a1 + term(tOut + pos + o + 4, delta + pos + o + 4, row + o + 4, ti, tau, quiet);
              a2 = a2 + term(tOut + pos + o + 8, delta + pos + o + 8, row + o + 8, ti, tau, quiet);
              a3 = a3 + term(tOut + pos + o + 12, delta + pos + o + 12, row + o + 12, ti, tau, quiet);
            }
            const ea = eIn + (ia - tIn);
            store<f32>(ea, load<f32>(ea) + (((a0 + a1) + a2) + a3));
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function term(tj: usize, d: usize, wr: usize, ti: i32, tau: i32, quiet: bool): f32 {
  const s = load<i32>(tj) - ti;
  return quiet || (s > 0 && s <= tau) ? load<f32>(d) * load<f32>(wr) : 0;
}
