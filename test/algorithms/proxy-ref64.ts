// A plain float64 re-statement of the proxy-learning networks (not shipped): the ANN forward with
// batch norm in batch or eval mode, and the SNN forward, written straight from the definitions
// (algorithms.md 4.2) with no shared code, so the wasm kernels can be checked against it and its loss
// differentiated by central finite differences.
import type { LayerSpec } from '../../src/algorithms/proxy/models.js';

export interface Ref64Net { specs: LayerSpec[]; C: number; H: number; W: number; nc: number }
type Arr = Float64Array;

interface Shape { C: number; H: number; W: number; flat: boolean }

function conv(x: Arr, s: Shape, w: Arr, cout: number, k: number, pad: number): [Arr, Shape] {
  const Ho = s.H + 2 * pad - k + 1, Wo = s.W + 2 * pad - k + 1;
  const y = new Float64Array(cout * Ho * Wo);
  for (let co = 0; co < cout; co++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    let acc = 0;
    for (let ci = 0; ci < s.C; ci++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const iy = oy - pad + ky, ix = ox - pad + kx;
      if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;
      acc += w[((co * s.C + ci) * k + ky) * k + kx] * x[(ci * s.H + iy) * s.W + ix];
    }
    y[(co * Ho + oy) * Wo + ox] = acc;
  }
  return [y, { C: cout, H: Ho, W: Wo, flat: false }];
}

/** Batch norm over a batch of [C][n] maps; running = [mean, var] used in eval mode. */
function bn(xs: Arr[], C: number, n: number, g: Arr, b: Arr, eps: number, running?: [Arr, Arr]): Arr[] {
  const mean = new Float64Array(C), vr = new Float64Array(C);
  if (running) { mean.set(running[0]); vr.set(running[1]); } else {
    for (let c = 0; c < C; c++) {
      let s = 0; for (const x of xs) for (let i = 0; i < n; i++) s += x[c * n + i];
      mean[c] = s / (xs.length * n);
      let q = 0; for (const x of xs) for (let i = 0; i < n; i++) q += (x[c * n + i] - mean[c]) ** 2;
      vr[c] = q / (xs.length * n);
    }
  }
  return xs.map((x) => x.map((v, i) => { const c = Math.floor(i / n); return ((v - mean[c]) / Math.sqrt(vr[c] + eps)) * g[c] + b[c]; }));
}

function pool(x: Arr, s: Shape): [Arr, Shape] {
  const Ho = s.H >> 1, Wo = s.W >> 1, y = new Float64Array(s.C * Ho * Wo);
  for (let c = 0; c < s.C; c++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    const at = (yy: number, xx: number) => x[(c * s.H + yy) * s.W + xx];
    y[(c * Ho + oy) * Wo + ox] = Math.max(at(2 * oy, 2 * ox), at(2 * oy, 2 * ox + 1), at(2 * oy + 1, 2 * ox), at(2 * oy + 1, 2 * ox + 1));
  }
  return [y, { ...s, H: Ho, W: Wo }];
}

function fc(x: Arr, w: Arr, nout: number): Arr {
  const y = new Float64Array(nout);
  for (let j = 0; j < nout; j++) { let a = 0; for (let i = 0; i < x.length; i++) a += w[j * x.length + i] * x[i]; y[j] = a; }
  return y;
}

/** ANN outputs per image. params in PyTorch order; running per conv [annMean, annVar] or undefined (batch stats). */
export function annForward64(net: Ref64Net, params: Arr[], images: Arr[], running?: [Arr, Arr][], eps = 1e-5): Arr[] {
  let xs = images, s: Shape = { C: net.C, H: net.H, W: net.W, flat: false };
  let p = 0, nConv = 0;
  net.specs.forEach((L, li) => {
    if (L.kind === 'conv') {
      const w = params[p++], g = params[p++], b = params[p++];
      let s2 = s;
      const ys = xs.map((x) => { const [y, sh] = conv(x, s, w, L.out, L.k ?? 3, L.pad ?? 1); s2 = sh; return y; });
      s = s2;
      xs = bn(ys, s.C, s.H * s.W, g, b, eps, running?.[nConv++]).map((y) => y.map((v) => Math.max(0, v)));
    } else if (L.kind === 'pool') {
      let s2 = s;
      xs = xs.map((x) => { const [y, sh] = pool(x, s); s2 = sh; return y; });
      s = s2;
    } else {
      const w = params[p++];
      const last = li === net.specs.length - 1;
      xs = xs.map((x) => { const y = fc(x, w, L.out); return last ? y : y.map((v) => Math.max(0, v)); });
      s = { C: L.out, H: 1, W: 1, flat: true };
    }
  });
  return xs;
}

/** SNN spike counts per image (IF, hard reset, threshold theta, T steps); BN in eval mode with the SNN's running statistics. */
export function snnForward64(net: Ref64Net, params: Arr[], images: Arr[], running: [Arr, Arr][], T: number, theta: number, eps = 1e-5): Arr[] {
  return images.map((img) => {
    const shapes: Shape[] = [];
    let s: Shape = { C: net.C, H: net.H, W: net.W, flat: false };
    // constant current of the first conv + BN
    let p = 0, nConv = 0;
    const state: { v: Arr; cnt: Arr }[] = [];
    const L0 = net.specs[0] as { out: number; k?: number; pad?: number };
    const [c0, s0] = conv(img, s, params[0], L0.out, L0.k ?? 3, L0.pad ?? 1);
    const cur0 = bn([c0], s0.C, s0.H * s0.W, params[1], params[2], eps, running[0])[0];
    for (const L of net.specs) { void L; state.push({ v: new Float64Array(0), cnt: new Float64Array(0) }); }
    let outCnt: Arr = new Float64Array(net.nc);
    for (let t = 0; t < T; t++) {
      let x = img; s = { C: net.C, H: net.H, W: net.W, flat: false }; p = 0; nConv = 0;
      net.specs.forEach((L, li) => {
        let cur: Arr;
        if (L.kind === 'conv') {
          const w = params[p++], g = params[p++], b = params[p++];
          if (li === 0) { cur = cur0; s = s0; nConv++; } else {
            const [y, sh] = conv(x, s, w, L.out, L.k ?? 3, L.pad ?? 1); s = sh;
            cur = bn([y], s.C, s.H * s.W, g, b, eps, running[nConv++])[0];
          }
        } else if (L.kind === 'pool') {
          const [y, sh] = pool(x, s); x = y; s = sh; shapes.push(s); return;
        } else {
          cur = fc(x, params[p++], L.out); s = { C: L.out, H: 1, W: 1, flat: true };
        }
        const st = state[li];
        if (st.v.length === 0) { st.v = new Float64Array(cur.length); st.cnt = new Float64Array(cur.length); }
        const spk = new Float64Array(cur.length);
        for (let i = 0; i < cur.length; i++) {
          st.v[i] += cur[i];
          if (st.v[i] >= theta) { spk[i] = 1; st.v[i] = 0; st.cnt[i]++; }
        }
        x = spk;
        if (li === net.specs.length - 1) outCnt = st.cnt;
      });
    }
    return outCnt;
  });
}

/** mean over images x classes of (out - onehot)^2 */
export function mse64(outs: Arr[], labels: ArrayLike<number>): number {
  let s = 0;
  outs.forEach((o, b) => o.forEach((v, c) => { s += (v - (c === labels[b] ? 1 : 0)) ** 2; }));
  return s / (outs.length * outs[0].length);
}
