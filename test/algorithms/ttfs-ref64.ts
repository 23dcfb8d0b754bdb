// A plain float64 re-statement of one online training step of the authors' S4NN / BS4NN codes (not
// shipped): algorithms.md 1.1-1.2 and 2.1-2.2, the same arithmetic as bench/peers/s4nn_numpy.py,
// written from the definitions with no shared code (own encoding, own forward, own targets), so the
// network's kernels and host logic can be checked against it step by step.
//
//   forward: V_j[k] = sum_i w_ji [t_i <= k] (sign(w) for BS4NN), fire at 1 + the first k < tmax with
//            V_j[k] > theta / alpha, else tmax (a crossing at k = tmax - 1 also reads tmax).
//   backward (reference order, output layer first): W -= eta delta [t_i < t_j]; W *= 1 - eta lambda;
//            BS4NN: alpha -= alphaLr mean(delta [t_i < t_j] sign(W)) with the updated W; the error of
//            the layer below is sum_j delta_j [t_i < t_j] W_ji through the updated real W; every delta
//            is L2-normalised (unless zero).
//   per-neuron scales (`--binary-scale filter`, not the authors'): neuron j fires against theta / alpha_j,
//            and alpha_j -= alphaLr sum_i delta_j [t_i < t_j] sign(W_ji) / nIn with the updated W.
import { createSharedMemory, instantiateKernels } from '../../src/wasm/module.js';
import { Arena } from '../../src/wasm/arena.js';
import { loadDataset } from '../../src/data/index.js';
import { TtfsModel } from '../../src/algorithms/ttfs/model.js';
import type { TtfsConfig } from '../../src/algorithms/ttfs/config.js';

export interface TtfsRefConfig {
  theta: number[]; eta: number[]; lambda: number[]; gamma: number; tmax: number; binary: boolean;
  alphaLr: number[]; encoding: 's4nn' | 'bs4nn'; noSpikeTarget: 'pull-label' | 'none'; binaryScale?: 'layer' | 'filter';
}

export class TtfsRef64 {
  /** per layer: [nOut][nIn] float64 */
  readonly w: Float64Array[];
  readonly alpha: number[];
  /** per-neuron scales (binaryScale 'filter'), else null */
  readonly alphaN: Float64Array[] | null;

  constructor(readonly cfg: TtfsRefConfig, readonly sizes: number[], weights: ArrayLike<number>[], alpha: number[]) {
    this.w = weights.map((x) => Float64Array.from(x));
    this.alpha = [...alpha];
    this.alphaN = cfg.binary && cfg.binaryScale === 'filter' ? sizes.slice(1).map((n, l) => new Float64Array(n).fill(alpha[l])) : null;
  }

  encode(pixels: ArrayLike<number>): Int32Array {
    const t = new Int32Array(pixels.length);
    for (let i = 0; i < t.length; i++) {
      t[i] = this.cfg.encoding === 'bs4nn' ? 255 - pixels[i] : Math.floor(((255 - pixels[i]) * this.cfg.tmax) / 255);
    }
    return t;
  }

  forward(l: number, tIn: Int32Array): Int32Array {
    const { tmax, binary } = this.cfg, nIn = this.sizes[l], nOut = this.sizes[l + 1], w = this.w[l];
    const out = new Int32Array(nOut);
    for (let j = 0; j < nOut; j++) {
      const thr = this.cfg.theta[l] / (this.alphaN ? this.alphaN[l][j] : this.alpha[l]);
      const current = new Float64Array(tmax + 1);
      for (let i = 0; i < nIn; i++) current[tIn[i]] += binary ? Math.sign(w[j * nIn + i]) : w[j * nIn + i];
      let v = 0, fire = tmax;
      for (let k = 0; k < tmax; k++) {
        v += current[k];
        if (v > thr) { fire = k + 1; break; }
      }
      out[j] = fire;
    }
    return out;
  }

