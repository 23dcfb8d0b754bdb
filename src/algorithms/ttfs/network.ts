// A fully connected time-to-first-spike network (S4NN / BS4NN): layers as small records of
// tensors in wasm memory, and the per-sample forward, online update and minibatch gradient that
// call the kernels. The algorithm files only choose hyper-parameters; all TTFS logic lives here.
import { Arena, padTo8, type Tensor } from '../../wasm/arena.js';
import type { KernelSet } from '../../wasm/kernels.js';
import { RandomStream } from '../../train/rng.js';
import { NumericalError } from '../../errors.js';
import type { TtfsConfig } from './config.js';
import { encodeLatencies } from './encode.js';
import { relativeTargets, normalisedError, normaliseInPlace } from './targets.js';

export interface TtfsLayer {
  nIn: number; nOut: number; stride: number;
  /** real weights, input-major [nIn][stride] */
  w: Tensor<'f32'>;
  /** sign(w) as i16, same layout (binary networks only) */
  sgn: Tensor<'i16'> | null;
  tOut: Tensor<'i32'>;
  /** potential scratch: f32 (real) or i16 (binary) */
  v: Tensor<'f32'> | Tensor<'i16'>;
  delta: Tensor<'f32'>;
  /** minibatch gradient accumulator (allocated on first use) */
  grad: Tensor<'f32'> | null;
  theta: number;
  alpha: number;
  /** firing counts per neuron within the current epoch (dead-neuron statistic) */
  fireCount: Float64Array;
}

export class TtfsNetwork {
  readonly layers: TtfsLayer[] = [];
  readonly tIn: Tensor<'i32'>;
  private readonly order: Tensor<'i32'>;
  private readonly counts: Tensor<'i32'>;
  /** potential (real: f32; binary: i32 counts) of the output layer at step tmax - 3 */
  readonly vRec: Tensor<'f32'> | Tensor<'i32'>;
  readonly nClasses: number;
  private readonly target: Float64Array;
  /** alpha gradient sums of the current minibatch */
  private alphaGrad: Float64Array;

