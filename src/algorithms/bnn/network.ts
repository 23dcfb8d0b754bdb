// The BNN baseline of the BS4NN paper: "a simple BNN with the same architecture" (algorithms.md 2.3),
// built the BinaryNet way (Courbariaux, Hubara et al. 2016): +-1 weights and +-1 hidden activations,
// popcount forward, latent real weights updated by Adam with a straight-through estimator and kept
// in [-1, 1].
//   layer 0 (8-bit pixels p): D = sum_i sign(w_ji) p_i, exact via 8 bit planes AND popcount;
//   later layers (+-1 inputs):  D = sum_i sign(w_ji) x_i by XNOR popcount;
//   z_j = s_j * (D_j - mu_j) / (c_l * sqrt(nIn)) + b_j   (c_0 = 255: pixels in [0, 1]; s_j, b_j a
//         learned per-neuron scale and bias, mu_j a running mean of D_j: batch norm's affine part
//         and its mean centring, which a batch-1 sign network needs: without it most hidden units
//         sit on one side of zero for every input and carry nothing);
//   hidden h_j = +1 if z_j >= 0 else -1; output z = logits, softmax cross-entropy.
//   STE: dh/dz = 1 if |z| <= 1 (hardtanh); gradients w.r.t. inputs use the binary weights.
import { Arena, type Tensor } from '../../wasm/arena.js';
import type { KernelSet } from '../../wasm/kernels.js';
import { RandomStream } from '../../train/rng.js';
import { NumericalError } from '../../errors.js';

export interface BnnConfig { hidden: number[]; lr: number; lrDecay: number; beta1: number; beta2: number; eps: number; initScale: number }

interface Param { t: Tensor<'f32'>; g: Tensor<'f32'>; m: Tensor<'f32'>; v: Tensor<'f32'>; n: number; clip: number }

interface BnnLayer {
  nIn: number; nOut: number; cols: number; words: number;
  w: Param; b: Param; s: Param;
  /** running mean of D per neuron, and how many samples it has seen */
  mu: Float64Array; muCount: number;
  /** (D - mu) / c of the current sample: the input of the scale s */
  u: Float64Array;
  bits: Tensor<'u64'>;
  d: Tensor<'i32'>;
  /** pre-activation of the current sample (host copy) */
  z: Float32Array;
  /** gradient w.r.t. z, as the outer-product kernel's row factors */
  dz: Tensor<'f32'>;
  /** this layer's input as f32 (p/255 or +-1) and packed +-1 (layers >= 1) */
  x: Tensor<'f32'>;
  xbits: Tensor<'u64'>;
}

const pad4 = (n: number) => (n + 3) & ~3;

export class BnnNetwork {
  readonly layers: BnnLayer[] = [];
  private readonly pixels: Tensor<'u8'>;
  private readonly planes: Tensor<'u64'>;
  private step = 0;
  /** beta1^step and beta2^step by repeated multiplication (exact IEEE, no host Math.pow) */
  private b1t = 1;
  private b2t = 1;
  private readonly logits: Tensor<'f32'>;
  lrScale = 1;

