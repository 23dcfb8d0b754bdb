// The BNN baseline of the BS4NN paper: "a simple BNN with the same architecture" (algorithms.md 2.3),
// built the BinaryNet way (Courbariaux, Hubara et al. 2016): +-1 weights and +-1 hidden activations,
// popcount forward, latent real weights updated by Adam with a straight-through estimator and kept
// in [-1, 1].
//   layer 0 (8-bit pixels p): D = sum_i sign(w_ji) p_i, exact via 8 bit planes AND popcount;
//   later layers (+-1 inputs):  D = sum_i sign(w_ji) x_i by XNOR popcount;
//   z_j = s_j * (D_j - mu_j) / (c_l * sqrt(nIn)) + b_j   (c_0 = 255: pixels in [0, 1]; s_j, b_j a
//         learned per-neuron scale and bias, mu_j a running mean of D_j updated once per batch:
//         batch norm's affine part and its mean centring, without which most hidden units sit on
//         one side of zero for every input and carry nothing);
//   hidden h_j = +1 if z_j >= 0 else -1; output z = logits, softmax cross-entropy.
//   STE: dh/dz = 1 if |z| <= 1 (hardtanh); gradients w.r.t. inputs use the binary weights.
// Parameters live once in shared memory; each executor has a Workspace (scratch + gradients), in a
// fixed allocation order so workers find every tensor at the same offset (see ttfs/network.ts).
import { Arena, type Tensor } from '../../wasm/arena.js';
import { zeroTensor, type KernelSet } from '../../wasm/kernels.js';
import { RandomStream } from '../../train/rng.js';
import { NumericalError, UsageError } from '../../errors.js';
import { WASM_LIMIT, gib, assertShardsFit } from '../memory-budget.js';
import { reduceShards } from '../../pool/reduction-tree.js';


export interface BnnConfig { hidden: number[]; lr: number; lrDecay: number; beta1: number; beta2: number; eps: number; initScale: number; muMomentum: number }

interface Param { t: Tensor<'f32'>; m: Tensor<'f32'>; v: Tensor<'f32'>; n: number; clip: number }

interface BnnLayer {
  nIn: number; nOut: number; cols: number; words: number;
  w: Param; b: Param; s: Param;
  bits: Tensor<'u64'>;
  /** running mean of D per neuron */
  mu: Tensor<'f64'>;
}

interface WsLayer {
  d: Tensor<'i32'>;
  z: Tensor<'f32'>;
  /** (D - mu) / c of the current sample: the input of the scale s */
  u: Tensor<'f64'>;
  dz: Tensor<'f32'>;
  /** this layer's input as f32 (p/255 or +-1) and packed +-1 (layers >= 1) */
  x: Tensor<'f32'>;
  xbits: Tensor<'u64'>;
  gw: Tensor<'f32'>; gb: Tensor<'f32'>; gs: Tensor<'f32'>;
  /** sum of D over the samples of this workspace's batch part (for the running mean) */
  sumD: Tensor<'f64'>;
  /** the last GEMM_ROWS samples' scaled output gradients and inputs, waiting for one GEMM into gw */
  dzRows: Tensor<'f32'>;
  xRows: Tensor<'f32'>;
}

/** `health`: per layer the sum of z over the training samples of this workspace's batch part, then
 *  the summed loss; NaN/Inf there means a non-finite pre-activation or loss (checked in apply). */
export interface BnnWorkspace { pixels: Tensor<'u8'>; planes: Tensor<'u64'>; logits: Tensor<'f32'>; layers: WsLayer[]; pending: number; health: Tensor<'f64'>;
  /** [0]: 1 while the weight gradients hold no sums yet (their memory is stale, read as zeros), shared across threads */
  gwFresh: Tensor<'i32'> }

/** Samples whose weight gradients are gathered into one GEMM (G += dZ^T X): G is streamed once per
 *  GEMM_ROWS samples instead of once per sample. */