  constructor(private readonly arena: Arena, private readonly k: KernelSet, readonly nInput: number,
    nClasses: number, readonly cfg: TtfsConfig) {
    const sizes = [nInput, ...cfg.hidden, nClasses];
    if (nInput >= 32767 && cfg.binary) throw new Error('binary layers support at most 32766 inputs');
    this.nClasses = nClasses;
    this.tIn = arena.alloc('i32', padTo8(nInput));
    const maxIn = Math.max(...sizes);
    this.order = arena.alloc('i32', maxIn);
    this.counts = arena.alloc('i32', cfg.tmax + 2);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l], nOut = sizes[l + 1], stride = padTo8(nOut);
      this.layers.push({
        nIn, nOut, stride,
        w: arena.alloc('f32', nIn * stride),
        sgn: cfg.binary ? arena.alloc('i16', nIn * stride) : null,
        tOut: arena.alloc('i32', stride),
        v: cfg.binary ? arena.alloc('i16', stride) : arena.alloc('f32', stride),
        delta: arena.alloc('f32', stride),
        grad: null,
        theta: cfg.theta[l], alpha: cfg.binary ? cfg.alphaInit[l] : 1,
        fireCount: new Float64Array(nOut),
      });
    }
    const last = this.layers[this.layers.length - 1];
    this.vRec = cfg.binary ? arena.alloc('i32', last.stride) : arena.alloc('f32', last.stride);
    this.target = new Float64Array(nClasses);
    this.alphaGrad = new Float64Array(this.layers.length);
  }

  /** U[lo, hi] initialisation from the (seed, 'init', layer) stream; pad lanes stay 0. */
  initialise(seed: number): void {
    this.layers.forEach((L, l) => {
      const [lo, hi] = this.cfg.init[l];
      const r = new RandomStream(seed, 'init', l, 0);
      const w = this.arena.view(L.w);
      w.fill(0);
      for (let i = 0; i < L.nIn; i++) for (let j = 0; j < L.nOut; j++) w[i * L.stride + j] = lo + (hi - lo) * r.uniform(i * L.nOut + j);
      this.refreshSigns(L);
    });
  }

  refreshSigns(L: TtfsLayer): void {
    if (L.sgn) this.k.f32_sign_i16(L.w.offset, L.sgn.offset, L.nIn * L.stride);
  }

  private inputTimes(l: number): Tensor<'i32'> { return l === 0 ? this.tIn : this.layers[l - 1].tOut; }

  /** Forward pass for one image (pixels[offset .. offset + nInput)). Output times in the last layer's tOut. */
  forward(pixels: Uint8Array, offset: number): void {
    const cfg = this.cfg, k = this.k;
    encodeLatencies(pixels, offset, this.nInput, cfg.encoding, this.arena.view(this.tIn));
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = this.layers[l];
      const tIn = this.inputTimes(l);
      const nEv = k.ttfs_sort_events(tIn.offset, L.nIn, cfg.tmax - 2, this.counts.offset, this.order.offset);
      const rec = l === last ? this.vRec.offset : 0;
      if (L.sgn) {
        k.ttfs_forward_bin_i16(L.sgn.offset, L.nOut, L.stride, tIn.offset, this.order.offset, nEv,
          this.binaryThreshold(l), cfg.tmax, cfg.tmax - 3, L.v.offset, L.tOut.offset, rec);
      } else {
        k.ttfs_forward_f32(L.w.offset, L.nOut, L.stride, tIn.offset, this.order.offset, nEv,
          L.theta, cfg.tmax, cfg.tmax - 3, L.v.offset, L.tOut.offset, rec);
      }
    }
  }

  /** alpha * c > theta  <=>  c >= floor(theta / alpha) + 1 for integer c (kernel takes the integer). */
  binaryThreshold(l: number): number {
    const L = this.layers[l];
    if (!(L.alpha > 0) || !Number.isFinite(L.alpha)) {
      throw new NumericalError(`layer ${l} scale alpha`, -1, `alpha = ${L.alpha} (must stay positive and finite)`);
    }
    return Math.min(32767, Math.max(-32767, Math.floor(L.theta / L.alpha) + 1));
  }

  outputTimes(): Int32Array { return this.arena.view(this.layers[this.layers.length - 1].tOut); }

  /** Count hidden firings of the current sample (dead-neuron statistic and firing share). */
  recordFiring(): void {
    const tmax = this.cfg.tmax;
    for (let l = 0; l < this.layers.length - 1; l++) {
      const L = this.layers[l];
      const t = this.arena.view(L.tOut);
      for (let j = 0; j < L.nOut; j++) if (t[j] < tmax) L.fireCount[j]++;
    }
  }

  /** Writes the normalised output delta for `label`; returns the error norm (0: nothing to learn). */
  private outputDelta(label: number): number {
    const cfg = this.cfg;
    const out = this.layers[this.layers.length - 1];
    const t = this.arena.view(out.tOut);
    relativeTargets(t, this.nClasses, label, cfg.gamma, cfg.tmax, cfg.noSpikeTarget, this.target);
    return normalisedError(t, this.target, this.nClasses, cfg.tmax, this.arena.view(out.delta));
  }

  /**
   * One online SGD step (batch size 1) in the reference order: for each layer from the output down,
   * update W, decay, update alpha (binary) with the new W, then propagate delta through the new
   * real-valued W and normalise it. Call after forward().
   */
  trainStep(label: number): void {
    const cfg = this.cfg, k = this.k;
    this.outputDelta(label);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l];
      const tIn = this.inputTimes(l);
      const s = k.ttfs_update_f32(L.w.offset, L.nIn, L.nOut, L.stride, tIn.offset, L.tOut.offset, L.delta.offset,
        cfg.eta[l], cfg.lambda[l], L.sgn ? L.sgn.offset : 0);
      if (cfg.binary) L.alpha -= cfg.alphaLr[l] * (s / (L.nIn * L.nOut));
      if (l > 0) {
        const below = this.layers[l - 1];
        k.ttfs_backprop_f32(L.w.offset, L.nIn, L.stride, tIn.offset, L.tOut.offset, L.delta.offset, below.delta.offset);
        normaliseInPlace(this.arena.view(below.delta), below.nOut);
      }
    }
  }

  /** Minibatch form: accumulate this sample's gradient with the current weights. Call after forward(). */
  accumulateGradient(label: number): void {
    const k = this.k;
    this.outputDelta(label);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l];
      if (!L.grad) L.grad = this.arena.alloc('f32', L.nIn * L.stride);
      const tIn = this.inputTimes(l);
      this.alphaGrad[l] += k.ttfs_grad_accum_f32(L.grad.offset, L.w.offset, L.nIn, L.stride, tIn.offset, L.tOut.offset, L.delta.offset);
      if (l > 0) {
        const below = this.layers[l - 1];
        k.ttfs_backprop_f32(L.w.offset, L.nIn, L.stride, tIn.offset, L.tOut.offset, L.delta.offset, below.delta.offset);
        normaliseInPlace(this.arena.view(below.delta), below.nOut);
      }
    }
  }

  /** Gradient buffers (one per layer), for the fixed-order reduction across shards. */
  gradients(): { grads: Tensor<'f32'>[]; alphaGrad: Float64Array } {
    return { grads: this.layers.map((L) => { if (!L.grad) L.grad = this.arena.alloc('f32', L.nIn * L.stride); return L.grad; }), alphaGrad: this.alphaGrad };
  }

  zeroGradients(): void {
    for (const L of this.layers) if (L.grad) this.arena.view(L.grad).fill(0);
    this.alphaGrad.fill(0);
  }

  /** Applies the averaged minibatch gradient: W -= (eta / B) G; W -= eta lambda W; alpha likewise. */
  applyGradient(batch: number): void {
    const cfg = this.cfg, k = this.k;
    this.layers.forEach((L, l) => {
      if (!L.grad) return;
      k.f32_sgd_step(L.w.offset, L.grad.offset, L.nIn * L.stride, cfg.eta[l] / batch, cfg.lambda[l] * batch);
      if (cfg.binary) L.alpha -= cfg.alphaLr[l] * (this.alphaGrad[l] / batch / (L.nIn * L.nOut));
      this.refreshSigns(L);
    });
    this.zeroGradients();
  }

  /** S4NN's dead-neuron rule: re-initialise the input weights of hidden neurons that fired on fewer
   *  than deadFraction of the epoch's samples. Returns how many were reset. Clears the counts. */
  endEpoch(seed: number, epoch: number, samples: number): number {
    let reset = 0;
    for (let l = 0; l < this.layers.length - 1; l++) {
      const L = this.layers[l];
      if (this.cfg.deadNeuronReinit && samples > 0) {
        const [lo, hi] = this.cfg.init[l];
        const r = new RandomStream(seed, 'reinit', epoch, l);
        const w = this.arena.view(L.w);
        for (let j = 0; j < L.nOut; j++) {
          if (L.fireCount[j] < this.cfg.deadFraction * samples) {
            for (let i = 0; i < L.nIn; i++) w[i * L.stride + j] = lo + (hi - lo) * r.uniform(j * L.nIn + i);
            reset++;
          }
        }
        if (reset > 0) this.refreshSigns(L);
      }
      L.fireCount.fill(0);
    }
    return reset;
  }

  /** Throws NumericalError naming the first layer whose weights hold NaN/Inf. */
  checkFinite(step: number): void {
    this.layers.forEach((L, l) => {
      if (this.k.f32_nonfinite_any(L.w.offset, L.nIn * L.stride)) throw new NumericalError(`layer ${l} weights`, step, 'NaN or Inf');
      if (!Number.isFinite(L.alpha)) throw new NumericalError(`layer ${l} scale alpha`, step, `alpha = ${L.alpha}`);
    });
  }

  /** The weights as [nOut][nIn] row-major f32 (the .npy interchange layout), per layer. */
  exportWeights(): Float32Array[] {
    return this.layers.map((L) => {
      const w = this.arena.view(L.w);
      const out = new Float32Array(L.nOut * L.nIn);
      for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) out[j * L.nIn + i] = w[i * L.stride + j];
      return out;
    });
  }

  /** Loads [nOut][nIn] row-major weights for layer l. */
  importWeights(l: number, rowsOutCols: Float32Array): void {
    const L = this.layers[l];
    if (rowsOutCols.length !== L.nOut * L.nIn) throw new Error(`layer ${l} expects ${L.nOut}x${L.nIn} weights`);
    const w = this.arena.view(L.w);
    w.fill(0);
    for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) w[i * L.stride + j] = rowsOutCols[j * L.nIn + i];
    this.refreshSigns(L);
  }
}