  constructor(private readonly arena: Arena, private readonly k: KernelSet, readonly nInput: number,
    readonly nClasses: number, readonly cfg: BnnConfig) {
    const sizes = [nInput, ...cfg.hidden, nClasses];
    const param = (n: number, clip: number): Param => ({ t: arena.alloc('f32', pad4(n)), g: arena.alloc('f32', pad4(n)),
      m: arena.alloc('f32', pad4(n)), v: arena.alloc('f32', pad4(n)), n: pad4(n), clip });
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l], nOut = sizes[l + 1], cols = pad4(nIn), words = Math.ceil(nIn / 64);
      this.layers.push({ nIn, nOut, cols, words, w: param(nOut * cols, 1), b: param(nOut, 0), s: param(nOut, 0), mu: new Float64Array(nOut), muCount: 0, u: new Float64Array(nOut),
        bits: arena.alloc('u64', nOut * words), d: arena.alloc('i32', nOut), z: new Float32Array(nOut),
        dz: arena.alloc('f32', nOut), x: arena.alloc('f32', cols), xbits: arena.alloc('u64', words) });
    }
    this.pixels = arena.alloc('u8', nInput);
    this.planes = arena.alloc('u64', 8 * this.layers[0].words);
    this.logits = arena.alloc('f32', pad4(nClasses));
  }

  initialise(seed: number): void {
    this.layers.forEach((L, l) => {
      const r = new RandomStream(seed, 'init', l, 0);
      const w = this.arena.view(L.w.t);
      w.fill(0);
      for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) w[j * L.cols + i] = this.cfg.initScale * (2 * r.uniform(j * L.nIn + i) - 1);
      for (const p of [L.w, L.b, L.s]) { this.arena.view(p.m).fill(0); this.arena.view(p.v).fill(0); this.arena.view(p.g).fill(0); }
      this.arena.view(L.b.t).fill(0);
      this.arena.view(L.s.t).fill(1);
      L.mu.fill(0); L.muCount = 0;
      this.pack(L);
    });
    this.step = 0; this.b1t = 1; this.b2t = 1;
  }

  pack(L: BnnLayer): void {
    this.k.bin_pack_signs(L.w.t.offset, L.nOut, L.nIn, L.cols, 1, L.words, L.bits.offset, 0);
  }

  get adamState(): number[] { return [this.step, this.b1t, this.b2t]; }
  set adamState(s: number[]) { [this.step, this.b1t, this.b2t] = s; }

  /** Forward pass; returns the logits (host array of nClasses). */
  forward(images: Uint8Array, offset: number, training: boolean): Float32Array {
    const a = this.arena, k = this.k;
    a.view(this.pixels).set(images.subarray(offset, offset + this.nInput));
    const L0 = this.layers[0];
    k.bin_pack_u8_planes(this.pixels.offset, this.nInput, L0.words, this.planes.offset);
    const x0 = a.view(L0.x);
    for (let i = 0; i < this.nInput; i++) x0[i] = images[offset + i] / 255;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      if (l === 0) k.bin_andpopc_planes_gemv(L.bits.offset, this.planes.offset, L.nOut, L.words, L.d.offset);
      else k.bin_xnor_gemv(L.bits.offset, L.xbits.offset, L.nOut, L.words, L.nIn, L.d.offset);
      const d = a.view(L.d), b = a.view(L.b.t), sc = a.view(L.s.t);
      const c = (l === 0 ? 255 : 1) * Math.sqrt(L.nIn);
      for (let j = 0; j < L.nOut; j++) { L.u[j] = (d[j] - L.mu[j]) / c; L.z[j] = Math.fround(sc[j] * L.u[j]) + b[j]; }
      if (training) {
        // cumulative mean over the first 1000 samples, then an exponential one (momentum 0.001)
        L.muCount++;
        const m = Math.max(1 / L.muCount, 0.001);
        for (let j = 0; j < L.nOut; j++) L.mu[j] += m * (d[j] - L.mu[j]);
      }
      if (l + 1 < this.layers.length) {
        const N = this.layers[l + 1];
        const x = a.view(N.x);
        for (let j = 0; j < L.nOut; j++) x[j] = L.z[j] >= 0 ? 1 : -1;
        k.bin_pack_signs(N.x.offset, 1, N.nIn, 0, 1, N.words, N.xbits.offset, 0);
      }
    }
    return this.layers[this.layers.length - 1].z;
  }

  /** Accumulates the gradient of softmax cross-entropy for `label`. Call after forward(). */
  backward(label: number): void {
    const a = this.arena, k = this.k;
    const out = this.layers[this.layers.length - 1];
    a.view(this.logits).set(out.z);
    k.f32_softmax_xent_grad(this.logits.offset, out.nOut, label, out.dz.offset);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l];
      const dz = a.view(L.dz), d = a.view(L.d);
      const c = (l === 0 ? 255 : 1) * Math.sqrt(L.nIn);
      const s = a.view(L.s.t);
      const gb = a.view(L.b.g), gs = a.view(L.s.g);
      for (let j = 0; j < L.nOut; j++) { gb[j] += dz[j]; gs[j] += dz[j] * L.u[j]; }
      // dW_ji = dz_j * s / sqrt(nIn) * x_i, with x = p/255 on layer 0 (c carries that 255 for D,
      // not for x): fold s / sqrt(nIn) into the row factor
      const rs = Math.sqrt(L.nIn);
      for (let j = 0; j < L.nOut; j++) dz[j] = Math.fround((dz[j] * s[j]) / rs);
      k.f32_outer_acc(L.w.g.offset, L.nOut, L.cols, L.dz.offset, L.x.offset);
      if (l > 0) {
        // dx_i = sum_j dz_j sign(w_ji); then the hardtanh STE of the layer below
        const B = this.layers[l - 1];
        const w = a.view(L.w.t);
        const dzb = a.view(B.dz);
        for (let i = 0; i < L.nIn; i++) {
          let acc = 0;
          if (Math.abs(B.z[i]) <= 1) for (let j = 0; j < L.nOut; j++) { if (dz[j] !== 0) acc += w[j * L.cols + i] >= 0 ? dz[j] : -dz[j]; }
          dzb[i] = acc;
        }
      }
    }
  }

  /** Adam step on the accumulated (summed) gradients of `batch` samples, then clears them. */
  apply(batch: number): void {
    const a = this.arena, k = this.k, c = this.cfg;
    this.step++;
    this.b1t *= c.beta1; this.b2t *= c.beta2;
    const bc1 = 1 - this.b1t, bc2 = 1 - this.b2t;
    for (const L of this.layers) {
      for (const p of [L.w, L.b, L.s]) {
        const g = a.view(p.g);
        if (batch !== 1) for (let i = 0; i < p.n; i++) g[i] = g[i] / batch;
        k.f32_adam_step(p.t.offset, p.g.offset, p.m.offset, p.v.offset, p.n, c.lr * this.lrScale, c.beta1, c.beta2, c.eps,
          bc1, bc2, 0, p.clip);
        g.fill(0);
      }
      this.pack(L);
    }
  }

  checkFinite(step: number): void {
    this.layers.forEach((L, l) => {
      for (const [name, p] of [['weights', L.w], ['biases', L.b], ['scale', L.s]] as const) {
        if (this.k.f32_nonfinite_any(p.t.offset, p.n)) throw new NumericalError(`bnn layer ${l} ${name}`, step, 'NaN or Inf');
      }
    });
  }
}