export const GEMM_ROWS = 16;

const pad4 = (n: number) => (n + 3) & ~3;

export class BnnNetwork {
  readonly layers: BnnLayer[] = [];
  /** [adam step, beta1^step, beta2^step, lrScale, mean updates] in shared memory */
  private readonly scalars: Tensor<'f64'>;
  readonly main: BnnWorkspace;
  readonly shards: BnnWorkspace[] = [];
  private readonly workspaceBytes: number;

  constructor(private readonly arena: Arena, private readonly k: KernelSet, readonly nInput: number,
    readonly nClasses: number, readonly cfg: BnnConfig) {
    const sizes = [nInput, ...cfg.hidden, nClasses];
    // refuse a network the 1 GiB wasm memory cannot hold before allocating any of it: per weight
    // the latent value and Adam's two moments, plus one workspace's gradient (createShards checks the rest)
    let weights = 0;
    for (let l = 0; l + 1 < sizes.length; l++) weights += sizes[l + 1] * pad4(sizes[l]);
    if (arena.used + 16 * weights > WASM_LIMIT) {
      throw new UsageError('--hidden', `a ${sizes.join('-')} network needs more than ${gib(16 * weights)} GiB of wasm memory ` +
        `(weights, Adam state and one gradient workspace), over the ${gib(WASM_LIMIT)} GiB limit: use smaller hidden layers`);
    }
    const param = (n: number, clip: number): Param => ({ t: arena.alloc('f32', pad4(n)), m: arena.alloc('f32', pad4(n)), v: arena.alloc('f32', pad4(n)), n: pad4(n), clip });
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l], nOut = sizes[l + 1], cols = pad4(nIn), words = Math.ceil(nIn / 64);
      this.layers.push({ nIn, nOut, cols, words, w: param(nOut * cols, 1), b: param(nOut, 0), s: param(nOut, 0),
        bits: arena.alloc('u64', nOut * words), mu: arena.alloc('f64', nOut) });
    }
    this.scalars = arena.alloc('f64', 5);
    const before = arena.used;
    this.main = this.allocWorkspace();
    this.workspaceBytes = arena.used - before + 64;
  }

  private allocWorkspace(): BnnWorkspace {
    const a = this.arena;
    return {
      pixels: a.alloc('u8', this.nInput), planes: a.alloc('u64', 8 * this.layers[0].words), logits: a.alloc('f32', pad4(this.nClasses)),
      layers: this.layers.map((L) => ({ d: a.alloc('i32', L.nOut), z: a.alloc('f32', L.nOut), u: a.alloc('f64', L.nOut), dz: a.alloc('f32', L.nOut),
        x: a.alloc('f32', L.cols), xbits: a.alloc('u64', L.words), gw: a.alloc('f32', L.w.n), gb: a.alloc('f32', L.b.n), gs: a.alloc('f32', L.s.n),
        sumD: a.alloc('f64', L.nOut), dzRows: a.alloc('f32', GEMM_ROWS * pad4(L.nOut)), xRows: a.alloc('f32', GEMM_ROWS * L.cols) })),
      pending: 0,
      health: a.alloc('f64', this.layers.length + 1),
      gwFresh: a.alloc('i32', 1),
    };
  }

  createShards(n: number): void {
    if (this.shards.length) throw new Error('shards already created');
    assertShardsFit([this.nInput, ...this.cfg.hidden, this.nClasses], this.arena.used, n, this.workspaceBytes, 'parameters and the main workspace');
    for (let s = 0; s < n; s++) this.shards.push(this.allocWorkspace());
  }

  get lrScale(): number { return this.arena.view(this.scalars)[3]; }
  set lrScale(v: number) { this.arena.view(this.scalars)[3] = v; }
  get scalarState(): number[] { return [...this.arena.view(this.scalars)]; }
  set scalarState(s: number[]) { this.arena.view(this.scalars).set(s); }

  initialise(seed: number): void {
    this.layers.forEach((L, l) => {
      const r = new RandomStream(seed, 'init', l, 0);
      const w = this.arena.view(L.w.t);
      w.fill(0);
      for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) w[j * L.cols + i] = this.cfg.initScale * (2 * r.uniform(j * L.nIn + i) - 1);
      for (const p of [L.w, L.b, L.s]) { this.arena.view(p.m).fill(0); this.arena.view(p.v).fill(0); }
      this.arena.view(L.b.t).fill(0);
      this.arena.view(L.s.t).fill(1);
      this.arena.view(L.mu).fill(0);
      this.pack(L);
    });
    this.arena.view(this.scalars).set([0, 1, 1, 1, 0]);
    for (const ws of [this.main, ...this.shards]) this.clearWorkspace(ws);
  }

  /** Zeroes the workspace's sums. The weight gradients (the large part) are only marked fresh: the first flush
   *  then stores its sums instead of adding them (f32_gemm_tn_set: the same bits as adding into zeros), and a
   *  reader of a fresh buffer zeroes it first (materialise). The mark lives in shared memory, as the buffers do:
   *  a worker clears and flushes, the main thread reduces. */
  clearWorkspace(ws: BnnWorkspace): void {
    for (const W of ws.layers) for (const t of [W.gb, W.gs, W.sumD]) zeroTensor(this.k, t);
    zeroTensor(this.k, ws.health);
    this.arena.view(ws.gwFresh)[0] = 1;
    ws.pending = 0;
  }

  /** A fresh workspace's weight gradients as zeros, before anything reads them. */
  private materialise(ws: BnnWorkspace): void {
    const f = this.arena.view(ws.gwFresh);
    if (f[0] === 0) return;
    for (const W of ws.layers) zeroTensor(this.k, W.gw);
    f[0] = 0;
  }

  pack(L: BnnLayer): void {
    this.k.bin_pack_signs(L.w.t.offset, L.nOut, L.nIn, L.cols, 1, L.words, L.bits.offset, 0);
  }

  /** Forward pass in ws; returns the logits. `training` adds D to the batch sums of the running mean. */
  forward(ws: BnnWorkspace, images: Uint8Array, offset: number, training: boolean): Float32Array {
    const a = this.arena, k = this.k;
    a.view(ws.pixels).set(images.subarray(offset, offset + this.nInput));
    const L0 = this.layers[0];
    k.bin_pack_u8_planes(ws.pixels.offset, this.nInput, L0.words, ws.planes.offset);
    const x0 = a.view(ws.layers[0].x);
    for (let i = 0; i < this.nInput; i++) x0[i] = images[offset + i] / 255;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l], W = ws.layers[l];
      if (l === 0) k.bin_andpopc_planes_gemv(L.bits.offset, ws.planes.offset, L.nOut, L.words, W.d.offset);
      else k.bin_xnor_gemv(L.bits.offset, W.xbits.offset, L.nOut, L.words, L.nIn, W.d.offset);
      const d = a.view(W.d), b = a.view(L.b.t), sc = a.view(L.s.t), mu = a.view(L.mu), u = a.view(W.u), z = a.view(W.z);
      const c = (l === 0 ? 255 : 1) * Math.sqrt(L.nIn);
      for (let j = 0; j < L.nOut; j++) { u[j] = (d[j] - mu[j]) / c; z[j] = Math.fround(sc[j] * u[j]) + b[j]; }
      if (training) {
        const sd = a.view(W.sumD);
        let zs = 0; // every z_j involves s_j, b_j and mu_j: a non-finite one (or an overflow) shows here
        for (let j = 0; j < L.nOut; j++) { sd[j] += d[j]; zs += z[j]; }
        a.view(ws.health)[l] += zs;
      }
      if (l + 1 < this.layers.length) {
        const N = ws.layers[l + 1];
        const x = a.view(N.x);
        for (let j = 0; j < L.nOut; j++) x[j] = z[j] >= 0 ? 1 : -1;
        k.bin_pack_signs(N.x.offset, 1, this.layers[l + 1].nIn, 0, 1, this.layers[l + 1].words, N.xbits.offset, 0);
      }
    }
    return a.view(ws.layers[this.layers.length - 1].z);
  }

  /** Accumulates into ws the gradient of softmax cross-entropy for `label`. Call after forward(ws). */
  backward(ws: BnnWorkspace, label: number): void {
    const a = this.arena, k = this.k;
    const last = this.layers.length - 1;
    a.view(ws.logits).set(a.view(ws.layers[last].z));
    a.view(ws.health)[this.layers.length] += k.f32_softmax_xent_grad(ws.logits.offset, this.nClasses, label, ws.layers[last].dz.offset);
    for (let l = last; l >= 0; l--) {
      const L = this.layers[l], W = ws.layers[l];
      const dz = a.view(W.dz), u = a.view(W.u), s = a.view(L.s.t);
      const gb = a.view(W.gb), gs = a.view(W.gs);
      for (let j = 0; j < L.nOut; j++) { gb[j] += dz[j]; gs[j] += dz[j] * u[j]; }
      // dW_ji = dz_j * s_j / sqrt(nIn) * x_i (x = p/255 on layer 0): fold s_j / sqrt(nIn) into the row factor
      const rs = Math.sqrt(L.nIn);
      for (let j = 0; j < L.nOut; j++) dz[j] = Math.fround((dz[j] * s[j]) / rs);
      // queue this sample's row factor and input for the layer's weight-gradient GEMM
      const m4 = pad4(L.nOut);
      a.view(W.dzRows).set(dz, ws.pending * m4);
      a.view(W.xRows).set(a.view(W.x), ws.pending * L.cols);
      if (l > 0) {
        // dx_i = sum_j dz_j sign(w_ji), then the hardtanh STE of the layer below (a kernel: the same f64 sum in
        // the same order as the host loop it replaced, which took 15% of BNN training)
        const B = ws.layers[l - 1];
        k.bin_ste_backprop(L.w.t.offset, L.nOut, L.nIn, L.cols, W.dz.offset, B.z.offset, B.dz.offset);
      }
    }
    if (++ws.pending === GEMM_ROWS) this.flush(ws);
  }

  /** Adds the queued samples' weight gradients: gw += dZ^T X per layer, in sample order. */
  flush(ws: BnnWorkspace): void {
    if (ws.pending === 0) return;
    const f = this.arena.view(ws.gwFresh), fresh = f[0] !== 0;
    this.layers.forEach((L, l) => {
      const W = ws.layers[l];
      if (fresh) this.k.f32_gemm_tn_set(W.gw.offset, L.cols, L.nOut, L.cols, W.dzRows.offset, pad4(L.nOut), W.xRows.offset, L.cols, ws.pending);
      else this.k.f32_gemm_tn_acc(W.gw.offset, L.nOut, L.cols, W.dzRows.offset, pad4(L.nOut), W.xRows.offset, L.cols, ws.pending);
    });
    f[0] = 0;
    ws.pending = 0;
  }

  /** Sums the workspaces' gradients and batch sums into the first in the fixed tree of src/pool/reduction-tree.ts. */
  reduceInto(wss: BnnWorkspace[]): BnnWorkspace {
    reduceShards(wss.length, (d, s) => this.mergeShard(wss[d], wss[s]));
    return wss[0];
  }

  /** One merge of the tree (src/pool/reduction-tree.ts): src's gradients, batch sums and health counts added into dst's. */
  mergeShard(dst: BnnWorkspace, src: BnnWorkspace): void {
    const a = this.arena;
    this.materialise(dst); this.materialise(src);
    dst.layers.forEach((D, l) => {
      const S = src.layers[l];
      for (const [x, y] of [[D.gw, S.gw], [D.gb, S.gb], [D.gs, S.gs]] as const) this.k.f32_add(x.offset, y.offset, x.length);
      const sd = a.view(D.sumD), ss = a.view(S.sumD);
      for (let j = 0; j < sd.length; j++) sd[j] += ss[j];
    });
    const hd = a.view(dst.health), hs = a.view(src.health);
    for (let j = 0; j < hd.length; j++) hd[j] += hs[j];
  }

  /** Adam step on the summed gradients of `batch` samples held in ws, running-mean update; clears ws. */
  apply(ws: BnnWorkspace, batch: number): void {
    const a = this.arena, k = this.k, c = this.cfg;
    // Numerical faults are caught within one step, before the update, in O(neurons) per sample:
    // every z_j of every layer is s_j (D_j - mu_j) / c + b_j, so a NaN/Inf scale, bias or running
    // mean shows in this step's sums of z, and NaN/Inf logits in the loss. With finite z and loss
    // the gradients are finite; Adam then moves each parameter by about lr at most and clips the
    // latent weights to [-1, 1], so a parameter can only become non-finite by overflowing, which the
    // next step's z shows. (The trainer's periodic checkFinite scans everything as a backstop.)
    const health = a.view(ws.health);
    for (let l = 0; l < this.layers.length; l++) {
      if (!Number.isFinite(health[l])) throw new NumericalError(`bnn layer ${l} pre-activations`, -1, `NaN or Inf (sum of z = ${health[l]})`);
    }
    if (!Number.isFinite(health[this.layers.length])) {
      throw new NumericalError(`bnn layer ${this.layers.length - 1} loss (softmax cross-entropy)`, -1, `loss = ${health[this.layers.length]}`);
    }
    this.materialise(ws);
    const sc = a.view(this.scalars);
    sc[0]++; sc[1] *= c.beta1; sc[2] *= c.beta2;
    const bc1 = 1 - sc[1], bc2 = 1 - sc[2];
    // running mean of D: cumulative over the first updates, then exponential
    sc[4]++;
    const m = Math.max(1 / sc[4], c.muMomentum);
    this.layers.forEach((L, l) => {
      const W = ws.layers[l];
      for (const [p, g] of [[L.w, W.gw], [L.b, W.gb], [L.s, W.gs]] as const) {
        // the mean over the batch (a kernel: the host loop's f64 quotient rounded to f32 is the f32 quotient)
        if (batch !== 1) k.f32_div_scalar(g.offset, p.n, batch);
        k.f32_adam_step(p.t.offset, g.offset, p.m.offset, p.v.offset, p.n, c.lr * sc[3], c.beta1, c.beta2, c.eps, bc1, bc2, 0, p.clip);
      }
      const mu = a.view(L.mu), sd = a.view(W.sumD);
      for (let j = 0; j < L.nOut; j++) mu[j] += m * (sd[j] / batch - mu[j]);
      this.pack(L);
    });
    this.clearWorkspace(ws);
  }

  checkFinite(step: number): void {
    this.layers.forEach((L, l) => {
      for (const [name, p] of [['weights', L.w], ['biases', L.b], ['scale', L.s]] as const) {
        if (this.k.f32_nonfinite_any(p.t.offset, p.n)) throw new NumericalError(`bnn layer ${l} ${name}`, step, 'NaN or Inf');
        if (this.k.f32_nonfinite_any(p.m.offset, p.n) || this.k.f32_nonfinite_any(p.v.offset, p.n)) {
          throw new NumericalError(`bnn layer ${l} ${name} Adam state`, step, 'NaN or Inf');
        }
      }
      if (!this.arena.view(L.mu).every(Number.isFinite)) throw new NumericalError(`bnn layer ${l} running mean`, step, 'NaN or Inf');
    });
  }
}