  /** One training step; returns every layer's spike times (input first). */
  step(pixels: ArrayLike<number>, label: number): Int32Array[] {
    const { tmax, gamma } = this.cfg, L = this.sizes.length - 1;
    const times = [this.encode(pixels)];
    for (let l = 0; l < L; l++) times.push(this.forward(l, times[l]));
    const tO = times[L], n = this.sizes[L];
    let tau = tmax;
    for (let k = 0; k < n; k++) tau = Math.min(tau, tO[k]);
    const target = new Float64Array(n);
    if (tau === tmax) {
      target.fill(tmax);
      target[label] = this.cfg.noSpikeTarget === 'pull-label' ? tmax - gamma : tmax;
    } else {
      for (let k = 0; k < n; k++) target[k] = tO[k] - tau < gamma ? Math.min(tau + gamma, tmax) : tO[k];
      target[label] = tau;
    }
    let delta = Array.from(target, (T, k) => (T - tO[k]) / tmax);
    for (let l = L - 1; l >= 0; l--) {
      const norm = Math.sqrt(delta.reduce((s, d) => s + d * d, 0));
      if (norm !== 0) delta = delta.map((d) => d / norm);
      const nIn = this.sizes[l], nOut = this.sizes[l + 1], w = this.w[l], ti = times[l], to = times[l + 1];
      const eta = this.cfg.eta[l];
      for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) if (ti[i] < to[j]) w[j * nIn + i] -= eta * delta[j];
      if (this.cfg.lambda[l]) for (let x = 0; x < w.length; x++) w[x] *= 1 - eta * this.cfg.lambda[l];
      if (this.alphaN) {
        for (let j = 0; j < nOut; j++) {
          let s = 0;
          for (let i = 0; i < nIn; i++) if (ti[i] < to[j]) s += delta[j] * Math.sign(w[j * nIn + i]);
          this.alphaN[l][j] -= (this.cfg.alphaLr[l] * s) / nIn;
        }
      } else if (this.cfg.binary) {
        let s = 0;
        for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) if (ti[i] < to[j]) s += delta[j] * Math.sign(w[j * nIn + i]);
        this.alpha[l] -= (this.cfg.alphaLr[l] * s) / (nIn * nOut);
      }
      if (l > 0) {
        const below = new Array<number>(nIn).fill(0);
        for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) if (ti[i] < to[j]) below[i] += delta[j] * w[j * nIn + i];
        delta = below;
      }
    }
    return times;
  }
}

export interface ParityReport { steps: number; timeMismatches: number; firstMismatch: number; dw: number[]; maxW: number[]; dAlpha: number[] }

/** Trains both for `steps` online steps (images i·7919 mod N) and reports how far they are apart. */
export function runParity(cfg: TtfsConfig, steps: number, seed = 0): ParityReport {
  const memory = createSharedMemory();
  const inst = instantiateKernels(memory, 'fast');
  const arena = new Arena(memory, inst.heapBase);
  const train = loadDataset('mnist', 'train');
  const model = new TtfsModel({ arena, kernels: inst.kernels, nInput: 784, nClasses: 10 }, cfg);
  model.initialise(seed);
  const sizes = [784, ...cfg.hidden, 10];
  const ref = new TtfsRef64(cfg, sizes, model.net.exportWeights(), model.net.layers.map((_, l) => model.net.alpha(l)));
  const net = model.net, ws = net.main;
  let timeMismatches = 0, firstMismatch = -1;
  for (let s = 0; s < steps; s++) {
    const i = (s * 7919) % train.count, label = train.labels[i];
    const want = ref.step(train.images.subarray(i * 784, (i + 1) * 784), label);
    net.forward(ws, train.images, i * 784);
    net.layers.forEach((L, l) => {
      const got = arena.view(ws.layers[l].tOut);
      for (let j = 0; j < L.nOut; j++) {
        if (got[j] !== want[l + 1][j]) { timeMismatches++; if (firstMismatch < 0) firstMismatch = s; }
      }
    });
    net.trainStep(ws, label);
  }
  const ours = net.exportWeights();
  const dw = ours.map((w, l) => w.reduce((m, x, k) => Math.max(m, Math.abs(x - ref.w[l][k])), 0));
  const maxW = ref.w.map((w) => w.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
  const dAlpha = net.layers.map((_, l) => {
    const mine = net.neuronAlpha(l);
    if (!mine || !ref.alphaN) return Math.abs(net.alpha(l) - ref.alpha[l]);
    return ref.alphaN[l].reduce((m, x, j) => Math.max(m, Math.abs(x - mine[j])), 0);
  });
  return { steps, timeMismatches, firstMismatch, dw, maxW, dAlpha };
}
