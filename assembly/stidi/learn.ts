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
// potential), are skipped; the scalar twins skip exactly the same work, so results agree bit for bit.
// With `silent` != 0, stidi_backprop gives a silent input instead the unmasked sum
//   eIn[i] = sum_{pos, j reached by i} delta[pos][j] * w[k][c][j]
// (the direction in which a spike of i, at any time before the t_j it reaches, would move the layer
// above: docs/stidi-bp.md §4.8); the host keeps only its "fire earlier" part.

// @ts-ignore: decorator
@inline function rowIsZero(delta: usize, cs: i32): bool {
  for (let j = 0; j < cs; j++) if (load<f32>(delta + (<usize>j << 2)) != 0) return false;
  return true;
}

export function stidi_grad_f32_simd(
  g: usize, tIn: usize, cin: i32, hin: i32, win: i32, k: i32, hout: i32, wout: i32, cs: i32,
  tOut: usize, delta: usize, tau: i32, tmax: i32,
): void {
  const zero = i32x4.splat(0), tauV = i32x4.splat(tau);
  for (let oy = 0; oy < hout; oy++) {
    for (let ox = 0; ox < wout; ox++) {
      const pos = <usize>((oy * wout + ox) * cs) << 2;
      if (rowIsZero(delta + pos, cs)) continue;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let c = 0; c < cin; c++) {
            const ti = load<i32>(tIn + (<usize>(((oy + ky) * win + ox + kx) * cin + c) << 2));
            if (ti >= tmax) continue;
            const tiV = i32x4.splat(ti);
            const row = g + (<usize>(((ky * k + kx) * cin + c) * cs) << 2);
            for (let j = 0; j < cs; j += 4) {
              const o = <usize>j << 2;
              const sV = i32x4.min_s(i32x4.max_s(i32x4.sub(v128.load(tOut + pos + o), tiV), zero), tauV);
              const prod = f32x4.mul(v128.load(delta + pos + o), f32x4.convert_i32x4_s(sV));
              v128.store(row + o, f32x4.add(v128.load(row + o), prod));
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
  const zero = i32x4.splat(0), tauV = i32x4.splat(tau);
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
            const tiV = i32x4.splat(ti);
            const row = w + (<usize>(((ky * k + kx) * cin + c) * cs) << 2);
            let acc = f32x4.splat(0);
            if (quiet) {
              for (let j = 0; j < cs; j += 4) {
                const o = <usize>j << 2;
                acc = f32x4.add(acc, f32x4.mul(v128.load(delta + pos + o), v128.load(row + o)));
              }
            } else {
              for (let j = 0; j < cs; j += 4) {
                const o = <usize>j << 2;
                const sV = i32x4.sub(v128.load(tOut + pos + o), tiV);
                const m = v128.and(i32x4.gt_s(sV, zero), i32x4.le_s(sV, tauV));
                acc = f32x4.add(acc, v128.and(f32x4.mul(v128.load(delta + pos + o), v128.load(row + o)), m));
              }
            }
            const sum = ((f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + f32x4.extract_lane(acc, 2)) + f32x4.extract_lane(acc, 3);
            const ea = eIn + (ia - tIn);
            store<f32>(ea, load<f32>(ea) + sum);
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
